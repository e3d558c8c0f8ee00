import Papa from 'papaparse';
import { makeApp, readyStore } from './test/support/app';
import { generateProduct } from './bench/seed';
import { rng } from './bench/stats';
import { PRODUCT_COLUMNS } from './src/main/inventory/csv';
import { searchDoc } from './src/main/catalog/search-text';
const app = makeApp();
await readyStore(app);
const { sqlite } = app.deps;
const N = 20000;
const tax = sqlite.prepare('SELECT id FROM tax_rates WHERE is_default = 1').pluck().get() as string;
const loc = sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;
for (const base of [5_000_000, 6_000_000]) {
  const rand = rng(base); const plu = { next: 100000 }; const data: string[][] = [];
  for (let i = 0; i < N; i++) { const p = generateProduct(base + i, rand, 0.3, plu); data.push([`RAW-${p.sku}`, p.name, p.altName ?? '', '', p.unit, (p.price/100).toFixed(2), (p.cost/100).toFixed(2), '', p.barcodes.join('|'), '', '', '', '', '']); }
  const text = Papa.unparse({ fields: [...PRODUCT_COLUMNS], data });
  const c = process.cpuUsage(); const t = Date.now();
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  const insP = sqlite.prepare(`INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, 0, ?, ?, ?)`);
  const insB = sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
  const insF = sqlite.prepare('INSERT INTO products_fts (rowid, text, codes, py) VALUES (?, ?, ?, ?)');
  const insL = sqlite.prepare('INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, 0)');
  sqlite.transaction(() => { const now = Date.now(); for (const r of parsed) { const id = app.deps.ids(); const codes = r.barcodes ? r.barcodes.split('|') : [];
    const info = insP.run(id, r.sku, r.name, r.alt_name || null, r.unit, Math.round(Number(r.price) * 100), Math.round(Number(r.cost) * 100), tax, now, now, 'x');
    for (const c of codes) insB.run(c, id); const doc = searchDoc({ name: r.name!, altName: r.alt_name || null, sku: r.sku!, barcodes: codes }); insF.run(info.lastInsertRowid, doc.text, doc.codes, doc.py); insL.run(id, loc); } })();
  const u = process.cpuUsage(c); console.log('raw wall', Date.now() - t, 'cpu', Math.round((u.user + u.system) / 1000));
}
