/**
 * The units an unpaid order holds, through the catalog room's reservations (shop/catalog): held
 * at checkout, consumed when paid, released when the order expires.
 */
import type { CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';

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
  consume(tx: CloudDb, deps: CloudDeps, at: { orgId: string; storeId: string; orderId: string }): Promise<void>;
  release(tx: CloudDb, deps: CloudDeps, at: { orgId: string; storeId: string; orderId: string }): Promise<void>;
}
