import type { Customer, CustomerDetail, CustomerSummary, LedgerEntry, LoyaltyRules } from '../../shared/api/customers';
import type { OrderRow } from '../../shared/api/orders';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { currencyDigits } from '../../shared/money';
import { readSettings } from '../settings/settings';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { customerMemberships, customers, loyaltyPoints, orders, settings, staff, storeCredit } from '../db/schema';

type CustomerCol = SqlRow<typeof customers>;

type D = Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'hlc' | 'terminalCode'>;

const digitsOf = (phone: string | null | undefined) => (phone ? phone.replace(/\D/g, '') : null);

const SUMMARY_COLS = `c.id, c.name, c.phone, c.email, c.marketing_consent AS marketingConsent,
  (SELECT COALESCE(SUM(delta), 0) FROM store_credit s WHERE s.customer_id = c.id) AS creditBalance,
  (SELECT COALESCE(SUM(delta), 0) FROM loyalty_points p WHERE p.customer_id = c.id) AS points,
  (SELECT m.group_id FROM customer_memberships m WHERE m.customer_id = c.id) AS groupId`;

/** SUMMARY_COLS */
type SummaryRow = Cols<typeof customers, 'id' | 'name' | 'phone' | 'email'> & {
  marketingConsent: CustomerCol['marketing_consent'];
  creditBalance: number;
  points: number;
  groupId: SqlRow<typeof customerMemberships>['group_id'];
};
const toSummary = (r: SummaryRow): CustomerSummary => ({ ...r, marketingConsent: r.marketingConsent === 1 });

export function customerSummary(deps: Pick<Deps, 'sqlite'>, id: string): CustomerSummary {
  const row = deps.sqlite.prepare(`SELECT ${SUMMARY_COLS} FROM customers c WHERE c.id = ?`).get(id) as SummaryRow | undefined;
  if (!row) throw notFound('Customer', { customerId: id });
  return toSummary(row);
}

export function getCustomer(deps: Pick<Deps, 'sqlite'>, id: string): Customer {
  const row = deps.sqlite
    .prepare(
      `SELECT ${SUMMARY_COLS}, c.notes, c.consent_at AS consentAt, c.created_at AS createdAt, c.updated_at AS updatedAt FROM customers c WHERE c.id = ?`,
    )
    .get(id) as
    | (SummaryRow &
        Cols<typeof customers, 'notes'> & {
          consentAt: CustomerCol['consent_at'];
          createdAt: CustomerCol['created_at'];
          updatedAt: CustomerCol['updated_at'];
        })
    | undefined;
  if (!row) throw notFound('Customer', { customerId: id });
  return { ...row, marketingConsent: row.marketingConsent === 1 } satisfies Customer;
}

/** Search by name (any part), phone (digits, any part) or email; paged in SQL. */
export function searchCustomers(deps: Pick<Deps, 'sqlite'>, q: string, offset: number, limit: number) {
  const term = q.trim();
  const like = `%${term.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
  const digits = term.replace(/\D/g, '');
  const where =
    term === ''
      ? '1 = 1'
      : `(c.name LIKE @like ESCAPE '\\' OR c.email LIKE @like ESCAPE '\\'${digits.length >= 3 ? ' OR c.phone_digits LIKE @digits' : ''})`;
  const params = { like, digits: `%${digits}%` };
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM customers c WHERE ${where}`).get(params) as { n: number }).n;
  const items = (
    deps.sqlite
      .prepare(`SELECT ${SUMMARY_COLS} FROM customers c WHERE ${where} ORDER BY c.name COLLATE NOCASE, c.id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as SummaryRow[]
  ).map(toSummary);
  return { items, total };
}

interface CustomerInput {
  name?: string | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  notes?: string | undefined;
  marketingConsent?: boolean | undefined;
}

function assertUnique(deps: Pick<Deps, 'sqlite'>, input: CustomerInput, exceptId: string | null): void {
  const email = input.email?.trim().toLowerCase();
  if (email) {
    const dup = deps.sqlite.prepare('SELECT id FROM customers WHERE lower(email) = ? AND id IS NOT ?').get(email, exceptId);
    if (dup) throw new AppError('CONFLICT', 'Another customer has this email', { field: 'email' });
  }
  const digits = digitsOf(input.phone);
  if (digits) {
    const dup = deps.sqlite.prepare('SELECT id FROM customers WHERE phone_digits = ? AND id IS NOT ?').get(digits, exceptId);
    if (dup) throw new AppError('CONFLICT', 'Another customer has this phone number', { field: 'phone' });
  }
}

export function createCustomer(deps: D, input: CustomerInput & { name: string }, _staffId: string): Customer {
  assertUnique(deps, input, null);
  const id = deps.ids();
  const now = deps.clock();
  const consent = input.marketingConsent ?? false;
  deps.sqlite
    .prepare(
      `INSERT INTO customers (id, name, phone, phone_digits, email, notes, marketing_consent, consent_at, created_at, updated_at, hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      input.name,
      input.phone ?? null,
      digitsOf(input.phone),
      input.email?.trim() || null,
      input.notes ?? '',
      consent ? 1 : 0,
      consent ? now : null,
      now,
      now,
      UNSTAMPED,
    );
  const c = getCustomer(deps, id);
  return c;
}

export function updateCustomer(deps: D, input: CustomerInput & { id: string }, staffId: string): Customer {
  const before = getCustomer(deps, input.id);
  assertUnique(deps, input, input.id);
  const now = deps.clock();
  const patch: Record<string, unknown> = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.phone !== undefined) {
    patch.phone = input.phone;
    patch.phone_digits = digitsOf(input.phone);
  }
  if (input.email !== undefined) patch.email = input.email?.trim() || null;
  if (input.notes !== undefined) patch.notes = input.notes;
  if (input.marketingConsent !== undefined && input.marketingConsent !== before.marketingConsent) {
    patch.marketing_consent = input.marketingConsent ? 1 : 0;
    patch.consent_at = input.marketingConsent ? now : null;
  }
  const keys = Object.keys(patch);
  if (keys.length > 0) {
    deps.sqlite
      .prepare(`UPDATE customers SET ${keys.map((k) => `${k} = @${k}`).join(', ')}, updated_at = @now WHERE id = @id`)
      .run({ ...patch, now, id: input.id });
    // Consent changes are kept for the record (who, when, which way).
    if ('marketing_consent' in patch)
      recordAudit(deps, { staffId, action: 'customer.consent', target: input.id, details: { to: input.marketingConsent }, success: true });
  }
  return getCustomer(deps, input.id);
}

// ---------------------------------------------------------------------------------------------
// Store credit and loyalty ledgers (append-only)

export function creditBalance(deps: Pick<Deps, 'sqlite'>, customerId: string): number {
  return (
    deps.sqlite.prepare('SELECT COALESCE(SUM(delta), 0) AS n FROM store_credit WHERE customer_id = ?').get(customerId) as { n: number }
  ).n;
}

export function pointsBalance(deps: Pick<Deps, 'sqlite'>, customerId: string): number {
  return (
    deps.sqlite.prepare('SELECT COALESCE(SUM(delta), 0) AS n FROM loyalty_points WHERE customer_id = ?').get(customerId) as { n: number }
  ).n;
}

export function addCredit(
  deps: D,
  e: {
    customerId: string;
    delta: number;
    kind: 'refund' | 'sale' | 'adjust' | 'loyalty';
    refId: string | null;
    staffId: string;
    note?: string | null;
  },
): void {
  if (e.delta === 0) return;
  if (e.delta < 0 && creditBalance(deps, e.customerId) + e.delta < 0)
    throw new AppError('INSUFFICIENT_PAYMENT', 'Not enough store credit', {
      balance: creditBalance(deps, e.customerId),
      needed: -e.delta,
      reason: 'storeCredit',
    });
  const id = deps.ids();
  deps.sqlite
    .prepare('INSERT INTO store_credit (id, customer_id, delta, kind, ref_id, staff_id, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, e.customerId, e.delta, e.kind, e.refId, e.staffId, e.note ?? null, deps.clock());
}

export function addPoints(
  deps: D,
  e: {
    id?: string;
    customerId: string;
    delta: number;
    kind: 'earn' | 'refund' | 'redeem' | 'adjust';
    refId: string | null;
    staffId: string;
  },
): void {
  if (e.delta === 0) return;
  if (e.delta < 0 && pointsBalance(deps, e.customerId) + e.delta < 0)
    throw new AppError('CONFLICT', 'Not enough points', { reason: 'points' });
  const id = e.id ?? deps.ids();
  deps.sqlite
    .prepare('INSERT INTO loyalty_points (id, customer_id, delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(id, e.customerId, e.delta, e.kind, e.refId, e.staffId, deps.clock());
}

export const DEFAULT_LOYALTY: LoyaltyRules = { enabled: false, earnPerUnit: 1, redeemPoints: 100, redeemValue: 100 };

export function loyaltyRules(deps: Pick<Deps, 'sqlite'>): LoyaltyRules {
  const row = deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'loyalty'").get() as Cols<typeof settings, 'value'> | undefined;
  return row ? { ...DEFAULT_LOYALTY, ...(JSON.parse(row.value) as Partial<LoyaltyRules>) } : DEFAULT_LOYALTY;
}

export function setLoyaltyRules(deps: D, rules: LoyaltyRules, staffId: string): LoyaltyRules {
  const before = loyaltyRules(deps);
  deps.sqlite
    .prepare("INSERT INTO settings (key, value, hlc) VALUES ('loyalty', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(JSON.stringify(rules), UNSTAMPED);
  recordAudit(deps, { staffId, action: 'loyalty.rules', details: { from: before, to: rules }, success: true });
  return loyaltyRules(deps);
}

/** Points for a sale: per whole currency unit paid (1.00 USD, 1 JPY), rounded down. */
export function pointsFor(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, paidMinor: number): number {
  const rules = loyaltyRules(deps);
  if (!rules.enabled || rules.earnPerUnit <= 0 || paidMinor <= 0) return 0;
  const unit = 10 ** currencyDigits(readSettings(deps).currency);
  return Math.floor((paidMinor * rules.earnPerUnit) / unit);
}

/** Turns points into store credit, in whole blocks, under the admin's rules. */
export function redeemPoints(deps: D, customerId: string, blocks: number, staffId: string): CustomerDetail {
  const rules = loyaltyRules(deps);
  if (!rules.enabled) throw new AppError('CONFLICT', 'Loyalty points are switched off', { reason: 'loyaltyOff' });
  const points = blocks * rules.redeemPoints;
  const have = pointsBalance(deps, customerId);
  if (points > have) throw new AppError('CONFLICT', `Not enough points: ${have} of ${points}`, { reason: 'points', have, needed: points });
  const refId = deps.ids();
  addPoints(deps, { customerId, delta: -points, kind: 'redeem', refId, staffId });
  addCredit(deps, { customerId, delta: blocks * rules.redeemValue, kind: 'loyalty', refId, staffId, note: `${points} points` });
  return customerDetail(deps, customerId);
}

export function adjustCredit(deps: D, customerId: string, delta: number, note: string, staffId: string): CustomerDetail {
  getCustomer(deps, customerId);
  addCredit(deps, { customerId, delta, kind: 'adjust', refId: null, staffId, note });
  recordAudit(deps, { staffId, action: 'credit.adjust', target: customerId, details: { delta, note }, success: true });
  return customerDetail(deps, customerId);
}

export function customerOrders(deps: Pick<Deps, 'sqlite'>, customerId: string, limit = 50): OrderRow[] {
  return deps.sqlite
    .prepare(
      `SELECT o.id, o.number, o.created_at AS createdAt, o.total, o.currency, s.name AS staffName, c.name AS customerName,
              o.fulfilment, (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount,
              (SELECT COALESCE(SUM(r.total), 0) FROM refunds r WHERE r.order_id = o.id) AS refunded
       FROM orders o JOIN staff s ON s.id = o.staff_id LEFT JOIN customers c ON c.id = o.customer_id
       WHERE o.customer_id = ? ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?`,
    )
    .all(customerId, limit) as (Cols<typeof orders, 'id' | 'number' | 'total' | 'currency' | 'fulfilment'> & {
    createdAt: SqlRow<typeof orders>['created_at'];
    staffName: SqlRow<typeof staff>['name'];
    customerName: CustomerCol['name'] | null;
    lineCount: number;
    refunded: number;
  })[] satisfies OrderRow[];
}

export function customerDetail(deps: Pick<Deps, 'sqlite' | 'db'>, id: string): CustomerDetail {
  const customer = getCustomer(deps, id);
  const credit = deps.sqlite
    .prepare(
      'SELECT id, delta, kind, ref_id AS refId, note, at FROM store_credit WHERE customer_id = ? ORDER BY at DESC, rowid DESC LIMIT 100',
    )
    .all(id) as (Cols<typeof storeCredit, 'id' | 'delta' | 'kind' | 'note' | 'at'> & {
    refId: SqlRow<typeof storeCredit>['ref_id'];
  })[] satisfies LedgerEntry[];
  const pointsLedger = deps.sqlite
    .prepare(
      'SELECT id, delta, kind, ref_id AS refId, NULL AS note, at FROM loyalty_points WHERE customer_id = ? ORDER BY at DESC, rowid DESC LIMIT 100',
    )
    .all(id) as (Cols<typeof loyaltyPoints, 'id' | 'delta' | 'kind' | 'at'> & {
    refId: SqlRow<typeof loyaltyPoints>['ref_id'];
    note: null;
  })[] satisfies LedgerEntry[];
  const rules = loyaltyRules(deps);
  const redeemableValue = rules.enabled ? Math.floor(customer.points / rules.redeemPoints) * rules.redeemValue : 0;
  return { customer, credit, pointsLedger, orders: customerOrders(deps, id), redeemableValue };
}
