import type { HistoryFormat } from '../../shared/api/history';
import { money, quantity, RowError, safeText, when, type Table } from './formats';

/**
 * One row of a sales file, as each format lays it out: the order it belongs to, what it says about
 * the order (time, number, customer, tenders), and the line it holds. Column names are the
 * exports' own, lower-cased (see docs/import-formats.md).
 */

export interface HeadIn {
  at: number;
  number: string;
  email: string;
  phone: string;
  customerName: string;
  /** Tenders as the file names them; a null amount: the whole order. */
  tenders: { label: string; amount: number | null }[];
  /** Tax given for the order only (Shopify): spread over its lines by their amounts. */
  orderTax: number;
  /** Shipping charged (Shopify): kept as a line of its own. */
  shipping: number;
  /** Whether the lines' amounts already hold their tax. */
  taxIncluded: boolean;
}

export interface LineIn {
  sku: string;
  barcode: string;
  name: string;
  qty: number;
  /** Before discount, minor units. */
  gross: number;
  discount: number;
  tax: number;
  /** The name of the archived product made for it when the catalog has none (else the line's name). */
  productName?: string;
}

export interface RowOut {
  key: string;
  head: HeadIn | null;
  line: LineIn | null;
}

type Rec = Table['records'][number];

export interface RowContext {
  digits: number;
  timezone: string;
  /** The store's prices hold their tax: how a file that does not say is read. */
  inclusive: boolean;
}

const text = (r: Rec, col: string, max = 200) => safeText(r.get(col), col, max);

function key(r: Rec, col: string): string {
  const v = r.get(col);
  if (!v) throw new RowError(col, 'noOrderId', `"${col}" is empty`);
  return safeText(v, col, 100);
}

const abs = (n: number | null) => Math.abs(n ?? 0);

/** A name for a line from an item and its variation ("Latte (Large)"). */
const itemName = (item: string, variation: string) =>
  variation && !/^(regular|default|default title)$/i.test(variation) ? `${item} (${variation})` : item;

function refuseRefund(kind: string, col: string): void {
  if (/refund|return|void/i.test(kind)) throw new RowError(col, 'refundRow', 'refunds are not imported: the sale they return is');
}

function pickTz(r: Rec, fallback: string): string {
  const tz = r.get('time zone');
  if (!tz) return fallback;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    // Square writes names like "Eastern Time (US & Canada)": the store's own zone stands in.
    return fallback;
  }
}

function squareItems(r: Rec, c: RowContext, wantHead: boolean): RowOut {
  refuseRefund(r.get('event type'), 'event type');
  const id = key(r, 'transaction id');
  const gross = money(r.get('gross sales'), 'gross sales', c.digits) ?? 0;
  return {
    key: id,
    head: wantHead
      ? {
          at: when(r.get('date'), r.get('time'), 'date', pickTz(r, c.timezone)),
          number: `SQ-${id}`,
          email: '',
          phone: '',
          customerName: text(r, 'customer name', 120),
          tenders: [],
          orderTax: 0,
          shipping: 0,
          taxIncluded: c.inclusive,
        }
      : null,
    line: {
      sku: text(r, 'sku', 64),
      barcode: '',
      name: itemName(text(r, 'item', 120), text(r, 'price point name', 60)),
      qty: quantity(r.get('qty'), 'qty'),
      gross,
      discount: abs(money(r.get('discounts'), 'discounts', c.digits, { negative: true })),
      tax: money(r.get('tax'), 'tax', c.digits) ?? 0,
    },
  };
}

function squareTransactions(r: Rec, c: RowContext, _wantHead: boolean): RowOut {
  refuseRefund(r.get('event type'), 'event type');
  const id = key(r, 'transaction id');
  const tenders: HeadIn['tenders'] = [];
  const brand = text(r, 'card brand', 40);
  for (const [col, label] of [
    ['cash', 'cash'],
    ['card', brand || 'card'],
    ['square gift card', 'Square Gift Card'],
    ['other tender', text(r, 'other tender type', 40) || 'other'],
  ] as const) {
    const amount = money(r.get(col), col, c.digits);
    if (amount) tenders.push({ label, amount });
  }
  return {
    key: id,
    head: {
      at: when(r.get('date'), r.get('time'), 'date', pickTz(r, c.timezone)),
      number: `SQ-${id}`,
      email: '',
      phone: '',
      customerName: text(r, 'customer name', 120),
      tenders,
      orderTax: 0,
      shipping: 0,
      taxIncluded: c.inclusive,
    },
    // One archived product holds every summary line: the descriptions ("2 × Latte") stay on the lines.
    line: {
      sku: 'IMP-SQUARE-SALE',
      productName: 'Square sale',
      barcode: '',
      name: text(r, 'description', 120) || 'Square sale',
      qty: 1000,
      gross: money(r.get('gross sales'), 'gross sales', c.digits) ?? 0,
      discount: abs(money(r.get('discounts'), 'discounts', c.digits, { negative: true })),
      tax: money(r.get('tax'), 'tax', c.digits) ?? 0,
    },
  };
}

function shopify(r: Rec, c: RowContext, wantHead: boolean): RowOut {
  const id = key(r, 'name');
  if (r.get('cancelled at')) throw new RowError('cancelled at', 'cancelled', 'a cancelled order is not a sale');
  refuseRefund(r.get('financial status').replace(/partially_refunded/i, ''), 'financial status');
  const qtyText = r.get('lineitem quantity');
  const line: LineIn | null = r.get('lineitem name')
    ? (() => {
        const qty = quantity(qtyText, 'lineitem quantity');
        const price = money(r.get('lineitem price'), 'lineitem price', c.digits) ?? 0;
        return {
          sku: text(r, 'lineitem sku', 64),
          barcode: '',
          name: text(r, 'lineitem name', 120),
          qty,
          gross: Math.round((price * qty) / 1000),
          discount: abs(money(r.get('lineitem discount'), 'lineitem discount', c.digits, { negative: true })),
          tax: 0,
        };
      })()
    : null;
  // Only an order's first row carries its totals and payment; the others only their line.
  const totalText = r.get('total');
  let head: HeadIn | null = null;
  if (totalText && wantHead) {
    const total = money(totalText, 'total', c.digits) ?? 0;
    const subtotal = money(r.get('subtotal'), 'subtotal', c.digits) ?? 0;
    const shipping = money(r.get('shipping'), 'shipping', c.digits) ?? 0;
    const taxes = money(r.get('taxes'), 'taxes', c.digits) ?? 0;
    // Shopify's Total adds the taxes unless the shop's prices include them.
    const taxIncluded = taxes > 0 && Math.abs(total - (subtotal + shipping)) <= 1 && Math.abs(total - (subtotal + shipping + taxes)) > 1;
    const method = text(r, 'payment method', 200);
    head = {
      at: when(r.get('created at') || r.get('paid at'), '', 'created at', c.timezone),
      number: `SH-${id.replace(/^#/, '')}`,
      email: r.get('email'),
      phone: r.get('phone') || r.get('billing phone'),
      customerName: text(r, 'billing name', 120),
      tenders: method
        .split(/\s*\+\s*|\s*,\s*/)
        .filter(Boolean)
        .map((label, i) => ({ label, amount: i === 0 ? null : 0 })),
      orderTax: taxes,
      shipping,
      taxIncluded,
    };
  }
  return { key: id, head, line };
}

function loyverseStatus(r: Rec): void {
  refuseRefund(r.get('receipt type'), 'receipt type');
  if (/cancel/i.test(r.get('status'))) throw new RowError('status', 'cancelled', 'a cancelled receipt is not a sale');
}

/** Loyverse's "Customer contacts" holds an email or a phone number. */
function contacts(r: Rec): { email: string; phone: string } {
  const v = r.get('customer contacts');
  return v.includes('@') ? { email: v, phone: '' } : { email: '', phone: v };
}

function loyverseItems(r: Rec, c: RowContext, wantHead: boolean): RowOut {
  loyverseStatus(r);
  const id = key(r, 'receipt number');
  return {
    key: id,
    head: wantHead
      ? {
          at: when(r.get('date'), '', 'date', c.timezone),
          number: `LV-${id}`,
          ...contacts(r),
          customerName: text(r, 'customer name', 120),
          tenders: r.get('payment type') ? [{ label: text(r, 'payment type', 40), amount: null }] : [],
          orderTax: 0,
          shipping: 0,
          taxIncluded: c.inclusive,
        }
      : null,
    line: {
      sku: text(r, 'sku', 64),
      barcode: '',
      name: itemName(text(r, 'item', 120), text(r, 'variant', 60)),
      qty: quantity(r.get('quantity'), 'quantity'),
      gross: money(r.get('gross sales'), 'gross sales', c.digits) ?? 0,
      discount: abs(money(r.get('discounts'), 'discounts', c.digits, { negative: true })),
      tax: money(r.get('taxes'), 'taxes', c.digits) ?? 0,
    },
  };
}

function loyverseReceipts(r: Rec, c: RowContext, _wantHead: boolean): RowOut {
  loyverseStatus(r);
  const id = key(r, 'receipt number');
  return {
    key: id,
    head: {
      at: when(r.get('date'), '', 'date', c.timezone),
      number: `LV-${id}`,
      ...contacts(r),
      customerName: text(r, 'customer name', 120),
      tenders: r.get('payment type') ? [{ label: text(r, 'payment type', 40), amount: null }] : [],
      orderTax: 0,
      shipping: 0,
      taxIncluded: c.inclusive,
    },
    line: {
      sku: 'IMP-LOYVERSE-SALE',
      productName: 'Loyverse sale',
      barcode: '',
      name: text(r, 'description', 120) || 'Loyverse sale',
      qty: 1000,
      gross: money(r.get('gross sales'), 'gross sales', c.digits) ?? 0,
      discount: abs(money(r.get('discounts'), 'discounts', c.digits, { negative: true })),
      tax: money(r.get('taxes'), 'taxes', c.digits) ?? 0,
    },
  };
}

/** "cash=10.00; card=5.50" or just "card": the tenders of a Countertop-format order. */
function countertopTenders(value: string, digits: number): HeadIn['tenders'] {
  return value
    .split(/[;|]/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [label, amount] = p.split('=');
      return { label: safeText(label!.trim(), 'payments', 40), amount: amount === undefined ? null : money(amount, 'payments', digits) };
    });
}

function countertop(r: Rec, c: RowContext, wantHead: boolean): RowOut {
  const id = key(r, 'order id');
  const qty = quantity(r.get('qty'), 'qty');
  const unitPrice = money(r.get('unit price'), 'unit price', c.digits) ?? 0;
  const number = text(r, 'number', 40);
  return {
    key: id,
    head: wantHead
      ? {
          at: when(r.get('date'), r.get('time'), 'date', c.timezone),
          number: `CT-${number || id}`,
          email: r.get('customer email'),
          phone: r.get('customer phone'),
          customerName: text(r, 'customer name', 120),
          tenders: countertopTenders(r.get('payments'), c.digits),
          orderTax: 0,
          shipping: 0,
          taxIncluded: c.inclusive,
        }
      : null,
    line: {
      sku: text(r, 'sku', 64),
      barcode: text(r, 'barcode', 64),
      name: text(r, 'name', 120),
      qty,
      gross: Math.round((unitPrice * qty) / 1000),
      discount: money(r.get('discount'), 'discount', c.digits) ?? 0,
      tax: money(r.get('tax'), 'tax', c.digits) ?? 0,
    },
  };
}

/**
 * Row readers by format. `wantHead`: the order has no head yet. An order's date, number, customer
 * and tenders are read from its first row only (the exports repeat them on every line).
 */
export const SALE_ROWS: Partial<Record<HistoryFormat, (r: Rec, c: RowContext, wantHead: boolean) => RowOut>> = {
  'square-items': squareItems,
  'square-transactions': squareTransactions,
  shopify,
  'loyverse-items': loyverseItems,
  'loyverse-receipts': loyverseReceipts,
  countertop,
};

export interface CustomerIn {
  name: string;
  email: string | null;
  phone: string | null;
  notes: string;
  credit: number | null;
  points: number | null;
  createdAt: number | null;
}

const joinName = (...parts: string[]) => parts.filter(Boolean).join(' ');

/** The raw fields of a customers row by format: email and phone are checked by the caller. */
export function customerFields(
  format: HistoryFormat,
  r: Rec,
): { name: string; email: string; phone: string; notes: string; credit: string; points: string; created: string } {
  switch (format) {
    case 'square':
      return {
        name: joinName(r.get('first name'), r.get('last name')) || r.get('nickname') || r.get('company name'),
        email: r.get('email address'),
        phone: r.get('phone number'),
        notes: r.get('memo') || r.get('note'),
        credit: '',
        points: r.get('loyalty points') || r.get('points balance'),
        created: r.get('creation date') || r.get('first visit'),
      };
    case 'shopify':
      return {
        name: joinName(r.get('first name'), r.get('last name')) || r.get('company'),
        email: r.get('email'),
        phone: r.get('phone') || r.get('default address phone'),
        notes: r.get('note'),
        credit: '',
        points: '',
        created: r.get('created at'),
      };
    case 'loyverse':
      return {
        name: r.get('customer name'),
        email: r.get('email'),
        phone: r.get('phone'),
        notes: r.get('note'),
        credit: '',
        points: r.get('points balance'),
        created: r.get('first visit'),
      };
    default:
      return {
        name: r.get('name'),
        email: r.get('email'),
        phone: r.get('phone'),
        notes: r.get('notes'),
        credit: r.get('store credit'),
        points: r.get('loyalty points'),
        created: r.get('created at') || r.get('created'),
      };
  }
}
