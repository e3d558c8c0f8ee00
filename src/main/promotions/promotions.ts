/**
 * Promotions as managers keep them: create, replace, pause and resume, list. Every definition is
 * checked by `promotionSchema` before it is written (the router has checked it too; this keeps a
 * caller that skips the router from storing one the engine would misread), every change is
 * audited, and the till's compiled index is dropped so the next cart applies the change.
 */
import type { PromotionDraft, PromotionRecord } from '../../shared/api/promotions';
import { promotionSchema, type Promotion } from '../../shared/promotions/schema';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { invalidatePromotions } from './state';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { promotions } from '../db/schema';

type PromotionDeps = Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc' | 'terminalCode' | 'promotions'>;

/** SELECT */
type Row = Cols<typeof promotions, 'definition' | 'active'> & {
  createdAt: SqlRow<typeof promotions>['created_at'];
  updatedAt: SqlRow<typeof promotions>['updated_at'];
};

const SELECT = 'SELECT definition, active, created_at AS createdAt, updated_at AS updatedAt FROM promotions';

function toRecord(r: Row): PromotionRecord {
  return {
    promotion: JSON.parse(r.definition) as Promotion,
    active: r.active === 1,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function checked(input: unknown): Promotion {
  const parsed = promotionSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('VALIDATION', 'That promotion is not valid', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  return parsed.data;
}

/** Every promotion, running ones first, then by priority (the order they apply in) and name. */
export function listPromotions(deps: Pick<Deps, 'sqlite'>): PromotionRecord[] {
  const rows = deps.sqlite.prepare(`${SELECT} ORDER BY active DESC, created_at, id`).all() as Row[];
  return rows
    .map(toRecord)
    .sort(
      (a, b) =>
        Number(b.active) - Number(a.active) ||
        b.promotion.priority - a.promotion.priority ||
        a.promotion.name.localeCompare(b.promotion.name),
    );
}

export function getPromotion(deps: Pick<Deps, 'sqlite'>, id: string): PromotionRecord {
  const row = deps.sqlite.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
  if (!row) throw notFound('Promotion', { field: 'id' });
  return toRecord(row);
}

export function createPromotion(
  deps: PromotionDeps,
  input: { promotion: PromotionDraft; active?: boolean },
  staffId: string,
): PromotionRecord {
  const id = deps.ids();
  const promotion = checked({ ...input.promotion, id });
  const now = deps.clock();
  const active = input.active !== false;
  deps.sqlite
    .prepare('INSERT INTO promotions (id, definition, active, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, JSON.stringify(promotion), active ? 1 : 0, now, now, UNSTAMPED);
  // Promotions sync across the organisation: the other tills apply it once they pull it.
  recordAudit(deps, { staffId, action: 'promotion.create', target: id, details: { promotion, active }, success: true });
  invalidatePromotions(deps);
  return getPromotion(deps, id);
}

/** Replaces the definition; sales already made keep what they applied (order_line_promotions). */
export function updatePromotion(deps: PromotionDeps, input: { promotion: Promotion }, staffId: string): PromotionRecord {
  const promotion = checked(input.promotion);
  const before = getPromotion(deps, promotion.id);
  deps.sqlite
    .prepare('UPDATE promotions SET definition = ?, updated_at = ? WHERE id = ?')
    .run(JSON.stringify(promotion), deps.clock(), promotion.id);
  recordAudit(deps, {
    staffId,
    action: 'promotion.update',
    target: promotion.id,
    details: { from: before.promotion, to: promotion },
    success: true,
  });
  invalidatePromotions(deps);
  return getPromotion(deps, promotion.id);
}

/** Pause (false) or resume (true); asking for the state it is already in changes nothing. */
export function setPromotionActive(deps: PromotionDeps, input: { id: string; active: boolean }, staffId: string): PromotionRecord {
  const before = getPromotion(deps, input.id);
  if (before.active === input.active) return before;
  deps.sqlite.prepare('UPDATE promotions SET active = ?, updated_at = ? WHERE id = ?').run(input.active ? 1 : 0, deps.clock(), input.id);
  recordAudit(deps, {
    staffId,
    action: input.active ? 'promotion.resume' : 'promotion.pause',
    target: input.id,
    details: { name: before.promotion.name },
    success: true,
  });
  invalidatePromotions(deps);
  return getPromotion(deps, input.id);
}
