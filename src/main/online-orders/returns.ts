/**
 * Buyers' return requests at the till. The shop wrote the request (which lines, how many, why,
 * and what it will refund); a manager approves or refuses it here. Approval takes the goods back
 * through the returns room's rules (a refund document: restocked, or written off per line) without
 * paying anything from the drawer or through this till's provider: the shop refunds the buyer's
 * online payment once it hears of the approval.
 */
import { eq } from 'drizzle-orm';
import type { OnlineReturnRow } from '../../shared/api/online-orders';
import { settings } from '../db/schema';
import { UNSTAMPED } from '../db/write-path';
import { stableId } from '../db/stable-ids';
import type { Deps } from '../deps';
import { invalidateSettings, readSettings } from '../settings/settings';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { createRefund } from '../returns/refunds';
import type { SessionStaff } from '../sessions';
import { writeStep } from './steps';

interface Row extends Omit<OnlineReturnRow, 'lines'> {
  lines: string;
}

const SELECT = `SELECT r.id, r.order_id AS orderId, o.number, oo.shop_number AS shopNumber, oo.contact_name AS contactName,
  r.created_at AS createdAt, r.reason, r.amount, o.currency, r.decision, r.decision_note AS decisionNote, r.decided_at AS decidedAt,
  r.refund_id AS refundId, r.refund_state AS refundState, r.refund_message AS refundMessage, r.lines
  FROM online_returns r JOIN orders o ON o.id = r.order_id JOIN online_orders oo ON oo.id = r.order_id`;

function withLines(deps: Pick<Deps, 'sqlite'>, row: Row): OnlineReturnRow {
  let asked: { order_line_id: string; qty: number }[] = [];
  try {
    const parsed = JSON.parse(row.lines) as unknown;
    if (Array.isArray(parsed)) asked = parsed as typeof asked;
  } catch {
    asked = [];
  }
  const line = deps.sqlite.prepare('SELECT product_id AS productId, name, unit FROM order_lines WHERE id = ? AND order_id = ?');
  return {
    ...row,
    lines: asked.flatMap((a) => {
      const l = line.get(a.order_line_id, row.orderId) as { productId: string; name: string; unit: string } | undefined;
      return l ? [{ orderLineId: a.order_line_id, ...l, qty: a.qty }] : [];
    }),
  };
}

export function returnRequest(deps: Pick<Deps, 'sqlite'>, id: string): OnlineReturnRow {
  const row = deps.sqlite.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
  if (!row) throw notFound('Return request', { id });
  return withLines(deps, row);
}

export function returnRequests(deps: Pick<Deps, 'sqlite'>, input: { which: 'pending' | 'all'; limit: number }): OnlineReturnRow[] {
  const rows = deps.sqlite
    .prepare(
      input.which === 'pending'
        ? `${SELECT} WHERE r.decision = 'pending' ORDER BY r.created_at, r.id LIMIT ?`
        : `${SELECT} ORDER BY r.created_at DESC, r.id LIMIT ?`,
    )
    .all(input.limit) as Row[];
  return rows.map((r) => withLines(deps, r));
}

/** Approves (goods back through a refund document) or refuses (with the reason the buyer reads) a pending request. */
export function decideReturn(
  deps: Deps,
  staff: SessionStaff,
  input: { id: string; approve: boolean; note: string; writeOff?: string[] | undefined },
): OnlineReturnRow {
  const req = returnRequest(deps, input.id);
  if (req.decision !== 'pending') {
    // The same decision again (a double click, a retried call) answers what was decided.
    if ((req.decision === 'approved') === input.approve) return req;
    throw new AppError('CONFLICT', 'This return was already decided', { reason: 'returnDecided', decision: req.decision });
  }
  const cancelled = deps.sqlite.prepare("SELECT 1 FROM online_order_events WHERE order_id = ? AND kind = 'cancelled'").get(req.orderId);
  if (cancelled) throw new AppError('CONFLICT', 'The buyer cancelled this order', { reason: 'onlineCancelled' });
  const note = input.note.trim();
  const now = deps.clock();
  if (!input.approve) {
    if (!note) throw new AppError('VALIDATION', 'Say why the return is refused: the buyer reads it', { reason: 'refuseNeedsReason' });
    deps.sqlite
      .prepare(`UPDATE online_returns SET decision = 'refused', decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?`)
      .run(note, staff.id, now, req.id);
    recordAudit(deps, {
      staffId: staff.id,
      action: 'online.returnRefused',
      target: req.id,
      details: { shopNumber: req.shopNumber, note },
      success: true,
    });
    return returnRequest(deps, req.id);
  }
  if (req.lines.length === 0) throw new AppError('CONFLICT', 'The request names no item of this order', { reason: 'returnNoLines' });
  const writeOff = new Set(input.writeOff ?? []);
  // Every fact the approval writes has an id derived from the request: a second till approving the
  // same request while apart from the first writes the same facts, which sync once.
  const idOf = (part: string) => stableId(req.createdAt, `online-return:${req.id}:${part}`);
  const refundId = idOf('refund');
  const doc = createRefund(deps, staff, {
    orderId: req.orderId,
    refundId,
    idOf,
    lines: req.lines.map((l) => ({
      orderLineId: l.orderLineId,
      qty: l.qty,
      disposition: writeOff.has(l.orderLineId) ? 'writeoff' : 'restock',
    })),
    method: 'original',
    reason: `Online return ${req.shopNumber}: ${req.reason}`.slice(0, 200),
    refundedByCloud: true,
  });
  if (doc.total !== req.amount)
    // The shop priced the request from the same lines; a difference means the order changed here (a counter refund).
    throw new AppError('CONFLICT', 'Part of this order was already refunded at the counter: settle the return there', {
      reason: 'returnAmountChanged',
      expected: req.amount,
      actual: doc.total,
    });
  deps.sqlite
    .prepare(
      `UPDATE online_returns SET decision = 'approved', decision_note = ?, decided_by = ?, decided_at = ?, refund_id = ? WHERE id = ?`,
    )
    .run(note, staff.id, now, refundId, req.id);
  writeStep(deps, { id: idOf('step'), orderId: req.orderId, kind: 'return_approved', staffId: staff.id, note });
  recordAudit(deps, {
    staffId: staff.id,
    action: 'online.returnApproved',
    target: req.id,
    details: { shopNumber: req.shopNumber, refundId, amount: doc.total },
    success: true,
  });
  return returnRequest(deps, req.id);
}

/** The store setting: days after delivery or pick-up in which a buyer may ask for a return (the shop reads it). */
export const RETURN_DAYS_KEY = 'onlineReturnDays';
export const DEFAULT_RETURN_DAYS = 7;

export function returnDays(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): { days: number } {
  const v = (readSettings(deps) as unknown as Record<string, unknown>)[RETURN_DAYS_KEY];
  return { days: typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : DEFAULT_RETURN_DAYS };
}

/** Sets the return window, a synced store setting. */
export function setReturnDays(
  deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache' | 'clock' | 'ids' | 'terminalCode'>,
  days: number,
  staffId: string,
): { days: number } {
  const had = deps.db.select({ key: settings.key }).from(settings).where(eq(settings.key, RETURN_DAYS_KEY)).get();
  if (had) deps.db.update(settings).set({ value: days }).where(eq(settings.key, RETURN_DAYS_KEY)).run();
  else deps.db.insert(settings).values({ key: RETURN_DAYS_KEY, value: days, hlc: UNSTAMPED }).run();
  invalidateSettings(deps);
  recordAudit(deps, { staffId, action: 'online.returnDays', target: RETURN_DAYS_KEY, details: { days }, success: true });
  return returnDays(deps);
}
