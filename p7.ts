import Database from 'better-sqlite3';
import { stockListSql } from './src/main/inventory/stock';
const db = new Database('/tmp/b1m/countertop.db', { readonly: true });
const loc = db.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;
const cat = db.prepare('SELECT id FROM categories LIMIT 1').pluck().get() as string;
const deps = { sqlite: db } as never;
const cases: [string, object][] = [
  ['name first', { sort: 'name', offset: 0, limit: 100 }],
  ['name scroll', { sort: 'name', offset: 4000, limit: 100 }],
  ['sku desc', { sort: 'sku', dir: 'desc', offset: 0, limit: 100 }],
  ['qty asc', { sort: 'qty', offset: 0, limit: 100 }],
  ['qty desc', { sort: 'qty', dir: 'desc', offset: 0, limit: 100 }],
  ['cat name', { categoryId: cat, sort: 'name', offset: 0, limit: 100 }],
  ['cat qty', { categoryId: cat, sort: 'qty', offset: 0, limit: 100 }],
  ['low', { status: 'low', sort: 'name', offset: 0, limit: 100 }],
  ['out', { status: 'out', sort: 'name', offset: 0, limit: 100 }],
  ['milk', { q: 'milk', sort: 'name', offset: 0, limit: 100 }],
  ['奶', { q: '奶', sort: 'name', offset: 0, limit: 100 }],
  ['organic', { q: 'organic', sort: 'name', offset: 0, limit: 100 }],
];
for (const [label, q] of cases) {
  const { sql, args } = stockListSql(deps, { locationId: loc, ...q } as never);
  const st = db.prepare(sql);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(args) as { detail: string }[]).map((r) => r.detail).join(' | ');
  st.all(args);
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) st.all(args);
  console.log(label.padEnd(12), ((performance.now() - t0) / 3).toFixed(1), 'ms  ', plan.slice(0, 230));
}
