/**
 * Coupon campaigns as managers keep them: create (with the shared code or the batch of codes, made
 * here from the operating system's CSPRNG), pause and resume, list, the codes with their status,
 * the CSV of codes. Every change is audited and reaches the outbox in the handler's transaction.
 */
import { randomBytes } from 'node:crypto';
import type { CouponCampaignRecord, CouponCodePage, CouponCodeRow } from '../../shared/api/coupons';
import { BATCH_CODE_SYMBOLS, formatCode, makeCode, SHARED_CODE_SYMBOLS } from '../../shared/coupons/code';
import {
  campaignDraftSchema,
  type CampaignDraft,
  type CouponCampaign,
  type CouponConditions,
  type CouponReward,
} from '../../shared/coupons/rules';
import { toCsv } from '../../shared/csv';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { cachedStatement } from '../db/statements';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { couponCampaigns, couponCodes, couponRedemptions, orders } from '../db/schema';

type CampaignCol = SqlRow<typeof couponCampaigns>;
type RedemptionCol = SqlRow<typeof couponRedemptions>;

type WriteDeps = Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc' | 'terminalCode'>;

/** CAMPAIGN_COLS */
type CampaignRow = Cols<typeof couponCampaigns, 'id' | 'name' | 'reward' | 'conditions' | 'mode' | 'active'> & {
  nameZh: CampaignCol['name_zh'];
  maxUses: CampaignCol['max_uses'];
  codeCount: CampaignCol['code_count'];
  createdAt: CampaignCol['created_at'];
  updatedAt: CampaignCol['updated_at'];
};

const CAMPAIGN_COLS = `id, name, name_zh AS nameZh, reward, conditions, mode, max_uses AS maxUses, code_count AS codeCount, active,
  created_at AS createdAt, updated_at AS updatedAt`;

export const COUPON_SQL = {
  campaign: `SELECT ${CAMPAIGN_COLS} FROM coupon_campaigns WHERE id = ?`,
  code: 'SELECT code, campaign_id AS campaignId FROM coupon_codes WHERE code = ?',
  /** Live redemptions (a redeem without a release). */
  liveOfCode: `SELECT COUNT(*) FROM coupon_redemptions r WHERE r.code = ? AND r.kind = 'redeem'
                 AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)`,
  liveOfCampaign: `SELECT COUNT(*) FROM coupon_redemptions r WHERE r.campaign_id = ? AND r.kind = 'redeem'
                     AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)`,
  liveOfCustomer: `SELECT COUNT(*) FROM coupon_redemptions r WHERE r.campaign_id = ? AND r.customer_id = ? AND r.kind = 'redeem'
                     AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)`,
} as const;

function parseRow(r: CampaignRow): CouponCampaign & { codeCount: number; createdAt: number; updatedAt: number } {
  return {
    id: r.id,
    name: r.name,
    nameZh: r.nameZh,
    reward: JSON.parse(r.reward) as CouponReward,
    conditions: JSON.parse(r.conditions) as CouponConditions,
    mode: r.mode,
    maxUses: r.maxUses,
    active: r.active === 1,
    codeCount: r.codeCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** The campaign as the rules read it, or null (a code pulled before its campaign, or a foreign id). */
export function findCampaign(deps: Pick<Deps, 'sqlite'>, id: string): ReturnType<typeof parseRow> | null {
  const row = cachedStatement(deps.sqlite, COUPON_SQL.campaign).get(id) as CampaignRow | undefined;
  return row ? parseRow(row) : null;
}

function toRecord(deps: Pick<Deps, 'sqlite'>, r: CampaignRow): CouponCampaignRecord {
  const c = parseRow(r);
  const used = cachedStatement(deps.sqlite, COUPON_SQL.liveOfCampaign).pluck().get(c.id) as number;
  const shared =
    c.mode === 'shared'
      ? (deps.sqlite.prepare('SELECT code FROM coupon_codes WHERE campaign_id = ? ORDER BY seq LIMIT 1').pluck().get(c.id) as
          SqlRow<typeof couponCodes>['code'] | undefined)
      : undefined;
  return {
    id: c.id,
    name: c.name,
    nameZh: c.nameZh,
    reward: c.reward,
    conditions: c.conditions,
    mode: c.mode,
    maxUses: c.maxUses,
    codeCount: c.codeCount,
    active: c.active,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    used,
    sharedCode: shared ? formatCode(shared) : null,
  };
}

export function listCampaigns(deps: Pick<Deps, 'sqlite'>): CouponCampaignRecord[] {
  const rows = deps.sqlite
    .prepare(`SELECT ${CAMPAIGN_COLS} FROM coupon_campaigns ORDER BY active DESC, created_at DESC, id`)
    .all() as CampaignRow[];
  return rows.map((r) => toRecord(deps, r));
}

export function getCampaign(deps: Pick<Deps, 'sqlite'>, id: string): CouponCampaignRecord {
  const row = cachedStatement(deps.sqlite, COUPON_SQL.campaign).get(id) as CampaignRow | undefined;
  if (!row) throw notFound('Coupon campaign', { field: 'id', messageKey: 'coupons.err.noCampaign' });
  return toRecord(deps, row);
}

/** Random bytes drawn in large blocks: a batch of 100,000 codes asks the OS a few times, not 100,000. */
function bufferedRandom(): (n: number) => Uint8Array {
  let pool = Buffer.alloc(0);
  let at = 0;
  return (n) => {
    if (at + n > pool.length) {
      pool = randomBytes(Math.max(n, 64 * 1024));
      at = 0;
    }
    const out = pool.subarray(at, at + n);
    at += n;
    return out;
  };
}

export function createCampaign(
  deps: WriteDeps,
  input: { campaign: CampaignDraft; active?: boolean },
  staffId: string,
): CouponCampaignRecord {
  // Checked again here: a caller that skips the router must not store a campaign the rules would misread.
  const parsed = campaignDraftSchema.safeParse(input.campaign);
  if (!parsed.success)
    throw new AppError('VALIDATION', 'That coupon campaign is not valid', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  const draft = parsed.data;
  const id = deps.ids();
  const now = deps.clock();
  const count = draft.codes.mode === 'batch' ? draft.codes.count : 1;
  const maxUses = draft.codes.mode === 'shared' ? (draft.codes.maxUses ?? null) : null;
  const active = input.active !== false;
  deps.sqlite
    .prepare(
      `INSERT INTO coupon_campaigns (id, name, name_zh, reward, conditions, mode, max_uses, code_count, active, created_at, updated_at, hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      draft.name,
      draft.nameZh ?? null,
      JSON.stringify(draft.reward),
      JSON.stringify(draft.conditions),
      draft.codes.mode,
      maxUses,
      count,
      active ? 1 : 0,
      now,
      now,
      UNSTAMPED,
    );

  const symbols = draft.codes.mode === 'batch' ? BATCH_CODE_SYMBOLS : SHARED_CODE_SYMBOLS;
  const random = bufferedRandom();
  const insert = deps.sqlite.prepare('INSERT OR IGNORE INTO coupon_codes (code, campaign_id, seq, created_at) VALUES (?, ?, ?, ?)');
  for (let seq = 1; seq <= count;) {
    const code = makeCode(random, symbols);
    // 60 random bits: a collision is astronomically rare, but one would silently share a code.
    if (insert.run(code, id, seq, now).changes === 0) continue;
    seq += 1;
  }
  recordAudit(deps, {
    staffId,
    action: 'coupon.create',
    target: id,
    details: { name: draft.name, reward: draft.reward, conditions: draft.conditions, codes: draft.codes, active },
    success: true,
  });
  return getCampaign(deps, id);
}

export function setCampaignActive(deps: WriteDeps, input: { id: string; active: boolean }, staffId: string): CouponCampaignRecord {
  const before = getCampaign(deps, input.id);
  if (before.active === input.active) return before;
  deps.sqlite
    .prepare('UPDATE coupon_campaigns SET active = ?, updated_at = ? WHERE id = ?')
    .run(input.active ? 1 : 0, deps.clock(), input.id);
  recordAudit(deps, {
    staffId,
    action: input.active ? 'coupon.resume' : 'coupon.pause',
    target: input.id,
    details: { name: before.name },
    success: true,
  });
  return getCampaign(deps, input.id);
}

/** CODES_SQL: a code, and its first live use (the columns are null when it has none). */
type CodeRowRaw = Cols<typeof couponCodes, 'code' | 'seq'> & {
  uses: number;
  orderId: RedemptionCol['order_id'] | null;
  orderNumber: SqlRow<typeof orders>['number'] | null;
  terminalCode: RedemptionCol['terminal_code'] | null;
  usedAt: RedemptionCol['created_at'] | null;
};

/** Each code with its live uses and the first sale that used it (the order number when this till has that sale). */
const CODES_SQL = `
  WITH live AS (
    SELECT r.code, r.order_id, r.terminal_code, r.created_at,
           ROW_NUMBER() OVER (PARTITION BY r.code ORDER BY r.created_at, r.id) AS n,
           COUNT(*) OVER (PARTITION BY r.code) AS uses
    FROM coupon_redemptions r
    WHERE r.campaign_id = @campaignId AND r.kind = 'redeem'
      AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id))
  SELECT c.code, c.seq, COALESCE(l.uses, 0) AS uses, l.order_id AS orderId, o.number AS orderNumber,
         l.terminal_code AS terminalCode, l.created_at AS usedAt
  FROM coupon_codes c
  LEFT JOIN live l ON l.code = c.code AND l.n = 1
  LEFT JOIN orders o ON o.id = l.order_id
  WHERE c.campaign_id = @campaignId
    AND (@status = 'all' OR (@status = 'used') = (l.code IS NOT NULL))
  ORDER BY c.seq`;

function toCodeRow(r: CodeRowRaw): CouponCodeRow {
  return {
    code: formatCode(r.code),
    seq: r.seq,
    status: r.uses > 0 ? 'used' : 'unused',
    orderId: r.orderId,
    orderNumber: r.orderNumber,
    terminalCode: r.terminalCode,
    usedAt: r.usedAt,
    uses: r.uses,
  };
}

export function listCodes(
  deps: Pick<Deps, 'sqlite'>,
  input: { campaignId: string; status?: 'all' | 'unused' | 'used'; offset?: number; limit?: number },
): CouponCodePage {
  getCampaign(deps, input.campaignId);
  const params = { campaignId: input.campaignId, status: input.status ?? 'all' };
  const total = deps.sqlite.prepare(`SELECT COUNT(*) FROM (${CODES_SQL})`).pluck().get(params) as number;
  const rows = deps.sqlite
    .prepare(`${CODES_SQL} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: input.limit ?? 100, offset: input.offset ?? 0 }) as CodeRowRaw[];
  return { total, rows: rows.map(toCodeRow) };
}

/** Every code of the campaign as CSV (cells spreadsheet-safe: a campaign name cannot become a formula). */
export function codesCsv(deps: Pick<Deps, 'sqlite'>, campaignId: string): { fileName: string; csv: string; rows: number } {
  const campaign = getCampaign(deps, campaignId);
  const rows = deps.sqlite.prepare(CODES_SQL).all({ campaignId, status: 'all' }) as CodeRowRaw[];
  const data = rows.map((r) => {
    const row = toCodeRow(r);
    return [
      row.seq,
      row.code,
      campaign.name,
      row.status,
      row.orderNumber ?? row.orderId ?? '',
      row.terminalCode ?? '',
      row.usedAt ? new Date(row.usedAt).toISOString() : '',
    ];
  });
  return {
    fileName: `coupons-${campaign.id.slice(-8)}.csv`,
    csv: toCsv(['seq', 'code', 'campaign', 'status', 'order', 'terminal', 'used_at'], data, { bom: true }),
    rows: data.length,
  };
}
