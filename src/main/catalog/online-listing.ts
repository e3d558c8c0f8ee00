/**
 * Whether a product is sold in the online shop, its online description and the units kept back
 * from the web (its own safety buffer, else the store's). The listing is a synced record of the
 * organisation: the cloud's shop shows a product once it is listed (see src/cloud/shop/catalog).
 */
import type { OnlineListing } from '../../shared/api/catalog';
import type { Deps } from '../deps';
import { recordAudit } from '../audit/audit';
import { eq } from 'drizzle-orm';
import { onlineListings, settings } from '../db/schema';
import { UNSTAMPED } from '../db/write-path';
import { notFound } from '../errors';
import { invalidateSettings, readSettings } from '../settings/settings';
import type { CamelCols } from '../db/rows';

/** The store setting: thousandths of every online product kept back unless its listing says otherwise. */
export const STORE_BUFFER_KEY = 'onlineSafetyBuffer';

type ListingDeps = Pick<Deps, 'db' | 'sqlite' | 'settingsCache' | 'clock' | 'ids' | 'terminalCode'>;

export function storeSafetyBuffer(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): number {
  const v = (readSettings(deps) as unknown as Record<string, unknown>)[STORE_BUFFER_KEY];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

function requireProduct(deps: Pick<Deps, 'sqlite'>, productId: string): void {
  if (!deps.sqlite.prepare('SELECT 1 FROM products WHERE id = ?').get(productId)) throw notFound('Product');
}

export function getOnlineListing(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>, productId: string): OnlineListing {
  requireProduct(deps, productId);
  const row = deps.sqlite
    .prepare('SELECT sold_online AS soldOnline, description, safety_buffer AS safetyBuffer FROM online_listings WHERE product_id = ?')
    .get(productId) as CamelCols<typeof onlineListings, 'soldOnline' | 'description' | 'safetyBuffer'> | undefined;
  return {
    productId,
    soldOnline: row?.soldOnline === 1,
    description: row?.description ?? '',
    safetyBuffer: row?.safetyBuffer ?? null,
    storeSafetyBuffer: storeSafetyBuffer(deps),
  };
}

export function setOnlineListing(
  deps: ListingDeps,
  input: { productId: string; soldOnline: boolean; description: string; safetyBuffer: number | null },
  staffId: string,
): OnlineListing {
  requireProduct(deps, input.productId);
  const now = deps.clock();
  // Insert or update, never an upsert: the sync tracking triggers take their own conflict policy.
  // The write path stamps the row (an insert arrives UNSTAMPED).
  const row = {
    soldOnline: input.soldOnline,
    description: input.description,
    safetyBuffer: input.safetyBuffer,
    updatedAt: now,
  };
  const had = deps.db
    .select({ id: onlineListings.productId })
    .from(onlineListings)
    .where(eq(onlineListings.productId, input.productId))
    .get();
  if (had) deps.db.update(onlineListings).set(row).where(eq(onlineListings.productId, input.productId)).run();
  else
    deps.db
      .insert(onlineListings)
      .values({ productId: input.productId, ...row, hlc: UNSTAMPED })
      .run();
  recordAudit(deps, {
    staffId,
    action: 'catalog.onlineListing',
    target: input.productId,
    details: { soldOnline: input.soldOnline, safetyBuffer: input.safetyBuffer },
    success: true,
  });
  return getOnlineListing(deps, input.productId);
}

/** The store's own safety buffer (thousandths), a synced store setting. */
export function setStoreSafetyBuffer(deps: ListingDeps, qty: number, staffId: string): { storeSafetyBuffer: number } {
  const had = deps.db.select({ key: settings.key }).from(settings).where(eq(settings.key, STORE_BUFFER_KEY)).get();
  if (had) deps.db.update(settings).set({ value: qty }).where(eq(settings.key, STORE_BUFFER_KEY)).run();
  else deps.db.insert(settings).values({ key: STORE_BUFFER_KEY, value: qty, hlc: UNSTAMPED }).run();
  invalidateSettings(deps);
  recordAudit(deps, { staffId, action: 'catalog.onlineSafetyBuffer', target: STORE_BUFFER_KEY, details: { qty }, success: true });
  return { storeSafetyBuffer: storeSafetyBuffer(deps) };
}
