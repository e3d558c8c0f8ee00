/**
 * What checkout reads of the organisation's catalog and the store's settings: the catalog room's
 * projection of products, and a few records by key (a product's cost, the store's price mode and
 * shipping methods), never a whole catalog.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { readOnlineShipping, type OnlineShipping } from '../../../shared/online-shipping';
import { isUnit, type Unit } from '../../../shared/units';
import { rowsOf, type CloudDb } from '../../db/open';
import { parseMutableBody } from '../../records';
import { shopProducts } from '../catalog/schema';

export interface SaleProduct {
  id: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  price: number;
  cost: number;
  taxRateBp: number;
  /** For promotions filed by category. */
  categoryId: string | null;
  /** Listed online by a manager and not archived. */
  sellable: boolean;
}

export interface StoreTerms {
  currency: string;
  priceMode: 'inclusive' | 'exclusive';
  shipping: OnlineShipping;
  /** The store's IANA time zone (UTC until a till says), as the till reads promotions' days and hours. */
  timeZone: string;
}

function knownZone(zone: unknown): string {
  if (typeof zone !== 'string' || zone === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

async function bodies(db: CloudDb, orgId: string, entity: string, storeId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, Record<string, unknown>>();
  const rows = await rowsOf<{ entity_id: string; body: string }>(
    db,
    sql`SELECT entity_id, body FROM records WHERE org_id = ${orgId} AND entity = ${entity} AND store_id = ${storeId}
        AND entity_id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const d = parseMutableBody(r.body).d;
    if (d._deleted !== true) out.set(r.entity_id, d);
  }
  return out;
}

/**
 * The products by id (absent when unknown to the organisation), from the catalog room's
 * projection; the cost (for the sale's margin) from the product's record, a key lookup each.
 */
export async function loadSaleProducts(db: CloudDb, orgId: string, ids: string[]): Promise<Map<string, SaleProduct>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, SaleProduct>();
  if (unique.length === 0) return out;
  const rows = await db
    .select()
    .from(shopProducts)
    .where(and(eq(shopProducts.orgId, orgId), inArray(shopProducts.productId, unique)));
  const records = await bodies(db, orgId, 'product', '', unique);
  for (const p of rows) {
    if (p.name === null) continue;
    out.set(p.productId, {
      id: p.productId,
      sku: p.sku,
      name: p.name,
      altName: p.altName,
      unit: isUnit(p.unit) ? p.unit : 'each',
      price: p.price,
      cost: Number(records.get(p.productId)?.cost ?? 0),
      taxRateBp: p.taxRateBp,
      categoryId: p.categoryId,
      sellable: p.listed,
    });
  }
  return out;
}

/** The store's currency, price mode, shipping methods and time zone (each setting's default when absent). */
export async function loadStoreTerms(db: CloudDb, orgId: string, storeId: string): Promise<StoreTerms> {
  const s = await bodies(db, orgId, 'setting', storeId, ['currency', 'priceMode', 'onlineShipping', 'timezone']);
  const currency = s.get('currency')?.value;
  const mode = s.get('priceMode')?.value;
  return {
    currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'USD',
    priceMode: mode === 'exclusive' ? 'exclusive' : 'inclusive',
    shipping: readOnlineShipping(s.get('onlineShipping')?.value),
    timeZone: knownZone(s.get('timezone')?.value),
  };
}
