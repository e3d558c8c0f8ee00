import { useTranslation } from 'react-i18next';
import { currencyDigits } from '../../../shared/money';
import { useFormat } from '../../lib/format';
import { countsTotal } from '../../stores/shifts';

/** 2000 → "$20", 25 → "$0.25": whole notes without the cents. */
function denominationLabel(minor: number, currency: string, digits: number, locale: string): string {
  const whole = minor % 10 ** digits === 0;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return String(minor);
  }
}

/** A note-and-coin count: one field per denomination, the total below. */
export function CountForm({
  denominations,
  currency,
  pieces,
  onChange,
}: {
  denominations: number[];
  currency: string;
  pieces: Record<number, string>;
  onChange(next: Record<number, string>): void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const digits = currencyDigits(currency);
  return (
    <div className="count-form">
      <div className="count-grid">
        {denominations.map((d) => {
          const text = pieces[d] ?? '';
          const sub = Number(text || '0') * d;
          return (
            <label key={d} className="count-row">
              <span className="count-denom">{denominationLabel(d, currency, digits, fmt.locale)}</span>
              <span className="count-times" aria-hidden="true">
                ×
              </span>
              <input
                inputMode="numeric"
                aria-label={`${t('shifts.pieces')} ${fmt.money(d, currency)}`}
                value={text}
                placeholder="0"
                onChange={(e) => onChange({ ...pieces, [d]: e.target.value.replace(/\D/g, '').slice(0, 5) })}
                data-testid={`count-${d}`}
              />
              <span className="count-sub muted">{sub > 0 ? fmt.money(sub, currency) : ''}</span>
            </label>
          );
        })}
      </div>
      <div className="count-total">
        <span>{t('shifts.total')}</span>
        <strong data-testid="count-total">{fmt.money(countsTotal(pieces), currency)}</strong>
      </div>
    </div>
  );
}
