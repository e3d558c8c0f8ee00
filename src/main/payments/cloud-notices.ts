/**
 * The till's side of provider notifications through the cloud: it registers each trade the
 * provider may notify about, and pulls the verified notices of its store after a cursor. It speaks
 * as this terminal with the device token the sync client uses (kept in the secret store); without
 * a cloud link or token there is no cloud to ask, and the till polls the provider instead.
 *
 * What comes back from the wire is checked again here: a notice is used only if it has exactly the
 * shape the cloud writes.
 */
import { z } from 'zod';
import type { Deps } from '../deps';
import type { SecretStore } from '../secrets/secrets';
import type { Sqlite } from '../db/open';
import { inTransaction } from '../db/open';
import { recordAudit } from '../audit/audit';
import type { SessionStaff } from '../sessions';
import { withStaff } from '../sync/cloud';
import type { CloudSignIns, SyncService } from '../sync/service';
import { cloudLink, deviceToken } from '../sync/state';
import { CloudCallError, type CloudClient, type SyncTransport } from '../sync/transport';
import { readProvider, secretKey, setNoticeKeyState } from './config';
import type { ProviderId, TradeAnswer } from './gateway';
import { notifyUrl, type CloudAccess, type TradeCloud, type TradeRuntime } from './runtime';

export { notifyUrl, type CloudAccess };

/** The cloud this terminal speaks to, or null when it is not linked or this machine lacks its token. */
export function cloudAccess(deps: { sqlite: Sqlite; secrets: SecretStore }, transport: SyncTransport): CloudAccess | null {
  const link = cloudLink(deps.sqlite);
  const token = link ? deviceToken(deps.secrets, link) : null;
  return link && token ? { transport, link, token } : null;
}

/** The cloud as the trade runtime sees it: this till's access, and whether the sync engine reached it last time. */
export function tillCloud(deps: { sqlite: Sqlite; secrets: SecretStore }, engine: SyncService | undefined): TradeCloud | null {
  const access = engine ? cloudAccess(deps, engine.transport) : null;
  return access && engine ? { access, online: !engine.isOffline() } : null;
}

const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const word = z.string().max(500);
const answerSchema: z.ZodType<TradeAnswer> = z.discriminatedUnion('state', [
  z
    .object({
      state: z.literal('paid'),
      providerRef: z.string().max(200),
      amount: minor,
      buyer: z.string().max(64).nullable(),
      brand: z.string().max(40).nullable(),
    })
    .strict(),
  z.object({ state: z.literal('waiting'), providerRef: z.string().max(200).nullable().optional() }).strict(),
  z.object({ state: z.literal('failed'), code: word, message: word }).strict(),
  z.object({ state: z.literal('closed'), code: word.optional(), message: word.optional() }).strict(),
  z.object({ state: z.literal('not_found') }).strict(),
  z.object({ state: z.literal('unknown'), code: word, message: word }).strict(),
]) as z.ZodType<TradeAnswer>;

const noticeSchema = z
  .object({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    provider: z.enum(['alipay', 'wechat', 'stripe']),
    tradeNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    eventId: z.string().min(1).max(200),
    answer: answerSchema,
    receivedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

const pageSchema = z
  .object({ notices: z.array(noticeSchema).max(1000), cursor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), more: z.boolean() })
  .strict();

export type CloudNotice = z.infer<typeof noticeSchema>;
export type NoticePage = z.infer<typeof pageSchema>;

async function request(
  to: { transport: SyncTransport; baseUrl: string; token: string | null },
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  staffToken?: string,
): Promise<unknown> {
  const res = await to.transport.request(to.baseUrl, { method, path, body, token: to.token, staffToken: staffToken ?? null });
  if (res.status >= 200 && res.status < 300) return res.body;
  const b = (res.body ?? {}) as { error?: { code?: string; message?: string } };
  throw new CloudCallError(res.status, b.error?.code ?? `HTTP_${res.status}`, b.error?.message ?? `The cloud answered HTTP ${res.status}`);
}

const call = (cx: CloudAccess, method: 'GET' | 'POST', path: string, body?: unknown) =>
  request({ transport: cx.transport, baseUrl: cx.link.serverUrl, token: cx.token }, method, path, body);

/**
 * Tells the cloud this store started a trade the provider may notify about, so it accepts the
 * notice for it (and checks its amount). Call before the provider is asked; the same trade again is
 * harmless. Throws NetworkError / CloudCallError: the caller then relies on polling.
 */
export async function registerTrade(
  cx: CloudAccess,
  trade: { provider: ProviderId; tradeNo: string; amount: number; currency: string },
): Promise<void> {
  await call(cx, 'POST', '/v1/payments/trades', {
    provider: trade.provider,
    tradeNo: trade.tradeNo,
    amount: trade.amount,
    currency: trade.currency.toUpperCase(),
  });
}

/** The store's verified notices after `after` (the cursor of the last page read), oldest first. */
export async function fetchNotices(cx: CloudAccess, after: number, limit = 100): Promise<NoticePage> {
  const body = await call(cx, 'GET', `/v1/payments/notices?after=${Math.max(0, Math.floor(after))}&limit=${limit}`);
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success) throw new CloudCallError(200, 'BAD_ANSWER', 'The cloud answered notices in a shape this till does not use');
  const page = parsed.data;
  // Each notice once per cursor: only notices past the cursor, in order, and the cursor never goes back.
  if (page.cursor < after || page.notices.some((n, i) => n.seq <= after || (i > 0 && n.seq <= page.notices[i - 1]!.seq)))
    throw new CloudCallError(200, 'BAD_ANSWER', 'The cloud answered notices out of order');
  return page;
}

/** How long the clerk waits for the cloud before a trade goes ahead without notifications (the till polls). */
export const REGISTER_TIMEOUT_MS = 3_000;
/** How long an admin's save waits for the cloud to take the notice key. */
export const NOTICE_KEY_TIMEOUT_MS = 5_000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CloudCallError(0, 'TIMEOUT', 'The cloud did not answer in time')), ms);
    timer.unref?.();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Before a QR or terminal trade's first provider call: tells the cloud about it, so the provider's
 * notification is accepted there. Best effort: answers the notify URL to give the provider, null
 * when the cloud is known offline or did not take the trade in time (the provider would notify a
 * cloud that refuses it; the till polls the provider anyway). Off a cloud, the runtime's own URL.
 */
export async function announceTrade(
  rt: Pick<TradeRuntime, 'cloud' | 'notifyUrl'>,
  trade: { provider: ProviderId; tradeNo: string; amount: number; currency: string },
  timeoutMs = REGISTER_TIMEOUT_MS,
): Promise<string | null> {
  const cloud = rt.cloud();
  if (!cloud) return rt.notifyUrl(trade.provider);
  if (!cloud.online) return null;
  try {
    await within(registerTrade(cloud.access, trade), timeoutMs);
  } catch {
    return null;
  }
  return rt.notifyUrl(trade.provider);
}

export interface NoticeKey {
  provider: ProviderId;
  /** The merchant the provider's notifications name: app id, sub-merchant or merchant id, Stripe account. */
  merchant: string;
  /** What the cloud's verifier reads (never logged, never answered back). */
  material: string;
}

/**
 * What verifies a provider's notifications at the cloud, from the settings saved here: Alipay
 * `{ appId, alipayPublicKey | alipayPublicCert }`, WeChat Pay `{ appId, mchId, subMchId?, apiKey }`,
 * Stripe the webhook signing secret. Null when the settings lack a part of it.
 */
export function noticeKeyOf(provider: ProviderId, fields: Record<string, string>, secrets: Record<string, string>): NoticeKey | null {
  const f = (k: string) => fields[k]?.trim() || undefined;
  // Keys go as saved (a PEM keeps its line breaks); blank counts as missing.
  const s = (k: string) => (secrets[k]?.trim() ? secrets[k] : undefined);
  if (provider === 'alipay') {
    const appId = f('appId');
    const cert = f('keyMode') === 'cert';
    const key = cert ? s('alipayPublicCert') : s('alipayPublicKey');
    if (!appId || !key) return null;
    return {
      provider,
      merchant: appId,
      material: JSON.stringify(cert ? { appId, alipayPublicCert: key } : { appId, alipayPublicKey: key }),
    };
  }
  if (provider === 'wechat') {
    const appId = f('appId');
    const mchId = f('mchId');
    const subMchId = f('subMchId');
    const apiKey = s('apiKey');
    if (!appId || !mchId || !apiKey) return null;
    return {
      provider,
      merchant: subMchId ?? mchId,
      material: JSON.stringify({ appId, mchId, ...(subMchId ? { subMchId } : {}), apiKey }),
    };
  }
  const webhookSecret = s('webhookSecret');
  return webhookSecret ? { provider, merchant: f('account') ?? '', material: webhookSecret } : null;
}

/** Sets the store's notice key at the cloud (an admin's cloud session: the cloud re-checks the role). */
export async function putNoticeKey(client: CloudClient, staffToken: string, key: NoticeKey): Promise<void> {
  await request(client, 'PUT', '/v1/payments/notice-keys', key, staffToken);
}

/** Sends a notice key as the admin deciding it; throws when it cannot now (offline, no cloud sign-in). */
export type NoticeKeySender = (key: NoticeKey) => Promise<void>;

/** The sender for `staff` on router session `sessionKey`; null when this till has no cloud. */
export function noticeKeySender(
  deps: Deps,
  engine: SyncService,
  sessions: CloudSignIns,
  sessionKey: string,
  staff: SessionStaff,
): NoticeKeySender | null {
  if (!cloudLink(deps.sqlite)) return null;
  return async (key) => {
    if (engine.isOffline()) throw new CloudCallError(0, 'OFFLINE', 'The cloud cannot be reached');
    await within(
      withStaff(deps, engine, sessions, sessionKey, staff, (client, token) => putNoticeKey(client, token, key)),
      NOTICE_KEY_TIMEOUT_MS,
    );
  };
}

/**
 * After an admin saved a provider's settings on a linked till: gives its cloud what verifies the
 * provider's notifications. The save stands whatever happens here; when the key cannot reach the
 * cloud now, the config view says so (`pending`) and the admin saves again later.
 */
export async function publishNoticeKey(deps: Deps, staff: SessionStaff, provider: ProviderId, send: NoticeKeySender | null): Promise<void> {
  const link = cloudLink(deps.sqlite);
  const stored = readProvider(deps.sqlite, provider);
  if (!send || !link || !stored.enabled) return;
  const secrets: Record<string, string> = {};
  for (const name of stored.secretNames) {
    const v = deps.secrets.get(secretKey(provider, name));
    if (v !== null) secrets[name] = v;
  }
  const key = noticeKeyOf(provider, stored.fields, secrets);
  let reason: string | null = key ? null : 'incomplete';
  if (key) {
    try {
      await send(key);
    } catch (err) {
      const e = err as { code?: unknown; details?: { cloud?: unknown; messageKey?: unknown } } | null;
      // Only a code: the material must never reach a log or the audit.
      const code = e?.details?.cloud ?? e?.details?.messageKey ?? e?.code;
      reason = typeof code === 'string' ? code.slice(0, 60) : 'ERROR';
    }
  }
  if (deps.trades.closed) return;
  inTransaction(deps.sqlite, () => {
    setNoticeKeyState(deps.sqlite, provider, { storeId: link.storeId, sent: reason === null }, deps.clock());
    recordAudit(deps, {
      staffId: staff.id,
      action: 'payments.noticeKey',
      target: provider,
      details: reason === null ? { merchant: key!.merchant } : { reason },
      success: reason === null,
    });
  });
}
