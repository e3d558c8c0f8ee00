import { eq } from 'drizzle-orm';
import type { StoreSettings } from '../../shared/api/types';
import { DEFAULT_SCALE_CONFIG } from '../../shared/scale-barcode';
import { settings } from '../db/schema';
import type { Deps } from '../deps';

export const DEFAULT_SETTINGS: StoreSettings = {
  storeName: '',
  currency: 'USD',
  priceMode: 'inclusive',
  timezone: 'UTC',
  language: 'en',
  discountLimitBp: 1000,
  idleLockMinutes: 5,
  receiptFooter: '',
  printer: null,
  scale: DEFAULT_SCALE_CONFIG,
  terminalCode: 'T1',
  negativeStock: 'allow',
};

const cache = new WeakMap<object, StoreSettings>();

/** One row per field, so sync can merge settings per field by HLC. Cached per store connection. */
export function readSettings(deps: Pick<Deps, 'db' | 'sqlite'>): StoreSettings {
  const hit = cache.get(deps.sqlite);
  if (hit) return hit;
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of deps.db.select().from(settings).all()) out[row.key] = row.value;
  const value = out as unknown as StoreSettings;
  cache.set(deps.sqlite, value);
  return value;
}

export function writeSettings(deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'ids' | 'hlc'>, patch: Partial<StoreSettings>): StoreSettings {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const stamp = deps.hlc.now();
    const existing = deps.db.select().from(settings).where(eq(settings.key, key)).get();
    // null means "back to the default" (e.g. no receipt printer): the row goes, the default shows.
    if (value === null) deps.db.delete(settings).where(eq(settings.key, key)).run();
    else if (existing) deps.db.update(settings).set({ value, hlc: stamp }).where(eq(settings.key, key)).run();
    else deps.db.insert(settings).values({ key, value, hlc: stamp }).run();
  }
  cache.delete(deps.sqlite);
  // A rolled-back transaction must not leave a stale cache behind.
  return readSettings(deps);
}

/** Forget cached settings (after a rollback, or when another process changed them). */
export function invalidateSettings(deps: Pick<Deps, 'sqlite'>): void {
  cache.delete(deps.sqlite);
}

export function isSetupDone(deps: Pick<Deps, 'db' | 'sqlite'>): boolean {
  return deps.db.select().from(settings).where(eq(settings.key, 'setupDone')).get() !== undefined;
}

export function markSetupDone(deps: Pick<Deps, 'db' | 'sqlite' | 'hlc'>): void {
  deps.db.insert(settings).values({ key: 'setupDone', value: true, hlc: deps.hlc.now() }).run();
  cache.delete(deps.sqlite);
}
