import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromotionDraft, PromotionTryResult } from '../../../shared/api/promotions';
import type { ApiError } from '../../../shared/errors';
import { parseQty } from '../../../shared/money';
import { isWeighed } from '../../../shared/units';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { ProductSearch, productLabel, type PickedProduct } from './Pickers';
import { promotionName } from './summary';
import { promotionsData } from '../../data/promotions';

interface TryLine {
  product: PickedProduct;
  qty: string;
}

/**
 * A hypothetical cart priced by main exactly as the till prices it, with the promotion being
 * edited (valid, unsaved) standing in for its stored version. Nothing is written.
 */
export function TryCart({ draft }: { draft: (PromotionDraft & { id?: string }) | null }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [lines, setLines] = useState<TryLine[]>([]);
  const [member, setMember] = useState(false);
  const [priced, setResult] = useState<PromotionTryResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const input = useMemo(
    () =>
      lines.flatMap((l) => {
        const qty = parseQty(l.qty, l.product.unit);
        return qty !== null && qty > 0 ? [{ productId: l.product.id, qty }] : [];
      }),
    [lines],
  );
  useEffect(() => {
    if (input.length === 0) return;
    let live = true;
    const timer = setTimeout(() => {
      void promotionsData.try({ lines: input, member, ...(draft ? { draft } : {}) }).then((r) => {
        if (!live) return;
        setError(r.ok ? null : r.error);
        setResult(r.ok ? r.value : null);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [input, member, draft]);

  // A result is shown only while it prices every line on screen (a line being typed is left out).
  const result = input.length > 0 && input.length === lines.length && priced?.lines.length === lines.length ? priced : null;
  const names = new Map((result?.applied ?? []).map((a) => [a.promotionId, promotionName(a, i18n.language)]));
  const currency = result?.currency;
  return (
    <section className="card settings-card promo-try" data-testid="promo-try">
      <h2>{t('promotions.try.title')}</h2>
      <p className="muted">{t('promotions.try.hint')}</p>
      <ProductSearch
        testId="promo-try"
        onPick={(p) =>
          setLines((cur) => {
            const at = cur.findIndex((l) => l.product.id === p.id && !isWeighed(p.unit));
            if (at < 0) return cur.length >= 500 ? cur : [...cur, { product: p, qty: '1' }];
            return cur.map((l, i) => (i === at ? { ...l, qty: String((Number(l.qty) || 0) + 1) } : l));
          })
        }
      />
      <label className="check">
        <input type="checkbox" checked={member} onChange={(e) => setMember(e.target.checked)} data-testid="promo-try-member" />
        <span>{t('promotions.try.member')}</span>
      </label>
      {lines.length === 0 ? (
        <p className="muted">{t('promotions.try.empty')}</p>
      ) : (
        <ul className="promo-try-lines">
          {lines.map((l, i) => {
            const line = result?.lines[i];
            const pricedLine = result?.priced.lines[i];
            return (
              <li key={l.product.id + String(i)} className="promo-try-line" data-testid="promo-try-line">
                <div className="promo-row">
                  <span className="promo-row-name">{productLabel(l.product, i18n.language)}</span>
                  <label className="promo-inline">
                    <span>{t('promotions.try.qty')}</span>
                    <input
                      inputMode="decimal"
                      value={l.qty}
                      onChange={(e) => setLines((cur) => cur.map((x, j) => (j === i ? { ...x, qty: e.target.value } : x)))}
                      data-testid="promo-try-qty"
                    />
                  </label>
                  <span className="num">
                    {fmt.money(l.product.price, currency)}
                    {isWeighed(l.product.unit) ? `/${t(`units.${l.product.unit}`)}` : ''}
                  </span>
                  <strong className="num" data-testid="promo-try-line-total">
                    {pricedLine ? fmt.money(pricedLine.gross - pricedLine.promotionDiscount, currency) : '—'}
                  </strong>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('promotions.form.remove')}
                    onClick={() => setLines((cur) => cur.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </div>
                {line?.promotions?.map((s) => (
                  <div key={s.promotionId} className="promo-share" data-testid="promo-try-share">
                    <span>{names.get(s.promotionId) ?? ''}</span>
                    <span>−{fmt.money(s.amount, currency)}</span>
                  </div>
                ))}
              </li>
            );
          })}
        </ul>
      )}
      <InlineError text={error ? describeError(t, error) : null} testId="promo-try-error" />
      {result && (
        <div className="totals promo-try-totals" data-testid="promo-try-totals">
          {draft && <p className="muted">{t('promotions.try.withDraft')}</p>}
          {result.applied.length === 0 && <p className="muted">{t('promotions.try.none')}</p>}
          <div className="totals-row">
            <span>{t('promotions.try.subtotal')}</span>
            <span>{fmt.money(result.priced.subtotal, currency)}</span>
          </div>
          {result.applied.map((a) => (
            <div className="totals-row totals-discount" key={a.promotionId}>
              <span>{promotionName(a, i18n.language)}</span>
              <span>−{fmt.money(a.amount, currency)}</span>
            </div>
          ))}
          {result.priceMode === 'exclusive' && result.priced.taxTotal > 0 && (
            <div className="totals-row totals-tax">
              <span>{t('promotions.try.tax')}</span>
              <span>{fmt.money(result.priced.taxTotal, currency)}</span>
            </div>
          )}
          <div className="totals-row totals-total">
            <span>{t('promotions.try.total')}</span>
            <span data-testid="promo-try-total">{fmt.money(result.priced.total, currency)}</span>
          </div>
        </div>
      )}
    </section>
  );
}
