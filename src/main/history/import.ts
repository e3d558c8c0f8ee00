import { createHash } from 'node:crypto';
import type { HistoryFormat, HistoryPreview, HistoryResult, OnMatch } from '../../shared/api/history';
import type { ImportError } from '../../shared/api/inventory-types';
import { currencyDigits } from '../../shared/money';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { readSettings } from '../settings/settings';
import { cachedStatement } from '../db/statements';
import { businessDaySettings } from '../insight/settings';
import { applyPendingInsight, applySalesToRollups, type RollupEvent } from '../insight/rollups';
import { defaultTaxRateId } from '../catalog/products';
import { addCredit, addPoints, updateCustomer } from '../customers/customers';
import { dropStaged, stagedMemo, stagedText } from '../inventory/csv';
import { detectFormat, digitsOf, email, money, parseTable, phone, RowError, safeText, sourceOf, tender, when, type Table } from './formats';
import { customerFields, SALE_ROWS, type CustomerIn, type HeadIn, type LineIn, type RowContext } from './rows';
import { UNSTAMPED } from '../db/write-path';
import { stableId, stableIds } from '../db/stable-ids';
import type { CamelCols, SqlRow } from '../db/rows';
import type { Unit } from '../../shared/units';
import type * as schema from '../db/schema';

/**
 * A store's past brought along: customers, and sales history from the till a shop leaves.
 *
 * Imported sales are facts like any order, marked with their `source`: they sync once as ordinary
 * order facts (append-only, idempotent by id), and the dashboard, customer analytics and
 * suggestions count them in the business day of their own timestamps. They are outside this
 * till's hash journal (they were not rung up here, so there is no chain of ours to put them in),
 * outside every shift and Z report (no drawer saw that money), and move no stock (the counts the
 * shop brings are today's, which the past sales already left).
 *
 * Each order's id is derived from its source and its id in the file, and its checkout id names
 * both: a file imported twice, here or on another terminal of the store, never doubles an order.
 */

const MAX_ERRORS = 200;
const MAX_LINES = 500;
const DAY_MS = 86_400_000;

type D = Deps;

function sampleOf(t: Table): Record<string, string>[] {
  return t.records.slice(0, 20).map((r) => Object.fromEntries(t.columns.filter(Boolean).map((c) => [c, r.get(c)])));
}

function rowError(row: number, e: unknown): ImportError {
  if (e instanceof RowError) return { row, column: e.column, reason: e.message, key: e.key, ...(e.params ? { params: e.params } : {}) };
  throw e;
}

function context(deps: D): RowContext {
  const s = readSettings(deps);
  return { digits: currencyDigits(s.currency), timezone: businessDaySettings(deps).timezone, inclusive: s.priceMode === 'inclusive' };
}

function unknownFormat(t: Table, kind: 'customers' | 'sales'): ImportError {
  return {
    row: 1,
    column: null,
    reason: `the header is not one of the known ${kind} exports (Countertop, Square, Shopify, Loyverse)`,
    key: 'unknownFormat',
    params: { columns: t.columns.slice(0, 8).join(', ') },
  };
}

// ---------------------------------------------------------------------------------------------
// Customers

interface CustomerRow extends CustomerIn {
  row: number;
  existingId: string | null;
}

interface CustomersChecked {
  format: HistoryFormat | null;
  table: Table;
  valid: CustomerRow[];
  errors: ImportError[];
}

type CustomerId = SqlRow<typeof schema.customers>['id'];

/** Existing customers by lower-cased email and by phone digits, looked up set-wise. */
function customerIndex(deps: D, emails: Set<string>, phones: Set<string>, names: Set<string>) {
  const byEmail = new Map(
    deps.sqlite
      .prepare('SELECT lower(email), id FROM customers WHERE email IS NOT NULL AND lower(email) IN (SELECT value FROM json_each(?))')
      .raw()
      .all(JSON.stringify([...emails])) as [SqlRow<typeof schema.customers>['email'] & string, CustomerId][],
  );
  const byPhone = new Map(
    deps.sqlite
      .prepare('SELECT phone_digits, id FROM customers WHERE phone_digits IN (SELECT value FROM json_each(?))')
      .raw()
      .all(JSON.stringify([...phones])) as [SqlRow<typeof schema.customers>['phone_digits'] & string, CustomerId][],
  );
  // A name matches only when one customer has it.
  const byName = new Map<string, string | null>();
  for (const [name, id] of deps.sqlite
    .prepare('SELECT name, id FROM customers WHERE name IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify([...names])) as [SqlRow<typeof schema.customers>['name'], CustomerId][])
    byName.set(name, byName.has(name) ? null : id);
  return { byEmail, byPhone, byName };
}

function checkCustomers(deps: D, text: string): CustomersChecked {
  const table = parseTable(text);
  const format = detectFormat('customers', table.columns);
  const errors = [...table.errors];
  if (!format) return { format, table, valid: [], errors: [unknownFormat(table, 'customers'), ...errors] };
  const c = context(deps);
  const now = deps.clock();
  const parsed: CustomerRow[] = [];
  for (const r of table.records) {
    try {
      const f = customerFields(format, r);
      const mail = email(f.email, 'email');
      const tel = phone(f.phone, 'phone');
      const name = safeText(f.name || mail || tel || '', 'name', 120);
      if (!name) throw new RowError('name', 'nameEmpty', 'the name is empty');
      const credit = f.credit ? parseMoneyField(f.credit, 'store credit', c.digits) : null;
      const points = f.points ? parsePoints(f.points) : null;
      const createdAt = f.created ? when(f.created, '', 'created at', c.timezone) : null;
      if (createdAt !== null && createdAt > now + DAY_MS) throw new RowError('created at', 'futureDate', 'the date is in the future');
      parsed.push({
        row: r.row,
        name,
        email: mail,
        phone: tel,
        notes: safeText(f.notes, 'notes', 1000),
        credit,
        points,
        createdAt,
        existingId: null,
      });
    } catch (e) {
      errors.push(rowError(r.row, e));
    }
  }
  const idx = customerIndex(
    deps,
    new Set(parsed.flatMap((p) => (p.email ? [p.email.toLowerCase()] : []))),
    new Set(parsed.flatMap((p) => (p.phone ? [digitsOf(p.phone)] : []))),
    new Set(),
  );
  const seenEmail = new Map<string, number>();
  const seenPhone = new Map<string, number>();
  const valid: CustomerRow[] = [];
  for (const p of parsed) {
    const e = p.email?.toLowerCase() ?? null;
    const d = p.phone ? digitsOf(p.phone) : null;
    const other = (e && seenEmail.get(e)) || (d && seenPhone.get(d));
    if (other) {
      errors.push({
        row: p.row,
        column: e && seenEmail.has(e) ? 'email' : 'phone',
        reason: `the same customer is already on row ${other}`,
        key: 'customerRepeated',
        params: { other },
      });
      continue;
    }
    const byEmail = e ? idx.byEmail.get(e) : undefined;
    const byPhone = d ? idx.byPhone.get(d) : undefined;
    if (byEmail && byPhone && byEmail !== byPhone) {
      errors.push({
        row: p.row,
        column: 'phone',
        reason: 'the email and the phone number belong to two different customers',
        key: 'customerAmbiguous',
      });
      continue;
    }
    if (e) seenEmail.set(e, p.row);
    if (d) seenPhone.set(d, p.row);
    valid.push({ ...p, existingId: byEmail ?? byPhone ?? null });
  }
  errors.sort((a, b) => a.row - b.row);
  return { format, table, valid, errors };
}

function parseMoneyField(value: string, column: string, digits: number): number {
  return money(value, column, digits) ?? 0;
}

function parsePoints(value: string): number {
  const t = value.replace(/[\s,]/g, '');
  if (!/^\d{1,9}(\.0+)?$/.test(t)) throw new RowError('points', 'badPoints', `"${value.slice(0, 20)}" is not a number of points`);
  return Number.parseInt(t, 10);
}

function commitCustomers(
  deps: D,
  c: Omit<CustomersChecked, 'table'>,
  onMatch: OnMatch,
  staffId: string,
): Omit<HistoryResult, 'kind' | 'format' | 'invalid'> {
  let created = 0;
  let updated = 0;
  let skipped = 0;
  const now = deps.clock();
  const ins = cachedStatement(
    deps.sqlite,
    `INSERT INTO customers (id, name, phone, phone_digits, email, notes, marketing_consent, consent_at, created_at, updated_at, hlc)
     VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)`,
  );
  const balances = deps.sqlite.prepare(
    `SELECT (SELECT COALESCE(SUM(delta), 0) FROM store_credit WHERE customer_id = ?) AS credit,
            (SELECT COALESCE(SUM(delta), 0) FROM loyalty_points WHERE customer_id = ?) AS points`,
  );
  for (const r of c.valid) {
    let id = r.existingId;
    if (id && onMatch === 'skip') {
      skipped++;
      continue;
    }
    if (id) {
      updateCustomer(
        deps,
        {
          id,
          name: r.name,
          ...(r.phone ? { phone: r.phone } : {}),
          ...(r.email ? { email: r.email } : {}),
          ...(r.notes ? { notes: r.notes } : {}),
        },
        staffId,
      );
      updated++;
    } else {
      id = deps.ids();
      const at = r.createdAt ?? now;
      ins.run(id, r.name, r.phone, r.phone ? digitsOf(r.phone) : null, r.email, r.notes, at, now, UNSTAMPED);
      created++;
    }
    // Balances are brought to what the file says: a second import of the same file adds nothing.
    const cur = balances.get(id, id) as {
      credit: SqlRow<typeof schema.storeCredit>['delta'];
      points: SqlRow<typeof schema.loyaltyPoints>['delta'];
    };
    if (r.credit !== null && r.credit !== cur.credit)
      addCredit(deps, { customerId: id, delta: r.credit - cur.credit, kind: 'adjust', refId: null, staffId, note: 'import' });
    if (r.points !== null && r.points !== cur.points)
      addPoints(deps, { customerId: id, delta: r.points - cur.points, kind: 'adjust', refId: null, staffId });
  }
  return { created, updated, skipped, lines: 0, newProducts: 0, customersCreated: 0 };
}

// ---------------------------------------------------------------------------------------------
// Sales

interface LineOut extends LineIn {
  productKey: string;
  total: number;
}

interface OrderIn {
  key: string;
  row: number;
  id: string;
  /** The order's id family (`stableIds`): its lines' and payments' ids. */
  ids: (i: number) => string;
  head: HeadIn;
  lines: LineOut[];
  payments: { kind: 'cash' | 'card_external'; brand: string | null; amount: number }[];
  customerKey: string | null;
}

interface Product {
  id: string;
  sku: string;
  name: string;
  altName: string | null;
  /** A catalog product may be sold in any unit; one the import makes is `each` or `kg`. */
  unit: Unit;
  cost: number;
  categoryId: string | null;
  taxBp: number;
}

/** A product as the statements below read it; it must fit `Product`. */
type ProductRow = CamelCols<typeof schema.products, 'id' | 'sku' | 'name' | 'altName' | 'unit' | 'cost' | 'categoryId'> & {
  taxBp: SqlRow<typeof schema.taxRates>['rate_bp'];
};

interface NewProduct {
  id: string;
  sku: string;
  name: string;
  unit: 'each' | 'kg';
  price: number;
}

interface NewCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  at: number;
}

interface SalesChecked {
  format: HistoryFormat | null;
  table: Table;
  orders: OrderIn[];
  already: number;
  errors: ImportError[];
  products: Map<string, Product>;
  newProducts: Map<string, NewProduct>;
  customers: Map<string, string>;
  newCustomers: Map<string, NewCustomer>;
  customersMatched: number;
}

/** Spreads `amount` over `weights` in proportion, the remainder to the largest, so the parts add up exactly. */
function spread(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? amount : 0));
  const parts = weights.map((w) => Math.floor((amount * w) / sum));
  const rest = amount - parts.reduce((s, p) => s + p, 0);
  let big = 0;
  weights.forEach((w, i) => {
    if (w > weights[big]!) big = i;
  });
  parts[big]! += rest;
  return parts;
}

const productKey = (l: { sku: string; barcode: string; name: string }) =>
  l.sku ? `sku:${l.sku.toLowerCase()}` : l.barcode ? `code:${l.barcode}` : `name:${l.name.toLowerCase()}`;

function checkSales(deps: D, text: string): SalesChecked {
  const table = parseTable(text);
  const format = detectFormat('sales', table.columns);
  const empty = {
    orders: [],
    already: 0,
    products: new Map(),
    newProducts: new Map(),
    customers: new Map(),
    newCustomers: new Map(),
    customersMatched: 0,
  };
  if (!format) return { format, table, errors: [unknownFormat(table, 'sales'), ...table.errors], ...empty };
  const mapRow = SALE_ROWS[format]!;
  const c = context(deps);
  const now = deps.clock();
  const source = sourceOf(format);
  const errors = [...table.errors];

  // 1. Rows into orders; one bad row leaves its whole order out.
  interface Acc {
    row: number;
    head: HeadIn | null;
    lines: LineIn[];
    bad: boolean;
    rows: number[];
  }
  const groups = new Map<string, Acc>();
  const keyColumn = orderKeyColumn(format);
  for (const r of table.records) {
    let out;
    const k = r.get(keyColumn);
    try {
      out = mapRow(r, c, !groups.get(k)?.head);
    } catch (e) {
      const err = rowError(r.row, e);
      errors.push(err);
      // The order of a bad row is left out whole, when its id can still be read.
      if (k) {
        const g = groups.get(k) ?? { row: r.row, head: null, lines: [], bad: false, rows: [] };
        g.bad = true;
        groups.set(k, g);
      }
      continue;
    }
    let g = groups.get(out.key);
    if (!g) groups.set(out.key, (g = { row: r.row, head: null, lines: [], bad: false, rows: [] }));
    g.rows.push(r.row);
    if (out.head && !g.head) g.head = out.head;
    if (out.line) g.lines.push(out.line);
  }

  // 2. Which of them were imported before (by checkout id).
  const checkoutIds = [...groups.keys()].map((k) => `import:${source}:${k}`);
  const done = new Set(
    deps.sqlite
      .prepare('SELECT checkout_id FROM orders WHERE checkout_id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify(checkoutIds)) as SqlRow<typeof schema.orders>['checkout_id'][],
  );
  const numbers = new Set(
    deps.sqlite
      .prepare('SELECT number FROM orders WHERE number IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify([...groups.values()].flatMap((g) => (g.head ? [g.head.number] : [])))) as SqlRow<
      typeof schema.orders
    >['number'][],
  );

  // 3. Each order whole: lines, tax, tenders, customer keys.
  const orders: OrderIn[] = [];
  let already = 0;
  const err = (row: number, column: string | null, key: string, reason: string, params?: Record<string, string | number>) =>
    errors.push({ row, column, key, reason, ...(params ? { params } : {}) });
  for (const [key, g] of groups) {
    if (g.bad) continue;
    if (done.has(`import:${source}:${key}`)) {
      already++;
      continue;
    }
    const head = g.head;
    if (!head) {
      err(g.row, null, 'noOrderHead', `order ${key} has no row with its date and totals`, { value: key.slice(0, 40) });
      continue;
    }
    if (head.at > now + DAY_MS) {
      err(g.row, 'date', 'futureDate', 'the date is in the future');
      continue;
    }
    if (numbers.has(head.number)) {
      err(g.row, null, 'numberTaken', `another order already has the number ${head.number}`, { value: head.number.slice(0, 40) });
      continue;
    }
    const lines: LineIn[] = [...g.lines];
    if (head.shipping > 0) lines.push({ sku: '', barcode: '', name: 'Shipping', qty: 1000, gross: head.shipping, discount: 0, tax: 0 });
    if (lines.length === 0) {
      err(g.row, null, 'noLines', `order ${key} has no lines`, { value: key.slice(0, 40) });
      continue;
    }
    if (lines.length > MAX_LINES) {
      err(g.row, null, 'tooManyLines', `order ${key} has more than ${MAX_LINES} lines`, { max: MAX_LINES });
      continue;
    }
    if (lines.some((l) => !l.name && !l.sku && !l.barcode)) {
      err(g.row, 'name', 'lineUnnamed', 'a line names no product');
      continue;
    }
    if (lines.some((l) => l.discount > l.gross)) {
      err(g.row, 'discount', 'discountAboveGross', 'a discount is larger than its line');
      continue;
    }
    if (head.orderTax > 0 && lines.every((l) => l.tax === 0)) {
      const parts = spread(
        head.orderTax,
        lines.map((l) => l.gross - l.discount),
      );
      lines.forEach((l, i) => (l.tax = parts[i]!));
    }
    // The lines are this order's own (made for it from its rows): completed in place, not copied.
    const out = lines as LineOut[];
    for (const l of out) {
      l.productKey = productKey(l);
      l.total = l.gross - l.discount + (head.taxIncluded ? 0 : l.tax);
    }
    const total = out.reduce((s, l) => s + l.total, 0);
    const payments = tendersOf(head, total);
    const customerKey = head.email
      ? `email:${head.email.toLowerCase()}`
      : head.phone
        ? `phone:${digitsOf(head.phone)}`
        : head.customerName
          ? `name:${head.customerName}`
          : null;
    if (head.email) {
      try {
        email(head.email, 'email');
      } catch (e) {
        errors.push(rowError(g.row, e));
        continue;
      }
    }
    if (head.phone) {
      try {
        phone(head.phone, 'phone');
      } catch (e) {
        // With an email to know the customer by, a phone that is not one is only left out.
        if (!head.email) {
          errors.push(rowError(g.row, e));
          continue;
        }
        head.phone = '';
      }
    }
    numbers.add(head.number);
    const ids = stableIds(head.at, `import:${source}:${key}`);
    orders.push({ key, row: g.row, id: ids(0), ids, head, lines: out, payments, customerKey });
  }

  // 4. Products by SKU, barcode or exact name, set-wise; what the catalog lacks is made archived.
  const products = matchProducts(deps, orders);
  const newProducts = new Map<string, NewProduct>();
  for (const o of orders)
    for (const l of o.lines) {
      if (products.has(l.productKey) || newProducts.has(l.productKey)) continue;
      const sku = l.sku || `IMP-${createHash('sha256').update(l.name.toLowerCase()).digest('hex').slice(0, 10).toUpperCase()}`;
      newProducts.set(l.productKey, {
        id: stableId(0, `import-product:${sku.toLowerCase()}`),
        sku,
        name: l.productName ?? (l.name || l.sku || l.barcode),
        unit: l.qty % 1000 === 0 ? 'each' : 'kg',
        price: Math.round((l.gross * 1000) / l.qty),
      });
    }

  // 5. Customers by email, phone or (only when one customer has it) name; new emails and phones made.
  const { customers, newCustomers, matched } = matchCustomers(deps, orders);
  errors.sort((a, b) => a.row - b.row);
  return { format, table, orders, already, errors, products, newProducts, customers, newCustomers, customersMatched: matched };
}

/** The order id column of a format, to leave an order out whole when one of its rows is bad. */
function orderKeyColumn(format: HistoryFormat): string {
  return (
    { 'square-items': 'transaction id', 'square-transactions': 'transaction id', shopify: 'name', countertop: 'order id' }[
      format as string
    ] ?? 'receipt number'
  );
}

/**
 * The file's tenders made to pay the order exactly. A tender without an amount takes what the
 * others leave; what was paid above the total (a tip) comes off the card tenders first, the last
 * one first, so cash stays what the drawer took.
 */
function tendersOf(head: HeadIn, total: number): OrderIn['payments'] {
  // One tender for the whole order (most files): it pays the total.
  if (head.tenders.length <= 1 && (head.tenders[0]?.amount ?? null) === null) {
    const amount = Math.max(0, total);
    return amount > 0 || total === 0 ? [{ ...tender(head.tenders[0]?.label ?? ''), amount }] : [];
  }
  const list = head.tenders.length > 0 ? head.tenders : [{ label: '', amount: null }];
  const kinds = list.map((t) => tender(t.label));
  const amounts = list.map((t) => Math.max(0, t.amount ?? 0));
  const open = list.findIndex((t) => t.amount === null);
  const given = amounts.reduce((s, a) => s + a, 0);
  if (open >= 0) amounts[open] = Math.max(0, total - given);
  let excess = amounts.reduce((s, a) => s + a, 0) - total;
  const order = [...amounts.keys()].reverse().sort((x, y) => Number(kinds[x]!.kind === 'cash') - Number(kinds[y]!.kind === 'cash'));
  for (const i of order) {
    if (excess <= 0) break;
    const take = Math.min(excess, amounts[i]!);
    amounts[i]! -= take;
    excess -= take;
  }
  // Paid short in the file (rounding): the first tender makes it up.
  if (excess < 0) amounts[0]! -= excess;
  return kinds.map((k, i) => ({ ...k, amount: amounts[i]! })).filter((p, i) => p.amount > 0 || (i === 0 && total === 0));
}

function matchProducts(deps: D, orders: OrderIn[]): Map<string, Product> {
  const skus = new Set<string>();
  const codes = new Set<string>();
  const names = new Set<string>();
  for (const o of orders)
    for (const l of o.lines) {
      if (l.sku) {
        skus.add(l.sku);
        // Square's and Loyverse's SKU column often holds the barcode.
        codes.add(l.sku);
      }
      if (l.barcode) codes.add(l.barcode);
      names.add(l.name);
    }
  const cols = `p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.cost, p.category_id AS categoryId, t.rate_bp AS taxBp`;
  // The file's keys drive the join (CROSS JOIN keeps that order): one index probe per key, never a catalog scan.
  const q = (join: string, keys: Set<string>) =>
    keys.size === 0
      ? []
      : (deps.sqlite
          .prepare(`SELECT ${cols}, k.value AS k FROM json_each(?) k ${join} JOIN tax_rates t ON t.id = p.tax_rate_id`)
          .all(JSON.stringify([...keys])) as (ProductRow & { k: string })[]);
  const bySku = new Map(q('CROSS JOIN products p ON p.sku = k.value', skus).map((p) => [p.k.toLowerCase(), p]));
  const byCode = new Map(
    q('CROSS JOIN barcodes b ON b.code = k.value CROSS JOIN products p ON p.id = b.product_id', codes).map((p) => [p.k, p]),
  );
  // A name matches only when one product has it.
  const byName = new Map<string, Product | null>();
  for (const p of q('CROSS JOIN products p ON p.name = k.value', names)) {
    const key = p.name.toLowerCase();
    byName.set(key, byName.has(key) ? null : p);
  }
  const out = new Map<string, Product>();
  for (const o of orders)
    for (const l of o.lines) {
      if (out.has(l.productKey)) continue;
      const p =
        (l.sku ? (bySku.get(l.sku.toLowerCase()) ?? byCode.get(l.sku)) : undefined) ??
        (l.barcode ? byCode.get(l.barcode) : undefined) ??
        byName.get(l.name.toLowerCase()) ??
        undefined;
      if (p) out.set(l.productKey, p);
    }
  return out;
}

function matchCustomers(deps: D, orders: OrderIn[]) {
  const emails = new Set<string>();
  const phones = new Set<string>();
  const names = new Set<string>();
  for (const o of orders) {
    const k = o.customerKey;
    if (!k) continue;
    if (k.startsWith('email:')) emails.add(k.slice(6));
    else if (k.startsWith('phone:')) phones.add(k.slice(6));
    else names.add(k.slice(5));
    // A sale with an email may still match a customer known only by phone.
    if (o.head.phone) phones.add(digitsOf(o.head.phone));
  }
  const idx = customerIndex(deps, emails, phones, names);
  const customers = new Map<string, string>();
  const newCustomers = new Map<string, NewCustomer>();
  let matched = 0;
  for (const o of orders) {
    const k = o.customerKey;
    if (!k || customers.has(k) || newCustomers.has(k)) continue;
    const v = k.slice(k.indexOf(':') + 1);
    const found =
      (k.startsWith('email:') ? idx.byEmail.get(v) : undefined) ??
      (o.head.phone ? idx.byPhone.get(digitsOf(o.head.phone)) : undefined) ??
      (k.startsWith('name:') ? idx.byName.get(v) : undefined);
    if (found) {
      customers.set(k, found);
      matched++;
    } else if (!k.startsWith('name:')) {
      newCustomers.set(k, {
        id: deps.ids(),
        name: o.head.customerName || o.head.email || o.head.phone,
        email: o.head.email || null,
        phone: o.head.phone || null,
        at: o.head.at,
      });
    }
  }
  return { customers, newCustomers, matched };
}

/** Orders written per batch; each batch's rollups are summed before they are written. */
const BATCH = 50_000;

function commitSales(deps: D, c: Omit<SalesChecked, 'table'>, staffId: string): Omit<HistoryResult, 'kind' | 'format' | 'invalid'> {
  const s = readSettings(deps);
  const source = sourceOf(c.format!);
  const now = deps.clock();
  const taxRateId = defaultTaxRateId(deps);
  const taxBp = deps.sqlite.prepare('SELECT rate_bp FROM tax_rates WHERE id = ?').pluck().get(taxRateId) as SqlRow<
    typeof schema.taxRates
  >['rate_bp'];

  // Products the catalog lacked: archived, so they are never offered for sale, but the past sales keep their names.
  const insProduct = cachedStatement(
    deps.sqlite,
    `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, group_id, variant, supplier_id,
       created_at, updated_at, hlc) VALUES (?, ?, ?, NULL, NULL, ?, ?, 0, ?, NULL, 1, NULL, NULL, NULL, ?, ?, ?)`,
  );
  const products = new Map(c.products);
  const skuOwner = deps.sqlite.prepare('SELECT id FROM products WHERE sku = ? OR id = ?').pluck();
  for (const [key, p] of c.newProducts) {
    // A product made by an earlier import (or on another terminal) is taken as it is.
    const owner = skuOwner.get(p.sku, p.id) as SqlRow<typeof schema.products>['id'] | undefined;
    const id = owner ?? p.id;
    if (!owner) {
      insProduct.run(p.id, p.sku, p.name, p.unit, p.price, taxRateId, now, now, UNSTAMPED);
    }
    const row = deps.sqlite
      .prepare(
        'SELECT p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.cost, p.category_id AS categoryId, ? AS taxBp FROM products p WHERE p.id = ?',
      )
      .get(taxBp, id) as ProductRow;
    products.set(key, row);
  }

  const customers = new Map(c.customers);
  const insCustomer = cachedStatement(
    deps.sqlite,
    `INSERT INTO customers (id, name, phone, phone_digits, email, notes, marketing_consent, consent_at, created_at, updated_at, hlc)
     VALUES (?, ?, ?, ?, ?, '', 0, NULL, ?, ?, ?)`,
  );
  for (const [key, n] of c.newCustomers) {
    insCustomer.run(n.id, n.name, n.phone, n.phone ? digitsOf(n.phone) : null, n.email, n.at, now, UNSTAMPED);
    customers.set(key, n.id);
  }

  const insOrder = cachedStatement(
    deps.sqlite,
    `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, customer_id, fulfilment, currency, price_mode, subtotal,
       discount_total, tax_total, total, paid, change, taxes, created_at, shift_id, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'now', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, ?)`,
  );
  const insLine = cachedStatement(
    deps.sqlite,
    `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, alt_name, unit, qty, unit_price, original_price, gross,
       discount, net, tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insPay = cachedStatement(
    deps.sqlite,
    'INSERT INTO payments (id, order_id, kind, amount, tendered, brand, last4, reference, created_at) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?)',
  );
  let lines = 0;
  const reference = `import:${source}`;
  // Each order written, then handed to the rollups as its sale: nothing is kept per order but the sums.
  function* written(batch: OrderIn[]): Generator<RollupEvent> {
    for (const o of batch) {
      const customerId = o.customerKey ? (customers.get(o.customerKey) ?? null) : null;
      const taxIncluded = o.head.taxIncluded;
      let subtotal = 0;
      let discount = 0;
      let tax = 0;
      let total = 0;
      const taxes = new Map<number, { base: number; tax: number }>();
      // The lines are written after their order (foreign keys), but make its totals: summed first.
      for (const l of o.lines) {
        const net = l.gross - l.discount - (taxIncluded ? l.tax : 0);
        // A line's tax rate as the file's amounts give it (the past rate, not today's).
        const bp = net > 0 ? Math.round((l.tax * 10_000) / net) : 0;
        const t = taxes.get(bp);
        if (t) {
          t.base += net;
          t.tax += l.tax;
        } else taxes.set(bp, { base: net, tax: l.tax });
        subtotal += l.gross;
        discount += l.discount;
        tax += l.tax;
        total += l.total;
      }
      insOrder.run(
        o.id,
        o.head.number,
        `${reference}:${o.key}`,
        o.id,
        deps.terminalCode,
        staffId,
        customerId,
        s.currency,
        s.priceMode,
        subtotal,
        discount,
        tax,
        total,
        total,
        JSON.stringify([...taxes].map(([rateBp, v]) => ({ rateBp, base: v.base, tax: v.tax }))),
        o.head.at,
        source,
      );
      const rollLines: RollupEvent['lines'] = [];
      for (let i = 0; i < o.lines.length; i++) {
        const l = o.lines[i]!;
        const p = products.get(l.productKey)!;
        const net = l.gross - l.discount - (taxIncluded ? l.tax : 0);
        const bp = net > 0 ? Math.round((l.tax * 10_000) / net) : 0;
        const unitPrice = Math.round((l.gross * 1000) / l.qty);
        insLine.run(
          o.ids(1 + i),
          o.id,
          i + 1,
          p.id,
          p.sku,
          l.name || p.name,
          p.altName,
          p.unit,
          l.qty,
          unitPrice,
          unitPrice,
          l.gross,
          l.discount,
          net,
          l.tax,
          bp,
          l.total,
          p.cost,
        );
        rollLines.push({
          productId: p.id,
          categoryId: p.categoryId,
          qty: l.qty,
          amount: l.total,
          tax: l.tax,
          discount: l.discount,
          cost: Math.floor((p.cost * l.qty + 500) / 1000),
          unit: p.unit,
        });
      }
      const payments: RollupEvent['payments'] = [];
      for (let i = 0; i < o.payments.length; i++) {
        const p = o.payments[i]!;
        insPay.run(o.ids(0x8000 + i), o.id, p.kind, p.amount, p.brand, reference, o.head.at);
        payments.push({ kind: p.kind, amount: p.amount });
      }
      lines += o.lines.length;
      yield { kind: 'sale', id: o.id, at: o.head.at, staffId, customerId, shiftId: null, lines: rollLines, payments };
    }
  }
  // In id order, which is time order (the ids are time-first): the orders, lines and payments and
  // their order-id and date indexes are then each filled in one pass from left to right, instead
  // of a page far from the last one for every row, which on a big store was most of the import.
  const byId = [...c.orders].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < byId.length; i += BATCH) applySalesToRollups(deps, written(byId.slice(i, i + BATCH)));
  return {
    created: c.orders.length,
    updated: 0,
    skipped: c.already,
    lines,
    newProducts: c.newProducts.size,
    customersCreated: c.newCustomers.size,
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points

type Checked = Omit<CustomersChecked, 'table'> | Omit<SalesChecked, 'table'>;
interface Memo {
  /** The connection's change count when the file was checked: the store is the same while it holds. */
  changes: number;
  checked: Checked;
}

const changeCount = (deps: D) => deps.sqlite.prepare('SELECT total_changes()').pluck().get() as number;

/** Keeps what a preview worked out, so that the commit right after it does not check 100,000 orders again. */
function remember(deps: D, importId: string, checked: CustomersChecked | SalesChecked): void {
  const { table: _table, ...rest } = checked;
  stagedMemo(deps, importId).memo = { changes: changeCount(deps), checked: rest } satisfies Memo;
}

export function previewHistory(deps: D, importId: string): HistoryPreview {
  const { kind, text } = stagedText(deps, importId, ['customers', 'sales']);
  const base = { importId, lines: 0, newProducts: 0, customersMatched: 0, customersCreated: 0, from: null, to: null };
  if (kind === 'customers') {
    const c = checkCustomers(deps, text);
    remember(deps, importId, c);
    const matches = c.valid.filter((r) => r.existingId).length;
    return {
      ...base,
      kind,
      format: c.format,
      rows: c.table.records.length,
      valid: c.valid.length,
      creates: c.valid.length - matches,
      matches,
      columns: c.table.columns,
      sample: sampleOf(c.table),
      errors: c.errors.slice(0, MAX_ERRORS),
      moreErrors: Math.max(0, c.errors.length - MAX_ERRORS),
    };
  }
  const c = checkSales(deps, text);
  remember(deps, importId, c);
  let from: number | null = null;
  let to: number | null = null;
  for (const o of c.orders) {
    if (from === null || o.head.at < from) from = o.head.at;
    if (to === null || o.head.at > to) to = o.head.at;
  }
  return {
    ...base,
    kind: 'sales',
    format: c.format,
    rows: c.table.records.length,
    valid: c.orders.length,
    creates: c.orders.length,
    matches: c.already,
    lines: c.orders.reduce((s, o) => s + o.lines.length, 0),
    newProducts: c.newProducts.size,
    customersMatched: c.customersMatched,
    customersCreated: c.newCustomers.size,
    from,
    to,
    columns: c.table.columns,
    sample: sampleOf(c.table),
    errors: c.errors.slice(0, MAX_ERRORS),
    moreErrors: Math.max(0, c.errors.length - MAX_ERRORS),
  };
}

/**
 * Past sales land all over the order, line and payment indexes and the rollup rows of two years:
 * on a big store that working set is far larger than the connection's usual page cache, which
 * then reads the same pages again and again within the one transaction. The import gets a larger
 * cache for its duration (memory SQLite hands back when the size is set down again).
 */
const IMPORT_CACHE_KIB = 1024 * 1024;

function withImportCache<T>(deps: D, fn: () => T): T {
  const before = deps.sqlite.pragma('cache_size', { simple: true }) as number;
  deps.sqlite.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  try {
    return fn();
  } finally {
    deps.sqlite.pragma(`cache_size = ${before}`);
  }
}

/** Runs inside one transaction (the caller's): an error, or a crash, leaves nothing of the file behind. */
export function commitHistory(deps: D, importId: string, opts: { onlyValid: boolean; onMatch: OnMatch }, staffId: string): HistoryResult {
  const staged = stagedMemo(deps, importId);
  const kind = staged.kind;
  const memo = staged.memo as Memo | undefined;
  const fresh = memo && memo.changes === changeCount(deps) ? memo.checked : null;
  // Sales queued by the till go into the rollups first, so the ones added below are not counted twice.
  applyPendingInsight(deps);
  // The file's text is joined again only when the preview's work cannot be reused.
  const checked: Checked =
    fresh ??
    (() => {
      const { text } = stagedText(deps, importId, ['customers', 'sales']);
      return kind === 'customers' ? checkCustomers(deps, text) : checkSales(deps, text);
    })();
  const errors = checked.errors;
  if (!checked.format) throw new AppError('VALIDATION', errors[0]!.reason, { errors: errors.slice(0, MAX_ERRORS), moreErrors: 0 });
  if (errors.length > 0 && !opts.onlyValid)
    throw new AppError('VALIDATION', `${errors.length} row(s) have errors: nothing was imported`, {
      errors: errors.slice(0, MAX_ERRORS),
      moreErrors: Math.max(0, errors.length - MAX_ERRORS),
    });
  const counts =
    kind === 'customers'
      ? commitCustomers(deps, checked as Omit<CustomersChecked, 'table'>, opts.onMatch, staffId)
      : withImportCache(deps, () => commitSales(deps, checked as Omit<SalesChecked, 'table'>, staffId));
  const invalidRows = new Set(errors.map((e) => e.row)).size;
  const result: HistoryResult = { kind: kind as 'customers' | 'sales', format: checked.format, invalid: invalidRows, ...counts };
  recordAudit(deps, { staffId, action: `import.${kind}`, details: { ...result, onlyValid: opts.onlyValid }, success: true });
  dropStaged(deps, importId);
  return result;
}
