import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { quickCashAmounts } from '../../../shared/pricing';
import { CARD_BRANDS, cardBrandName } from '../../../shared/card-brands';
import { isLanguage } from '../../i18n';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { summary, usePayment, type TenderDraft } from '../../stores/payment';
import { StoreCreditTender } from '../aftersale/CheckoutExtras';
import { CardTender } from '../cards/CardTender';
import { OfflineNote, QrPanel, ScanPanel, TerminalPanel } from './ProviderTenders';
import { availableMethods, isOpenTrade } from './trade-text';
import { AmountField } from './AmountField';
import { Field } from '../../components/Field';

type Tab = 'cash' | 'card' | 'integrated' | 'scan' | 'qr' | 'terminal' | 'storedValue';

export function tenderLabel(t: (k: string) => string, kind: TenderDraft['kind']): string {
  return t(`tender.${kind}`);
}

function insufficient(t: (k: string, o?: Record<string, string>) => string, due: string): ApiError {
  return { code: 'INSUFFICIENT_PAYMENT', message: t('payment.stillDue', { amount: due }) };
}

export function PaymentDialog({ onCompleted }: { onCompleted(order: Order): void }) {
  const { t, i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const fmt = useFormat();
  const p = usePayment();
  const currency = p.currency;
  const digits = currencyDigits(currency);
  const [tab, setTab] = useState<Tab>('cash');
  const [cashText, setCashText] = useState('');
  const [localError, setLocalError] = useState<ApiError | null>(null);
  const cashRef = useRef<HTMLInputElement>(null);

  const cashParsed = cashText.trim() === '' ? 0 : parseMoney(cashText, currency);
  const pendingCash = tab === 'cash' && cashParsed !== null ? cashParsed : 0;
  const before = summary(p.total, p.tenders);
  const after = summary(p.total, p.tenders, pendingCash);
  const covered = after.due === 0 && !after.overpaidByCard;
  const error = localError ?? p.error;
  const methods = availableMethods(p.providers ?? []);
  const terminal = methods.terminal[0] ?? null;
  // Offline: a provider main cannot reach, or any provider call answered UNAVAILABLE. Said at once.
  const unreachable = (p.providers ?? []).filter((x) => !x.reachable).map((x) => x.provider);
  const allOut =
    p.offline || p.providersError?.code === 'UNAVAILABLE' || (unreachable.length > 0 && unreachable.length === (p.providers ?? []).length);
  const offline = allOut || unreachable.length > 0;
  const tradeOpen = p.startingTrade || (p.trade !== null && isOpenTrade(p.trade));
  const tabs: (readonly [Tab, string, string])[] = [
    ['cash', 'tender-cash', 'tender.cash'],
    ['card', 'tender-card', 'tender.card_external'],
    // A real card terminal replaces the simulated one.
    ...(terminal ? [] : [['integrated', 'tender-integrated', 'tender.card_integrated'] as const]),
    ...(methods.scan.length ? [['scan', 'tender-scan', 'pay.tab.scan'] as const] : []),
    ...(methods.qr.length ? [['qr', 'tender-qr', 'pay.tab.qr'] as const] : []),
    ...(terminal ? [['terminal', 'tender-terminal', 'pay.tab.terminal'] as const] : []),
    ['storedValue', 'tender-stored-value', 'cards.tender.tab'],
  ];

  const complete = async () => {
    setLocalError(null);
    if (tab === 'cash' && cashParsed === null) {
      setLocalError({ code: 'VALIDATION', message: t('payment.badAmount') });
      return;
    }
    if (!covered) {
      setLocalError(insufficient(t, fmt.money(after.due, currency)));
      return;
    }
    const order = await p.complete(pendingCash);
    if (order) onCompleted(order);
  };

  const addCash = () => {
    setLocalError(null);
    if (cashParsed === null || cashParsed <= 0) {
      setLocalError({ code: 'VALIDATION', message: t('payment.badAmount') });
      return;
    }
    p.addTender({ kind: 'cash', amount: cashParsed, brand: null, last4: null, intentId: null });
    setCashText('');
    cashRef.current?.focus();
  };

  // UNAVAILABLE is said by the offline note above the tenders; the banner would say it twice.
  const errorText =
    error && error.code !== 'UNAVAILABLE'
      ? error.code === 'INSUFFICIENT_PAYMENT' && localError
        ? `${t('errors.INSUFFICIENT_PAYMENT')} ${error.message}`
        : localError && error.code === 'VALIDATION'
          ? error.message
          : describeError(t, error)
      : null;

  return (
    <Modal
      title={t('payment.title')}
      onClose={p.completing ? undefined : () => void p.close()}
      size="xl"
      testId="payment-dialog"
      initialFocus={cashRef}
      footer={
        <>
          <button type="button" className="btn btn-ghost btn-lg" onClick={() => void p.close()} disabled={p.completing}>
            {t('payment.back')}
          </button>
          <button
            type="button"
            className={`btn btn-lg ${covered ? 'btn-pay' : 'btn-secondary'}`}
            disabled={p.completing || p.intent?.status === 'pending' || tradeOpen}
            aria-disabled={!covered}
            onClick={() => void complete()}
            data-testid="complete-sale"
          >
            {p.completing ? t('payment.completing') : t('payment.complete')}
          </button>
        </>
      }
    >
      <div className="payment">
        <section className="payment-summary">
          <div className="pay-figure pay-total">
            <span>{t('payment.total')}</span>
            <strong data-testid="payment-total">{fmt.money(p.total, currency)}</strong>
          </div>
          <div className="pay-figure">
            <span>{t('payment.paid')}</span>
            <strong data-testid="payment-paid">{fmt.money(before.paid, currency)}</strong>
          </div>
          {after.change > 0 ? (
            <div className="pay-figure pay-change">
              <span>{t('payment.change')}</span>
              <strong data-testid="payment-change">{fmt.money(after.change, currency)}</strong>
            </div>
          ) : (
            <div className={`pay-figure pay-due${before.due === 0 ? ' pay-due-zero' : ''}`}>
              <span>{t('payment.due')}</span>
              <strong data-testid="payment-due">{fmt.money(before.due, currency)}</strong>
            </div>
          )}
          <h3 className="section-title">{t('payment.tenders')}</h3>
          {p.tenders.length === 0 ? (
            <p className="muted">{t('payment.noTenders')}</p>
          ) : (
            <ul className="tender-list">
              {p.tenders.map((tn) => (
                <li key={tn.key} data-testid="tender-line">
                  <span>
                    {tenderLabel(t, tn.kind)}
                    {tn.account ? (
                      <small className="muted tender-account" data-testid="tender-account">
                        {' '}
                        {tn.account}
                      </small>
                    ) : null}
                    {tn.brand || tn.last4 ? (
                      <small className="muted">
                        {' '}
                        {tn.brand ? cardBrandName(tn.brand, language) : ''} {tn.last4 ? `•••• ${tn.last4}` : ''}
                      </small>
                    ) : null}
                  </span>
                  <strong>{fmt.money(tn.amount, currency)}</strong>
                  {tn.kind !== 'card_integrated' && !tn.tradeId && (
                    <button
                      type="button"
                      className="icon-button icon-danger"
                      onClick={() => p.removeTender(tn.key)}
                      aria-label={t('common.remove')}
                      disabled={p.completing}
                    >
                      ×
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="payment-tenders">
          <div className="tabs tabs-lg" role="tablist">
            {tabs.map(([k, id, label]) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={tab === k}
                className={`tab${tab === k ? ' tab-active' : ''}`}
                // The customer is confirming on their phone: stay on this payment until it ends or is cancelled.
                disabled={tradeOpen && tab !== k}
                onClick={() => {
                  setTab(k);
                  setLocalError(null);
                  p.clearError();
                  p.dismissTrade();
                  if (k === 'cash') setTimeout(() => cashRef.current?.focus(), 0);
                }}
                data-testid={id}
              >
                {t(label)}
              </button>
            ))}
          </div>

          {tab === 'cash' && (
            <div className="tender-panel">
              <Field label={t('payment.tendered')}>
                <div className="input-suffix input-xl">
                  <input
                    ref={cashRef}
                    inputMode="decimal"
                    autoComplete="off"
                    value={cashText}
                    placeholder={minorToInput(0, digits)}
                    onChange={(e) => {
                      setCashText(e.target.value);
                      setLocalError(null);
                    }}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        void complete();
                      }
                    }}
                    aria-invalid={cashParsed === null}
                    data-testid="cash-tendered"
                  />
                  <span>{currency}</span>
                </div>
              </Field>
              <div className="quick-cash">
                {quickCashAmounts(before.due, currency).map((amount) => (
                  <button
                    key={amount}
                    type="button"
                    className="btn btn-secondary btn-lg"
                    onClick={() => {
                      setCashText(minorToInput(amount, digits));
                      setLocalError(null);
                      cashRef.current?.focus();
                    }}
                    data-testid="quick-cash"
                  >
                    {amount === before.due ? t('payment.exact') : fmt.money(amount, currency)}
                    {amount === before.due && <small>{fmt.money(amount, currency)}</small>}
                  </button>
                ))}
              </div>
              <div className="tender-hint">
                {pendingCash > 0 && after.change > 0 && (
                  <span>{t('payment.changePreview', { amount: fmt.money(after.change, currency) })}</span>
                )}
                {pendingCash > 0 && after.due > 0 && <span>{t('payment.partialPreview', { amount: fmt.money(after.due, currency) })}</span>}
              </div>
              <button
                type="button"
                className="btn btn-ghost"
                onClick={addCash}
                disabled={!cashParsed || cashParsed <= 0}
                data-testid="cash-add"
              >
                + {t('payment.addCash')}
              </button>
            </div>
          )}

          {offline && <OfflineNote unreachable={allOut ? null : unreachable} />}
          {tab === 'card' && <ExternalCard key={before.due} due={before.due} />}
          {tab === 'scan' && <ScanPanel key={before.due} due={before.due} providers={methods.scan} />}
          {tab === 'qr' && <QrPanel key={before.due} due={before.due} providers={methods.qr} />}
          {tab === 'terminal' && terminal && <TerminalPanel key={before.due} due={before.due} provider={terminal} />}
          {tab === 'integrated' && <IntegratedCard key={before.due} due={before.due} />}
          {tab === 'storedValue' && <CardTender key={before.due} due={before.due} />}
          <StoreCreditTender
            due={before.due}
            used={p.tenders.filter((x) => x.kind === 'store_credit').reduce((s, x) => s + x.amount, 0)}
            onAdd={(amount) => p.addTender({ kind: 'store_credit', amount, brand: null, last4: null, intentId: null })}
          />

          <InlineError text={errorText} testId="error-banner" />
        </section>
      </div>
    </Modal>
  );
}

function ExternalCard({ due }: { due: number }) {
  const { t, i18n } = useTranslation();
  const p = usePayment();
  const digits = currencyDigits(p.currency);
  const [amountText, setAmountText] = useState(() => minorToInput(due, digits));
  const [brand, setBrand] = useState('');
  const [last4, setLast4] = useState('');
  const amount = parseMoney(amountText, p.currency);
  const tooMuch = amount !== null && amount > due;
  const badLast4 = last4 !== '' && !/^\d{4}$/.test(last4);
  const ok = amount !== null && amount > 0 && !tooMuch && !badLast4;

  return (
    <form
      className="tender-panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ok || amount === null) return;
        p.addTender({ kind: 'card_external', amount, brand: brand || null, last4: last4 || null, intentId: null });
      }}
    >
      <p className="muted">{t('payment.externalHint')}</p>
      <AmountField
        value={amountText}
        onChange={setAmountText}
        currency={p.currency}
        testId="card-amount"
        error={tooMuch && t('payment.cardTooMuch')}
        autoFocus
      />
      <div className="field-row">
        <Field label={t('payment.brand')}>
          <select value={brand} onChange={(e) => setBrand(e.target.value)} data-testid="card-brand">
            <option value="">{t('payment.brandNone')}</option>
            {CARD_BRANDS.map((b) => (
              <option key={b} value={b}>
                {cardBrandName(b, isLanguage(i18n.language) ? i18n.language : 'en')}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('payment.last4')} error={badLast4 ? t('payment.last4Hint') : undefined}>
          <input
            inputMode="numeric"
            maxLength={4}
            value={last4}
            onChange={(e) => setLast4(e.target.value.replace(/\D/g, '').slice(0, 4))}
            placeholder="1234"
            data-testid="card-last4"
          />
        </Field>
      </div>
      <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={!ok || due === 0} data-testid="card-approved">
        ✓ {t('payment.terminalApproved')}
      </button>
    </form>
  );
}

function IntegratedCard({ due }: { due: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const p = usePayment();
  const digits = currencyDigits(p.currency);
  const [amountText, setAmountText] = useState(() => minorToInput(due, digits));
  const amount = parseMoney(amountText, p.currency);
  const intent = p.intent;
  const pending = intent?.status === 'pending';
  const ok = amount !== null && amount > 0 && amount <= due && !pending && !p.startingCard;

  return (
    <div className="tender-panel">
      <p className="muted">{t('payment.integratedHint')}</p>
      <AmountField
        value={amountText}
        onChange={setAmountText}
        currency={p.currency}
        testId="integrated-amount"
        error={amount !== null && amount > due && t('payment.cardTooMuch')}
        disabled={pending}
        autoFocus
      />
      {intent && (
        <div
          className={`terminal-status terminal-${intent.status}`}
          data-testid="terminal-status"
          data-status={intent.status}
          role="status"
        >
          {pending && <span className="spinner" aria-hidden="true" />}
          <span>
            {t(`payment.intent.${intent.status}`, { amount: fmt.money(intent.amount, p.currency) })}
            {intent.status === 'approved' && (intent.brand || intent.last4) && (
              <small>
                {' '}
                {intent.brand ?? ''} {intent.last4 ? `•••• ${intent.last4}` : ''}
              </small>
            )}
            {intent.status === 'declined' && intent.message && <small> ({intent.message})</small>}
          </span>
        </div>
      )}
      {pending ? (
        <button type="button" className="btn btn-danger btn-lg btn-block" onClick={() => void p.cancelCard()} data-testid="card-cancel">
          {t('payment.cancelTerminal')}
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-primary btn-lg btn-block"
          disabled={!ok || due === 0}
          onClick={() => amount !== null && void p.startCard(amount)}
          data-testid="card-start"
        >
          {p.startingCard ? t('common.working') : t('payment.chargeTerminal')}
        </button>
      )}
    </div>
  );
}
