import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CartLine } from '../../../shared/api';
import { parseQty } from '../../../shared/money';
import type { Discount, PricedLine } from '../../../shared/pricing';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { bpToPercentText, useFormat, type Formatters } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useCart } from '../../stores/cart';
import { reweigh } from '../../stores/weigh';
import { DiscountForm } from './DiscountForm';
import { LineDialog } from './LineDialog';
import { SCANNED_EVENT } from './useScanner';
import { CartSuggestions } from './CartSuggestions';
import { CouponButton, CouponTotalsRow } from '../coupons/CouponEntry';
import { isWeighed } from '../../../shared/units';

function discountLabel(d: Discount, fmt: Formatters, currency: string): string {
  return d.kind === 'percent' ? `−${bpToPercentText(d.bp)}%` : `−${fmt.money(d.minor, currency)}`;
}

function QtyEditor({ line }: { line: CartLine }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const setQty = useCart((s) => s.setQty);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const step = 1000;
  const shown = fmt.qty(line.qty, line.unit);

  useEffect(() => {
    const el = inputRef.current;
    if (!editing || !el) return;
    el.select();
    // A scanner burst landed here: drop it, the scan is handled globally.
    const onScanned = () => setEditing(false);
    el.addEventListener(SCANNED_EVENT, onScanned);
    return () => el.removeEventListener(SCANNED_EVENT, onScanned);
  }, [editing]);

  const commit = () => {
    setEditing(false);
    const q = parseQty(text, line.unit);
    if (q !== null && q > 0 && q !== line.qty) void setQty(line.id, q);
  };

  return (
    <div className="qty">
      {line.unit === 'each' && (
        <button
          type="button"
          className="qty-btn"
          aria-label={t('cart.decrease')}
          disabled={line.qty <= step}
          onClick={() => void setQty(line.id, line.qty - step)}
          data-testid="line-dec"
        >
          −
        </button>
      )}
      {editing ? (
        <input
          ref={inputRef}
          className="qty-input"
          inputMode="decimal"
          value={text}
          aria-label={t('cart.qty')}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commit();
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              setEditing(false);
            }
          }}
          data-testid="line-qty-input"
        />
      ) : isWeighed(line.unit) ? (
        // A weight is re-entered in the weight dialog; the box looks like a field so it reads as editable.
        <button
          type="button"
          className="qty-value qty-value-weight"
          title={t('weigh.edit')}
          aria-label={`${t('weigh.edit')}: ${shown} ${t(`units.${line.unit}`)}`}
          onClick={() => reweigh(line)}
          data-testid="line-weight"
        >
          <span data-testid="line-qty">{shown}</span>
          <small> {t(`units.${line.unit}`)}</small>
          <span className="qty-edit-mark" aria-hidden="true">
            ✎
          </span>
        </button>
      ) : (
        <button
          type="button"
          className="qty-value"
          title={t('cart.editQty')}
          onClick={() => {
            setText(String(line.qty / 1000));
            setEditing(true);
          }}
        >
          <span data-testid="line-qty">{shown}</span>
        </button>
      )}
      {line.unit === 'each' && (
        <button
          type="button"
          className="qty-btn"
          aria-label={t('cart.increase')}
          onClick={() => void setQty(line.id, line.qty + step)}
          data-testid="line-inc"
        >
          +
        </button>
      )}
    </div>
  );
}

function LineRow({
  line,
  priced,
  currency,
  flash,
  onEdit,
  promotionNames,
}: {
  line: CartLine;
  priced: PricedLine | undefined;
  currency: string;
  flash: boolean;
  onEdit(tab: 'discount' | 'price'): void;
  /** Names of the cart's promotions by id, in the screen's language. */
  promotionNames?: ReadonlyMap<string, string>;
}) {
  const { t, i18n } = useTranslation();
  const n = localizedName(line.name, line.altName, i18n.language);
  const fmt = useFormat();
  const removeLine = useCart((s) => s.removeLine);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (flash) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [flash, line.qty]);
  const overridden = line.unitPrice !== line.originalPrice;
  const lineDiscount = priced?.lineDiscount ?? 0;
  return (
    <li ref={ref} className={`cart-line${flash ? ' cart-line-flash' : ''}`} data-testid="cart-line" data-sku={line.sku}>
      <div className="cart-line-main">
        <div className="cart-line-name">
          <span className="ellipsis" title={n.primary}>
            {n.primary}
          </span>
          {n.secondary && (
            <small className="ellipsis muted" title={n.secondary}>
              {n.secondary}
            </small>
          )}
        </div>
        <div className="cart-line-price">
          <span className={overridden ? 'price-overridden' : ''}>
            {fmt.money(line.unitPrice, currency)}
            {isWeighed(line.unit) ? `/${t(`units.${line.unit}`)}` : ''}
          </span>
          {overridden && <s className="muted">{fmt.money(line.originalPrice, currency)}</s>}
          {line.priceList && (
            <span className="cart-line-pricelist" data-testid="line-price-list">
              {localizedName(line.priceList.name, line.priceList.nameZh, i18n.language).primary}
            </span>
          )}
        </div>
      </div>
      <div className="cart-line-controls">
        <QtyEditor line={line} />
        <div className="cart-line-total">
          <strong data-testid="line-total">{fmt.money(priced ? priced.gross - priced.lineDiscount : 0, currency)}</strong>
          {line.discount && (
            <button type="button" className="badge badge-discount" onClick={() => onEdit('discount')} data-testid="line-discount-badge">
              {discountLabel(line.discount, fmt, currency)}
              {lineDiscount > 0 && line.discount.kind === 'percent' ? ` (${fmt.money(lineDiscount, currency)})` : ''}
            </button>
          )}
        </div>
        <div className="cart-line-actions">
          <button
            type="button"
            className="icon-button"
            onClick={() => onEdit('discount')}
            title={t('cart.lineDiscount')}
            aria-label={t('cart.lineDiscount')}
            data-testid="line-edit"
          >
            %
          </button>
          <button
            type="button"
            className="icon-button icon-danger"
            onClick={() => void removeLine(line.id)}
            title={t('cart.remove')}
            aria-label={t('cart.remove')}
            data-testid="line-remove"
          >
            ×
          </button>
        </div>
      </div>
      {line.promotions?.map((share) => (
        // What each promotion took off this line, as the receipt prints it ("第二件半价 −¥5.00").
        <div key={share.promotionId} className="cart-line-promo" data-testid="line-promotion">
          <span className="ellipsis">{promotionNames?.get(share.promotionId) ?? ''}</span>
          <span>−{fmt.money(share.amount, currency)}</span>
        </div>
      ))}
    </li>
  );
}

export function CartPanel({ onPay }: { onPay(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const cart = useCart((s) => s.cart);
  const lastLineId = useCart((s) => s.lastLineId);
  const setCartDiscount = useCart((s) => s.setCartDiscount);
  const clear = useCart((s) => s.clear);
  const [editing, setEditing] = useState<{ lineId: string; tab: 'discount' | 'price' } | null>(null);
  const [cartDiscountOpen, setCartDiscountOpen] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const [busy, setBusy] = useState(false);

  if (!cart) {
    return (
      <section className="cart-panel">
        <div className="cart-empty muted">{t('common.loading')}</div>
      </section>
    );
  }
  const currency = cart.currency;
  const pricedById = new Map(cart.priced.lines.map((l) => [l.id, l]));
  const editingLine = editing ? cart.lines.find((l) => l.id === editing.lineId) : undefined;
  const itemCount = cart.lines.reduce((s, l) => s + (l.unit === 'each' ? l.qty / 1000 : 1), 0);
  const cartDiscountAmount = cart.priced.lines.reduce((s, l) => s + l.cartDiscount, 0);
  const afterLineDiscounts = cart.priced.lines.reduce((s, l) => s + l.gross - l.lineDiscount, 0);
  const zh = i18n.language.startsWith('zh');
  const promotionNames = new Map(cart.applied.map((a) => [a.promotionId, zh && a.nameZh ? a.nameZh : a.name]));

  return (
    <section className="cart-panel" aria-label={t('cart.title')}>
      <header className="cart-header">
        <h2>
          {t('cart.title')}
          {cart.lines.length > 0 && <span className="count-pill">{t('cart.items', { count: itemCount })}</span>}
        </h2>
        <div className="cart-header-actions">
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={cart.lines.length === 0}
            onClick={() => setCartDiscountOpen(true)}
            data-testid="cart-discount-button"
          >
            {t('cart.cartDiscount')}
          </button>
          <CouponButton disabled={cart.lines.length === 0} />
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={cart.lines.length === 0}
            onClick={() => setConfirmClear(true)}
            data-testid="cart-clear"
          >
            {t('cart.clear')}
          </button>
        </div>
      </header>

      {cart.lines.length === 0 ? (
        <div className="cart-empty" data-testid="cart-empty">
          <div className="cart-empty-icon">
            <Icon name="cart" size={48} />
          </div>
          <p>{t('cart.empty')}</p>
          <p className="muted">{t('cart.emptyHint')}</p>
        </div>
      ) : (
        <ul className="cart-lines">
          {cart.lines.map((line) => (
            <LineRow
              key={line.id}
              line={line}
              priced={pricedById.get(line.id)}
              currency={currency}
              flash={line.id === lastLineId}
              onEdit={(tab) => setEditing({ lineId: line.id, tab })}
              promotionNames={promotionNames}
            />
          ))}
        </ul>
      )}

      <CartSuggestions />
      <div className="totals" data-testid="totals">
        <div className="totals-row">
          <span>{t('totals.subtotal')}</span>
          <span data-testid="cart-subtotal">{fmt.money(cart.priced.subtotal, currency)}</span>
        </div>
        {cart.priced.discountTotal > 0 && (
          <div className="totals-row totals-discount">
            <span>
              {t('totals.discount')}
              {cart.cartDiscount && (
                <button type="button" className="badge badge-discount" onClick={() => setCartDiscountOpen(true)}>
                  {t('totals.cartDiscount')} {discountLabel(cart.cartDiscount, fmt, currency)}
                </button>
              )}
            </span>
            <span data-testid="cart-discount">−{fmt.money(cart.priced.discountTotal, currency)}</span>
          </div>
        )}
        {cart.applied.map((a) => (
          <div className="totals-row totals-discount cart-promotion" key={a.promotionId} data-testid="cart-promotion">
            <small className="ellipsis">{promotionNames.get(a.promotionId)}</small>
            <small>−{fmt.money(a.amount, currency)}</small>
          </div>
        ))}
        <CouponTotalsRow cart={cart} />
        {cart.priced.taxes
          .filter((tx) => tx.rateBp > 0 || tx.tax > 0)
          .map((tx) => (
            <div className="totals-row totals-tax" key={tx.rateBp}>
              <span>{t(cart.priceMode === 'inclusive' ? 'totals.taxIncluded' : 'totals.tax', { rate: bpToPercentText(tx.rateBp) })}</span>
              <span>{fmt.money(tx.tax, currency)}</span>
            </div>
          ))}
        <div className="totals-row totals-total">
          <span>{t('totals.total')}</span>
          <span data-testid="cart-total">{fmt.money(cart.priced.total, currency)}</span>
        </div>
        <button
          type="button"
          className="btn btn-pay btn-block"
          disabled={cart.lines.length === 0 || !cart.id}
          onClick={onPay}
          data-testid="pay-button"
        >
          <span>{t('cart.pay')}</span>
          <span className="pay-amount">{fmt.money(cart.priced.total, currency)}</span>
          <kbd>F12</kbd>
        </button>
      </div>

      {editing && editingLine && (
        <LineDialog line={editingLine} currency={currency} initialTab={editing.tab} onClose={() => setEditing(null)} />
      )}
      {cartDiscountOpen && (
        <Modal title={t('cart.cartDiscount')} onClose={() => setCartDiscountOpen(false)} testId="cart-discount-dialog">
          <DiscountForm
            base={afterLineDiscounts}
            currency={currency}
            current={cart.cartDiscount}
            busy={busy}
            testIdPrefix="cart-discount"
            onApply={(d) => {
              setBusy(true);
              void setCartDiscount(d).then((ok) => {
                setBusy(false);
                if (ok) setCartDiscountOpen(false);
              });
            }}
          />
          {cartDiscountAmount > 0 && (
            <p className="muted">{t('discount.currentCart', { amount: fmt.money(cartDiscountAmount, currency) })}</p>
          )}
        </Modal>
      )}
      {confirmClear && (
        <Modal
          title={t('cart.clearTitle')}
          onClose={() => setConfirmClear(false)}
          size="sm"
          footer={
            <>
              <button type="button" className="btn btn-ghost" onClick={() => setConfirmClear(false)}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                className="btn btn-danger"
                data-testid="cart-clear-confirm"
                onClick={() => {
                  setConfirmClear(false);
                  void clear();
                }}
              >
                {t('cart.clear')}
              </button>
            </>
          }
        >
          <p>{t('cart.clearConfirm')}</p>
        </Modal>
      )}
    </section>
  );
}
