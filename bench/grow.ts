/**
 * A store that has lived, grown from the seeded one the way a shop grows it, through the router:
 * three CSV imports of new products, sales at the counter (each with its shift, journal, rollups
 * and stock movements), returns of some of them, price edits, stock counts, and stock adjustments.
 * With the seeded year of past orders (history.ts) this is the store the cases measure by default;
 * a kept store (`--data`) is grown once and remembers it in its meta.
 *
 * The growth is not measured: it runs with synchronous=NORMAL (no flush per commit), which changes
 * nothing in what is written.
 */
import { uuidv7 } from '../src/shared/ids';
import { ADMIN, CLERK_SESSION, call, type BenchContext } from './context';
import { rng } from './stats';
import { withSynchronous } from './cases/raw';
import { csvFor } from './cases/csv-import';

/** Bumped when the recipe changes: a store grown by an older recipe is grown again (on top). */
export const GROWTH_RECIPE = 1;

const GROW_SESSION = 'bench-grow-admin';
const PIECE = 512 * 1024;

export interface GrowthReport {
  imported: number;
  sales: number;
  refunds: number;
  edits: number;
  counted: number;
  adjustments: number;
  ms: number;
}

/** How much of each kind, for a catalog of `products` (1M: 300k imported, 20k sales, 200k adjustments). */
export function growthPlan(products: number) {
  return {
    imports: 3,
    importRows: Math.max(1_000, Math.round(products / 10)),
    sales: Math.max(200, Math.round(products / 50)),
    refundEvery: 10,
    edits: Math.max(200, Math.round(products / 50)),
    counts: 2,
    countLines: Math.max(100, Math.min(2_000, Math.round(products / 500))),
    adjustments: Math.max(1_000, Math.round(products / 5)),
  };
}

export async function growStore(ctx: BenchContext, products: number): Promise<GrowthReport> {
  const { app, log } = ctx;
  const { sqlite } = app.deps;
  const plan = growthPlan(products);
  const rand = rng(20261207);
  const t0 = Date.now();
  const report: GrowthReport = { imported: 0, sales: 0, refunds: 0, edits: 0, counted: 0, adjustments: 0, ms: 0 };
  const progress = (what: string, done: number, of: number) => {
    if (done % Math.max(1, Math.round(of / 4)) === 0) log(`  ${what}: ${done.toLocaleString('en')} of ${of.toLocaleString('en')}`);
  };

  await withSynchronous(sqlite, 'NORMAL', async () => {
    await call(app, 'staff.signIn', { staffId: ctx.meta.adminId, pin: ADMIN.pin }, GROW_SESSION);
    const location = sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;

    // Imports: new products, their codes far beyond the seeded ones and those of the import case.
    for (let k = 0; k < plan.imports; k++) {
      const text = csvFor(80_000_000 + k * plan.importRows, plan.importRows, 700 + k, { prefix: 'GROW-', pluFrom: 200_000 });
      const { importId } = await call(app, 'imports.begin', { kind: 'products' }, GROW_SESSION);
      for (let i = 0; i * PIECE < text.length; i++)
        await call(app, 'imports.chunk', { importId, seq: i, text: text.slice(i * PIECE, (i + 1) * PIECE) }, GROW_SESSION);
      const res = await call(app, 'imports.commit', { importId, onlyValid: true }, GROW_SESSION);
      report.imported += res.created;
      log(`  import ${k + 1} of ${plan.imports}: ${res.created.toLocaleString('en')} products`);
    }

    // Sales at the counter (1–5 lines, cash), every tenth partly returned.
    const codes = ctx.sampleColumn('barcodes', 'code', plan.sales * 5, 909);
    await ctx.signInClerk();
    await call(app, 'cart.clear', {}, CLERK_SESSION);
    const linesOf = sqlite.prepare('SELECT id, qty FROM order_lines WHERE order_id = ? ORDER BY rowid');
    for (let i = 0; i < plan.sales; i++) {
      const n = 1 + Math.floor(rand() * 5);
      let cart = await call(app, 'cart.scan', { code: codes[i * 5]! }, CLERK_SESSION);
      for (let l = 1; l < n; l++) cart = await call(app, 'cart.scan', { code: codes[i * 5 + l]! }, CLERK_SESSION);
      const order = await call(
        app,
        'sales.complete',
        { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
        CLERK_SESSION,
      );
      report.sales++;
      if (i % plan.refundEvery === 0) {
        const line = (linesOf.all(order.id) as { id: string; qty: number }[])[0]!;
        await call(
          app,
          'refunds.create',
          {
            orderId: order.id,
            refundId: uuidv7(),
            lines: [{ orderLineId: line.id, qty: line.qty, disposition: rand() < 0.8 ? 'restock' : 'writeoff' }],
            method: 'cash',
          },
          GROW_SESSION,
        );
        report.refunds++;
      }
      progress('sales', i + 1, plan.sales);
    }

    // Price edits.
    const ids = ctx.sampleColumn('products', 'id', plan.edits, 910);
    for (const [i, id] of ids.entries()) {
      await call(app, 'catalog.update', { id, price: 100 + Math.floor(rand() * 50_000) }, GROW_SESSION);
      report.edits++;
      progress('price edits', i + 1, plan.edits);
    }

    // Stock counts of part of the store, approved.
    const countCodes = ctx.sampleColumn('barcodes', 'code', plan.counts * plan.countLines, 911);
    for (let k = 0; k < plan.counts; k++) {
      const count = await call(
        app,
        'counts.create',
        { name: `Grow count ${k + 1}`, scope: 'partial', locationId: location, blind: false },
        GROW_SESSION,
      );
      for (const code of countCodes.slice(k * plan.countLines, (k + 1) * plan.countLines))
        await call(app, 'counts.scan', { id: count.id, code, qty: 1000 * (1 + Math.floor(rand() * 40)) }, GROW_SESSION);
      await call(app, 'counts.submit', { id: count.id }, GROW_SESSION);
      await call(app, 'counts.approve', { id: count.id, uncounted: 'ignore' }, GROW_SESSION);
      report.counted += plan.countLines;
      log(`  count ${k + 1} of ${plan.counts}: ${plan.countLines.toLocaleString('en')} lines approved`);
    }

    // Adjustments: the movements a year of receiving, damage and corrections leaves.
    const adjustIds = ctx.sampleColumn('products', 'id', plan.adjustments, 912);
    const reasons = ['damaged', 'expired', 'found', 'correction'] as const;
    for (const [i, productId] of adjustIds.entries()) {
      const reason = reasons[Math.floor(rand() * reasons.length)]!;
      const qty = (reason === 'found' ? 1 : -1) * 1000 * (1 + Math.floor(rand() * 3));
      await call(app, 'stock.adjust', { productId, locationId: location, mode: 'delta', qty, reason }, GROW_SESSION);
      report.adjustments++;
      progress('adjustments', i + 1, plan.adjustments);
    }
  });
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  report.ms = Date.now() - t0;
  return report;
}
