import Papa from 'papaparse';
import { makeApp, ok, readyStore } from './test/support/app';
import { generateProduct } from './bench/seed';
import { rng } from './bench/stats';
import { PRODUCT_COLUMNS } from './src/main/inventory/csv';
const app = makeApp();
await readyStore(app);
const N = 20000;
const mk = (base: number) => { const rand = rng(base); const plu = { next: 100000 }; const data: string[][] = [];
for (let i = 0; i < N; i++) { const p = generateProduct(base + i, rand, 0.3, plu); data.push([`IMP-${p.sku}`, p.name, p.altName ?? '', '', p.unit, (p.price/100).toFixed(2), (p.cost/100).toFixed(2), '', p.barcodes.join('|'), '', '', '', '', '']); }
return Papa.unparse({ fields: [...PRODUCT_COLUMNS], data }); };
for (const base of [5_000_000, 6_000_000]) {
  const text = mk(base);
  const { importId } = await ok(app, 'imports.begin', { kind: 'products' });
  for (let i = 0; i * 512000 < text.length; i++) await ok(app, 'imports.chunk', { importId, seq: i, text: text.slice(i * 512000, (i + 1) * 512000) });
  let c = process.cpuUsage(); let t = Date.now();
  await ok(app, 'imports.preview', { importId });
  let u = process.cpuUsage(c); console.log('preview wall', Date.now() - t, 'cpu', Math.round((u.user + u.system) / 1000));
  c = process.cpuUsage(); t = Date.now();
  await ok(app, 'imports.commit', { importId, onlyValid: false });
  u = process.cpuUsage(c); console.log('commit wall', Date.now() - t, 'cpu', Math.round((u.user + u.system) / 1000));
}
