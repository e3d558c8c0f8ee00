/**
 * The correction of rollups written before pieces and masses were kept apart: those added weighed
 * quantities (kg, lb, 斤…) to `units` beside pieces, and had no `grams`. The migration that added
 * `grams` noted, per fact table, the last line rolled up the old way (`rollup_weight_fix`); here,
 * each weighed line up to it has its quantity taken out of `units`/`r_units` and its mass added to
 * `grams`/`r_grams`, in every row its sale or refund touched (product rows keep their quantity).
 *
 * A rebuild would do the same but holds the store for about a minute at a million orders, so this
 * runs after the app is up, a slice of line rowids per short transaction, progress committed with
 * the slice: an interrupted correction resumes where it stopped and never applies a line twice.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { lineGrams, MASS_UNITS } from '../../shared/units';
import { addToBuckets, DIM, type BucketDelta, type Measures } from './rollups';
import { businessDaySettings } from './settings';
import type { CamelCols, Cols, Outer, SqlRow } from '../db/rows';
import type { orderLines, orders, products, rollupWeightFix } from '../db/schema';

type FixDeps = Pick<Deps, 'sqlite' | 'db' | 'settingsCache' | 'insight'>;

/** `source` names the lines' table. */
type FixRow = Cols<typeof rollupWeightFix, 'done' | 'upto' | 'skip'> & {
  source: SqlRow<typeof rollupWeightFix>['source'] & ('order_lines' | 'refund_lines');
};

type WeighedLine = { at: SqlRow<typeof orders>['created_at'] } & CamelCols<typeof orders, 'staffId'> &
  CamelCols<typeof orderLines, 'productId' | 'qty' | 'unit'> &
  Outer<CamelCols<typeof products, 'categoryId'>> & { rid: number };

/** Weighed units, as the rollups tell them from pieces (anything else counts as pieces). */
const MASS_LIST = MASS_UNITS.map((u) => `'${u}'`).join(', ');

const LINES: Record<FixRow['source'], string> = {
  order_lines: `SELECT o.created_at AS at, o.staff_id AS staffId, l.product_id AS productId, p.category_id AS categoryId, l.qty, l.unit,
           l.rowid AS rid
    FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id
    WHERE l.rowid > ? AND l.rowid <= ? AND l.unit IN (${MASS_LIST}) AND l.order_id NOT IN (SELECT value FROM json_each(?))
    ORDER BY l.rowid LIMIT ?`,
  refund_lines: `SELECT * FROM (
      SELECT r.created_at AS at, r.staff_id AS staffId, rl.product_id AS productId, p.category_id AS categoryId, rl.qty,
             COALESCE(ol.unit, p.unit, 'each') AS unit, rl.rowid AS rid
      FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id LEFT JOIN order_lines ol ON ol.id = rl.order_line_id
      LEFT JOIN products p ON p.id = rl.product_id
      WHERE rl.rowid > ? AND rl.rowid <= ?)
    WHERE unit IN (${MASS_LIST}) ORDER BY rid LIMIT ?`,
};

/** Whether rollups written the old way are still to be corrected. */
export function weightFixPending(deps: FixDeps): boolean {
  return deps.sqlite.prepare('SELECT EXISTS (SELECT 1 FROM rollup_weight_fix)').pluck().get() === 1;
}

/**
 * One step: corrects the weighed lines among the next `rows` line rowids of one fact table, at
 * most `lines` of them, in one transaction. Returns true once nothing is left to correct.
 */
export function correctWeighedRollups(deps: FixDeps, opts: { rows?: number; lines?: number } = {}): boolean {
  const rows = opts.rows ?? 20_000;
  const most = opts.lines ?? 500;
  const db = deps.sqlite;
  return inTransaction(db, () => {
    const fix = db.prepare('SELECT source, done, upto, skip FROM rollup_weight_fix ORDER BY source LIMIT 1').get() as FixRow | undefined;
    if (!fix) return true;
    let next = Math.min(fix.done + rows, fix.upto);
    const sale = fix.source === 'order_lines';
    const lines = db.prepare(LINES[fix.source]).all(...(sale ? [fix.done, next, fix.skip, most] : [fix.done, next, most])) as WeighedLine[];
    // A store that sells mostly by weight: the step ends at its last line, so it stays short.
    if (lines.length === most) next = lines[lines.length - 1]!.rid;
    const deltas: BucketDelta[] = lines.map((l) => {
      const grams = lineGrams(l.qty, l.unit);
      const mixed: Partial<Measures> = sale ? { units: -l.qty, grams } : { rUnits: -l.qty, rGrams: grams };
      const keyed: BucketDelta['keyed'] = [
        { dim: DIM.product, ref: l.productId, m: sale ? { grams } : { rGrams: grams } },
        { dim: DIM.category, ref: l.categoryId ?? '', m: mixed },
      ];
      if (l.staffId) keyed.push({ dim: DIM.staff, ref: l.staffId, m: mixed });
      return { at: l.at, hourly: mixed, keyed };
    });
    addToBuckets(deps, deltas, businessDaySettings(deps));
    if (next >= fix.upto) db.prepare('DELETE FROM rollup_weight_fix WHERE source = ?').run(fix.source);
    else db.prepare('UPDATE rollup_weight_fix SET done = ? WHERE source = ?').run(next, fix.source);
    return !weightFixPending(deps);
  });
}

export interface WeightFix {
  /** Settles when the correction is finished or stopped. */
  done: Promise<void>;
  stop(): void;
}

/**
 * Runs the correction in the background: the first step `firstAfterMs` after the start (the
 * first screen goes first), then a step every `pauseMs`, so sales and reads interleave.
 */
export function startWeightFix(
  deps: FixDeps,
  opts: { firstAfterMs?: number; pauseMs?: number; rows?: number; lines?: number; log?: (msg: string) => void } = {},
): WeightFix {
  const pauseMs = opts.pauseMs ?? 20;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const end = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    finish();
  };
  const schedule = (ms: number) => {
    timer = setTimeout(step, ms);
    timer.unref?.();
  };
  const step = () => {
    timer = null;
    if (!deps.sqlite.open) return end();
    // Another piece of work holds a transaction open across a wait: try again shortly.
    if (deps.sqlite.inTransaction) return schedule(pauseMs);
    try {
      if (correctWeighedRollups(deps, { rows: opts.rows, lines: opts.lines })) {
        opts.log?.('rollups: weights counted apart from pieces');
        return end();
      }
    } catch (err) {
      // Left for the next start; the dashboard keeps the old figures meanwhile.
      console.error('[countertop] correcting the dashboard rollups for weighed items failed', err);
      return end();
    }
    schedule(pauseMs);
  };
  schedule(opts.firstAfterMs ?? 5_000);
  return { done, stop: end };
}
