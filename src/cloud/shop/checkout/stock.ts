/**
 * The units an unpaid order holds, through the catalog room's reservations (shop/catalog): held
 * at checkout, consumed when paid, released when the order expires.
 */
import type { CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { consumeHold, holdUnits, releaseHold } from '../catalog/stock';

export interface HoldLine {
  productId: string;
  qty: number;
}

export type HoldOutcome = { ok: true } | { ok: false; short: { productId: string; available: number }[] };

export interface OrderStock {
  hold(
    tx: CloudDb,
    deps: CloudDeps,
    at: { orgId: string; storeId: string; orderId: string; expiresAt: number },
    lines: HoldLine[],
  ): Promise<HoldOutcome>;
  /** The products whose hold had lapsed and whose units another order took meanwhile. */
  consume(
    tx: CloudDb,
    deps: CloudDeps,
    at: { orgId: string; storeId: string; orderId: string },
  ): Promise<{ short: { productId: string; available: number }[] }>;
  release(tx: CloudDb, deps: CloudDeps, at: { orgId: string; storeId: string; orderId: string }): Promise<void>;
}

/** The catalog room's reservations: stock_reservation records the tills pull. */
export const catalogStock: OrderStock = {
  hold: (tx, deps, at, lines) => holdUnits(tx, deps, { ...at, lines }),
  consume: (tx, deps, at) => consumeHold(tx, deps, at),
  release: (tx, deps, at) => releaseHold(tx, deps, at),
};
