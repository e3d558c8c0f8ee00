import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { LANGUAGES, applyLanguage, isLanguage, setLocalLanguage } from '../../i18n';
import { describeError, fieldErrors } from '../../lib/errors';
import { localTimezone, parsePercentBp } from '../../lib/format';
import { useApp } from '../../stores/app';
import { JoinScreen, useJoinInProgress } from '../sync/JoinScreen';
import { setupData } from '../../data/admin';
import { Field as SharedField } from '../../components/Field';

export const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CNY', 'JPY', 'HKD', 'TWD', 'SGD', 'AUD', 'CAD'];
const OTHER = '__other__';

interface RateRow {
  key: number;
  name: string;
  percent: string;
}

let rowKey = 0;

function timezones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** The first run's fields show their hint until there is an error to show instead. */
function Field({ hint, ...props }: { label: string; error?: string | undefined; children: ReactNode; hint?: string }) {
  return <SharedField {...props} hint={props.error ? undefined : hint} />;
}

export function SetupScreen() {
  const { t, i18n } = useTranslation();
  const setupDone = useApp((s) => s.setupDone);
  const [storeName, setStoreName] = useState('');
  const [currencyChoice, setCurrencyChoice] = useState('USD');
  const [currencyOther, setCurrencyOther] = useState('');
  const [priceMode, setPriceMode] = useState<'inclusive' | 'exclusive'>('exclusive');
  const [priceModeTouched, setPriceModeTouched] = useState(false);
  const [rates, setRates] = useState<RateRow[]>(() => [{ key: 0, name: t('setup.defaultTaxName'), percent: '8' }]);
  const [defaultRate, setDefaultRate] = useState(0);
  const [timezone, setTimezone] = useState(localTimezone);
  const [adminName, setAdminName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  // A real store starts empty: sample products are something to opt into, not to clean out later.
  const [demo, setDemo] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => timezones(), []);
  const [join, setJoin] = useState(false);
  const joinInProgress = useJoinInProgress();

  const currency = currencyChoice === OTHER ? currencyOther.trim().toUpperCase() : currencyChoice;
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';

  const chooseCurrency = (c: string) => {
    setCurrencyChoice(c);
    if (!priceModeTouched && c !== OTHER) setPriceMode(c === 'USD' || c === 'CAD' ? 'exclusive' : 'inclusive');
  };

  const validate = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!storeName.trim()) e.storeName = 'setup.err.required';
    if (!/^[A-Z]{3}$/.test(currency)) e.currency = 'setup.err.currency';
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      e.timezone = 'setup.err.timezone';
    }
    rates.forEach((r, i) => {
      if (!r.name.trim()) e[`taxRates.${i}.name`] = 'setup.err.required';
      if (parsePercentBp(r.percent) === null) e[`taxRates.${i}.rateBp`] = 'setup.err.percent';
    });
    if (!adminName.trim()) e['admin.name'] = 'setup.err.required';
    if (!/^\d{4,8}$/.test(pin)) e['admin.pin'] = 'setup.err.pin';
    else if (pin !== pin2) e.pinConfirm = 'setup.err.pinMismatch';
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (busy) return;
    const e = validate();
    setErrors(e);
    setServerError(null);
    if (Object.keys(e).length > 0) {
      const first = document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select');
      first?.focus();
      return;
    }
    setBusy(true);
    const r = await setupData.run({
      storeName: storeName.trim(),
      currency,
      priceMode,
      timezone,
      language,
      taxRates: rates.map((row) => ({
        name: row.name.trim(),
        rateBp: parsePercentBp(row.percent) ?? 0,
        isDefault: row.key === defaultRate,
      })),
      admin: { name: adminName.trim(), pin },
      demoData: demo,
    });
    setBusy(false);
    if (r.ok) {
      // The store's language is now what was chosen here; this terminal follows the store.
      setLocalLanguage(null);
      setupDone(r.value);
      return;
    }
    setServerError(r.error);
    setErrors(fieldErrors(r.error));
  };

  /** Our own checks store message keys (so they follow the language); the server's are text. */
  const err = (path: string): string | undefined => {
    const v = errors[path];
    return v === undefined ? undefined : i18n.exists(v) ? t(v) : v;
  };
  const general = serverError && Object.keys(fieldErrors(serverError)).length === 0 ? describeError(t, serverError) : null;

  if (join || joinInProgress) return <JoinScreen onBack={() => setJoin(false)} />;
  return (
    <div className="setup-screen">
      <form className="setup-card" onSubmit={(e) => void submit(e)} noValidate>
        <header className="setup-header">
          <div className="brand-mark" aria-hidden="true">
            CT
          </div>
          <div>
            <h1>{t('setup.title')}</h1>
            <p className="muted">{t('setup.subtitle')}</p>
          </div>
          <SharedField label={t('common.language')} className="field-inline setup-lang">
            <select
              value={language}
              data-testid="setup-language"
              onChange={(e) => {
                if (!isLanguage(e.target.value)) return;
                const wasDefaultName = rates.length === 1 && rates[0]?.name === t('setup.defaultTaxName');
                applyLanguage(e.target.value);
                if (wasDefaultName) {
                  const next = i18n.getFixedT(e.target.value)('setup.defaultTaxName');
                  setRates((rs) => rs.map((row) => ({ ...row, name: next })));
                }
              }}
            >
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          </SharedField>
        </header>

        <div className="setup-grid">
          <section className="setup-section">
            <h2>{t('setup.store')}</h2>
            <Field label={t('setup.storeName')} error={err('storeName')}>
              <input
                value={storeName}
                onChange={(e) => setStoreName(e.target.value)}
                maxLength={120}
                autoFocus
                data-testid="setup-store-name"
                placeholder={t('setup.storeNamePlaceholder')}
              />
            </Field>
            <div className="field-row">
              <Field label={t('setup.currency')} error={currencyChoice === OTHER ? undefined : err('currency')}>
                <select value={currencyChoice} onChange={(e) => chooseCurrency(e.target.value)} data-testid="setup-currency">
                  {COMMON_CURRENCIES.map((c) => (
                    <option key={c} value={c}>
                      {c} · {currencyName(c, i18n.language)}
                    </option>
                  ))}
                  <option value={OTHER}>{t('setup.otherCurrency')}</option>
                </select>
              </Field>
              {currencyChoice === OTHER && (
                <Field label={t('setup.currencyCode')} error={err('currency')}>
                  <input
                    value={currencyOther}
                    onChange={(e) => setCurrencyOther(e.target.value.toUpperCase().slice(0, 3))}
                    placeholder="CHF"
                    data-testid="setup-currency-other"
                    autoFocus
                  />
                </Field>
              )}
              <Field label={t('setup.timezone')} error={err('timezone')}>
                <input value={timezone} onChange={(e) => setTimezone(e.target.value)} list="setup-timezones" data-testid="setup-timezone" />
                <datalist id="setup-timezones">
                  {zones.map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
              </Field>
            </div>

            <fieldset className="field">
              <legend className="field-label">{t('setup.prices')}</legend>
              <div className="segmented">
                {(['inclusive', 'exclusive'] as const).map((m) => (
                  <label key={m} className={`segment${priceMode === m ? ' segment-active' : ''}`}>
                    <input
                      type="radio"
                      name="priceMode"
                      value={m}
                      checked={priceMode === m}
                      onChange={() => {
                        setPriceMode(m);
                        setPriceModeTouched(true);
                      }}
                      data-testid={`setup-price-${m}`}
                    />
                    {t(`setup.priceMode.${m}`)}
                  </label>
                ))}
              </div>
            </fieldset>

            <fieldset className="field">
              <legend className="field-label">{t('setup.taxRates')}</legend>
              <div className="rate-list">
                <div className="rate-row rate-head" aria-hidden="true">
                  <span>{t('setup.taxName')}</span>
                  <span>{t('setup.taxPercent')}</span>
                  <span>{t('setup.taxDefault')}</span>
                  <span />
                </div>
                {rates.map((row, i) => (
                  <div className="rate-row" key={row.key}>
                    <input
                      aria-label={t('setup.taxName')}
                      value={row.name}
                      className={err(`taxRates.${i}.name`) ? 'invalid' : ''}
                      onChange={(e) => setRates((rs) => rs.map((x) => (x.key === row.key ? { ...x, name: e.target.value } : x)))}
                      data-testid="setup-tax-name"
                    />
                    <div className="input-suffix">
                      <input
                        aria-label={t('setup.taxPercent')}
                        inputMode="decimal"
                        value={row.percent}
                        className={err(`taxRates.${i}.rateBp`) ? 'invalid' : ''}
                        onChange={(e) => setRates((rs) => rs.map((x) => (x.key === row.key ? { ...x, percent: e.target.value } : x)))}
                        data-testid="setup-tax-percent"
                      />
                      <span>%</span>
                    </div>
                    <input
                      type="radio"
                      name="defaultRate"
                      aria-label={t('setup.taxDefault')}
                      checked={defaultRate === row.key}
                      onChange={() => setDefaultRate(row.key)}
                    />
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      disabled={rates.length === 1}
                      onClick={() => {
                        const rest = rates.filter((x) => x.key !== row.key);
                        setRates(rest);
                        if (defaultRate === row.key && rest[0]) setDefaultRate(rest[0].key);
                      }}
                    >
                      {t('common.remove')}
                    </button>
                    {(err(`taxRates.${i}.name`) ?? err(`taxRates.${i}.rateBp`)) && (
                      <span className="field-error rate-error">{err(`taxRates.${i}.name`) ?? err(`taxRates.${i}.rateBp`)}</span>
                    )}
                  </div>
                ))}
              </div>
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                disabled={rates.length >= 20}
                onClick={() => setRates((rs) => [...rs, { key: ++rowKey, name: '', percent: '0' }])}
                data-testid="setup-add-rate"
              >
                + {t('setup.addRate')}
              </button>
              {err('taxRates') && <span className="field-error">{err('taxRates')}</span>}
            </fieldset>
          </section>

          <section className="setup-section">
            <h2>{t('setup.admin')}</h2>
            <p className="muted">{t('setup.adminHint')}</p>
            <Field label={t('setup.adminName')} error={err('admin.name')}>
              <input
                value={adminName}
                onChange={(e) => setAdminName(e.target.value)}
                maxLength={120}
                data-testid="setup-admin-name"
                autoComplete="off"
              />
            </Field>
            <Field label={t('setup.pin')} error={err('admin.pin')} hint={t('setup.pinHint')}>
              <input
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                value={pin}
                maxLength={8}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                data-testid="setup-pin"
              />
            </Field>
            <Field label={t('setup.pinConfirm')} error={err('pinConfirm')}>
              <input
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                value={pin2}
                maxLength={8}
                onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))}
                data-testid="setup-pin-confirm"
              />
            </Field>

            <label className="check">
              <input type="checkbox" checked={demo} onChange={(e) => setDemo(e.target.checked)} data-testid="setup-demo" />
              <span>
                <strong>{t('setup.demo')}</strong>
                <small className="muted">{t('setup.demoHint')}</small>
              </span>
            </label>

            <InlineError text={general} testId="error-banner" />
            <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy} data-testid="setup-submit">
              {busy ? t('setup.working') : t('setup.submit')}
            </button>
            <button type="button" className="btn btn-ghost btn-block" onClick={() => setJoin(true)} data-testid="setup-join">
              {t('sync.join.link')}
            </button>
          </section>
        </div>
      </form>
    </div>
  );
}

function currencyName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}
