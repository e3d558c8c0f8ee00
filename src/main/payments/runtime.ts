import type { ProviderId } from './gateway';

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
  opts: { notifyUrl?: (provider: ProviderId) => string | null; prepareTraining?: (provider: ProviderId) => Promise<void> } = {},
): TradeRuntime {
  const rt: TradeRuntime = {
    closed: false,
    driving: new Map(),
    refunding: new Map(),
    unreachableUntil: new Map(),
    notifyUrl: opts.notifyUrl ?? (() => null),
    prepareTraining: opts.prepareTraining ?? (() => Promise.resolve()),
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
