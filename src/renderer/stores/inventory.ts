import { create } from 'zustand';
import type { Category, Location, Supplier, TaxRate } from '../../shared/api';
import { invoke } from '../api';
import i18next from '../i18n';
import { sortByShownName } from '../lib/collate';

/** Reference data of the manager screens, and the low-stock badge. */
interface InventoryState {
  locations: Location[];
  categories: Category[];
  suppliers: Supplier[];
  taxRates: TaxRate[];
  low: { count: number; negative: number } | null;
  loadRefs(): Promise<void>;
  refreshBadge(): Promise<void>;
  clear(): void;
}

export const useInventory = create<InventoryState>((set) => ({
  locations: [],
  categories: [],
  suppliers: [],
  taxRates: [],
  low: null,
  async loadRefs() {
    const [l, c, s, t] = await Promise.all([
      invoke('stock.locations', {}),
      invoke('catalog.categories', {}),
      invoke('suppliers.list', {}),
      invoke('taxRates.list', {}),
    ]);
    set({
      ...(l.ok ? { locations: l.value } : {}),
      ...(c.ok ? { categories: sortByShownName(c.value, i18next.language) } : {}),
      ...(s.ok ? { suppliers: s.value } : {}),
      ...(t.ok ? { taxRates: t.value } : {}),
    });
  },
  async refreshBadge() {
    const r = await invoke('stock.lowStockCount', {});
    if (r.ok) set({ low: r.value });
  },
  clear() {
    set({ low: null, locations: [], suppliers: [] });
  },
}));

export function defaultLocation(locations: Location[]): Location | undefined {
  return locations.find((l) => l.isDefault) ?? locations.find((l) => !l.archived);
}

// Category pickers follow the screen's language: a switch re-sorts them by the names now shown.
i18next.on('languageChanged', (lng) => useInventory.setState((s) => ({ categories: sortByShownName(s.categories, lng) })));
