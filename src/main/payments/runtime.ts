import type { CloudLink } from '../sync/state';
import type { SyncTransport } from '../sync/transport';
import type { ProviderId } from './gateway';

/** How this till reaches its cloud: kept here, with the runtime that uses it, so Deps' types stay a leaf. */
export interface CloudAccess {
  transport: SyncTransport;
  link: CloudLink;
  token: string;
}

/** The notify URL a provider is given for this store (Alipay notify_url, WeChat notify_url, a Stripe webhook endpoint). */
export function notifyUrl(link: Pick<CloudLink, 'serverUrl' | 'storeId'>, provider: ProviderId): string {
  return `${link.serverUrl.replace(/\/+$/, '')}/v1/payments/notify/${provider}/${link.storeId}`;
}

/** The cloud this till reports trades to, and whether the last exchange with it succeeded. */
export interface TradeCloud {
  access: CloudAccess;
  online: boolean;
}

/**
 * The long-lived state of payments for one open store, created with it and stopped before its
 * database closes: which trades and refunds are being driven now (so two loops never drive the same
 * one), which providers were found unreachable a moment ago, and the reconciler's timer.
 */
export interface TradeRuntime {
  /** Set when the store closes: loops stop before their next write. */
  closed: boolean;
  driving: Map<string, Promise<void>>;
  refunding: Map<string, Promise<void>>;
  /** Provider → clock time until which it counts as unreachable (a connection refused, no DNS). */
  unreachableUntil: Map<ProviderId, number>;
  /** Where providers send asynchronous notifications for QR trades (the cloud), or null: the till polls. */
  notifyUrl: (provider: ProviderId) => string | null;
  /** Starts the provider's training fake (training mode); resolves once it listens. */
  prepareTraining: (provider: ProviderId) => Promise<void>;
  /** The cloud that relays notifications to this till, or null (not linked, or its token is not here). */
  cloud: () => TradeCloud | null;
  /** Runs a reconciler pass soon (after the current transaction commits). */
  kick(): void;
  /** Set by the reconciler when it starts. */
  onKick: (() => void) | null;
  stop(): void;
  onStop: (() => void)[];
}

/** How long a provider that refused a connection counts as unreachable before the till tries again. */
export const UNREACHABLE_MS = 30_000;

export function createTradeRuntime(
  opts: {
    notifyUrl?: (provider: ProviderId) => string | null;
    prepareTraining?: (provider: ProviderId) => Promise<void>;
    cloud?: () => TradeCloud | null;
  } = {},
): TradeRuntime {
  const rt: TradeRuntime = {
    closed: false,
    driving: new Map(),
    refunding: new Map(),
    unreachableUntil: new Map(),
    prepareTraining: opts.prepareTraining ?? (() => Promise.resolve()),
    // A linked till's providers notify its cloud's endpoint for this store.
    notifyUrl:
      opts.notifyUrl ??
      ((provider) => {
        const c = rt.cloud();
        return c ? notifyUrl(c.access.link, provider) : null;
      }),
    cloud: opts.cloud ?? (() => null),
    onKick: null,
    kick() {
      if (rt.closed || !rt.onKick) return;
      const run = rt.onKick;
      setImmediate(() => {
        if (!rt.closed) run();
      });
    },
    onStop: [],
    stop() {
      rt.closed = true;
      for (const f of rt.onStop.splice(0)) f();
    },
  };
  return rt;
}
