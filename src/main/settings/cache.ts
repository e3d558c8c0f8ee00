import type { StoreSettings } from '../../shared/api/types';

/**
 * The store's settings as last read, owned by the open store (createApp makes one per store it
 * opens). A write marks it `changed`: until a read outside any transaction, reads go to the table,
 * so a write that rolls back never leaves its values behind and no caller has to drop the cache.
 */
export interface SettingsCache {
  value: StoreSettings | null;
  changed: boolean;
}

export function createSettingsCache(): SettingsCache {
  return { value: null, changed: false };
}
