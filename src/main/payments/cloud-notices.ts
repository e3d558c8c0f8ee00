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
import type { SecretStore } from '../secrets/secrets';
import type { Sqlite } from '../db/open';
import { cloudLink, deviceToken, type CloudLink } from '../sync/state';
import { CloudCallError, type SyncTransport } from '../sync/transport';
import type { ProviderId, TradeAnswer } from './gateway';

export interface CloudAccess {
  transport: SyncTransport;
  link: CloudLink;
  token: string;
}

/** The cloud this terminal speaks to, or null when it is not linked or this machine lacks its token. */
export function cloudAccess(deps: { sqlite: Sqlite; secrets: SecretStore }, transport: SyncTransport): CloudAccess | null {
  const link = cloudLink(deps.sqlite);
  const token = link ? deviceToken(deps.secrets, link) : null;
  return link && token ? { transport, link, token } : null;
}

/** The notify URL a provider is given for this store (Alipay notify_url, WeChat notify_url, a Stripe webhook endpoint). */
export function notifyUrl(link: Pick<CloudLink, 'serverUrl' | 'storeId'>, provider: ProviderId): string {
  return `${link.serverUrl.replace(/\/+$/, '')}/v1/payments/notify/${provider}/${link.storeId}`;
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

async function call(cx: CloudAccess, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await cx.transport.request(cx.link.serverUrl, { method, path, body, token: cx.token });
  if (res.status >= 200 && res.status < 300) return res.body;
  const b = (res.body ?? {}) as { error?: { code?: string; message?: string } };
  throw new CloudCallError(res.status, b.error?.code ?? `HTTP_${res.status}`, b.error?.message ?? `The cloud answered HTTP ${res.status}`);
}

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
