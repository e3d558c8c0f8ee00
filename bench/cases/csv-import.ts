/**
 * csv_import_100k: 100,000 new product rows as CSV through the router — uploaded in 512 kB pieces,
 * validated (every row, against the 1M-item catalog) and committed in one transaction, with the
 * search index (pinyin for Chinese names), a level row and an outbox entry per product.
 * Baseline: a plain SQL import of another 100,000 rows — papaparse, then prepared INSERTs of the
 * product, its barcodes, its search entry (same searchDoc), its pinyin sort key and a level row, one transaction, no
 * validation.
 */
import Papa from 'papaparse';
import { toCsv } from '../../src/shared/csv';
import { searchDoc } from '../../src/main/catalog/search-text';
import { writeSortKeys } from '../../src/main/catalog/sort-key';
import { PRODUCT_COLUMNS } from '../../src/main/inventory/csv';
import { call, type BenchContext, type BenchResult } from '../context';
import { generateProduct } from '../seed';
import { fmtMs, msSince, rng, summarize } from '../stats';
import { rawTransaction } from './raw';
import { ADMIN_SESSION_INV, defaultLocation, signInAdmin } from './inventory-fixtures';
import type { BenchCase } from './types';

const PIECE = 512 * 1024;

/** A product CSV of `rows` generated products from number `from`, their SKUs prefixed (an import's own range). */
export function csvFor(from: number, rows: number, seed: number, opts: { prefix?: string; pluFrom?: number } = {}): string {
  const rand = rng(seed);
  const pluSeq = { next: opts.pluFrom ?? 100_000 };
  const data: string[][] = [];
  for (let i = from; i < from + rows; i++) {
    const p = generateProduct(i, rand, 0.3, pluSeq);
    data.push([
      `${opts.prefix ?? 'IMP-'}${p.sku}`,
      p.name,
      p.altName ?? '',
      '',
      p.unit,
      (p.price / 100).toFixed(2),
      (p.cost / 100).toFixed(2),
      '',
      p.barcodes.join('|'),
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  return toCsv(PRODUCT_COLUMNS, data);
}

export const csvImport: BenchCase = {
  id: 'csv_import_100k',
  title: 'imports.* of 100,000 new product rows: upload, validate, commit (router)',
  budget: 10_000,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const rows = ctx.quick ? 10_000 : 100_000;
    const runs = ctx.quick ? 2 : 3;
    // Codes far beyond the seeded range, different on every run of the bench on a kept store.
    const base =
      50_000_000 +
      ((sqlite.prepare("SELECT COUNT(*) FROM products WHERE sku LIKE 'IMP-%' OR sku LIKE 'RAW-%'").pluck().get() as number) / rows + 1) *
        1_000_000;
    const routerMs: number[] = [];
    const rawMs: number[] = [];
    const location = defaultLocation(ctx);
    const tax = sqlite.prepare('SELECT id FROM tax_rates WHERE is_default = 1').pluck().get() as string;
    for (let run = 0; run < runs; run++) {
      const text = csvFor(base + run * 2 * rows, rows, 900 + run);
      await signInAdmin(ctx);
      const t0 = process.hrtime.bigint();
      const { importId } = await call(app, 'imports.begin', { kind: 'products' }, ADMIN_SESSION_INV);
      for (let i = 0; i * PIECE < text.length; i++)
        await call(app, 'imports.chunk', { importId, seq: i, text: text.slice(i * PIECE, (i + 1) * PIECE) }, ADMIN_SESSION_INV);
      const res = await call(app, 'imports.commit', { importId, onlyValid: false }, ADMIN_SESSION_INV);
      const dt = msSince(t0);
      if (res.created !== rows) throw new Error(`imported ${res.created} of ${rows}`);
      routerMs.push(dt);
      ctx.log(
        `  run ${run + 1}: ${rows.toLocaleString('en')} rows (${(text.length / 1e6).toFixed(1)} MB) in ${fmtMs(dt)} ms (${Math.round((rows / dt) * 1000).toLocaleString('en')} rows/s)`,
      );

      // Baseline on another batch of the same shape.
      const rawText = csvFor(base + run * 2 * rows + rows, rows, 1900 + run).replace(/\nIMP-/g, '\nRAW-');
      const t1 = process.hrtime.bigint();
      const parsed = Papa.parse<Record<string, string>>(rawText, { header: true, skipEmptyLines: true }).data;
      const insP = sqlite.prepare(
        `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, 0, ?, ?, ?)`,
      );
      const insB = sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
      const insF = sqlite.prepare('INSERT INTO products_fts (rowid, text, py) VALUES (?, ?, ?)');
      const insL = sqlite.prepare('INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, 0)');
      rawTransaction(sqlite, () => {
        const now = Date.now();
        // Search entries last, as the import does (see bench/seed.ts).
        const entries: [number | bigint, string, string][] = [];
        const named: { rowid: number | bigint; p: { name: string; altName: string | null } }[] = [];
        for (const r of parsed) {
          const id = app.deps.ids();
          const codes = r.barcodes ? r.barcodes.split('|') : [];
          const info = insP.run(
            id,
            r.sku,
            r.name,
            r.alt_name || null,
            r.unit,
            Math.round(Number(r.price) * 100),
            Math.round(Number(r.cost) * 100),
            tax,
            now,
            now,
            'x',
          );
          for (const c of codes) insB.run(c, id);
          const doc = searchDoc({ name: r.name!, altName: r.alt_name || null });
          entries.push([info.lastInsertRowid, doc.text, doc.py]);
          named.push({ rowid: info.lastInsertRowid, p: { name: r.name!, altName: r.alt_name || null } });
          insL.run(id, location);
        }
        for (const e of entries) insF.run(...e);
        // Every product has its pinyin sort key (lists sort by it); written as the import writes
        // them. Without them the store would fill them in the background at its next open, under
        // the cases measured after.
        writeSortKeys(sqlite, named);
      });
      rawMs.push(msSince(t1));
      ctx.log(`         baseline ${fmtMs(rawMs[rawMs.length - 1]!)} ms`);
    }
    const r = summarize(routerMs);
    const b = summarize(rawMs);
    return {
      id: 'csv_import_100k',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      rate: (rows / r.p50) * 1000,
      budget: this.budget,
      baseline: {
        name: 'plain SQL: papaparse + prepared INSERTs (product, barcodes, FTS, sort key, level), one transaction, no validation',
        p50: b.p50,
        p99: b.p99,
        rate: (rows / b.p50) * 1000,
      },
    };
  },
};
