/**
 * Provider notifications through the cloud (a till sits behind NAT, the provider posts to the cloud):
 *
 * - a terminal registers each trade it starts that may be notified (its store, provider, number, amount);
 * - a signed-in admin sets the store's verification material per provider (never sent back);
 * - the provider's notification is verified with that material, then checked: the merchant it
 *   names is the store's, the trade is registered to that store, a paid amount is the registered
 *   amount. It is recorded once (provider + event id); anything refused is recorded with its reason
 *   in its own table and changes nothing;
 * - the store's tills read the verified notices after a cursor.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { TradeAnswer } from '../../main/payments/gateway';
import { paymentNoticeKeys, paymentNoticeRejections, paymentNotices, paymentTrades, stores } from '../db/schema';
import { sql } from '../db/open';
import { CloudHttpError, type CloudDeps } from '../deps';
import type { AuthDevice, AuthStaff } from '../tenancy';
import { merchantMatches, type NoticeVerifiers } from './verifiers';

export const PROVIDERS = ['alipay', 'wechat', 'stripe'] as const;
export type NoticeProvider = (typeof PROVIDERS)[number];

/** The till's own trade number: what every gateway sends as out_trade_no / metadata. */
const tradeNo = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a trade number');

export const registerTradeSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    tradeNo,
    amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
  })
  .strict();

export const noticeKeySchema = z
  .object({
    provider: z.enum(PROVIDERS),
    /** The app id / mch id / Stripe account the notices must name ('' for a direct Stripe account). */
    merchant: z.string().regex(/^[A-Za-z0-9_.-]{0,128}$/, 'a merchant id'),
    /**
     * A public key or certificate (PEM or base64), an API key, a webhook secret, or what a
     * provider's verifier reads (several of these as JSON): printable ASCII and line breaks.
     */
    material: z.string().regex(/^[\x20-\x7E\r\n]{1,16384}$/, 'a key, certificate or secret'),
  })
  .strict();

export interface CloudNotice {
  seq: number;
  provider: NoticeProvider;
  tradeNo: string;
  eventId: string;
  answer: TradeAnswer;
  receivedAt: number;
}

export interface NoticeKeyView {
  provider: NoticeProvider;
  merchant: string;
  updatedAt: number;
}

export interface NoticeRejectionView {
  id: string;
  provider: string;
  reason: string;
  message: string;
  eventId: string | null;
  tradeNo: string | null;
  receivedAt: number;
}

/** Records that a terminal started a trade the provider may notify about; the same again is a no-op. */
export async function registerTrade(deps: CloudDeps, device: AuthDevice, input: z.infer<typeof registerTradeSchema>): Promise<void> {
  const now = deps.clock();
  await deps.db
    .insert(paymentTrades)
    .values({
      orgId: device.orgId,
      storeId: device.storeId,
      provider: input.provider,
      tradeNo: input.tradeNo,
      amount: input.amount,
      currency: input.currency,
      deviceId: device.id,
      createdAt: now,
    })
    .onConflictDoNothing();
  const [row] = await deps.db
    .select()
    .from(paymentTrades)
    .where(
      and(eq(paymentTrades.storeId, device.storeId), eq(paymentTrades.provider, input.provider), eq(paymentTrades.tradeNo, input.tradeNo)),
    );
  // A trade number is registered once with its amount: another amount later is not the same trade.
  if (!row || row.amount !== input.amount || row.currency !== input.currency)
    throw new CloudHttpError(409, 'CONFLICT', 'This trade number is already registered with another amount');
}

/** An admin sets what verifies the store's notices from one provider. The material is never answered back. */
export async function setNoticeKey(
  deps: CloudDeps,
  verifiers: NoticeVerifiers,
  device: AuthDevice,
  who: AuthStaff,
  input: z.infer<typeof noticeKeySchema>,
): Promise<NoticeKeyView> {
  if (!verifiers[input.provider])
    throw new CloudHttpError(400, 'VALIDATION', `This cloud cannot verify ${input.provider} notifications yet`);
  const now = deps.clock();
  const values = { merchant: input.merchant, material: input.material, updatedBy: who.id, updatedAt: now };
  await deps.db
    .insert(paymentNoticeKeys)
    .values({ orgId: device.orgId, storeId: device.storeId, provider: input.provider, ...values })
    .onConflictDoUpdate({ target: [paymentNoticeKeys.storeId, paymentNoticeKeys.provider], set: values });
  return { provider: input.provider, merchant: input.merchant, updatedAt: now };
}

export async function listNoticeKeys(deps: CloudDeps, device: AuthDevice): Promise<NoticeKeyView[]> {
  const rows = await deps.db
    .select({ provider: paymentNoticeKeys.provider, merchant: paymentNoticeKeys.merchant, updatedAt: paymentNoticeKeys.updatedAt })
    .from(paymentNoticeKeys)
    .where(and(eq(paymentNoticeKeys.orgId, device.orgId), eq(paymentNoticeKeys.storeId, device.storeId)))
    .orderBy(asc(paymentNoticeKeys.provider));
  return rows.map((r) => ({ ...r, provider: r.provider as NoticeProvider }));
}

export type NotifyOutcome = { ok: true; duplicate: boolean } | { ok: false; reason: string; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks and records one notification for a store. Null when the path names no store or no
 * provider this cloud verifies (nothing is recorded: the path was made up).
 */
export async function receiveNotice(
  deps: CloudDeps,
  verifiers: NoticeVerifiers,
  provider: string,
  storeId: string,
  headers: Record<string, string>,
  rawBody: string,
): Promise<NotifyOutcome | null> {
  const verifier = (PROVIDERS as readonly string[]).includes(provider) ? verifiers[provider as NoticeProvider] : undefined;
  if (!verifier || !UUID.test(storeId)) return null;
  const [store] = await deps.db.select({ orgId: stores.orgId }).from(stores).where(eq(stores.id, storeId));
  if (!store) return null;
  const now = deps.clock();

  const refuse = async (reason: string, message: string, n?: { eventId?: string; tradeNo?: string }): Promise<NotifyOutcome> => {
    await deps.db.insert(paymentNoticeRejections).values({
      id: deps.ids(),
      orgId: store.orgId,
      storeId,
      provider,
      reason,
      message,
      eventId: n?.eventId?.slice(0, 200) ?? null,
      tradeNo: n?.tradeNo?.slice(0, 64) ?? null,
      body: rawBody.slice(0, 4096),
      receivedAt: now,
    });
    return { ok: false, reason, message };
  };

  const [key] = await deps.db
    .select()
    .from(paymentNoticeKeys)
    .where(and(eq(paymentNoticeKeys.storeId, storeId), eq(paymentNoticeKeys.provider, provider)));
  if (!key) return refuse('no_key', `No ${provider} notification key is set for this store`);

  let notice;
  try {
    notice = verifier.verify(key.material, headers, rawBody, now);
  } catch {
    notice = null;
  }
  if (!notice || notice.provider !== provider)
    return refuse(
      'bad_signature',
      'The notification does not verify with the store’s key, is too old, or is not a payment event this cloud uses',
    );
  const ids = { eventId: notice.eventId, tradeNo: notice.tradeNo };
  if (!merchantMatches(verifier, notice.merchant, key.merchant))
    return refuse('wrong_merchant', `The notification names merchant ${notice.merchant.slice(0, 64)}, not this store’s`, ids);
  if (!tradeNo.safeParse(notice.tradeNo).success || !notice.eventId)
    return refuse('bad_trade', 'The notification names no trade of ours', ids);
  const [trade] = await deps.db
    .select()
    .from(paymentTrades)
    .where(and(eq(paymentTrades.storeId, storeId), eq(paymentTrades.provider, provider), eq(paymentTrades.tradeNo, notice.tradeNo)));
  if (!trade) return refuse('unknown_trade', 'No terminal of this store registered this trade', ids);
  if (notice.answer.state === 'paid' && notice.answer.amount !== trade.amount)
    return refuse('amount_mismatch', `Paid ${notice.answer.amount}, but the trade is for ${trade.amount}`, ids);

  const inserted = await deps.db.transaction(async (tx) => {
    // One notice at a time per store, so sequence numbers commit in order and a till's cursor never skips one.
    await tx.execute(sql`SELECT id FROM stores WHERE id = ${storeId} FOR UPDATE`);
    return tx
      .insert(paymentNotices)
      .values({
        orgId: store.orgId,
        storeId,
        provider,
        eventId: notice.eventId,
        tradeNo: notice.tradeNo,
        answer: JSON.stringify(notice.answer),
        receivedAt: now,
      })
      .onConflictDoNothing()
      .returning({ seq: paymentNotices.seq });
  });
  return { ok: true, duplicate: inserted.length === 0 };
}

/** The store's verified notices after `after`, oldest first. */
export async function readNotices(
  deps: CloudDeps,
  device: AuthDevice,
  after: number,
  limit: number,
): Promise<{ notices: CloudNotice[]; cursor: number; more: boolean }> {
  const rows = await deps.db
    .select()
    .from(paymentNotices)
    .where(and(eq(paymentNotices.orgId, device.orgId), eq(paymentNotices.storeId, device.storeId), gt(paymentNotices.seq, after)))
    .orderBy(asc(paymentNotices.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    notices: page.map((r) => ({
      seq: r.seq,
      provider: r.provider as NoticeProvider,
      tradeNo: r.tradeNo,
      eventId: r.eventId,
      answer: JSON.parse(r.answer) as TradeAnswer,
      receivedAt: r.receivedAt,
    })),
    cursor: page.length ? page[page.length - 1]!.seq : after,
    more: rows.length > limit,
  };
}

export async function listNoticeRejections(deps: CloudDeps, device: AuthDevice, limit = 200): Promise<NoticeRejectionView[]> {
  const rows = await deps.db
    .select()
    .from(paymentNoticeRejections)
    .where(and(eq(paymentNoticeRejections.orgId, device.orgId), eq(paymentNoticeRejections.storeId, device.storeId)))
    .orderBy(sql`${paymentNoticeRejections.receivedAt} DESC`)
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider,
    reason: r.reason,
    message: r.message,
    eventId: r.eventId,
    tradeNo: r.tradeNo,
    receivedAt: r.receivedAt,
  }));
}
