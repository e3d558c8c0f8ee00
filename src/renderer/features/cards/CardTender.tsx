import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardView } from '../../../shared/api/stored-value';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { usePayment } from '../../stores/payment';
import { cardsData } from '../../data/cards';
import { AmountField } from '../payment/AmountField';

/**
 * The gift / stored-value card tender of the payment dialog: scan the card, see its balance, take
 * up to what is due (the rest by another tender). Main checks the card again when the sale is
 * completed and never takes a balance below zero.
 */
export function CardTender({ due }: { due: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const p = usePayment();
  const digits = currencyDigits(p.currency);
  const [number, setNumber] = useState('');
  const [card, setCard] = useState<CardView | null>(null);
  const [amountText, setAmountText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  // What this sale already takes from the card (a second card tender on the same card).
  const pending = card
    ? p.tenders.filter((x) => x.kind === 'stored_value' && x.cardNumber === card.number).reduce((s, x) => s + x.amount, 0)
    : 0;
  const available = card ? Math.max(0, card.balance - pending) : 0;
  const amount = amountText.trim() === '' ? null : parseMoney(amountText, p.currency);
  const ok = card !== null && amount !== null && amount > 0 && amount <= due && amount <= available;

  const check = async () => {
    setError(null);
    const r = await cardsData.lookup({ number: number.trim() });
    if (!r.ok) {
      setCard(null);
      setError(r.error);
      return;
    }
    setCard(r.value);
    const left = Math.max(0, r.value.balance - pending);
    setAmountText(minorToInput(Math.min(left, due), digits));
  };

  return (
    <div className="tender-panel" data-testid="card-tender">
      <p className="muted">{t('cards.tender.hint')}</p>
      <div className="row">
        <input
          value={number}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('cards.numberPlaceholder')}
          onChange={(e) => {
            setNumber(e.target.value);
            setCard(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void check();
            }
          }}
          data-testid="tender-card-number"
          autoFocus
        />
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => void check()}
          disabled={number.trim() === ''}
          data-testid="tender-card-check"
        >
          {t('cards.tender.check')}
        </button>
      </div>
      {card && (
        <>
          <p data-testid="tender-card-balance">{t('cards.tender.available', { amount: fmt.money(available, p.currency) })}</p>
          <AmountField
            value={amountText}
            onChange={setAmountText}
            currency={p.currency}
            testId="tender-card-amount"
            error={amount !== null && !ok && amount > 0 && t('cards.tender.tooMuch')}
          />
          <button
            type="button"
            className="btn btn-primary btn-lg btn-block"
            disabled={!ok}
            onClick={() => {
              if (!ok || amount === null) return;
              p.addTender({
                kind: 'stored_value',
                amount,
                brand: null,
                last4: card.number.slice(-4),
                intentId: null,
                cardNumber: card.number,
              });
              setAmountText('');
            }}
            data-testid="tender-card-add"
          >
            {t('cards.tender.add', { amount: amount !== null ? fmt.money(amount, p.currency) : '' })}
          </button>
        </>
      )}
      <InlineError text={error ? describeError(t, error) : null} testId="tender-card-error" />
    </div>
  );
}
