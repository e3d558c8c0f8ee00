import '../shifts/shifts.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Suggestion } from '../../../shared/api/insight';
import { useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useCart } from '../../stores/cart';
import { insightData } from '../../data/insight';

/** "Frequently bought together": one tap adds the item. */
export function CartSuggestions() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const cart = useCart((s) => s.cart);
  const addProduct = useCart((s) => s.addProduct);
  const [found, setFound] = useState<{ key: string; items: Suggestion[] }>({ key: '', items: [] });
  const key = cart?.lines.map((l) => l.productId).join(',') ?? '';
  useEffect(() => {
    if (!key) return;
    let live = true;
    const timer = setTimeout(() => {
      void insightData.suggestions({ productIds: [...new Set(key.split(','))].slice(0, 100), limit: 3 }).then((r) => {
        if (live) setFound({ key, items: r.ok ? r.value : [] });
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  // Only what was found for the cart as it is now.
  const items = found.key === key ? found.items : [];
  if (items.length === 0 || !cart) return null;
  const nameOf = (id: string) => {
    const l = cart.lines.find((x) => x.productId === id);
    return l ? localizedName(l.name, l.altName, i18n.language).primary : '';
  };
  return (
    <div className="suggestions" data-testid="suggestions">
      <span className="suggestions-title muted">{t('dashboard.suggestions.title')}</span>
      <div className="suggestions-list">
        {items.map((s) => {
          const name = localizedName(s.name, s.altName, i18n.language).primary;
          return (
            <button
              key={s.productId}
              type="button"
              className="chip suggestion"
              title={t('dashboard.suggestions.why', { pct: fmt.percent(s.confidenceBp), other: nameOf(s.becauseOf) })}
              aria-label={t('dashboard.suggestions.add', { name })}
              onClick={() => void addProduct(s.productId)}
              data-testid="suggestion"
            >
              <span className="ellipsis">+ {name}</span>
              <small>{fmt.money(s.price)}</small>
            </button>
          );
        })}
      </div>
    </div>
  );
}
