import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProviderStatus } from '../../../shared/api/payments';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { QrCode } from '../../components/QrCode';
import { minorToInput, useFormat } from '../../lib/format';
import { usePayment } from '../../stores/payment';
import { isOpenTrade, providerName, tradeFailureReason } from './trade-text';
import { AmountField } from './AmountField';
import { Field } from '../../components/Field';

/** A payment code is 16–24 digits; the wedge scanner types them and Enter. */
const CODE = /^\d{16,24}$/;

/**
 * Said at once when a provider cannot be reached: the clerk takes another tender, nothing waits.
 * `unreachable` names the providers main cannot reach while others still work; null means mobile
 * payment as a whole is out (an UNAVAILABLE answer, or no provider reachable).
 */
export function OfflineNote({ unreachable }: { unreachable: ProviderStatus['provider'][] | null }) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-warn pay-offline" role="status" data-testid="mobile-offline">
      {unreachable === null
        ? t('pay.offline')
        : unreachable.map((p) => <div key={p}>{t('pay.providerOffline', { provider: providerName(t, p) })}</div>)}
    </div>
  );
}

function useAmount(due: number) {
  const p = usePayment();
  const [text, setText] = useState(() => minorToInput(due, currencyDigits(p.currency)));
  const amount = parseMoney(text, p.currency);
  const tooMuch = amount !== null && amount > due;
  const ok = amount !== null && amount > 0 && !tooMuch;
  return { text, setText, amount, tooMuch, ok };
}

function ProviderAmount({ a, testId, disabled }: { a: ReturnType<typeof useAmount>; testId: string; disabled: boolean }) {
  const { t } = useTranslation();
  const currency = usePayment((s) => s.currency);
  return (
    <AmountField
      label={t('pay.amount')}
      value={a.text}
      onChange={a.setText}
      currency={currency}
      testId={testId}
      error={a.tooMuch && t('pay.tooMuch')}
      disabled={disabled}
    />
  );
}

/** Where the open (or the last) trade stands, with Cancel while the customer has not confirmed. */
export function TradeStatus() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const p = usePayment();
  const trade = p.trade;
  if (!trade) return null;
  const open = isOpenTrade(trade);
  const provider = providerName(t, trade.provider);
  const amount = fmt.money(trade.amount, trade.currency);
  const tone = trade.state === 'paid' ? 'approved' : open ? 'pending' : trade.state === 'failed' ? 'declined' : 'cancelled';
  return (
    <div className="trade-status-box">
      {trade.method === 'qr' && trade.qr && open && (
        <div className="trade-qr">
          <QrCode text={trade.qr} label={t('pay.qrFor', { provider, amount })} testId="trade-qr" />
          <div className="trade-qr-caption">
            <strong data-testid="trade-qr-provider">{provider}</strong>
            <strong className="trade-qr-amount" data-testid="trade-qr-amount">
              {amount}
            </strong>
            <span className="muted">{t('pay.qrHint')}</span>
          </div>
        </div>
      )}
      <div className={`terminal-status terminal-${tone}`} role="status" data-testid="trade-status" data-state={trade.state}>
        {open && <span className="spinner" aria-hidden="true" />}
        <span>
          {t(`pay.state.${trade.state}`, { provider, amount })}
          {open && <small>{t('pay.waitingFor', { provider, amount })}</small>}
          {trade.state === 'paid' && trade.buyer && <small>{trade.buyer}</small>}
          {(trade.state === 'failed' || trade.state === 'cancelled') && (
            <small className="trade-reason" data-testid="trade-reason">
              {tradeFailureReason(t, trade)} {t('pay.tryOther')}
            </small>
          )}
        </span>
      </div>
      {open && (
        <button
          type="button"
          className="btn btn-danger btn-lg btn-block"
          onClick={() => void p.cancelTrade()}
          disabled={trade.state === 'cancelling'}
          data-testid="trade-cancel"
        >
          {t('pay.cancel')}
        </button>
      )}
    </div>
  );
}

export function ScanPanel({ due, providers }: { due: number; providers: ProviderStatus[] }) {
  const { t } = useTranslation();
  const p = usePayment();
  const a = useAmount(due);
  const [code, setCode] = useState('');
  const [bad, setBad] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const busy = p.startingTrade || (p.trade !== null && isOpenTrade(p.trade));
  const reachable = providers.some((x) => x.reachable);

  useEffect(() => {
    if (!busy) codeRef.current?.focus();
  }, [busy]);

  const submit = () => {
    const value = code.trim();
    if (!CODE.test(value)) {
      setBad(true);
      return;
    }
    if (!a.ok || a.amount === null || busy || !reachable) return;
    setCode('');
    void p.payByCode(value, a.amount);
  };

  return (
    <div className="tender-panel" data-testid="scan-panel">
      <p className="muted">{t('pay.scanHint')}</p>
      <ProviderAmount a={a} testId="pay-code-amount" disabled={busy} />
      <Field label={t('pay.code')} error={bad ? t('pay.badCode') : undefined}>
        <input
          ref={codeRef}
          className="input-xl"
          inputMode="numeric"
          autoComplete="off"
          value={code}
          placeholder={t('pay.codePlaceholder')}
          disabled={busy || !reachable}
          onChange={(e) => {
            setCode(e.target.value.replace(/\s/g, ''));
            setBad(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              submit();
            }
          }}
          aria-invalid={bad}
          data-testid="pay-code-input"
        />
      </Field>
      <TradeStatus />
    </div>
  );
}

export function QrPanel({ due, providers }: { due: number; providers: ProviderStatus[] }) {
  const { t } = useTranslation();
  const p = usePayment();
  const fmt = useFormat();
  const a = useAmount(due);
  const busy = p.startingTrade || (p.trade !== null && isOpenTrade(p.trade));
  return (
    <div className="tender-panel" data-testid="qr-panel">
      <ProviderAmount a={a} testId="pay-qr-amount" disabled={busy} />
      {!busy && (
        <div className="pay-provider-buttons">
          {providers
            .filter((x): x is ProviderStatus & { provider: 'alipay' | 'wechat' } => x.provider !== 'stripe')
            .map((x) => (
              <button
                key={x.provider}
                type="button"
                className={`btn btn-lg btn-provider btn-${x.provider}`}
                disabled={busy || !a.ok || !x.reachable || due === 0}
                onClick={() => a.amount !== null && void p.showQr(x.provider, a.amount)}
                data-testid={`qr-${x.provider}`}
                title={x.reachable ? undefined : t('pay.providerOffline', { provider: providerName(t, x.provider) })}
              >
                {t('pay.showQrWith', { provider: providerName(t, x.provider) })}
                {a.amount !== null && a.ok && <small>{fmt.money(a.amount, p.currency)}</small>}
              </button>
            ))}
        </div>
      )}
      <TradeStatus />
    </div>
  );
}

export function TerminalPanel({ due, provider }: { due: number; provider: ProviderStatus }) {
  const { t } = useTranslation();
  const p = usePayment();
  const fmt = useFormat();
  const a = useAmount(due);
  const busy = p.startingTrade || (p.trade !== null && isOpenTrade(p.trade));
  return (
    <div className="tender-panel" data-testid="terminal-panel">
      <p className="muted">{t('pay.terminalHint')}</p>
      <ProviderAmount a={a} testId="pay-terminal-amount" disabled={busy} />
      {!busy && (
        <button
          type="button"
          className="btn btn-primary btn-lg btn-block"
          disabled={!a.ok || !provider.reachable || due === 0}
          onClick={() => a.amount !== null && void p.startTerminal(a.amount)}
          data-testid="terminal-start"
        >
          {t('pay.terminalStart', { amount: a.amount !== null ? fmt.money(a.amount, p.currency) : '' })}
        </button>
      )}
      <TradeStatus />
    </div>
  );
}
