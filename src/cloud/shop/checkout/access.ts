/**
 * Who may see a shop order (its guest key, or its own signed-in buyer) and the checkout's options:
 * read by the checkout, payment and after-sale rooms alike, so none of them imports another's routes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { CloudHttpError, sha256, type CloudDeps } from '../../deps';
import type { RateLimit } from '../../guards';
import type { ShopContext } from '../web/env';
import { orderInStore, type ShopOrder } from './orders';
import type { ShopPayments } from './payment';
import type { OrderStock } from './stock';

export interface CheckoutOptions {
  /** Each store's payment credentials (the server's configuration). */
  payments: ShopPayments;
  /** Holds, consumes and releases an order's units. */
  stock: OrderStock;
  /** Derives guests' order keys and pick-up codes: the same on every cloud process, kept out of the database. */
  secret: string;
  /** The shop's public origin (https://shop.example.com) for the provider's notify and return URLs; default: the request's. */
  publicUrl?: string;
  /** How long an unpaid order holds its units. */
  holdMs?: number;
  /** Cookies marked Secure. */
  secure?: boolean;
  /** Per address on the provider's notify endpoint; `false` only for tests from one address. */
  rateLimit?: RateLimit | false;
}

const uuid = z.uuid();

export function sameKey(key: string | null, hash: string): boolean {
  if (!key || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) return false;
  const a = Buffer.from(sha256(key));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The order the request may see: its guest key, or the signed-in buyer's own. Anything else is a 404. */
export async function visibleOrder(c: ShopContext, deps: CloudDeps, id: string | undefined, key: string | null): Promise<ShopOrder> {
  const parsed = uuid.safeParse(id);
  const order = parsed.success ? await orderInStore(deps.db, c.get('store').storeId, parsed.data) : null;
  const buyer = c.get('buyer');
  if (!order || !(sameKey(key, order.accessKeyHash) || (buyer && order.buyerId === buyer.id)))
    throw new CloudHttpError(404, 'NOT_FOUND', 'No such order');
  return order;
}

export function origin(c: Context, opts: CheckoutOptions): string {
  return (opts.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
}
