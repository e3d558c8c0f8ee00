import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CartLine } from '../../../shared/api';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { lineGross } from '../../../shared/pricing';
import { Modal } from '../../components/Modal';
import { minorToInput, useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useCart } from '../../stores/cart';
import { DiscountForm } from './DiscountForm';
import { isWeighed } from '../../../shared/units';

interface LineDialogProps {
  line: CartLine;
  currency: string;
  initialTab: 'discount' | 'price';
  onClose(): void;
}

/** Line discount and price override; the server asks for a manager when above the limit. */
export function LineDialog({ line, currency, initialTab, onClose }: LineDialogProps) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const n = localizedName(line.name, line.altName, i18n.language);
  const setLineDiscount = useCart((s) => s.setLineDiscount);
  const overridePrice = useCart((s) => s.overridePrice);
  const [tab, setTab] = useState(initialTab);
  const [busy, setBusy] = useState(false);
  const digits = currencyDigits(currency);
  const [price, setPrice] = useState(() => minorToInput(line.unitPrice, digits));
  const parsedPrice = parseMoney(price, currency);

  const run = async (work: () => Promise<boolean>) => {
    setBusy(true);
    const ok = await work();
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Modal
      title={
        <span className="modal-title-line">
          <span className="ellipsis">{n.primary}</span>
          {n.secondary && <small className="muted ellipsis">{n.secondary}</small>}
        </span>
      }
      onClose={onClose}
      size="md"
      testId="line-dialog"
    >
      <div className="tabs" role="tablist">
        {(['discount', 'price'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={`tab${tab === k ? ' tab-active' : ''}`}
            onClick={() => setTab(k)}
            data-testid={`line-tab-${k}`}
          >
            {t(k === 'discount' ? 'cart.lineDiscount' : 'cart.priceOverride')}
          </button>
        ))}
      </div>
      {tab === 'discount' ? (
        <DiscountForm
          base={lineGross(line)}
          currency={currency}
          current={line.discount}
          busy={busy}
          testIdPrefix="line-discount"
          onApply={(d) => void run(() => setLineDiscount(line.id, d))}
        />
      ) : (
        <form
          className="discount-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (parsedPrice !== null && !busy) void run(() => overridePrice(line.id, parsedPrice));
          }}
        >
          <p className="muted">
            {t('cart.shelfPrice')}: {fmt.money(line.originalPrice, currency)}
            {isWeighed(line.unit) ? ` / ${t(`units.${line.unit}`)}` : ''}
          </p>
          <div className="input-suffix input-xl">
            <input
              autoFocus
              inputMode="decimal"
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              aria-label={t('cart.newPrice')}
              aria-invalid={parsedPrice === null}
              data-testid="price-override-value"
            />
            <span>{currency}</span>
          </div>
          {parsedPrice === null && <p className="field-error">{t('discount.invalid')}</p>}
          <div className="dialog-actions">
            {line.unitPrice !== line.originalPrice && !line.priceList && (
              <button
                type="button"
                className="btn btn-ghost"
                disabled={busy}
                onClick={() => void run(() => overridePrice(line.id, line.originalPrice))}
              >
                {t('cart.restorePrice')}
              </button>
            )}
            <button
              type="submit"
              className="btn btn-primary btn-lg"
              disabled={parsedPrice === null || busy}
              data-testid="price-override-apply"
            >
              {busy ? t('common.working') : t('cart.applyPrice')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
