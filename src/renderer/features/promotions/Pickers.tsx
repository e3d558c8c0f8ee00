import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, ProductHit, Unit } from '../../../shared/api';
import { useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { catalogData } from '../../data/catalog';

/** A product as the form shows it: its id and the name to print. */
export interface PickedProduct {
  id: string;
  name: string;
  altName: string | null;
  price: number;
  unit: Unit;
}

export function productLabel(p: { name: string; altName: string | null }, locale: string): string {
  return localizedName(p.name, p.altName, locale).primary;
}

/**
 * Finds products with the catalog's own search (names, pinyin, SKU, barcode) as the manager types;
 * a pick is handed up, the box empties for the next one.
 */
export function ProductSearch({ onPick, testId }: { onPick(p: PickedProduct): void; testId: string }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProductHit[]>([]);
  useEffect(() => {
    const text = q.trim();
    if (!text) return;
    let live = true;
    const timer = setTimeout(() => {
      void catalogData.search({ q: text, limit: 8 }).then((r) => {
        if (live && r.ok) setHits(r.value);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  return (
    <div className="promo-search">
      <input
        type="search"
        value={q}
        maxLength={100}
        placeholder={t('promotions.form.search')}
        aria-label={t('promotions.form.search')}
        onChange={(e) => setQ(e.target.value)}
        data-testid={`${testId}-search`}
      />
      {q.trim() !== '' && (
        <ul className="promo-hits" data-testid={`${testId}-hits`}>
          {hits.length === 0 && <li className="muted">{t('promotions.form.noMatch')}</li>}
          {hits.map((h) => (
            <li key={h.id}>
              <button
                type="button"
                className="promo-hit"
                onClick={() => {
                  onPick({ id: h.id, name: h.name, altName: h.altName, price: h.price, unit: h.unit });
                  setQ('');
                }}
                data-testid={`${testId}-hit`}
                data-sku={h.sku}
              >
                <span>{productLabel(h, i18n.language)}</span>
                <small className="muted">
                  {h.sku} · {fmt.money(h.price)}
                </small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Chosen products as removable chips, with the search to add more. */
export function ProductPicker({
  value,
  names,
  onChange,
  testId,
}: {
  value: string[];
  names: ReadonlyMap<string, PickedProduct>;
  onChange(ids: string[], picked?: PickedProduct): void;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="promo-picker" data-testid={testId}>
      <ProductSearch
        testId={testId}
        onPick={(p) => {
          if (!value.includes(p.id)) onChange([...value, p.id], p);
        }}
      />
      {value.length > 0 && (
        <ul className="promo-chips" aria-label={t('promotions.form.picked')}>
          {value.map((id) => {
            const p = names.get(id);
            return (
              <li key={id} className="promo-chip" data-testid={`${testId}-chip`}>
                <span>{p ? productLabel(p, i18n.language) : '…'}</span>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('promotions.form.remove')}
                  onClick={() => onChange(value.filter((x) => x !== id))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** Categories are few: the list is filtered as the manager types, a click toggles one. */
export function CategoryPicker({ value, onChange, testId }: { value: string[]; onChange(ids: string[]): void; testId: string }) {
  const { t, i18n } = useTranslation();
  const [all, setAll] = useState<Category[]>([]);
  const [q, setQ] = useState('');
  useEffect(() => {
    let live = true;
    void catalogData.categories({}).then((r) => {
      if (live && r.ok) setAll(r.value);
    });
    return () => {
      live = false;
    };
  }, []);
  const needle = q.trim().toLowerCase();
  const shown = all.filter((c) => !needle || c.name.toLowerCase().includes(needle) || (c.altName ?? '').includes(q.trim()));
  return (
    <div className="promo-picker" data-testid={testId}>
      <input
        type="search"
        value={q}
        maxLength={100}
        placeholder={t('promotions.form.searchCategories')}
        aria-label={t('promotions.form.searchCategories')}
        onChange={(e) => setQ(e.target.value)}
        data-testid={`${testId}-search`}
      />
      <ul className="promo-chips">
        {shown.length === 0 && <li className="muted">{t('promotions.form.noMatch')}</li>}
        {shown.map((c) => {
          const on = value.includes(c.id);
          return (
            <li key={c.id}>
              <button
                type="button"
                className={`promo-chip promo-toggle${on ? ' promo-chip-on' : ''}`}
                aria-pressed={on}
                onClick={() => onChange(on ? value.filter((x) => x !== c.id) : [...value, c.id])}
                data-testid={`${testId}-option`}
              >
                {localizedName(c.name, c.altName, i18n.language).primary}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
