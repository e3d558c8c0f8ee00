import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cart } from '../../../shared/api';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { useCart } from '../../stores/cart';
import { Field } from '../../components/Field';

/** The till's "Coupon" button and its dialog: type or scan a code; main checks it and prices it. */
export function CouponButton({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const applyCoupon = useCart((s) => s.applyCoupon);
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    void applyCoupon(code.trim()).then((ok) => {
      setBusy(false);
      if (ok) {
        setOpen(false);
        setCode('');
      }
    });
  };

  return (
    <>
      <button type="button" className="btn btn-ghost btn-sm" disabled={disabled} onClick={() => setOpen(true)} data-testid="coupon-button">
        {t('coupons.till.button')}
      </button>
      {open && (
        <Modal title={t('coupons.till.title')} onClose={() => setOpen(false)} size="sm" testId="coupon-dialog">
          <form onSubmit={submit} className="coupon-form">
            <Field label={t('coupons.till.title')}>
              <input
                autoFocus
                value={code}
                maxLength={40}
                autoComplete="off"
                spellCheck={false}
                placeholder={t('coupons.till.placeholder')}
                onChange={(e) => setCode(e.target.value.toUpperCase())}
                data-testid="coupon-code"
              />
            </Field>
            <button type="submit" className="btn btn-primary" disabled={busy || !code.trim()} data-testid="coupon-apply">
              {t('coupons.till.apply')}
            </button>
          </form>
        </Modal>
      )}
    </>
  );
}

/** The coupon in the totals: what it takes off, or why it does not apply now, and a way to remove it. */
export function CouponTotalsRow({ cart }: { cart: Cart }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const removeCoupon = useCart((s) => s.removeCoupon);
  const coupon = cart.coupon;
  if (!coupon) return null;
  const name = i18n.language === 'zh-CN' && coupon.nameZh ? coupon.nameZh : coupon.name;
  return (
    <div className={`totals-row totals-coupon${coupon.refusal ? ' totals-coupon-off' : ''}`} data-testid="cart-coupon">
      <span>
        {coupon.refusal ? t('coupons.till.notApplying', { code: coupon.code }) : t('coupons.till.applied', { code: coupon.code })}
        {name && <small className="muted"> {name}</small>}
        {coupon.refusal && (
          <small className="muted" data-testid="cart-coupon-refusal">
            {' '}
            {t(`coupons.err.${coupon.refusal}`, coupon.minSpend !== null ? { minSpend: fmt.money(coupon.minSpend, cart.currency) } : {})}
          </small>
        )}
        <button
          type="button"
          className="badge badge-discount"
          onClick={() => void removeCoupon()}
          title={t('coupons.till.remove')}
          aria-label={t('coupons.till.remove')}
          data-testid="cart-coupon-remove"
        >
          ×
        </button>
      </span>
      <span data-testid="cart-coupon-amount">{coupon.amount > 0 ? `−${fmt.money(coupon.amount, cart.currency)}` : ''}</span>
    </div>
  );
}
