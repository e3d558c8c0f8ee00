import { create } from 'zustand';
import type { Category, ProductHit } from '../../shared/api';
import { invoke } from '../api';
import i18next from '../i18n';
import { sortByShownName } from '../lib/collate';
import { useNotify } from './notify';

export const PAGE_SIZE = 60;

interface CatalogState {
  query: string;
  results: ProductHit[];
  /** The query the results belong to. */
  resultsFor: string;
  highlight: number;
  searching: boolean;

  categories: Category[];
  categoryId: string | null;
  total: number | null;
  pages: Record<number, ProductHit[]>;
  /** Bumped whenever browse data is reset, so views drop stale pages. */
  generation: number;

  setQuery(q: string): void;
  runSearch(q: string): Promise<void>;
  /** The results for exactly `q`: the shown ones when they are current, else a search run now. */
  resultsNow(q: string): Promise<ProductHit[]>;
  moveHighlight(delta: number): void;
  setHighlight(i: number): void;
  clearSearch(): void;

  loadCategories(): Promise<void>;
  selectCategory(id: string | null): void;
  ensurePage(page: number): void;
  /** Stock changed (a sale): forget loaded pages and search results. */
  invalidate(): void;
}

let searchSeq = 0;
const inflight = new Set<string>();

export const useCatalog = create<CatalogState>((set, get) => ({
  query: '',
  results: [],
  resultsFor: '',
  highlight: 0,
  searching: false,
  categories: [],
  categoryId: null,
  total: null,
  pages: {},
  generation: 0,

  setQuery(q) {
    set({ query: q });
    if (q.trim() === '') {
      searchSeq++;
      set({ results: [], resultsFor: '', highlight: 0, searching: false });
    }
  },

  async runSearch(q) {
    const trimmed = q.trim();
    if (trimmed === '') return;
    const seq = ++searchSeq;
    set({ searching: true });
    const r = await invoke('catalog.search', { q: trimmed.slice(0, 100), limit: 30 });
    if (seq !== searchSeq) return;
    if (r.ok) set({ results: r.value, resultsFor: q, highlight: 0, searching: false });
    else {
      set({ searching: false });
      useNotify.getState().error(r.error);
    }
  },

  async resultsNow(q) {
    if (get().resultsFor === q) return get().results;
    // Its own request: the debounced search may start (and supersede a shared one) meanwhile.
    const r = await invoke('catalog.search', { q: q.trim().slice(0, 100), limit: 30 });
    if (!r.ok) {
      useNotify.getState().error(r.error);
      return [];
    }
    return r.value;
  },

  moveHighlight(delta) {
    const { results, highlight } = get();
    if (results.length === 0) return;
    set({ highlight: (highlight + delta + results.length) % results.length });
  },

  setHighlight(i) {
    set({ highlight: i });
  },

  clearSearch() {
    searchSeq++;
    set({ query: '', results: [], resultsFor: '', highlight: 0, searching: false });
  },

  async loadCategories() {
    const r = await invoke('catalog.categories', {});
    if (r.ok) set({ categories: sortByShownName(r.value, i18next.language) });
  },

  selectCategory(id) {
    inflight.clear();
    set((s) => ({ categoryId: id, total: null, pages: {}, generation: s.generation + 1 }));
    get().ensurePage(0);
  },

  ensurePage(page) {
    const { pages, categoryId, generation, total } = get();
    if (pages[page] || page < 0) return;
    if (total !== null && page * PAGE_SIZE >= total) return;
    const key = `${generation}:${page}`;
    if (inflight.has(key)) return;
    inflight.add(key);
    const language = i18next.language === 'zh-CN' ? 'zh-CN' : 'en';
    void invoke('catalog.browse', { categoryId, language, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then((r) => {
      inflight.delete(key);
      if (get().generation !== generation) return;
      if (r.ok) set((s) => ({ total: r.value.total, pages: { ...s.pages, [page]: r.value.items } }));
      else useNotify.getState().error(r.error);
    });
  },

  invalidate() {
    inflight.clear();
    set((s) => ({ pages: {}, total: s.total, generation: s.generation + 1, results: [], resultsFor: '' }));
    const { query } = get();
    if (query.trim()) void get().runSearch(query);
  },
}));

// The category bar follows the screen's language: a switch re-sorts it by the names now shown.
i18next.on('languageChanged', (lng) => {
  useCatalog.setState((s) => ({ categories: sortByShownName(s.categories, lng) }));
  // Product pages are sorted for the language too: read them again in the new order.
  const { total, categoryId, selectCategory } = useCatalog.getState();
  if (total !== null) selectCategory(categoryId);
});
