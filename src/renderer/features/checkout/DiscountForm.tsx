import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currencyDigits, parseMoney } from '../../../shared/money';
import type { Discount } from '../../../shared/pricing';
import { discountAmount } from '../../../shared/pricing';
import { bpToPercentText, minorToInput, parsePercentBp, useFormat } from '../../lib/format';

interface DiscountFormProps {
  /** The amount the discount applies to, for the preview. */
  base: number;
  currency: string;
  current: Discount | null;
  busy: boolean;
  onApply(discount: Discount | null): void;
  testIdPrefix: string;
}

const QUICK_PERCENTS = [5, 10, 15, 20, 50];

/** Percent or amount, with a live preview of what comes off. */
export function DiscountForm({ base, currency, current, busy, onApply, testIdPrefix }: DiscountFormProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const digits = currencyDigits(currency);
  const [kind, setKind] = useState<Discount['kind']>(current?.kind ?? 'percent');
  const [text, setText] = useState(() =>
    current ? (current.kind === 'percent' ? bpToPercentText(current.bp) : minorToInput(current.minor, digits)) : '',
  );
  const inputRef = useRef<HTMLInputElement>(null);

  const parsed: Discount | null =
    kind === 'percent'
      ? (() => {
          const bp = parsePercentBp(text);
          return bp === null ? null : { kind: 'percent', bp };
        })()
      : (() => {
          const minor = parseMoney(text, currency);
          return minor === null ? null : { kind: 'amount', minor };
        })();
  const invalid = text.trim() !== '' && parsed === null;
  const off = parsed ? discountAmount(base, parsed) : 0;

  return (
    <form
      className="discount-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed && !busy) onApply(parsed);
      }}
    >
      <div className="segmented" role="radiogroup">
        {(['percent', 'amount'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={kind === k}
            className={`segment${kind === k ? ' segment-active' : ''}`}
            onClick={() => {
              setKind(k);
              setText('');
              inputRef.current?.focus();
            }}
            data-testid={`${testIdPrefix}-kind-${k}`}
          >
            {t(`discount.${k}`)}
          </button>
        ))}
      </div>
      <div className="input-suffix input-xl">
        <input
          ref={inputRef}
          autoFocus
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t(kind === 'percent' ? 'discount.percentLabel' : 'discount.amountLabel')}
          aria-invalid={invalid}
          data-testid={`${testIdPrefix}-value`}
        />
        <span>{kind === 'percent' ? '%' : currency}</span>
      </div>
      {kind === 'percent' && (
        <div className="quick-row">
          {QUICK_PERCENTS.map((p) => (
            <button key={p} type="button" className="chip" onClick={() => setText(String(p))}>
              {p}%
            </button>
          ))}
        </div>
      )}
      <p className={`discount-preview${invalid ? ' field-error' : ''}`}>
        {invalid ? t('discount.invalid') : t('discount.preview', { amount: fmt.money(off, currency), base: fmt.money(base, currency) })}
      </p>
      <div className="dialog-actions">
        {current && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy}
            onClick={() => onApply(null)}
            data-testid={`${testIdPrefix}-remove`}
          >
            {t('discount.remove')}
          </button>
        )}
        <button type="submit" className="btn btn-primary btn-lg" disabled={!parsed || busy} data-testid={`${testIdPrefix}-apply`}>
          {busy ? t('common.working') : t('discount.apply')}
        </button>
      </div>
    </form>
  );
}
