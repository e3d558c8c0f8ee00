/**
 * Online orders as the cloud's shop writes them, for tests: an `order` record of source 'online'
 * (terminal WEB, the shop's own staff record, lines and an Alipay payment), its `online_order`
 * (same id), steps and reservations. `pulledPage` applies them on a till as a pull does;
 * `writeToCloud` (online-orders-cloud.ts) stores them in a test cloud for real tills to pull.
 */
import { createHash } from 'node:crypto';
import type { App } from '../../src/main/app';
import { applyPage } from '../../src/main/sync/pull';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import type { Change, FactChange, MutableChange } from '../../src/shared/sync/protocol';

/** The shop's staff record: every online sale names it (the cloud creates it once per organisation). */
export const SHOP_STAFF_ID = '01900000-0000-7000-8000-00000000aaaa';

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function shopStaffChange(stamp: string): MutableChange {
  return {
    e: 'staff',
    i: SHOP_STAFF_ID,
    d: {
      name: 'Online shop',
      role: 'clerk',
      // No PIN can match: nobody signs in as the shop.
      pin_hash: `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`,
      active: false,
      created_at: 1,
    },
    c: stamp,
  };
}

export interface OnlineLine {
  productId: string;
  sku: string;
  name: string;
  price: number;
  /** Thousandths (1 each = 1000). */
  qty: number;
}

export interface OnlineOrderSpec {
  lines: OnlineLine[];
  fulfilment: 'ship' | 'pickup';
  shopNumber: string;
  at: number;
  contactName?: string;
  code?: string;
  address?: unknown;
  currency?: string;
  id?: string;
}

/** A paid online order: its `order` record (with lines and payment) and its `online_order` record. */
export function onlineOrder(spec: OnlineOrderSpec): { id: string; changes: FactChange[] } {
  const id = spec.id ?? uuidv7();
  const lines = spec.lines.map((l, position) => {
    const gross = Math.round((l.price * l.qty) / 1000);
    return {
      id: uuidv7(),
      order_id: id,
      position,
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      alt_name: null,
      unit: 'each',
      qty: l.qty,
      unit_price: l.price,
      original_price: l.price,
      gross,
      discount: 0,
      net: gross,
      tax: 0,
      tax_rate_bp: 0,
      total: gross,
      cost: 0,
    };
  });
  const shipping = spec.fulfilment === 'ship' ? 500 : 0;
  const total = lines.reduce((s, l) => s + l.total, 0) + shipping;
  const order: FactChange = {
    e: 'order',
    i: id,
    d: {
      id,
      number: spec.shopNumber,
      checkout_id: id,
      cart_id: id,
      terminal_code: 'WEB',
      staff_id: SHOP_STAFF_ID,
      customer_id: null,
      fulfilment: spec.fulfilment,
      currency: spec.currency ?? 'USD',
      price_mode: 'inclusive',
      subtotal: total,
      discount_total: 0,
      tax_total: 0,
      total,
      paid: total,
      change: 0,
      taxes: [],
      created_at: spec.at,
      shift_id: null,
      source: 'online',
    },
    ch: {
      order_lines: lines,
      payments: [
        {
          id: uuidv7(),
          order_id: id,
          kind: 'alipay',
          amount: total,
          tendered: null,
          brand: null,
          last4: null,
          reference: `2026${id.slice(-12)}`,
          created_at: spec.at,
          account: '138****1234',
        },
      ],
    },
  };
  const online: FactChange = {
    e: 'online_order',
    i: id,
    d: {
      id,
      shop_number: spec.shopNumber,
      buyer_id: null,
      contact_name: spec.contactName ?? 'Jane Buyer',
      contact_phone: '+1 415 555 0100',
      contact_email: 'jane@example.com',
      fulfilment: spec.fulfilment,
      address:
        spec.fulfilment === 'ship'
          ? (spec.address ?? {
              name: spec.contactName ?? 'Jane Buyer',
              line1: '1 Market St',
              city: 'San Francisco',
              region: 'CA',
              postalCode: '94105',
              country: 'US',
              phone: '+1 415 555 0100',
            })
          : null,
      // The method's id, as the shop writes it.
      shipping_method: spec.fulfilment === 'ship' ? 'standard' : null,
      shipping_amount: shipping,
      pickup_code_hash: spec.fulfilment === 'pickup' ? sha256Hex(spec.code ?? '482913') : null,
      buyer_note: '',
      created_at: spec.at,
    },
  };
  return { id, changes: [order, online] };
}

export function onlineStep(orderId: string, kind: string, at: number, over: Record<string, unknown> = {}): FactChange {
  const id = uuidv7();
  return {
    e: 'online_order_event',
    i: id,
    d: { id, order_id: orderId, kind, carrier: null, tracking: null, note: '', terminal_code: null, staff_id: null, at, ...over },
  };
}

export function reservation(
  productId: string,
  qty: number,
  expiresAt: number,
  stamp: string,
  state: 'held' | 'released' | 'consumed' = 'held',
): MutableChange {
  return {
    e: 'stock_reservation',
    i: uuidv7(),
    d: { product_id: productId, order_id: uuidv7(), qty, state, expires_at: expiresAt, created_at: expiresAt - 900_000 },
    c: stamp,
  };
}

/** A stamp of the cloud's at `at` (its own node), as pulled records carry. */
export const cloudStamp = (at: number) => formatHlc(at, 0, 'cloud');

/** Applies the changes on a till as one pulled page. */
export function pulledPage(app: App, changes: Change[]) {
  const cursor = (
    (app.deps.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").pluck().get() as string | undefined) ?? '0'
  ).replace(/"/g, '');
  return applyPage(app.deps, { changes, cursor: Number(cursor) + changes.length });
}
