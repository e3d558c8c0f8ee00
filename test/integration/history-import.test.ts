import { describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { applyPendingInsight, rebuildRollups, ROLLUP_TABLES } from '../../src/main/insight/rollups';
import { inTransaction } from '../../src/main/db/open';
import { metaOf, type FactMeta } from '../../src/main/sync/tables';
import { readFact } from '../../src/main/sync/push';
import { fail, ok } from '../support/app';
import { sell, stockWorld } from '../support/inventory';

async function upload(app: App, kind: 'customers' | 'sales', csv: string, pieces = 2) {
  const { importId } = await ok(app, 'imports.begin', { kind }, 'mgr');
  const size = Math.max(1, Math.ceil(csv.length / pieces));
  for (let i = 0; i * size < csv.length; i++)
    await ok(app, 'imports.chunk', { importId, seq: i, text: csv.slice(i * size, (i + 1) * size) }, 'mgr');
  return importId;
}

async function importFile(
  app: App,
  kind: 'customers' | 'sales',
  csv: string,
  opts: { onlyValid?: boolean; onMatch?: 'update' | 'skip' } = {},
) {
  const importId = await upload(app, kind, csv);
  const preview = await ok(app, 'history.preview', { importId, ...(opts.onMatch ? { onMatch: opts.onMatch } : {}) }, 'mgr');
  const result = await ok(
    app,
    'history.commit',
    { importId, onlyValid: opts.onlyValid ?? false, ...(opts.onMatch ? { onMatch: opts.onMatch } : {}) },
    'mgr',
  );
  return { preview, result };
}

const count = (app: App, sql: string, ...args: unknown[]) =>
  app.deps.sqlite
    .prepare(sql)
    .pluck()
    .get(...args) as number;

/** The rollups as a reader sees them. */
function rollups(app: App): Record<string, string[]> {
  applyPendingInsight(app.deps);
  const out: Record<string, string[]> = {};
  for (const t of ROLLUP_TABLES)
    out[t] = (app.deps.sqlite.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort();
  return out;
}

const SQUARE_ITEMS = [
  'Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID',
  '2025-03-05,14:07:09,Europe/London,Drinks,Cola 330ml,2,Regular,COLA,,$3.00,$0.00,$3.00,$0.00,TX1,P1,iPad,,,Payment,Main,,C1,Dana Reyes,',
  '2025-03-05,14:07:09,Europe/London,Bakery,Sourdough bread,1,Regular,BREAD,,$3.25,-$0.25,$3.00,$0.00,TX1,P1,iPad,,,Payment,Main,,C1,Dana Reyes,',
  '2025-03-06,09:15:00,Europe/London,,Oat latte,1,Large,,,$4.50,$0.00,$4.50,$0.00,TX2,P2,iPad,,,Payment,Main,,,,',
  '2025-03-07,10:00:00,Europe/London,Drinks,Cola 330ml,1,Regular,COLA,,$1.50,$0.00,$1.50,$0.00,TX3,P3,iPad,,,Refund,Main,,,,',
].join('\n');

const SHOPIFY = [
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,Billing Name,Billing Phone,Cancelled at,Payment Method,Phone',
  '#1001,ann@example.com,paid,2025-04-01 10:00:00 +0100,fulfilled,USD,4.50,2.00,0.90,7.40,,0.00,2025-04-01 10:00:00 +0100,1,Cola 330ml,1.50,COLA,0.00,Ann Lee,,,Cash,',
  '#1001,ann@example.com,,,,,,,,,,,2025-04-01 10:00:00 +0100,1,Sourdough loaf,3.00,BREAD,0.00,,,,,',
  '#1002,ann@example.com,paid,2025-05-02 16:30:00 +0100,fulfilled,USD,1.50,0.00,0.00,1.50,,0.00,2025-05-02 16:30:00 +0100,1,Cola 330ml,1.50,COLA,0.00,Ann Lee,,,Shopify Payments,',
].join('\n');

const LOYVERSE_ITEMS = [
  'Date,Receipt number,Receipt type,Category,SKU,Item,Variant,Modifiers applied,Quantity,Gross sales,Discounts,Net sales,Cost of goods,Gross profit,Taxes,Dining option,POS,Store,Cashier name,Customer name,Customer contacts,Comment,Status',
  '05.01.2025 18:20,1-1001,Sale,Bakery,BREAD,Sourdough bread,,,2,6.50,0.00,6.50,3.00,3.50,0.00,,POS 1,Main,Kim,Bo Chen,+44 7700 900123,,Closed',
  '05.01.2025 18:21,1-1002,Refund,Bakery,BREAD,Sourdough bread,,,1,3.25,0.00,3.25,1.50,1.75,0.00,,POS 1,Main,Kim,,,,Closed',
].join('\n');

const SQUARE_TX = [
  'Date,Time,Time Zone,Gross Sales,Discounts,Service Charges,Net Sales,Gift Card Sales,Tax,Tip,Partial Refunds,Total Collected,Source,Card,Card Entry Methods,Cash,Square Gift Card,Other Tender,Other Tender Type,Other Tender Note,Fees,Net Total,Transaction ID,Payment ID,Card Brand,PAN Suffix,Device Name,Staff Name,Staff ID,Details,Description,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID',
  '2025-06-01,12:00:00,Europe/London,$10.00,$0.00,$0.00,$10.00,$0.00,$0.00,$1.00,$0.00,$11.00,Point of Sale,$6.00,Swiped,$5.00,$0.00,$0.00,,,-$0.20,$10.80,TXA,PA,Visa,1234,iPad,Kim,S1,,Custom amount,Payment,Main,,,,',
].join('\n');

describe('history import: customers', () => {
  it('imports a Countertop customers file with row errors, then dedupes by email and phone as the user chooses', async () => {
    const w = await stockWorld();
    const existing = await ok(w.app, 'customers.create', { name: 'Old Dana', email: 'dana@example.com' }, 'mgr');
    const csv = [
      'name,phone,email,notes,store_credit,loyalty_points,created_at',
      'Dana Reyes,+1 555 0100,DANA@example.com,likes oat milk,5.00,120,2023-02-01',
      'Eli Stone,555-0101,eli@example.com,,,,2024-07-09 10:00',
      '=1+2,555-0102,x@example.com,,,,',
      'Bad\u202Eman,555-0103,bad@example.com,,,,',
      'Nul\u0000name,555-0104,nul@example.com,,,,',
      'Mail,555-0105,not-an-email,,,,',
      'Eli Again,555-0101,eli2@example.com,,,,',
      'Late,555-0106,late@example.com,,,,31/31/2024',
    ].join('\n');
    const importId = await upload(w.app, 'customers', csv);
    const preview = await ok(w.app, 'history.preview', { importId }, 'mgr');
    expect(preview).toMatchObject({ kind: 'customers', format: 'countertop', rows: 8, valid: 2, creates: 1, matches: 1 });
    expect(preview.errors.map((e) => [e.row, e.key])).toEqual([
      [4, 'formula'],
      [5, 'unsafeText'],
      [6, 'unsafeText'],
      [7, 'badEmail'],
      [8, 'customerRepeated'],
      [9, 'badDate'],
    ]);
    // All or nothing: with errors and without "only valid", nothing goes in.
    const refused = await fail(w.app, 'history.commit', { importId, onlyValid: false }, 'mgr');
    expect(refused.code).toBe('VALIDATION');
    expect(count(w.app, 'SELECT COUNT(*) FROM customers')).toBe(1);

    const result = await ok(w.app, 'history.commit', { importId, onlyValid: true, onMatch: 'update' }, 'mgr');
    expect(result).toMatchObject({ created: 1, updated: 1, skipped: 0, invalid: 6 });
    const dana = (await ok(w.app, 'customers.get', { id: existing.id }, 'mgr')).customer;
    expect(dana).toMatchObject({ name: 'Dana Reyes', phone: '+1 555 0100', notes: 'likes oat milk', creditBalance: 500, points: 120 });
    const eli = count(w.app, "SELECT created_at FROM customers WHERE email = 'eli@example.com'");
    expect(new Date(eli).toISOString()).toBe('2024-07-09T09:00:00.000Z');

    // Again, skipping matches: nothing changes, balances are not added twice.
    const again = await importFile(w.app, 'customers', csv.split('\n').slice(0, 3).join('\n'), { onMatch: 'skip' });
    expect(again.result).toMatchObject({ created: 0, updated: 0, skipped: 2 });
    const again2 = await importFile(w.app, 'customers', csv.split('\n').slice(0, 3).join('\n'), { onMatch: 'update' });
    expect(again2.result).toMatchObject({ created: 0, updated: 2 });
    expect((await ok(w.app, 'customers.get', { id: existing.id }, 'mgr')).customer).toMatchObject({ creditBalance: 500, points: 120 });
  });

  it('reads the customer exports of Square, Shopify and Loyverse', async () => {
    const w = await stockWorld();
    const square = await importFile(
      w.app,
      'customers',
      'First Name,Last Name,Email Address,Phone Number,Company Name,Memo,Square Customer ID,Creation Source\nAnn,Lee,ann@example.com,555-1000,,VIP,SQ1,Directory',
    );
    expect(square.preview.format).toBe('square');
    const shopify = await importFile(
      w.app,
      'customers',
      'First Name,Last Name,Email,Accepts Email Marketing,Company,Phone,Total Spent,Total Orders,Note\nBo,Chen,bo@example.com,yes,,555-2000,10.00,1,',
    );
    expect(shopify.preview.format).toBe('shopify');
    const loyverse = await importFile(
      w.app,
      'customers',
      'Customer name,Email,Phone,Customer code,Note,First visit,Total visits,Total spent,Points balance\n陈美,,13800138000,L1,,2024-01-02,3,30.00,45',
    );
    expect(loyverse.preview.format).toBe('loyverse');
    const rows = w.app.deps.sqlite.prepare('SELECT name, email, phone_digits AS d, notes FROM customers ORDER BY name').all();
    expect(rows).toEqual([
      { name: 'Ann Lee', email: 'ann@example.com', d: '5551000', notes: 'VIP' },
      { name: 'Bo Chen', email: 'bo@example.com', d: '5552000', notes: '' },
      { name: '陈美', email: null, d: '13800138000', notes: '' },
    ]);
    const chen = count(w.app, "SELECT id FROM customers WHERE name = '陈美'") as unknown as string;
    expect((await ok(w.app, 'customers.get', { id: chen }, 'mgr')).customer.points).toBe(45);
  });

  it('refuses a file whose header it does not know, naming the formats it reads', async () => {
    const w = await stockWorld();
    const importId = await upload(w.app, 'customers', 'foo,bar\n1,2');
    const p = await ok(w.app, 'history.preview', { importId }, 'mgr');
    expect(p.format).toBeNull();
    expect(p.errors[0]).toMatchObject({ row: 1, key: 'unknownFormat' });
    expect((await fail(w.app, 'history.commit', { importId, onlyValid: true }, 'mgr')).code).toBe('VALIDATION');
  });
});

describe('history import: sales', () => {
  it('Square Item Sales: lines matched by SKU, unknown items kept as archived products, refunds left out as row errors', async () => {
    const w = await stockWorld();
    await sell(w.app, w.cola.id);
    const shiftBefore = await ok(w.app, 'shifts.report', {}, 's1');
    const importId = await upload(w.app, 'sales', SQUARE_ITEMS);
    const p = await ok(w.app, 'history.preview', { importId }, 'mgr');
    expect(p).toMatchObject({ format: 'square-items', rows: 4, valid: 2, lines: 3, newProducts: 1, matches: 0 });
    expect(p.errors.map((e) => [e.row, e.key])).toEqual([[5, 'refundRow']]);
    const r = await ok(w.app, 'history.commit', { importId, onlyValid: true }, 'mgr');
    expect(r).toMatchObject({ format: 'square-items', created: 2, lines: 3, newProducts: 1, invalid: 1 });

    const tx1 = w.app.deps.sqlite.prepare("SELECT * FROM orders WHERE number = 'SQ-TX1'").get() as Record<string, unknown>;
    expect(tx1).toMatchObject({
      source: 'square',
      shift_id: null,
      total: 600,
      discount_total: 25,
      subtotal: 625,
      checkout_id: 'import:square:TX1',
    });
    expect(new Date(tx1.created_at as number).toISOString()).toBe('2025-03-05T14:07:09.000Z');
    const lines = w.app.deps.sqlite
      .prepare('SELECT product_id AS p, qty, total FROM order_lines WHERE order_id = ? ORDER BY position')
      .all(tx1.id);
    expect(lines).toEqual([
      { p: w.cola.id, qty: 2000, total: 300 },
      { p: w.bread.id, qty: 1000, total: 300 },
    ]);
    const latte = w.app.deps.sqlite.prepare("SELECT sku, name, archived FROM products WHERE name = 'Oat latte (Large)'").get();
    expect(latte).toMatchObject({ archived: 1 });
    // Outside the journal, every shift and the stock ledger.
    expect(count(w.app, 'SELECT COUNT(*) FROM journal WHERE ref_id IN (SELECT id FROM orders WHERE source IS NOT NULL)')).toBe(0);
    expect(count(w.app, "SELECT COUNT(*) FROM stock_movements WHERE kind = 'sale'")).toBe(1);
    expect(count(w.app, 'SELECT COUNT(*) FROM orders WHERE source IS NOT NULL AND shift_id IS NOT NULL')).toBe(0);
    // The open shift's report (the Z report when it closes) is what it was.
    expect(await ok(w.app, 'shifts.report', {}, 's1')).toEqual(shiftBefore);
    // Synced once, as ordinary order facts (beside the till's own sale).
    expect(count(w.app, "SELECT COUNT(*) FROM outbox WHERE entity = 'order'")).toBe(3);
    expect((await ok(w.app, 'journal.verify', {}, 'mgr')).ok).toBe(true);
  });

  it('importing the same file twice adds nothing the second time; the dashboard counts each order once', async () => {
    const w = await stockWorld();
    await importFile(w.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    const before = rollups(w.app);
    const orders = count(w.app, 'SELECT COUNT(*) FROM orders');
    const again = await importFile(w.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    expect(again.preview).toMatchObject({ valid: 0, matches: 2 });
    expect(again.result).toMatchObject({ created: 0, skipped: 2 });
    expect(count(w.app, 'SELECT COUNT(*) FROM orders')).toBe(orders);
    expect(rollups(w.app)).toEqual(before);
    const day = await ok(w.app, 'insight.summary', { from: '2025-03-05', to: '2025-03-05' }, 'mgr');
    expect(day.current).toMatchObject({ orders: 1, sales: 600, discount: 25 });
  });

  it('an imported order travels as an ordinary order fact, marked, with the same id wherever the same file is imported', async () => {
    const a = await stockWorld();
    const b = await stockWorld();
    await importFile(a.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    await importFile(b.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    const ids = (w: typeof a) => w.app.deps.sqlite.prepare('SELECT id FROM orders WHERE source IS NOT NULL ORDER BY id').pluck().all();
    expect(ids(a)).toEqual(ids(b));
    const lineIds = (w: typeof a) => w.app.deps.sqlite.prepare('SELECT id FROM order_lines ORDER BY id').pluck().all();
    expect(lineIds(a)).toEqual(lineIds(b));
    const id = ids(a)[0] as string;
    const fact = readFact(metaOf(a.app.deps.sqlite, 'order') as FactMeta, id)!;
    expect(fact.d).toMatchObject({ id, source: 'square', shift_id: null });
    expect(fact.ch?.order_lines?.length).toBeGreaterThan(0);
  });

  it('the rollups added at import agree with a rebuild from the facts, beside till sales', async () => {
    const w = await stockWorld();
    await sell(w.app, w.cola.id, 2000);
    await importFile(w.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    await importFile(w.app, 'sales', SHOPIFY);
    await importFile(w.app, 'sales', LOYVERSE_ITEMS, { onlyValid: true });
    await importFile(w.app, 'sales', SQUARE_TX);
    const incremental = rollups(w.app);
    inTransaction(w.app.deps.sqlite, () => rebuildRollups(w.app.deps));
    expect(rollups(w.app)).toEqual(incremental);
  });

  it('a commit reads the staged file itself when there was no preview, or when the store changed since the preview', async () => {
    const w = await stockWorld();
    const direct = await upload(w.app, 'sales', SQUARE_ITEMS);
    expect(await ok(w.app, 'history.commit', { importId: direct, onlyValid: true }, 'mgr')).toMatchObject({ created: 2, lines: 3 });
    // Previewed, then the same orders imported by another upload: the commit sees them as done.
    const previewed = await upload(w.app, 'sales', SHOPIFY);
    expect(await ok(w.app, 'history.preview', { importId: previewed }, 'mgr')).toMatchObject({ valid: 2, matches: 0 });
    await importFile(w.app, 'sales', SHOPIFY);
    expect(await ok(w.app, 'history.commit', { importId: previewed, onlyValid: false }, 'mgr')).toMatchObject({ created: 0, skipped: 2 });
    expect(count(w.app, "SELECT COUNT(*) FROM orders WHERE source = 'shopify'")).toBe(2);
  });

  it('orders listed in any order are written in time order (lines, payments and outbox with them), tenders as the file gives them', async () => {
    const w = await stockWorld();
    const csv = [
      'order_id,date,customer_email,sku,qty,unit_price,payments',
      'N3,2025-03-09T10:00:00Z,,COLA,2,1.50,cash',
      'N3,2025-03-09T10:00:00Z,,BREAD,1,3.25,cash',
      'N1,2025-01-02T09:00:00Z,ann@example.com,BREAD,1,3.25,',
      'N2,2025-02-05T12:30:00Z,,COLA,1,1.50,cash=1.00;card',
    ].join('\n');
    const { result } = await importFile(w.app, 'sales', csv);
    expect(result).toMatchObject({ created: 3, lines: 4 });
    const db = w.app.deps.sqlite;
    const byRowid = db.prepare("SELECT id FROM orders WHERE source = 'countertop' ORDER BY rowid").pluck().all() as string[];
    expect(byRowid).toEqual([...byRowid].sort());
    expect(db.prepare("SELECT number FROM orders WHERE source = 'countertop' ORDER BY rowid").pluck().all()).toEqual([
      'CT-N1',
      'CT-N2',
      'CT-N3',
    ]);
    expect(db.prepare("SELECT entity_id FROM outbox WHERE entity = 'order' ORDER BY seq").pluck().all()).toEqual(byRowid);
    // Each order's lines and payments follow it, and their ids are of its family.
    const lineOrders = db.prepare('SELECT order_id FROM order_lines ORDER BY rowid').pluck().all() as string[];
    expect(lineOrders).toEqual([byRowid[0], byRowid[1], byRowid[2], byRowid[2]]);
    const pays = db
      .prepare(
        'SELECT o.number, p.kind, p.amount, p.brand, substr(p.id, 1, 32) = substr(o.id, 1, 32) AS family FROM payments p JOIN orders o ON o.id = p.order_id ORDER BY p.rowid',
      )
      .raw()
      .all();
    expect(pays).toEqual([
      ['CT-N1', 'card_external', 325, null, 1],
      ['CT-N2', 'cash', 100, null, 1],
      ['CT-N2', 'card_external', 50, 'card', 1],
      ['CT-N3', 'cash', 625, null, 1],
    ]);
    const incremental = rollups(w.app);
    inTransaction(db, () => rebuildRollups(w.app.deps));
    expect(rollups(w.app)).toEqual(incremental);
  });

  it('weighed lines of several units: the import counts them apart from pieces, as a rebuild and the summary do', async () => {
    const w = await stockWorld();
    for (const [sku, unit] of [
      ['BEEF', 'lb'],
      ['RICE', 'jin'],
    ] as const)
      await ok(w.app, 'catalog.create', { sku, name: sku, unit, price: 500, cost: 200, barcodes: [], taxRateId: w.red.id }, 'mgr');
    await sell(w.app, w.apple.id, 1250);
    const csv = [
      SQUARE_ITEMS.split('\n')[0],
      '2025-03-05,14:07:09,Europe/London,,Beef,2,Regular,BEEF,,$10.00,$0.00,$10.00,$0.00,TX1,P1,iPad,,,Payment,Main,,,,',
      '2025-03-05,14:07:09,Europe/London,,Rice,1,Regular,RICE,,$2.50,$0.00,$2.50,$0.00,TX1,P1,iPad,,,Payment,Main,,,,',
      '2025-03-05,14:07:09,Europe/London,Drinks,Cola 330ml,3,Regular,COLA,,$4.50,$0.00,$4.50,$0.00,TX1,P1,iPad,,,Payment,Main,,,,',
      '2025-03-06,09:15:00,Europe/London,,Apples,0.25,Regular,APPLE,,$0.75,$0.00,$0.75,$0.00,TX2,P2,iPad,,,Payment,Main,,,,',
    ].join('\n');
    await importFile(w.app, 'sales', csv);
    const incremental = rollups(w.app);
    inTransaction(w.app.deps.sqlite, () => rebuildRollups(w.app.deps));
    expect(rollups(w.app)).toEqual(incremental);
    // 2 lb + 1 斤 + 0.25 kg = 907.18474 + 500 + 250 g.
    const s = await ok(w.app, 'insight.summary', { from: '2025-03-01', to: '2025-03-31' }, 'mgr');
    expect(s.current).toMatchObject({ orders: 2, items: 3000, weightGrams: 1657 });
  });

  it('Shopify orders: rows of one order joined, order tax spread over lines, shipping kept as a line, customer made from the email', async () => {
    const w = await stockWorld();
    const { preview, result } = await importFile(w.app, 'sales', SHOPIFY);
    expect(preview).toMatchObject({ format: 'shopify', valid: 2, lines: 4, newProducts: 1, customersCreated: 1 });
    expect(result).toMatchObject({ created: 2, customersCreated: 1 });
    const o = w.app.deps.sqlite
      .prepare("SELECT id, total, tax_total AS tax, customer_id AS c, created_at AS at FROM orders WHERE number = 'SH-1001'")
      .get() as {
      id: string;
      total: number;
      tax: number;
      c: string;
      at: number;
    };
    // 1.50 + 3.00 (the file's name for the bread kept on its line) + 2.00 shipping, and 0.90 tax on top (Total = Subtotal + Shipping + Taxes).
    expect(o).toMatchObject({ total: 740, tax: 90 });
    expect(new Date(o.at).toISOString()).toBe('2025-04-01T09:00:00.000Z');
    const pays = w.app.deps.sqlite.prepare('SELECT kind, amount FROM payments WHERE order_id = ?').all(o.id);
    expect(pays).toEqual([{ kind: 'cash', amount: 740 }]);
    const ann = w.app.deps.sqlite.prepare('SELECT name, email FROM customers WHERE id = ?').get(o.c);
    expect(ann).toEqual({ name: 'Ann Lee', email: 'ann@example.com' });
    const insight = await ok(w.app, 'insight.customers', {}, 'mgr');
    expect(insight).toMatchObject({ customers: 1, repeatCustomers: 1, repeatRateBp: 10000 });
  });

  it('matches sales to imported customers by email, phone or name', async () => {
    const w = await stockWorld();
    await importFile(w.app, 'customers', 'name,phone,email\nBo Chen,+44 7700 900123,\nDana Reyes,,dana@example.com');
    const { preview } = await importFile(w.app, 'sales', LOYVERSE_ITEMS, { onlyValid: true });
    expect(preview).toMatchObject({ format: 'loyverse-items', valid: 1, customersMatched: 1, customersCreated: 0 });
    await importFile(w.app, 'sales', SQUARE_ITEMS, { onlyValid: true });
    const byCustomer = w.app.deps.sqlite
      .prepare('SELECT c.name, COUNT(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.name ORDER BY c.name')
      .all();
    expect(byCustomer).toEqual([
      { name: 'Bo Chen', n: 1 },
      { name: 'Dana Reyes', n: 1 },
    ]);
    const lv = w.app.deps.sqlite.prepare("SELECT created_at AS at FROM orders WHERE number = 'LV-1-1001'").pluck().get() as number;
    // Day first with dots, in the store's zone (London, winter).
    expect(new Date(lv).toISOString()).toBe('2025-01-05T18:20:00.000Z');
  });

  it('Square Transactions: tenders as paid (the tip left out), one line per sale', async () => {
    const w = await stockWorld();
    const { preview } = await importFile(w.app, 'sales', SQUARE_TX);
    expect(preview.format).toBe('square-transactions');
    const id = count(w.app, "SELECT id FROM orders WHERE number = 'SQ-TXA'") as unknown as string;
    const pays = w.app.deps.sqlite.prepare('SELECT kind, amount, brand FROM payments WHERE order_id = ? ORDER BY rowid').all(id);
    expect(pays).toEqual([
      { kind: 'cash', amount: 500, brand: null },
      { kind: 'card_external', amount: 500, brand: 'Visa' },
    ]);
    const line = w.app.deps.sqlite
      .prepare(
        'SELECT l.name, p.name AS product, p.archived FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ?',
      )
      .get(id);
    expect(line).toEqual({ name: 'Custom amount', product: 'Square sale', archived: 1 });
  });

  it('Loyverse receipts: US dates, the payment type as the tender, one summary line per receipt', async () => {
    const w = await stockWorld();
    const csv = [
      'Date,Receipt number,Receipt type,Gross sales,Discounts,Net sales,Taxes,Total collected,Cost of goods,Gross profit,Payment type,Description,Dining option,POS,Store,Cashier name,Customer name,Customer contacts,Comment,Status',
      '1/5/25 6:20 PM,1-2001,Sale,12.00,1.00,11.00,0.00,11.00,5.00,6.00,Card,"2 × Tea, Cake",,POS 1,Main,Kim,,,,Closed',
      '1/6/25 9:05 AM,1-2002,Sale,3.00,0.00,3.00,0.00,3.00,1.00,2.00,Cash,Tea,,POS 1,Main,Kim,,,,Cancelled',
    ].join('\n');
    const { preview, result } = await importFile(w.app, 'sales', csv, { onlyValid: true });
    expect(preview).toMatchObject({ format: 'loyverse-receipts', valid: 1, newProducts: 1 });
    expect(preview.errors.map((e) => [e.row, e.key])).toEqual([[3, 'cancelled']]);
    expect(result.created).toBe(1);
    const o = w.app.deps.sqlite.prepare("SELECT id, total, created_at AS at FROM orders WHERE number = 'LV-1-2001'").get() as {
      id: string;
      total: number;
      at: number;
    };
    expect(o.total).toBe(1100);
    expect(new Date(o.at).toISOString()).toBe('2025-01-05T18:20:00.000Z');
    expect(w.app.deps.sqlite.prepare('SELECT kind, brand, amount FROM payments WHERE order_id = ?').all(o.id)).toEqual([
      { kind: 'card_external', brand: 'Card', amount: 1100 },
    ]);
    expect(w.app.deps.sqlite.prepare('SELECT name FROM order_lines WHERE order_id = ?').pluck().get(o.id)).toBe('2 × Tea, Cake');
  });

  it('suggestions learn from imported baskets', async () => {
    const w = await stockWorld();
    const csv = [
      'order_id,date,sku,name,qty,unit_price,payments',
      'B1,2025-01-01 10:00,COLA,,1,1.50,cash',
      'B1,2025-01-01 10:00,BREAD,,1,3.25,cash',
      'B2,2025-01-02 10:00,COLA,,1,1.50,cash',
      'B2,2025-01-02 10:00,BREAD,,1,3.25,cash',
      'B3,2025-01-03 10:00,APPLE,,0.5,2.99,card',
      'B4,2025-01-04 10:00,APPLE,,1.25,2.99,card',
    ].join('\n');
    expect(await ok(w.app, 'insight.suggestions', { productIds: [w.cola.id] }, 'mgr')).toEqual([]);
    await importFile(w.app, 'sales', csv);
    const sugg = await ok(w.app, 'insight.suggestions', { productIds: [w.cola.id] }, 'mgr');
    expect(sugg.map((x) => x.name)).toEqual(['Sourdough bread']);
  });

  it('a sale lands in the business day of its own time, cutoff included', async () => {
    const w = await stockWorld();
    await ok(w.app, 'insight.setBusinessDay', { cutoffHour: 4 }, 's1');
    const csv =
      'order_id,date,sku,name,qty,unit_price,payments\nN1,2025-07-02 01:30,COLA,,1,1.50,cash\nN2,2025-07-02 05:00,COLA,,1,1.50,cash';
    await importFile(w.app, 'sales', csv);
    const d1 = await ok(w.app, 'insight.summary', { from: '2025-07-01', to: '2025-07-01' }, 'mgr');
    const d2 = await ok(w.app, 'insight.summary', { from: '2025-07-02', to: '2025-07-02' }, 'mgr');
    expect([d1.current.orders, d2.current.orders]).toEqual([1, 1]);
  });

  it('hostile files: formula cells, huge cells, bad dates, negative quantities and hidden characters are row errors, never a crash or half an import', async () => {
    const w = await stockWorld();
    const huge = 'x'.repeat(5000);
    const csv = [
      'order_id,date,sku,name,qty,unit_price,payments,customer_name',
      'H1,2025-01-01 10:00,COLA,,1,1.50,cash,',
      'H2,2025-01-01 10:00,,=cmd|"/c calc"!A1,1,1.50,cash,',
      `H3,2025-01-01 10:00,,${huge},1,1.50,cash,`,
      'H4,2025-02-30 10:00,COLA,,1,1.50,cash,',
      'H5,2025-01-01 10:00,COLA,,-2,1.50,cash,',
      'H6,2025-01-01 10:00,,Evil\u202Egnp.exe,1,1.50,cash,',
      'H7,2025-01-01 10:00,COLA,,1,1.50,cash,Nul\u0000l',
      'H8,2025-01-01 10:00,COLA,,abc,1.50,cash,',
      'H9,2099-01-01 10:00,COLA,,1,1.50,cash,',
      'H1,2025-01-01 10:00,BREAD,,0,3.25,cash,',
    ].join('\n');
    const importId = await upload(w.app, 'sales', csv, 4);
    const p = await ok(w.app, 'history.preview', { importId }, 'mgr');
    expect(p.errors.map((e) => [e.row, e.key])).toEqual([
      [3, 'formula'],
      [4, 'cellTooLong'],
      [5, 'badDate'],
      [6, 'qtyNotPositive'],
      [7, 'unsafeText'],
      [8, 'unsafeText'],
      [9, 'badQty'],
      [10, 'futureDate'],
      [11, 'qtyNotPositive'],
    ]);
    // H1's second row is bad: the whole order is left out, not half of it.
    expect(p.valid).toBe(0);
    const before = count(w.app, 'SELECT COUNT(*) FROM orders');
    expect((await fail(w.app, 'history.commit', { importId, onlyValid: false }, 'mgr')).code).toBe('VALIDATION');
    expect(count(w.app, 'SELECT COUNT(*) FROM orders')).toBe(before);
    expect(count(w.app, 'SELECT COUNT(*) FROM products')).toBe(3);
  });
});

describe('history import: numbers', () => {
  it('reads amounts and quantities with a decimal comma, and refuses a quantity that could be read two ways', async () => {
    const { money, quantity } = await import('../../src/main/history/formats');
    expect(money('12,50', 'x', 2)).toBe(1250);
    expect(money('1.234,50 €', 'x', 2)).toBe(123450);
    expect(money('$1,234.50', 'x', 2)).toBe(123450);
    expect(money('1,234', 'x', 2)).toBe(123400);
    expect(money('(3.00)', 'x', 2, { negative: true })).toBe(-300);
    expect(quantity('1,5', 'q')).toBe(1500);
    expect(quantity('2', 'q')).toBe(2000);
    expect(quantity('1,500.5', 'q')).toBe(1_500_500);
    expect(() => quantity('1,500', 'q')).toThrow(/two ways/);
  });

  it('plain numbers ("3.50", "2"), read directly, come out as the general reading gives them, refusals included', async () => {
    const { money, quantity } = await import('../../src/main/history/formats');
    const outcome = (f: () => number | null) => {
      try {
        return f();
      } catch (e) {
        return (e as { key?: string }).key ?? 'error';
      }
    };
    const plain = [
      '0',
      '3',
      '3.5',
      '3.50',
      '007.25',
      '1.005',
      '1.000',
      '0.0005',
      '999999999',
      '100000000',
      '100000001',
      '1000000000',
      '123456789012345',
    ];
    for (const v of plain) {
      // A currency sign or a space sends the same number down the general path.
      expect(
        outcome(() => money(v, 'x', 2)),
        v,
      ).toEqual(outcome(() => money(`$${v}`, 'x', 2)));
      expect(
        outcome(() => money(v, 'x', 0)),
        v,
      ).toEqual(outcome(() => money(` ${v}`, 'x', 0)));
      expect(
        outcome(() => quantity(v, 'q')),
        v,
      ).toEqual(outcome(() => quantity(` ${v}`, 'q')));
    }
    expect(money('3.50', 'x', 2)).toBe(350);
    expect(() => money('1.005', 'x', 2)).toThrow(/not an amount/);
    expect(() => quantity('0', 'q')).toThrow(/not above zero/);
    expect(() => quantity('0.0005', 'q')).toThrow(/not a quantity/);
  });
});

describe('history import: messages', () => {
  it('every row-error key the import can give has its message in English and in Chinese', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = 'src/main/history';
    const source = readdirSync(dir)
      .map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
      .join('\n');
    const keys = new Set<string>();
    for (const re of [/new RowError\(\s*[^,]+,\s*'(\w+)'/g, /key: '(\w+)'/g, /err\(\s*[^,]+,\s*[^,]+,\s*'(\w+)'/g])
      for (const m of source.matchAll(re)) keys.add(m[1]!);
    expect(keys.size).toBeGreaterThan(20);
    // The renderer's modules are outside this project's type program: loaded at run time.
    const path = 'i18n/history';
    const mod = (await import(/* @vite-ignore */ `../../src/renderer/${path}`)) as {
      historyMessages: { en: { reasons: Record<string, string> }; zhCN: { reasons: Record<string, string> } };
    };
    const missing = [...keys].filter(
      (k) => !mod.historyMessages.en.reasons[k] || !/[\u4e00-\u9fff]/.test(mod.historyMessages.zhCN.reasons[k] ?? ''),
    );
    expect(missing).toEqual([]);
  });
});
