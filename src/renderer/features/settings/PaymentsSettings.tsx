import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PaymentMode, PaymentProviderId, PaymentsConfigView, ProviderConfigView } from '../../../shared/api/payments';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useNotify } from '../../stores/notify';
import { useApp } from '../../stores/app';
import { paymentsData } from '../../data/payments';
import { Field } from '../../components/Field';

const PROVIDERS: PaymentProviderId[] = ['alipay', 'wechat', 'stripe'];
const MODES: PaymentMode[] = ['training', 'sandbox', 'production'];

/** The non-secret settings of each provider, as its gateway names them. */
const FIELDS: Record<PaymentProviderId, string[]> = {
  alipay: ['appId', 'keyMode'],
  wechat: ['mchId', 'appId', 'subMchId', 'subAppId'],
  stripe: ['readerId', 'locationId', 'account'],
};

/** Optional fields (a service-provider setup, a Connect account): the rest are required once enabled. */
const OPTIONAL = new Set(['subMchId', 'subAppId', 'account']);

/** The secrets each provider needs; Alipay's depend on its key mode. */
export function secretNames(provider: PaymentProviderId, fields: Record<string, string>): string[] {
  if (provider === 'alipay') {
    return fields['keyMode'] === 'cert'
      ? ['privateKey', 'appCert', 'alipayPublicCert', 'alipayRootCert']
      : ['privateKey', 'alipayPublicKey'];
  }
  if (provider === 'wechat') return ['apiKey', 'apiClientCert', 'apiClientKey', 'apiClientP12'];
  return ['secretKey', 'webhookSecret'];
}

/** Short keys go in a password box; keys and certificates (PEM, base64) in a text area. */
const SHORT_SECRETS = new Set(['apiKey', 'secretKey', 'webhookSecret']);

type SecretEdit = { kind: 'replace'; value: string } | { kind: 'remove' };

function emptyView(provider: PaymentProviderId): ProviderConfigView {
  return { provider, enabled: false, mode: 'training', fields: provider === 'alipay' ? { keyMode: 'publicKey' } : {}, secretsSet: [] };
}

export function PaymentsSettings() {
  const { t } = useTranslation();
  const [config, setConfig] = useState<PaymentsConfigView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    void paymentsData.config({}).then((r) => {
      if (!live) return;
      if (r.ok) setConfig(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <section className="card settings-card" data-testid="pay-settings">
      <h2>{t('pay.settings.title')}</h2>
      <p className="muted">{t('pay.settings.hint')}</p>
      {error && (
        <InlineError
          text={error.code === 'UNAVAILABLE' ? `${t('pay.settings.unavailable')} ${describeError(t, error)}` : describeError(t, error)}
          testId="pay-settings-error"
        />
      )}
      {config && <CashierTimeout key={config.cashierTimeoutSec} config={config} onSaved={setConfig} />}
      {config &&
        PROVIDERS.map((p) => (
          <ProviderForm key={p} view={config.providers.find((v) => v.provider === p) ?? emptyView(p)} onSaved={setConfig} />
        ))}
    </section>
  );
}

function ProviderForm({ view, onSaved }: { view: ProviderConfigView; onSaved(config: PaymentsConfigView): void }) {
  const { t } = useTranslation();
  const notify = useNotify((s) => s.message);
  const p = view.provider;
  const name = t(`pay.providers.${p}`);
  // Alipay face-to-face and WeChat Pay as built here take yuan only: say so before a payment fails.
  const currency = useApp((s) => s.settings?.currency ?? null);
  const yuanOnly = (p === 'alipay' || p === 'wechat') && currency !== null && currency !== 'CNY';
  const [enabled, setEnabled] = useState(view.enabled);
  const [mode, setMode] = useState<PaymentMode>(view.mode);
  const [fields, setFields] = useState<Record<string, string>>(() => ({
    ...(p === 'alipay' ? { keyMode: 'publicKey' } : {}),
    ...view.fields,
  }));
  const [secrets, setSecrets] = useState<Record<string, SecretEdit>>({});
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [test, setTest] = useState<{ ok: true } | { ok: false; code: string; message: string } | null>(null);

  const names = secretNames(p, fields);

  const save = async () => {
    setError(null);
    setTest(null);
    const need = enabled && mode !== 'training' ? FIELDS[p].filter((f) => !OPTIONAL.has(f) && !(fields[f] ?? '').trim()) : [];
    setMissing(need);
    if (need.length) return;
    const out: Record<string, string> = {};
    for (const [k, edit] of Object.entries(secrets)) {
      if (!names.includes(k)) continue;
      if (edit.kind === 'remove') out[k] = '';
      else if (edit.value.trim()) out[k] = edit.value.trim();
    }
    const cleanFields = Object.fromEntries(
      FIELDS[p].filter((f) => (fields[f] ?? '').trim() !== '').map((f) => [f, (fields[f] ?? '').trim()]),
    );
    setBusy('save');
    const r = await paymentsData.saveConfig({
      provider: p,
      enabled,
      mode,
      fields: cleanFields,
      ...(Object.keys(out).length ? { secrets: out } : {}),
    });
    setBusy(null);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    // The values typed are dropped at once: the renderer keeps no secret after saving.
    setSecrets({});
    notify('info', 'pay.settings.saved', { provider: name });
    onSaved(r.value);
  };

  const testConnection = async () => {
    setError(null);
    setTest(null);
    setBusy('test');
    const r = await paymentsData.testConnection({ provider: p });
    setBusy(null);
    if (r.ok) setTest(r.value);
    else setError(r.error);
  };

  return (
    <div className="pay-settings-provider" data-testid={`pay-provider-${p}`}>
      <h3>
        <span>{name}</span>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid={`pay-enabled-${p}`} />
          <span>{t('pay.settings.enabled')}</span>
        </label>
      </h3>
      {yuanOnly && (
        <p className="field-error" data-testid={`pay-currency-${p}`}>
          {t('pay.settings.yuanOnly', { currency })}
        </p>
      )}
      <div className="pay-settings-grid">
        <Field label={t('pay.settings.mode')}>
          <select value={mode} onChange={(e) => setMode(e.target.value as PaymentMode)} data-testid={`pay-mode-${p}`}>
            {MODES.map((m) => (
              <option key={m} value={m}>
                {t(`pay.settings.modes.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        {FIELDS[p].map((f) => (
          <Field label={t(`pay.settings.field.${f}`)} key={f} error={missing.includes(f) ? t('pay.settings.required') : undefined}>
            {f === 'keyMode' ? (
              <select
                value={fields[f] ?? 'publicKey'}
                onChange={(e) => setFields({ ...fields, [f]: e.target.value })}
                data-testid={`pay-field-${p}-${f}`}
              >
                <option value="publicKey">{t('pay.settings.keyModes.publicKey')}</option>
                <option value="cert">{t('pay.settings.keyModes.cert')}</option>
              </select>
            ) : (
              <input
                value={fields[f] ?? ''}
                autoComplete="off"
                spellCheck={false}
                maxLength={200}
                onChange={(e) => setFields({ ...fields, [f]: e.target.value })}
                aria-invalid={missing.includes(f)}
                data-testid={`pay-field-${p}-${f}`}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="pay-settings-secrets">
        {names.map((s) => {
          const stored = view.secretsSet.includes(s);
          const edit = secrets[s];
          const editing = edit?.kind === 'replace' || (!stored && edit?.kind !== 'remove');
          return (
            <Field as="div" key={s} label={t(`pay.settings.secret.${s}`)} testId={`pay-secret-${p}-${s}`}>
              <div className="secret-row">
                {stored && !edit && (
                  <>
                    <span className="badge badge-ok" data-testid={`pay-secret-stored-${p}-${s}`}>
                      ✓ {t('pay.settings.stored')}
                    </span>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() => setSecrets({ ...secrets, [s]: { kind: 'replace', value: '' } })}
                      data-testid={`pay-replace-${p}-${s}`}
                    >
                      {t('pay.settings.replace')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() => setSecrets({ ...secrets, [s]: { kind: 'remove' } })}
                      data-testid={`pay-remove-${p}-${s}`}
                    >
                      {t('pay.settings.remove')}
                    </button>
                  </>
                )}
                {edit?.kind === 'remove' && (
                  <>
                    <span className="badge badge-warn">{t('pay.settings.removed')}</span>
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSecrets(without(secrets, s))}>
                      {t('pay.settings.keep')}
                    </button>
                  </>
                )}
                {editing &&
                  (SHORT_SECRETS.has(s) ? (
                    <input
                      type="password"
                      autoComplete="new-password"
                      spellCheck={false}
                      value={edit?.kind === 'replace' ? edit.value : ''}
                      placeholder={stored ? '' : t('pay.settings.notStored')}
                      onChange={(e) => setSecrets({ ...secrets, [s]: { kind: 'replace', value: e.target.value } })}
                      data-testid={`pay-secret-input-${p}-${s}`}
                    />
                  ) : (
                    <textarea
                      autoComplete="off"
                      spellCheck={false}
                      rows={3}
                      value={edit?.kind === 'replace' ? edit.value : ''}
                      placeholder={s === 'apiClientP12' ? t('pay.settings.pasteBase64') : t('pay.settings.pastePem')}
                      onChange={(e) => setSecrets({ ...secrets, [s]: { kind: 'replace', value: e.target.value } })}
                      data-testid={`pay-secret-input-${p}-${s}`}
                    />
                  ))}
                {stored && edit?.kind === 'replace' && (
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSecrets(without(secrets, s))}>
                    {t('pay.settings.keep')}
                  </button>
                )}
              </div>
            </Field>
          );
        })}
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy !== null}
          onClick={() => void save()}
          data-testid={`pay-save-${p}`}
        >
          {busy === 'save' ? t('common.working') : t('pay.settings.save')}
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy !== null || !view.enabled}
          onClick={() => void testConnection()}
          data-testid={`pay-test-${p}`}
        >
          {busy === 'test' ? t('pay.settings.testing') : t('pay.settings.test')}
        </button>
      </div>
      {test && (
        <div
          className={`notice ${test.ok ? 'notice-ok' : 'notice-warn'}`}
          role="status"
          data-testid={`pay-test-result-${p}`}
          data-ok={String(test.ok)}
        >
          {test.ok
            ? t('pay.settings.testOk', { provider: name })
            : t('pay.settings.testFailed', { code: test.code, message: test.message })}
        </div>
      )}
      <InlineError text={error ? describeError(t, error) : null} testId={`pay-error-${p}`} />
    </div>
  );
}

/**
 * The cashier timeout applies to every provider. The contract saves it along with one provider's
 * settings, so it re-sends that provider's stored settings unchanged (no secret: absent keeps them).
 */
function CashierTimeout({ config, onSaved }: { config: PaymentsConfigView; onSaved(config: PaymentsConfigView): void }) {
  const { t } = useTranslation();
  const notify = useNotify((s) => s.message);
  const [text, setText] = useState(String(config.cashierTimeoutSec));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const sec = Number(text);
  const bad = !Number.isInteger(sec) || sec < 15 || sec > 600;
  const base = config.providers.find((v) => v.enabled) ?? config.providers[0] ?? emptyView('alipay');
  const save = async () => {
    if (bad) return;
    setBusy(true);
    setError(null);
    const r = await paymentsData.saveConfig({
      provider: base.provider,
      enabled: base.enabled,
      mode: base.mode,
      fields: base.fields,
      cashierTimeoutSec: sec,
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    notify('info', 'pay.settings.timeoutSaved');
    onSaved(r.value);
  };
  return (
    <div className="pay-timeout-row">
      <Field
        label={t('pay.settings.cashierTimeout')}
        hint={bad ? undefined : t('pay.settings.cashierTimeoutHint')}
        error={bad ? t('pay.settings.timeoutRange') : undefined}
      >
        <div className="input-suffix">
          <input inputMode="numeric" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={bad} data-testid="pay-timeout" />
          <span>{t('pay.settings.seconds')}</span>
        </div>
      </Field>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={busy || bad || sec === config.cashierTimeoutSec}
        onClick={() => void save()}
        data-testid="pay-timeout-save"
      >
        {t('pay.settings.save')}
      </button>
      <InlineError text={error ? describeError(t, error) : null} testId="pay-timeout-error" />
    </div>
  );
}

function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  const next = { ...rec };
  delete next[key];
  return next;
}
