/**
 * Coupons at the till: a code on the open sale, its redemption written with the sale, its release
 * when the whole sale comes back, and the conflicts found when other tills' redemptions arrive.
 *
 * Single use across tills (see docs/architecture.md, "Coupons across tills"): a till that has
 * synced within `COUPON_FRESH_MS` refuses a code any redemption it holds has used; a till that has
 * not (or cannot reach the cloud) may still redeem, up to the per-till offline cap, and marks each
 * such redemption offline. A double use that slipped through is found when the ledger is pulled.
 */
import type { Cart, CartCoupon } from '../../shared/api/types';
import type { CouponPolicy } from '../../shared/api/coupons';
import { formatCode, parseCode } from '../../shared/coupons/code';
import type { CouponCampaign } from '../../shared/coupons/rules';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { cachedStatement } from '../db/statements';
import { readSettings, writeSettings } from '../settings/settings';
import { engineFor } from '../sync/service';
import type { SessionStaff } from '../sessions';
import { assertNoCardInFlight, loadCart, openCartId } from '../sales/cart';
import { COUPON_SQL, findCampaign } from './campaigns';
import type { Cols, SqlRow } from '../db/rows';
import type { cartCoupons, carts, couponCodes, couponRedemptions } from '../db/schema';

type RedemptionCol = SqlRow<typeof couponRedemptions>;
/** CART_HEAD_SQL */
type CartHead = { customerId: SqlRow<typeof carts>['customer_id'] };

/** A till that has not synced for this long cannot know the other tills' redemptions. */
export const COUPON_FRESH_MS = 5 * 60_000;
export const DEFAULT_COUPON_OFFLINE_CAP = 20;
const CAP_KEY = 'couponOfflineCap';

function fail(code: 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'DECLINED', reason: string, message: string, extra: object = {}): never {
  throw new AppError(code, message, { messageKey: `coupons.err.${reason}`, reason, ...extra });
}

export function readOfflineCap(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): number {
  const v = (readSettings(deps) as unknown as Record<string, unknown>)[CAP_KEY];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : DEFAULT_COUPON_OFFLINE_CAP;
}

/**
 * Offline for coupons: connected to a cloud but the last attempt failed, or the last full sync is
 * older than `COUPON_FRESH_MS`. A till with no cloud is the only till: it knows every redemption.
 */
export function couponsOffline(deps: Pick<Deps, 'sqlite' | 'clock' | 'sync'>): boolean {
  const engine = engineFor(deps);
  if (!engine) return false;
  const s = engine.status();
  if (!s.enrolled) return false;
  if (!s.online || s.lastSyncAt === null) return true;
  return deps.clock() - s.lastSyncAt > COUPON_FRESH_MS;
}

/** Limited redemptions this till made offline that the cloud has not received yet (this offline period's). */
function offlineHeld(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): number {
  return cachedStatement(
    deps.sqlite,
    `SELECT COUNT(*) FROM coupon_redemptions r JOIN coupon_campaigns c ON c.id = r.campaign_id
     WHERE r.terminal_code = ? AND r.offline = 1 AND r.kind = 'redeem' AND (c.mode = 'batch' OR c.max_uses IS NOT NULL
       OR json_extract(c.conditions, '$.usesPerCustomer') IS NOT NULL)
       AND EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'coupon_redemption' AND o.entity_id = r.id)`,
  )
    .pluck()
    .get(deps.terminalCode) as number;
}

export function couponPolicy(deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'terminalCode' | 'sync' | 'settingsCache'>): CouponPolicy {
  return {
    offlineCap: readOfflineCap(deps),
    freshMinutes: COUPON_FRESH_MS / 60_000,
    offlineHeld: offlineHeld(deps),
    offline: couponsOffline(deps),
  };
}

export function setCouponPolicy(deps: Deps, input: { offlineCap: number }, staffId: string): CouponPolicy {
  const before = readOfflineCap(deps);
  writeSettings(deps, { [CAP_KEY]: input.offlineCap } as never);
  recordAudit(deps, { staffId, action: 'coupon.policy', details: { offlineCap: { from: before, to: input.offlineCap } }, success: true });
  return couponPolicy(deps);
}

function limited(c: CouponCampaign): boolean {
  return c.mode === 'batch' || c.maxUses !== null || c.conditions.usesPerCustomer !== undefined;
}

/**
 * Refuses a code this sale cannot use: used up (as far as this till knows), this customer's uses
 * spent, or — offline — this till's offline cap reached. Answers whether the use is made offline.
 */
function assertUsable(deps: Deps, campaign: CouponCampaign, code: string, customerId: string | null): boolean {
  if (campaign.mode === 'batch') {
    const live = cachedStatement(deps.sqlite, COUPON_SQL.liveOfCode).pluck().get(code) as number;
    if (live > 0) fail('CONFLICT', 'used', 'This coupon has already been used');
  } else if (campaign.maxUses !== null) {
    const live = cachedStatement(deps.sqlite, COUPON_SQL.liveOfCampaign).pluck().get(campaign.id) as number;
    if (live >= campaign.maxUses) fail('CONFLICT', 'usedUp', 'This coupon has been used as often as it may be', { max: campaign.maxUses });
  }
  const perCustomer = campaign.conditions.usesPerCustomer;
  if (perCustomer !== undefined) {
    if (!customerId) fail('VALIDATION', 'needsCustomer', 'This coupon needs a customer on the sale');
    const live = cachedStatement(deps.sqlite, COUPON_SQL.liveOfCustomer).pluck().get(campaign.id, customerId) as number;
    if (live >= perCustomer)
      fail('CONFLICT', 'customerLimit', 'This customer has used this coupon as often as it allows', { max: perCustomer });
  }
  const offline = couponsOffline(deps);
  if (offline && limited(campaign)) {
    const cap = readOfflineCap(deps);
    if (offlineHeld(deps) >= cap) fail('DECLINED', 'offlineCap', 'This till cannot take more coupons until it reconnects', { max: cap });
  }
  return offline;
}

const REFUSAL_MESSAGES: Record<NonNullable<CartCoupon['refusal']>, string> = {
  inactive: 'This coupon campaign is paused',
  notYetValid: 'This coupon is not valid yet',
  expired: 'This coupon has expired',
  nothingEligible: 'Nothing in this sale is eligible for this coupon',
  minSpend: 'This sale does not reach the coupon’s minimum spend',
};

function refuse(coupon: CartCoupon, currency: string): never {
  const reason = coupon.refusal!;
  fail('VALIDATION', reason, REFUSAL_MESSAGES[reason], {
    code: coupon.code,
    ...(coupon.minSpend !== null ? { money: { minSpend: coupon.minSpend }, currency } : {}),
  });
}

const CART_HEAD_SQL = 'SELECT customer_id AS customerId FROM carts WHERE id = ?';

/** Puts a code on the open sale. Any refusal throws: the router rolls back, the sale stays as it was. */
export function applyCoupon(deps: Deps, _staff: SessionStaff, input: { code: string }): Cart {
  const code = parseCode(input.code);
  if (!code) fail('VALIDATION', 'invalid', 'That is not a valid coupon code');
  const cartId = openCartId(deps);
  const before = cartId ? loadCart(deps, cartId) : null;
  if (!cartId || !before || before.lines.length === 0) fail('VALIDATION', 'emptySale', 'Scan the items before the coupon');
  assertNoCardInFlight(deps, cartId, 'reduce');
  if (before.coupon) {
    if (before.coupon.code === formatCode(code)) return before;
    fail('CONFLICT', 'oneOnly', 'This sale already has a coupon: remove it first');
  }
  const known = cachedStatement(deps.sqlite, COUPON_SQL.code).get(code) as
    (Cols<typeof couponCodes, 'code'> & { campaignId: SqlRow<typeof couponCodes>['campaign_id'] }) | undefined;
  const campaign = known ? findCampaign(deps, known.campaignId) : null;
  if (!known || !campaign) fail('NOT_FOUND', 'unknown', 'There is no coupon with this code');
  const customerId = (cachedStatement(deps.sqlite, CART_HEAD_SQL).get(cartId) as CartHead).customerId;
  assertUsable(deps, campaign, code, customerId);
  deps.sqlite
    .prepare('INSERT INTO cart_coupons (cart_id, campaign_id, code, staff_id, added_at) VALUES (?, ?, ?, ?, ?)')
    .run(cartId, campaign.id, code, _staff.id, deps.clock());
  deps.sqlite.prepare('UPDATE carts SET updated_at = ? WHERE id = ?').run(deps.clock(), cartId);
  const after = loadCart(deps, cartId);
  if (after.coupon?.refusal) refuse(after.coupon, after.currency);
  return after;
}

export function removeCoupon(deps: Deps): Cart {
  const cartId = openCartId(deps);
  if (cartId) {
    assertNoCardInFlight(deps, cartId, 'reduce');
    deps.sqlite.prepare('DELETE FROM cart_coupons WHERE cart_id = ?').run(cartId);
  }
  return loadCart(deps);
}

/**
 * Called by completeSale inside its transaction, after the order is written: the sale's coupon
 * becomes a redemption (checked again: another sale may have used the code since it was applied).
 * Throwing rolls the whole sale back.
 */
export function redeemCartCoupon(deps: Deps, staff: SessionStaff, sale: { orderId: string; cartId: string; cart: Cart }): void {
  const row = cachedStatement(deps.sqlite, 'SELECT campaign_id AS campaignId, code FROM cart_coupons WHERE cart_id = ?').get(
    sale.cartId,
  ) as (Cols<typeof cartCoupons, 'code'> & { campaignId: SqlRow<typeof cartCoupons>['campaign_id'] }) | undefined;
  if (!row) return;
  const coupon = sale.cart.coupon;
  if (!coupon) return;
  if (coupon.refusal) refuse(coupon, sale.cart.currency);
  const campaign = findCampaign(deps, row.campaignId);
  if (!campaign) fail('NOT_FOUND', 'unknown', 'There is no coupon with this code');
  const customerId = (cachedStatement(deps.sqlite, CART_HEAD_SQL).get(sale.cartId) as CartHead).customerId;
  const offline = assertUsable(deps, campaign, row.code, customerId);
  const id = deps.ids();
  cachedStatement(
    deps.sqlite,
    `INSERT INTO coupon_redemptions (id, campaign_id, code, kind, reverses_id, order_id, customer_id, terminal_code, staff_id, amount, offline, created_at)
     VALUES (?, ?, ?, 'redeem', NULL, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, campaign.id, row.code, sale.orderId, customerId, deps.terminalCode, staff.id, coupon.amount, offline ? 1 : 0, deps.clock());
  // The completed cart no longer needs it: the ledger row is the record.
  cachedStatement(deps.sqlite, 'DELETE FROM cart_coupons WHERE cart_id = ?').run(sale.cartId);
}

/**
 * The release rule: a coupon's use comes back only when the WHOLE sale has come back (every unit of
 * every line refunded, in one return or several). A partial return keeps the use: the coupon's
 * discount already leaves pro rata with the returned units (see shared/promotions/returns.ts).
 * Each live redemption of the sale gets one `release` entry; the ledger itself is never edited.
 */
export function releaseCouponsOnReturn(deps: Deps, staff: SessionStaff, orderId: string | null): void {
  if (!orderId) return;
  const open = deps.sqlite
    .prepare(
      `SELECT COUNT(*) FROM order_lines ol WHERE ol.order_id = ? AND ol.qty > COALESCE(
         (SELECT SUM(rl.qty) FROM refund_lines rl WHERE rl.order_line_id = ol.id), 0)`,
    )
    .pluck()
    .get(orderId) as number;
  if (open > 0) return;
  const live = deps.sqlite
    .prepare(
      `SELECT id, campaign_id AS campaignId, code, customer_id AS customerId, amount FROM coupon_redemptions r
       WHERE r.order_id = ? AND r.kind = 'redeem' AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)`,
    )
    .all(orderId) as (Cols<typeof couponRedemptions, 'id' | 'code' | 'amount'> & {
    campaignId: RedemptionCol['campaign_id'];
    customerId: RedemptionCol['customer_id'];
  })[];
  const offline = live.length > 0 && couponsOffline(deps);
  for (const r of live) {
    const id = deps.ids();
    deps.sqlite
      .prepare(
        `INSERT INTO coupon_redemptions (id, campaign_id, code, kind, reverses_id, order_id, customer_id, terminal_code, staff_id, amount, offline, created_at)
         VALUES (?, ?, ?, 'release', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, r.campaignId, r.code, r.id, orderId, r.customerId, deps.terminalCode, staff.id, -r.amount, offline ? 1 : 0, deps.clock());
  }
}
