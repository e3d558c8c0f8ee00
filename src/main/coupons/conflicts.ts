/**
 * Conflicts: a single-use code with more than one live redemption, found when another till's
 * redemption is pulled (sync/hooks.ts), recorded once per extra use, audited, listed for managers.
 * Kept apart from the till's redemption code so the sync hooks import nothing of the cart.
 */
import type { CouponConflict, CouponUse } from '../../shared/api/coupons';
import { formatCode } from '../../shared/coupons/code';
import type { Deps } from '../deps';
import { recordAudit } from '../audit/audit';
import { cachedStatement } from '../db/statements';
import type { Cols, SqlRow } from '../db/rows';
import type { couponCampaigns, couponConflicts, couponRedemptions, orders, staff } from '../db/schema';

type RedemptionCol = SqlRow<typeof couponRedemptions>;
type ConflictCol = SqlRow<typeof couponConflicts>;

/** A live use of a code, as the detection reads it. */
type LiveUse = Cols<typeof couponRedemptions, 'id' | 'amount' | 'offline'> & {
  orderId: RedemptionCol['order_id'];
  terminalCode: RedemptionCol['terminal_code'];
  staffId: RedemptionCol['staff_id'];
  at: RedemptionCol['created_at'];
};

/**
 * After a redemption from another till lands: when its code is single-use and now has more than
 * one live redemption, every one but the earliest (by time, then id: the same on every till) is
 * recorded as a conflict and audited once on this till.
 */
export function detectCouponConflicts(deps: Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'terminalCode'>, redemptionId: string): void {
  const r = cachedStatement(
    deps.sqlite,
    `SELECT r.code, c.mode FROM coupon_redemptions r JOIN coupon_campaigns c ON c.id = r.campaign_id WHERE r.id = ?`,
  ).get(redemptionId) as (Cols<typeof couponRedemptions, 'code'> & Cols<typeof couponCampaigns, 'mode'>) | undefined;
  if (!r || r.mode !== 'batch') return;
  const uses = cachedStatement(
    deps.sqlite,
    `SELECT id, order_id AS orderId, terminal_code AS terminalCode, staff_id AS staffId, amount, offline, created_at AS at
     FROM coupon_redemptions r WHERE r.code = ? AND r.kind = 'redeem'
       AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)
     ORDER BY created_at, id`,
  ).all(r.code) as LiveUse[];
  if (uses.length < 2) return;
  const kept = uses[0]!;
  const known = cachedStatement(deps.sqlite, 'SELECT kept_id FROM coupon_conflicts WHERE redemption_id = ?').pluck();
  const insert = cachedStatement(
    deps.sqlite,
    'INSERT INTO coupon_conflicts (redemption_id, code, kept_id, detected_at) VALUES (?, ?, ?, ?)',
  );
  // Uses arrive in any order: an earlier use pulled later becomes the one that stands everywhere.
  const rekeep = cachedStatement(deps.sqlite, 'UPDATE coupon_conflicts SET kept_id = ? WHERE redemption_id = ?');
  for (const extra of uses.slice(1)) {
    const was = known.get(extra.id) as ConflictCol['kept_id'] | undefined;
    if (was !== undefined) {
      if (was !== kept.id) rekeep.run(kept.id, extra.id);
      continue;
    }
    insert.run(extra.id, r.code, kept.id, deps.clock());
    recordAudit(deps, {
      staffId: null,
      action: 'coupon.conflict',
      target: r.code,
      details: {
        code: formatCode(r.code),
        amount: extra.amount,
        kept: { orderId: kept.orderId, terminal: kept.terminalCode, staffId: kept.staffId, at: kept.at, offline: kept.offline === 1 },
        extra: { orderId: extra.orderId, terminal: extra.terminalCode, staffId: extra.staffId, at: extra.at, offline: extra.offline === 1 },
      },
      success: false,
    });
  }
}

/** USE_SQL */
type UseRow = LiveUse & { orderNumber: SqlRow<typeof orders>['number'] | null; staffName: SqlRow<typeof staff>['name'] | null };

const USE_SQL = `SELECT r.id, r.order_id AS orderId, o.number AS orderNumber, r.terminal_code AS terminalCode, r.staff_id AS staffId,
                        s.name AS staffName, r.created_at AS at, r.amount, r.offline
                 FROM coupon_redemptions r LEFT JOIN orders o ON o.id = r.order_id LEFT JOIN staff s ON s.id = r.staff_id
                 WHERE r.id = ?`;

function toUse(u: UseRow): CouponUse {
  return {
    redemptionId: u.id,
    orderId: u.orderId,
    orderNumber: u.orderNumber,
    terminalCode: u.terminalCode,
    staffId: u.staffId,
    staffName: u.staffName,
    at: u.at,
    amount: u.amount,
    offline: u.offline === 1,
  };
}

/** Every recorded conflict, newest first, with both sales (order numbers where this till has the sale). */
export function listConflicts(deps: Pick<Deps, 'sqlite'>): CouponConflict[] {
  const rows = deps.sqlite
    .prepare(
      `SELECT k.redemption_id AS extraId, k.kept_id AS keptId, k.code, k.detected_at AS detectedAt, r.campaign_id AS campaignId,
              COALESCE(c.name, '') AS campaignName
       FROM coupon_conflicts k JOIN coupon_redemptions r ON r.id = k.redemption_id LEFT JOIN coupon_campaigns c ON c.id = r.campaign_id
       ORDER BY k.detected_at DESC, k.redemption_id LIMIT 1000`,
    )
    .all() as (Cols<typeof couponConflicts, 'code'> & {
    extraId: ConflictCol['redemption_id'];
    keptId: ConflictCol['kept_id'];
    detectedAt: ConflictCol['detected_at'];
    campaignId: RedemptionCol['campaign_id'];
    campaignName: SqlRow<typeof couponCampaigns>['name'];
  })[];
  const use = deps.sqlite.prepare(USE_SQL);
  return rows.map((k) => {
    const extra = toUse(use.get(k.extraId) as UseRow);
    return {
      code: formatCode(k.code),
      campaignId: k.campaignId,
      campaignName: k.campaignName,
      kept: toUse(use.get(k.keptId) as UseRow),
      extra,
      amount: extra.amount,
      detectedAt: k.detectedAt,
    };
  });
}
