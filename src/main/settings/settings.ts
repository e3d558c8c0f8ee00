import { eq } from 'drizzle-orm';
import type { StoreSettings } from '../../shared/api/types';
import { DEFAULT_SCALE_CONFIG } from '../../shared/scale-barcode';
import { settings } from '../db/schema';
import type { Deps } from '../deps';
import { UNSTAMPED } from '../db/write-path';

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
  shopAddress: null,
};

type SettingsDeps = Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>;

/** One row per field, so sync can merge settings per field by HLC. Cached per open store (settings/cache.ts). */
export function readSettings(deps: SettingsDeps): StoreSettings {
  const cache = deps.settingsCache;
  if (cache.value) return cache.value;
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of deps.db.select().from(settings).all()) out[row.key] = row.value;
  const value = out as unknown as StoreSettings;
  // What a transaction that changed settings reads may still roll back: kept only once it has ended.
  if (!cache.changed || !deps.sqlite.inTransaction) {
    cache.value = value;
    cache.changed = false;
  }
  return value;
}

export function writeSettings(deps: SettingsDeps & Pick<Deps, 'clock' | 'ids' | 'hlc'>, patch: Partial<StoreSettings>): StoreSettings {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const existing = deps.db.select().from(settings).where(eq(settings.key, key)).get();
    // null means "back to the default" (e.g. no receipt printer): the row goes, the default shows.
    if (value === null) deps.db.delete(settings).where(eq(settings.key, key)).run();
    else if (existing) deps.db.update(settings).set({ value }).where(eq(settings.key, key)).run();
    else deps.db.insert(settings).values({ key, value, hlc: UNSTAMPED }).run();
  }
  invalidateSettings(deps);
  return readSettings(deps);
}

/** Settings rows were written (here, by a pull, or by a restore): the next read goes to the table. */
export function invalidateSettings(deps: Pick<Deps, 'settingsCache'>): void {
  deps.settingsCache.value = null;
  deps.settingsCache.changed = true;
}

export function isSetupDone(deps: Pick<Deps, 'db' | 'sqlite'>): boolean {
  return deps.db.select().from(settings).where(eq(settings.key, 'setupDone')).get() !== undefined;
}

export function markSetupDone(deps: Pick<Deps, 'db' | 'sqlite' | 'hlc' | 'settingsCache'>): void {
  deps.db.insert(settings).values({ key: 'setupDone', value: true, hlc: UNSTAMPED }).run();
  invalidateSettings(deps);
}
