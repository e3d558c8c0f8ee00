/**
 * Refunds (the after-sale feature's `refunds`, `refund_lines`, `refund_tenders`) as rollup events:
 * applied in the refund's own transaction (`recordRefundInsight`) and replayed by a rebuild
 * (registered in ROLLUP_SOURCES). A refund paid back in cash also counts against the terminal's
 * open shift (the Z report's cash refunds).
 */
import type { Deps } from '../deps';
import { applyToRollups, ROLLUP_SOURCES, type RollupEvent } from './rollups';
import type { CamelCols, Cols, Outer, SqlRow } from '../db/rows';
import type { orderLines, products, refundLines, refunds, refundTenders } from '../db/schema';

type Sql = Pick<Deps, 'sqlite'>;

export function refundEvent(deps: Sql, refundId: string): RollupEvent {
  const r = deps.sqlite
    .prepare('SELECT id, created_at AS at, staff_id AS staffId, customer_id AS customerId FROM refunds WHERE id = ?')
    .get(refundId) as CamelCols<typeof refunds, 'id' | 'staffId' | 'customerId'> & { at: SqlRow<typeof refunds>['created_at'] };
  const lines = deps.sqlite
    .prepare(
      `SELECT rl.product_id AS productId, p.category_id AS categoryId, rl.qty, rl.amount, rl.tax, 0 AS discount,
              (COALESCE(ol.cost, p.cost, 0) * rl.qty + 500) / 1000 AS cost,
              COALESCE(ol.unit, p.unit, 'each') AS unit
       FROM refund_lines rl LEFT JOIN order_lines ol ON ol.id = rl.order_line_id LEFT JOIN products p ON p.id = rl.product_id
       WHERE rl.refund_id = ? ORDER BY rl.rowid`,
    )
    .all(refundId) as (CamelCols<typeof refundLines, 'productId' | 'qty' | 'amount' | 'tax'> &
    Outer<CamelCols<typeof products, 'categoryId'>> & { discount: 0; cost: number; unit: SqlRow<typeof orderLines>['unit'] })[];
  const payments = deps.sqlite
    .prepare('SELECT method AS kind, amount FROM refund_tenders WHERE refund_id = ? ORDER BY rowid')
    .all(refundId) as ({ kind: SqlRow<typeof refundTenders>['method'] } & Cols<typeof refundTenders, 'amount'>)[];
  return { kind: 'refund', ...r, shiftId: null, lines, payments };
}

/** Called by the refunds feature in the refund's transaction. */
export function recordRefundInsight(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  refundId: string,
): void {
  applyToRollups(deps, refundEvent(deps, refundId));
}

function* allRefunds(deps: Sql): Iterable<RollupEvent> {
  const has = deps.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'refunds'").get();
  if (!has) return;
  const ids = deps.sqlite.prepare('SELECT id FROM refunds ORDER BY rowid').pluck().all() as SqlRow<typeof refunds>['id'][];
  for (const id of ids) yield refundEvent(deps, id);
}

ROLLUP_SOURCES.push(allRefunds);
