/**
 * A counter sale seen from its printed receipt: found by the key's hash, read from its `order`
 * record, claimed by one buyer, and the buyer's invoice request (an `invoice_request` record the
 * cloud writes for the buyer and the store's tills decide).
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { parseMutableBody } from '../../records';
import { writeShopRecords } from '../records';
import type { ShopBuyer, ShopStore } from '../web/env';
import { receiptKeyHash } from './projection';

export interface ReceiptRow {
  orgId: string;
  storeId: string;
  orderId: string;
  createdAt: number;
  buyerId: string | null;
  claimedAt: number | null;
  invoiceId: string | null;
}

export interface SaleLine {
  id: string;
  productId: string;
  name: string;
  altName: string | null;
  unit: string;
  qty: number;
  unitPrice: number;
  total: number;
  discount: number;
}

export interface Sale {
  id: string;
  number: string;
  createdAt: number;
  currency: string;
  priceMode: 'inclusive' | 'exclusive';
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  lines: SaleLine[];
}

export interface InvoiceRequest {
  id: string;
  title: string;
  taxNumber: string;
  email: string;
  createdAt: number;
  status: 'open' | 'issued' | 'refused';
  invoiceNumber: string;
  refusalReason: string;
}

const COLUMNS = sql`org_id AS "orgId", store_id AS "storeId", order_id AS "orderId", created_at AS "createdAt",
  buyer_id AS "buyerId", claimed_at AS "claimedAt", invoice_id AS "invoiceId"`;

const toRow = (r: ReceiptRow): ReceiptRow => ({
  ...r,
  createdAt: Number(r.createdAt),
  claimedAt: r.claimedAt === null ? null : Number(r.claimedAt),
});

/**
 * The sale of this store whose receipt carries `key`; null for any other key (unknown, another
 * store's, malformed): the caller answers all of them alike. The key is looked up by its hash.
 */
export async function receiptByKey(db: CloudDb, store: ShopStore, key: string): Promise<ReceiptRow | null> {
  const [row] = await rowsOf<ReceiptRow>(
    db,
    sql`SELECT ${COLUMNS} FROM shop_receipts WHERE key_hash = ${receiptKeyHash(key)}
        AND org_id = ${store.orgId} AND store_id = ${store.storeId}`,
  );
  return row ? toRow(row) : null;
}

/** A sale this buyer claimed in this store; null otherwise. */
export async function claimedReceipt(db: CloudDb, store: ShopStore, buyer: ShopBuyer, orderId: string): Promise<ReceiptRow | null> {
  const [row] = await rowsOf<ReceiptRow>(
    db,
    sql`SELECT ${COLUMNS} FROM shop_receipts WHERE org_id = ${store.orgId} AND store_id = ${store.storeId}
        AND order_id = ${orderId} AND buyer_id = ${buyer.id}`,
  );
  return row ? toRow(row) : null;
}

/** The counter sales this buyer claimed in this store, newest first. */
export async function claimedSales(db: CloudDb, store: ShopStore, buyer: ShopBuyer, limit = 100): Promise<Sale[]> {
  const rows = await rowsOf<{ body: string }>(
    db,
    sql`SELECT r.body FROM shop_receipts s JOIN records r ON r.org_id = s.org_id AND r.entity = 'order'
          AND r.store_id = s.store_id AND r.entity_id = s.order_id
        WHERE s.org_id = ${store.orgId} AND s.store_id = ${store.storeId} AND s.buyer_id = ${buyer.id}
        ORDER BY s.created_at DESC LIMIT ${limit}`,
  );
  return rows.map((r) => saleOf(r.body));
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function saleOf(body: string): Sale {
  const rec = JSON.parse(body) as { i: string; d: Record<string, unknown>; ch?: Record<string, Record<string, unknown>[]> };
  const d = rec.d;
  const lines = [...(rec.ch?.order_lines ?? [])].sort((a, b) => num(a.position) - num(b.position));
  return {
    id: rec.i,
    number: str(d.number),
    createdAt: num(d.created_at),
    currency: str(d.currency) || 'CNY',
    priceMode: d.price_mode === 'exclusive' ? 'exclusive' : 'inclusive',
    subtotal: num(d.subtotal),
    discountTotal: num(d.discount_total),
    taxTotal: num(d.tax_total),
    total: num(d.total),
    lines: lines.map((l) => ({
      id: str(l.id),
      productId: str(l.product_id),
      name: str(l.name),
      altName: typeof l.alt_name === 'string' && l.alt_name ? l.alt_name : null,
      unit: str(l.unit) || 'each',
      qty: num(l.qty),
      unitPrice: num(l.unit_price),
      total: num(l.total),
      discount: num(l.discount),
    })),
  };
}

/** The sale as its till recorded it (the `order` record). */
export async function saleOfReceipt(db: CloudDb, r: Pick<ReceiptRow, 'orgId' | 'storeId' | 'orderId'>): Promise<Sale | null> {
  const [row] = await rowsOf<{ body: string }>(
    db,
    sql`SELECT body FROM records WHERE org_id = ${r.orgId} AND entity = 'order' AND store_id = ${r.storeId} AND entity_id = ${r.orderId}`,
  );
  return row ? saleOf(row.body) : null;
}

export type ClaimOutcome = 'claimed' | 'already' | 'taken';

/**
 * The buyer's email or mobile number as a till shows it: enough for the clerk to recognise the
 * customer in front of them, not enough to write to them (`l***@example.com`, `138****5678`).
 */
export function maskedContact(buyer: Pick<ShopBuyer, 'email' | 'phone'>): string {
  const email = buyer.email?.trim() ?? '';
  const at = email.lastIndexOf('@');
  if (at > 0) return `${Array.from(email)[0]}***${email.slice(at)}`.slice(0, 80);
  const digits = (buyer.phone ?? '').replace(/[^\d+]/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return digits ? `${digits.slice(0, 1)}***` : '***';
}

/**
 * Claims the sale for `buyer`: the first buyer keeps it; the same buyer again changes nothing. The
 * claim reaches the store's tills as a `receipt_claim` record (its id is the order's), written in
 * the same transaction, so a till's order shows that it was claimed and by whom.
 */
export async function claimReceipt(
  deps: Pick<CloudDeps, 'db' | 'clock' | 'hlc' | 'maxDriftMs'>,
  r: ReceiptRow,
  buyer: ShopBuyer,
): Promise<ClaimOutcome> {
  const won = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const rows = await rowsOf<{ one: number }>(
      tx,
      sql`UPDATE shop_receipts SET buyer_id = ${buyer.id}, claimed_at = ${now}
          WHERE org_id = ${r.orgId} AND order_id = ${r.orderId} AND buyer_id IS NULL RETURNING 1 AS one`,
    );
    if (rows.length === 0) return false;
    await writeShopRecords(tx, deps, r.orgId, r.storeId, [
      {
        e: 'receipt_claim',
        i: r.orderId,
        d: { id: r.orderId, order_id: r.orderId, buyer_id: buyer.id, contact: maskedContact(buyer), claimed_at: now },
      },
    ]);
    return true;
  });
  if (won) return 'claimed';
  const [now] = await rowsOf<{ buyer_id: string | null }>(
    deps.db,
    sql`SELECT buyer_id FROM shop_receipts WHERE org_id = ${r.orgId} AND order_id = ${r.orderId}`,
  );
  return now?.buyer_id === buyer.id ? 'already' : 'taken';
}

/** The sale's invoice request as the record now stands (the till's decision included). */
export async function invoiceOf(db: CloudDb, r: Pick<ReceiptRow, 'orgId' | 'storeId' | 'invoiceId'>): Promise<InvoiceRequest | null> {
  if (!r.invoiceId) return null;
  const [row] = await rowsOf<{ body: string }>(
    db,
    sql`SELECT body FROM records WHERE org_id = ${r.orgId} AND entity = 'invoice_request' AND store_id = ${r.storeId}
        AND entity_id = ${r.invoiceId}`,
  );
  if (!row) return null;
  const d = parseMutableBody(row.body).d;
  const status = d.status === 'issued' || d.status === 'refused' ? d.status : 'open';
  return {
    id: r.invoiceId,
    title: str(d.title),
    taxNumber: str(d.tax_number),
    email: str(d.email),
    createdAt: num(d.created_at),
    status,
    invoiceNumber: str(d.invoice_number),
    refusalReason: str(d.refusal_reason),
  };
}

export interface InvoiceInput {
  title: string;
  taxNumber: string;
  email: string;
}

export type InvoiceOutcome = { ok: true; id: string } | { ok: false; reason: 'notYours' | 'already' };

/**
 * Writes the buyer's request for the sale they claimed: one per sale, whichever of two requests
 * comes first (the organisation's row is locked, as every shop write of records locks it).
 */
export async function requestInvoice(
  deps: CloudDeps,
  r: ReceiptRow,
  sale: Sale,
  buyer: ShopBuyer,
  input: InvoiceInput,
): Promise<InvoiceOutcome> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM orgs WHERE id = ${r.orgId} FOR NO KEY UPDATE`);
    const [now] = await rowsOf<{ buyer_id: string | null; invoice_id: string | null }>(
      tx,
      sql`SELECT buyer_id, invoice_id FROM shop_receipts WHERE org_id = ${r.orgId} AND order_id = ${r.orderId} FOR UPDATE`,
    );
    if (!now || now.buyer_id !== buyer.id) return { ok: false, reason: 'notYours' } as const;
    if (now.invoice_id) return { ok: false, reason: 'already' } as const;
    const id = deps.ids();
    await writeShopRecords(tx, deps, r.orgId, r.storeId, [
      {
        e: 'invoice_request',
        i: id,
        d: {
          order_id: r.orderId,
          order_number: sale.number,
          buyer_id: buyer.id,
          title: input.title,
          tax_number: input.taxNumber,
          email: input.email,
          created_at: deps.clock(),
          status: 'open',
          invoice_number: '',
          refusal_reason: '',
          decided_by: null,
          decided_at: null,
        },
      },
    ]);
    await tx.execute(sql`UPDATE shop_receipts SET invoice_id = ${id} WHERE org_id = ${r.orgId} AND order_id = ${r.orderId}`);
    return { ok: true, id } as const;
  });
}

/** A line of a counter sale this buyer claimed in this store (for a review); null otherwise. */
export async function claimedLine(
  db: CloudDb,
  store: Pick<ShopStore, 'orgId' | 'storeId'>,
  buyer: ShopBuyer,
  orderId: string,
  lineId: string,
): Promise<{ productId: string; name: string } | null> {
  const [row] = await rowsOf<{ body: string }>(
    db,
    sql`SELECT r.body FROM shop_receipts s JOIN records r ON r.org_id = s.org_id AND r.entity = 'order'
          AND r.store_id = s.store_id AND r.entity_id = s.order_id
        WHERE s.org_id = ${store.orgId} AND s.store_id = ${store.storeId} AND s.order_id = ${orderId} AND s.buyer_id = ${buyer.id}`,
  );
  const line = row ? saleOf(row.body).lines.find((l) => l.id === lineId) : undefined;
  return line && line.productId ? { productId: line.productId, name: line.name } : null;
}

/** Whether the order is a claimed counter sale: the buyer walked out with it. */
export async function claimedSale(db: CloudDb, orgId: string, storeId: string, orderId: string): Promise<boolean> {
  const [row] = await rowsOf<{ one: number }>(
    db,
    sql`SELECT 1 AS one FROM shop_receipts WHERE org_id = ${orgId} AND store_id = ${storeId} AND order_id = ${orderId}
        AND buyer_id IS NOT NULL`,
  );
  return row !== undefined;
}
