/**
 * Provider settings of this till. Non-secret fields (app id, merchant id, reader id…), whether a
 * provider is enabled and its mode live in `payment_config`; keys and API secrets live only in the
 * secret store under `payments:<provider>:<name>`. The renderer sees secret names, never values.
 */
import type { PaymentMode, PaymentsConfigView, ProviderConfigView } from '../../shared/api/payments';
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import type { SecretStore } from '../secrets/secrets';
import type { SessionStaff } from '../sessions';
import { recordAudit } from '../audit/audit';
import { inTransaction } from '../db/open';
import { cachedStatement } from '../db/statements';
import type { Cols } from '../db/rows';
import type { paymentConfig } from '../db/schema';
import { AppError } from '../errors';
import { cloudLink } from '../sync/state';
import type { Gateways, PaymentGateway, ProviderId } from './gateway';

export type { Gateways };

export const PROVIDERS: readonly ProviderId[] = ['alipay', 'wechat', 'stripe'];
export const DEFAULT_CASHIER_TIMEOUT_SEC = 60;
/** How long one provider call may take before its answer counts as lost (the gateway's own timeout). */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 15_000;

/** What a gateway factory receives: everything the provider needs, secrets included (never logged). */
export interface ProviderGatewayConfig {
  provider: ProviderId;
  mode: PaymentMode;
  fields: Record<string, string>;
  secrets: Record<string, string>;
  /** Set in training mode: the loopback fake's URL. */
  baseUrl?: string;
  timeoutMs: number;
}

/** Builds each provider's gateway from its settings (the app plugs createAlipayGateway etc.; tests plug fakes). */
export type GatewayFactories = Partial<Record<ProviderId, (cfg: ProviderGatewayConfig) => PaymentGateway>>;

/**
 * Training mode: where the provider's training fake listens, or null when none runs. A fake signs
 * with keys of its own, so it may also hand the credentials the gateway needs to talk to it; they
 * replace the stored ones for training only.
 */
export type TrainingUrl = (
  provider: ProviderId,
) => string | { baseUrl: string; fields?: Record<string, string>; secrets?: Record<string, string> } | null;

interface StoredProvider {
  enabled: boolean;
  mode: PaymentMode;
  fields: Record<string, string>;
  /** Names of the secrets stored for this provider (the values are in the secret store). */
  secretNames: string[];
}

const EMPTY: StoredProvider = { enabled: false, mode: 'sandbox', fields: {}, secretNames: [] };

export const secretKey = (provider: ProviderId, name: string) => `payments:${provider}:${name}`;

export function readKey<T>(sqlite: Sqlite, key: string): T | null {
  const row = cachedStatement(sqlite, 'SELECT value FROM payment_config WHERE key = ?').get(key) as
    Cols<typeof paymentConfig, 'value'> | undefined;
  return row ? (JSON.parse(row.value) as T) : null;
}

export function writeKey(sqlite: Sqlite, key: string, value: unknown, now: number): void {
  sqlite
    .prepare(
      'INSERT INTO payment_config (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    .run(key, JSON.stringify(value), now);
}

export function readProvider(sqlite: Sqlite, provider: ProviderId): StoredProvider {
  return { ...EMPTY, ...(readKey<StoredProvider>(sqlite, `provider:${provider}`) ?? {}) };
}

export function cashierTimeoutSec(sqlite: Sqlite): number {
  return readKey<number>(sqlite, 'cashierTimeoutSec') ?? DEFAULT_CASHIER_TIMEOUT_SEC;
}

/** Whether the cloud of `storeId` got this provider's notice key at the last save. */
interface NoticeKeyState {
  storeId: string;
  sent: boolean;
}

export function setNoticeKeyState(sqlite: Sqlite, provider: ProviderId, state: NoticeKeyState, now: number): void {
  writeKey(sqlite, `noticeKey:${provider}`, state, now);
}

/** Null (left out of the view) off a cloud or for a provider that is off; pending until a save reached this store's cloud. */
function noticeKeyView(sqlite: Sqlite, provider: ProviderId, enabled: boolean): 'sent' | 'pending' | null {
  const link = cloudLink(sqlite);
  if (!link || !enabled) return null;
  const state = readKey<NoticeKeyState>(sqlite, `noticeKey:${provider}`);
  return state?.sent && state.storeId === link.storeId ? 'sent' : 'pending';
}

export function configView(deps: Pick<Deps, 'sqlite'>): PaymentsConfigView {
  const providers: ProviderConfigView[] = PROVIDERS.map((p) => {
    const s = readProvider(deps.sqlite, p);
    const noticeKey = noticeKeyView(deps.sqlite, p, s.enabled);
    return {
      provider: p,
      enabled: s.enabled,
      mode: s.mode,
      fields: { ...s.fields },
      secretsSet: [...s.secretNames].sort(),
      ...(noticeKey ? { noticeKey } : {}),
    };
  });
  return { providers, cashierTimeoutSec: cashierTimeoutSec(deps.sqlite) };
}

export interface SaveConfigInput {
  provider: ProviderId;
  enabled: boolean;
  mode: PaymentMode;
  fields: Record<string, string>;
  secrets?: Record<string, string> | undefined;
  cashierTimeoutSec?: number | undefined;
}

/**
 * Saves one provider's settings. Secrets go to the secret store first (absent: kept; empty:
 * removed), then the names stored and the other settings are committed with an audit row naming
 * what changed (never a value).
 */
export function saveConfig(deps: Deps, staff: SessionStaff, input: SaveConfigInput): PaymentsConfigView {
  const before = readProvider(deps.sqlite, input.provider);
  const names = new Set(before.secretNames);
  const changed: string[] = [];
  for (const [name, value] of Object.entries(input.secrets ?? {})) {
    if (value === '') {
      deps.secrets.delete(secretKey(input.provider, name));
      names.delete(name);
    } else {
      deps.secrets.set(secretKey(input.provider, name), value);
      names.add(name);
    }
    changed.push(name);
  }
  inTransaction(deps.sqlite, () => {
    const now = deps.clock();
    writeKey(
      deps.sqlite,
      `provider:${input.provider}`,
      { enabled: input.enabled, mode: input.mode, fields: input.fields, secretNames: [...names].sort() } satisfies StoredProvider,
      now,
    );
    if (input.cashierTimeoutSec !== undefined) writeKey(deps.sqlite, 'cashierTimeoutSec', input.cashierTimeoutSec, now);
    recordAudit(deps, {
      staffId: staff.id,
      action: 'payments.config',
      target: input.provider,
      details: {
        enabled: input.enabled,
        mode: input.mode,
        fields: Object.keys(input.fields).sort(),
        secretsChanged: changed.sort(),
        ...(input.cashierTimeoutSec !== undefined ? { cashierTimeoutSec: input.cashierTimeoutSec } : {}),
      },
      success: true,
    });
  });
  deps.gateways.invalidate();
  return configView(deps);
}

/** The settings a provider's gateway is built from, or null when it is disabled or training has no fake. */
export function gatewayConfig(
  sqlite: Sqlite,
  secrets: SecretStore,
  trainingUrl: TrainingUrl,
  provider: ProviderId,
): ProviderGatewayConfig | null {
  const s = readProvider(sqlite, provider);
  if (!s.enabled) return null;
  const values: Record<string, string> = {};
  for (const name of s.secretNames) {
    const v = secrets.get(secretKey(provider, name));
    if (v !== null) values[name] = v;
  }
  const cfg: ProviderGatewayConfig = {
    provider,
    mode: s.mode,
    fields: { ...s.fields },
    secrets: values,
    timeoutMs: DEFAULT_GATEWAY_TIMEOUT_MS,
  };
  if (s.mode === 'training') {
    const fake = trainingUrl(provider);
    if (!fake) return null;
    if (typeof fake === 'string') cfg.baseUrl = fake;
    else {
      cfg.baseUrl = fake.baseUrl;
      cfg.fields = { ...cfg.fields, ...fake.fields };
      cfg.secrets = { ...cfg.secrets, ...fake.secrets };
    }
  }
  return cfg;
}

/**
 * The `gateways` dependency: builds each provider's gateway from its settings through the injected
 * factories, once until the settings change. A factory that throws (credentials incomplete) makes
 * the provider unavailable rather than failing the till.
 */
/** Providers enabled in training mode: their fakes are started when the store opens. */
export function trainingProviders(sqlite: Sqlite): ProviderId[] {
  return PROVIDERS.filter((p) => {
    const s = readProvider(sqlite, p);
    return s.enabled && s.mode === 'training';
  });
}

export function createGateways(
  store: () => { sqlite: Sqlite; secrets: SecretStore },
  factories: GatewayFactories,
  trainingUrl: TrainingUrl,
): Gateways {
  const cache = new Map<ProviderId, PaymentGateway | null>();
  const get = ((provider: ProviderId) => {
    if (cache.has(provider)) return cache.get(provider)!;
    const factory = factories[provider];
    let gw: PaymentGateway | null = null;
    if (factory) {
      const { sqlite, secrets } = store();
      const cfg = gatewayConfig(sqlite, secrets, trainingUrl, provider);
      if (cfg) {
        try {
          gw = factory(cfg);
        } catch (err) {
          // The message may quote a key: only its class goes to the log.
          console.error(`[payments] the ${provider} gateway could not be built (${err instanceof Error ? err.name : 'error'})`);
          gw = null;
        }
      }
    }
    cache.set(provider, gw);
    return gw;
  }) as Gateways;
  get.invalidate = () => cache.clear();
  return get;
}

export function requireGateway(deps: Pick<Deps, 'gateways'>, provider: ProviderId): PaymentGateway {
  const gw = deps.gateways(provider);
  if (!gw) throw new AppError('UNAVAILABLE', `${provider} payments are not set up on this till`, { provider, reason: 'notSetUp' });
  return gw;
}
