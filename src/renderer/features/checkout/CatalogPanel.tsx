import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProductHit } from '../../../shared/api';
import { Icon } from '../../components/Icon';
import { useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useCart } from '../../stores/cart';
import { addHit } from '../../stores/weigh';
import { PAGE_SIZE, useCatalog } from '../../stores/catalog';
import { pickForEnter } from '../../lib/enter-pick';
import { looksLikeCoupon } from '../../../shared/coupons/code';
import { TYPED_CODE } from './useScanner';
import { ORDER_NUMBER } from '../../../shared/api';
import { scanOrderOr } from '../aftersale/scanOrder';
import { isWeighed } from '../../../shared/units';

const SEARCH_DEBOUNCE_MS = 80;
const TILE_MIN_WIDTH = 176;
const ROW_HEIGHT = 120;

function StockBadge({ hit }: { hit: ProductHit }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const low = hit.stock <= 0;
  return (
    <span className={`stock${low ? ' stock-out' : hit.stock < 5000 ? ' stock-low' : ''}`} data-testid="hit-stock">
      {t('catalog.stock', { qty: fmt.qty(hit.stock, hit.unit) })}
      {isWeighed(hit.unit) ? ` ${t(`units.${hit.unit}`)}` : ''}
    </span>
  );
}

/** Customers' average rating, e.g. "★ 4.5 (12)"; nothing for a product nobody has rated. */
function RatingBadge({ hit }: { hit: ProductHit }) {
  const { t } = useTranslation();
  if (hit.ratingAvg100 === null || hit.ratingCount === 0) return null;
  const avg = (hit.ratingAvg100 / 100).toFixed(1);
  return (
    <span className="rating-badge" data-testid="hit-rating" title={t('catalog.ratingTitle', { avg, count: hit.ratingCount })}>
      ★ {avg} <small>({hit.ratingCount})</small>
    </span>
  );
}

export function SearchBox({ inputRef, onAdded }: { inputRef: RefObject<HTMLInputElement | null>; onAdded(): void }) {
  const { t } = useTranslation();
  const query = useCatalog((s) => s.query);
  const setQuery = useCatalog((s) => s.setQuery);
  const runSearch = useCatalog((s) => s.runSearch);
  const results = useCatalog((s) => s.results);
  const highlight = useCatalog((s) => s.highlight);
  const moveHighlight = useCatalog((s) => s.moveHighlight);
  const clearSearch = useCatalog((s) => s.clearSearch);
  const resultsNow = useCatalog((s) => s.resultsNow);
  const scan = useCart((s) => s.scan);

  useEffect(() => {
    if (!query.trim()) return;
    const id = setTimeout(() => void runSearch(query), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [query, runSearch]);

  const add = (hit: ProductHit | undefined) => {
    if (!hit) return;
    clearSearch();
    void addHit(hit).then((ok) => ok && onAdded());
  };

  return (
    <div className="search">
      <span className="search-icon">
        <Icon name="search" size={20} />
      </span>
      <input
        ref={inputRef}
        type="search"
        className="search-input"
        placeholder={t('catalog.searchPlaceholder')}
        aria-label={t('catalog.search')}
        value={query}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            moveHighlight(1);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            moveHighlight(-1);
          } else if (e.key === 'Escape') {
            if (query) {
              e.stopPropagation();
              clearSearch();
            } else inputRef.current?.blur();
          } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
            e.preventDefault();
            const text = query.trim();
            if (TYPED_CODE.test(text) || looksLikeCoupon(text)) {
              // A code typed by hand (or a slow scanner), a coupon code too: scan it and leave the box empty.
              clearSearch();
              void scan(text);
            } else if (ORDER_NUMBER.test(text.toUpperCase())) {
              // A receipt's order number typed (or slowly scanned): open that order.
              clearSearch();
              void scanOrderOr(text, () => scan(text));
            } else if (useCatalog.getState().resultsFor === query) {
              add(results[highlight]);
            } else if (text) {
              // Enter came before the debounced search answered: search the typed text now and
              // add what it finds, so a quick "type and Enter" behaves like a scan, not a no-op.
              const typed = query;
              void resultsNow(typed).then((hits) => {
                if (useCatalog.getState().query === typed) add(pickForEnter(text, hits));
              });
            }
          }
        }}
        data-testid="search-input"
      />
      {query && (
        <button type="button" className="search-clear" onClick={() => clearSearch()} aria-label={t('catalog.clearSearch')}>
          ×
        </button>
      )}
      <kbd className="search-kbd">F2</kbd>
    </div>
  );
}

export function SearchResults({ onAdded }: { onAdded(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const query = useCatalog((s) => s.query);
  const results = useCatalog((s) => s.results);
  const resultsFor = useCatalog((s) => s.resultsFor);
  const searching = useCatalog((s) => s.searching);
  const highlight = useCatalog((s) => s.highlight);
  const setHighlight = useCatalog((s) => s.setHighlight);
  const clearSearch = useCatalog((s) => s.clearSearch);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${highlight}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [highlight]);

  if (results.length === 0) {
    return (
      <div className="search-empty muted" data-testid="search-empty">
        {searching || resultsFor !== query ? t('catalog.searching') : t('catalog.noResults', { q: query.trim() })}
      </div>
    );
  }
  return (
    <ul className="search-results" ref={listRef} role="listbox" aria-label={t('catalog.results')}>
      {results.map((hit, i) => {
        const n = localizedName(hit.name, hit.altName, i18n.language);
        return (
          <li key={hit.id} role="option" aria-selected={i === highlight} data-index={i}>
            <button
              type="button"
              tabIndex={-1}
              className={`search-result${i === highlight ? ' search-result-active' : ''}`}
              onMouseEnter={() => setHighlight(i)}
              onClick={() => {
                clearSearch();
                void addHit(hit).then((ok) => ok && onAdded());
              }}
              data-testid="search-result"
            >
              <span className="search-result-name">
                <span className="ellipsis">{n.primary}</span>
                {n.secondary && <small className="muted ellipsis">{n.secondary}</small>}
                <RatingBadge hit={hit} />
              </span>
              <span className="search-result-code muted">
                <span>{hit.sku}</span>
                {hit.barcode && <span>{hit.barcode}</span>}
              </span>
              <StockBadge hit={hit} />
              <strong className="search-result-price">
                {fmt.money(hit.price)}
                {isWeighed(hit.unit) ? <small>/{t(`units.${hit.unit}`)}</small> : null}
              </strong>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function CategoryBar() {
  const { t, i18n } = useTranslation();
  const categories = useCatalog((s) => s.categories);
  const categoryId = useCatalog((s) => s.categoryId);
  const selectCategory = useCatalog((s) => s.selectCategory);
  return (
    <nav className="category-bar" aria-label={t('catalog.categories')}>
      <button
        type="button"
        className={`chip${categoryId === null ? ' chip-active' : ''}`}
        onClick={() => selectCategory(null)}
        data-testid="category-all"
      >
        {t('catalog.all')}
      </button>
      {categories.map((c) => (
        <button
          key={c.id}
          type="button"
          className={`chip${categoryId === c.id ? ' chip-active' : ''}`}
          onClick={() => selectCategory(c.id)}
          title={c.altName ? `${c.name} · ${c.altName}` : c.name}
          data-testid="category"
        >
          <span className="ellipsis">{localizedName(c.name, c.altName, i18n.language).primary}</span>
        </button>
      ))}
    </nav>
  );
}

/** All products of a category as a tap grid; only visible rows are rendered and fetched. */
export function ProductGrid() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const total = useCatalog((s) => s.total);
  const pages = useCatalog((s) => s.pages);
  const generation = useCatalog((s) => s.generation);
  const ensurePage = useCatalog((s) => s.ensurePage);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setColumns(Math.max(1, Math.floor((el.clientWidth - 8) / TILE_MIN_WIDTH)));
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const count = total ?? 0;
  const rows = Math.ceil(count / columns);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 4,
  });
  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total === null) {
      ensurePage(0);
      return;
    }
    const firstPage = Math.floor((firstRow * columns) / PAGE_SIZE);
    const lastPage = Math.floor(((lastRow + 1) * columns - 1) / PAGE_SIZE);
    for (let p = firstPage; p <= lastPage; p++) ensurePage(p);
  }, [firstRow, lastRow, columns, total, generation, ensurePage]);

  const hitAt = (i: number): ProductHit | undefined => pages[Math.floor(i / PAGE_SIZE)]?.[i % PAGE_SIZE];

  return (
    <div className="product-grid" ref={scrollRef} data-testid="product-grid">
      {total === 0 && <div className="grid-empty muted">{t('catalog.emptyCategory')}</div>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => (
          <div
            key={row.key}
            className="product-row"
            style={{
              transform: `translateY(${row.start}px)`,
              height: ROW_HEIGHT,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            }}
          >
            {Array.from({ length: columns }, (_, c) => {
              const index = row.index * columns + c;
              if (index >= count) return <span key={c} />;
              const hit = hitAt(index);
              if (!hit) return <span key={c} className="product-tile product-tile-loading" aria-hidden="true" />;
              const n = localizedName(hit.name, hit.altName, i18n.language);
              return (
                <button
                  key={hit.id}
                  type="button"
                  className={`product-tile${hit.stock <= 0 ? ' product-tile-out' : ''}`}
                  onClick={() => void addHit(hit)}
                  title={hit.altName ? `${hit.name}\n${hit.altName}` : hit.name}
                  data-testid="product-tile"
                >
                  <span className="product-tile-name">{n.primary}</span>
                  {n.secondary && <small className="product-tile-alt ellipsis">{n.secondary}</small>}
                  <RatingBadge hit={hit} />
                  <span className="product-tile-foot">
                    <strong>
                      {fmt.money(hit.price)}
                      {isWeighed(hit.unit) ? <small>/{t(`units.${hit.unit}`)}</small> : null}
                    </strong>
                    <StockBadge hit={hit} />
                  </span>
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
