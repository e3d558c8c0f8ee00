/**
 * What checkout reads of the organisation's catalog and the store's settings: the synced records
 * themselves, a few at a time (a cart's products, the store's price mode), never a whole catalog.
 */
import { sql } from 'drizzle-orm';
import { readOnlineShipping, type OnlineShipping } from '../../../shared/online-shipping';
import { isUnit, type Unit } from '../../../shared/units';
import { rowsOf, type CloudDb } from '../../db/open';
import { parseMutableBody } from '../../records';

export interface SaleProduct {
  id: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  price: number;
  cost: number;
  taxRateBp: number;
  /** Listed online by a manager and not archived. */
  sellable: boolean;
}

export interface StoreTerms {
  currency: string;
  priceMode: 'inclusive' | 'exclusive';
  shipping: OnlineShipping;
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

/** The products by id (absent when unknown to the organisation). */
export async function loadSaleProducts(db: CloudDb, orgId: string, ids: string[]): Promise<Map<string, SaleProduct>> {
  const unique = [...new Set(ids)];
  const products = await bodies(db, orgId, 'product', '', unique);
  const listings = await bodies(db, orgId, 'online_listing', '', unique);
  const rateIds = [...new Set([...products.values()].map((p) => String(p.tax_rate_id)))];
  const rates = await bodies(db, orgId, 'tax_rate', '', rateIds);
  const out = new Map<string, SaleProduct>();
  for (const [id, p] of products) {
    const rate = rates.get(String(p.tax_rate_id));
    const unit = isUnit(p.unit) ? p.unit : 'each';
    out.set(id, {
      id,
      sku: String(p.sku),
      name: String(p.name),
      altName: typeof p.alt_name === 'string' ? p.alt_name : null,
      unit,
      price: Number(p.price),
      cost: Number(p.cost ?? 0),
      taxRateBp: Number(rate?.rate_bp ?? 0),
      sellable: p.archived !== true && listings.get(id)?.sold_online === true,
    });
  }
  return out;
}

/** The store's currency, price mode and shipping methods (each setting's default when absent). */
export async function loadStoreTerms(db: CloudDb, orgId: string, storeId: string): Promise<StoreTerms> {
  const s = await bodies(db, orgId, 'setting', storeId, ['currency', 'priceMode', 'onlineShipping']);
  const currency = s.get('currency')?.value;
  const mode = s.get('priceMode')?.value;
  return {
    currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'USD',
    priceMode: mode === 'exclusive' ? 'exclusive' : 'inclusive',
    shipping: readOnlineShipping(s.get('onlineShipping')?.value),
  };
}
