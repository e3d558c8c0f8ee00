import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { InputOf, Language, StaffSummary, StoreSettings } from '../../../shared/api';
import type { StaffRole } from '../../../shared/api/define';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { LANGUAGES, applyLanguage, isLanguage, setLocalLanguage } from '../../i18n';
import { describeError, fieldErrors, minutesUntil } from '../../lib/errors';
import { bpToPercentText, parsePercentBp, useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { DataSafetyPanel } from '../data/DataSafetyPanel';
import { TaxRatesAdmin } from './TaxRates';
import { PaymentsSettings } from './PaymentsSettings';
import { settingsData, staffData } from '../../data/admin';
import { PUBLIC_ADDRESS } from '../../../shared/receipt-link';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

const ROLES: StaffRole[] = ['clerk', 'manager', 'admin'];

function StoreForm({ settings }: { settings: StoreSettings }) {
  const { t, i18n } = useTranslation();
  const settingsSaved = useApp((s) => s.settingsSaved);
  const notify = useNotify((s) => s.message);
  const [storeName, setStoreName] = useState(settings.storeName);
  const [language, setLanguage] = useState<Language>(settings.language);
  const [discountLimit, setDiscountLimit] = useState(bpToPercentText(settings.discountLimitBp));
  const [idleMinutes, setIdleMinutes] = useState(String(settings.idleLockMinutes));
  const [footer, setFooter] = useState(settings.receiptFooter);
  const [shopAddress, setShopAddress] = useState(settings.shopAddress ?? '');
  const [printerOn, setPrinterOn] = useState(settings.printer !== null);
  const [host, setHost] = useState(settings.printer?.host ?? '');
  const [port, setPort] = useState(String(settings.printer?.port ?? 9100));
  const [width, setWidth] = useState<58 | 80>(settings.printer?.width ?? 80);
  const [negativeStock, setNegativeStock] = useState(settings.negativeStock);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const limitBp = parsePercentBp(discountLimit);
    const idle = Number(idleMinutes);
    const portNum = Number(port);
    if (!storeName.trim()) errs.storeName = 'setup.err.required';
    if (limitBp === null) errs.discountLimitBp = 'setup.err.percent';
    if (!Number.isInteger(idle) || idle < 1 || idle > 240) errs.idleLockMinutes = 'settings.err.idle';
    if (shopAddress.trim() && !PUBLIC_ADDRESS.test(shopAddress.trim())) errs.shopAddress = 'settings.shopAddressBad';
    if (printerOn && !host.trim()) errs['printer.host'] = 'setup.err.required';
    if (printerOn && (!Number.isInteger(portNum) || portNum < 1 || portNum > 65535)) errs['printer.port'] = 'settings.err.port';
    setErrors(errs);
    setServerError(null);
    if (Object.keys(errs).length > 0 || limitBp === null) return;
    // Send only what changed: each field is its own audited change in main.
    const input: InputOf<'settings.update'> = {};
    if (storeName.trim() !== settings.storeName) input.storeName = storeName.trim();
    if (language !== settings.language) input.language = language;
    if (limitBp !== settings.discountLimitBp) input.discountLimitBp = limitBp;
    if (idle !== settings.idleLockMinutes) input.idleLockMinutes = idle;
    if (footer !== settings.receiptFooter) input.receiptFooter = footer;
    if ((shopAddress.trim() || null) !== settings.shopAddress) input.shopAddress = shopAddress.trim() || null;
    if (negativeStock !== settings.negativeStock) input.negativeStock = negativeStock;
    const printer = printerOn ? { host: host.trim(), port: portNum, width } : null;
    const p0 = settings.printer;
    if (printer === null ? p0 !== null : !p0 || p0.host !== printer.host || p0.port !== printer.port || p0.width !== printer.width) {
      input.printer = printer;
    }
    if (Object.keys(input).length === 0) {
      notify('info', 'settings.saved');
      return;
    }
    setBusy(true);
    const r = await settingsData.update(input);
    setBusy(false);
    if (!r.ok) {
      setServerError(r.error);
      setErrors(fieldErrors(r.error));
      return;
    }
    settingsSaved(r.value);
    if (input.language) {
      // A new store language: this terminal follows the store again.
      setLocalLanguage(null);
      applyLanguage(r.value.language);
    }
    notify('info', 'settings.saved');
  };

  const err = (k: string): string | undefined => {
    const v = errors[k];
    return v === undefined ? undefined : i18n.exists(v) ? t(v) : v;
  };
  return (
    <form className="card settings-card" onSubmit={(e) => void save(e)} noValidate>
      <h2>{t('settings.store')}</h2>
      <div className="field-grid">
        <Field label={t('setup.storeName')} error={err('storeName')}>
          <input value={storeName} maxLength={120} onChange={(e) => setStoreName(e.target.value)} data-testid="settings-store-name" />
        </Field>
        <Field label={t('common.language')}>
          <select
            value={language}
            onChange={(e) => isLanguage(e.target.value) && setLanguage(e.target.value)}
            data-testid="settings-language"
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('settings.discountLimit')} hint={t('settings.discountLimitHint')} error={err('discountLimitBp')}>
          <div className="input-suffix">
            <input
              inputMode="decimal"
              value={discountLimit}
              onChange={(e) => setDiscountLimit(e.target.value)}
              data-testid="settings-discount-limit"
            />
            <span>%</span>
          </div>
        </Field>
        <Field label={t('settings.idleLock')} error={err('idleLockMinutes')}>
          <div className="input-suffix">
            <input
              inputMode="numeric"
              value={idleMinutes}
              onChange={(e) => setIdleMinutes(e.target.value.replace(/\D/g, ''))}
              data-testid="settings-idle"
            />
            <span>{t('settings.minutes')}</span>
          </div>
        </Field>
      </div>
      <Field label={t('settings.footer')} error={err('receiptFooter')}>
        <textarea value={footer} maxLength={200} rows={2} onChange={(e) => setFooter(e.target.value)} data-testid="settings-footer" />
      </Field>
      <Field label={t('settings.shopAddress')} error={err('shopAddress')}>
        <input
          value={shopAddress}
          maxLength={300}
          placeholder="https://shop.example.com"
          onChange={(e) => setShopAddress(e.target.value)}
          data-testid="settings-shop-address"
        />
      </Field>

      <Field label={t('inv.settings.negativeStock')}>
        <select
          value={negativeStock}
          onChange={(e) => setNegativeStock(e.target.value === 'block' ? 'block' : 'allow')}
          data-testid="settings-negative-stock"
        >
          <option value="allow">{t('inv.settings.allow')}</option>
          <option value="block">{t('inv.settings.block')}</option>
        </select>
      </Field>

      <fieldset className="field printer-fieldset">
        <legend className="field-label">{t('settings.printer')}</legend>
        <label className="check">
          <input type="checkbox" checked={printerOn} onChange={(e) => setPrinterOn(e.target.checked)} data-testid="settings-printer-on" />
          <span>{t('settings.printerOn')}</span>
        </label>
        {printerOn && (
          <div className="field-grid">
            <Field label={t('settings.printerHost')} error={err('printer.host')}>
              <input
                value={host}
                onChange={(e) => setHost(e.target.value)}
                placeholder="192.168.1.50"
                data-testid="settings-printer-host"
              />
            </Field>
            <Field label={t('settings.printerPort')} error={err('printer.port')}>
              <input
                inputMode="numeric"
                value={port}
                onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))}
                data-testid="settings-printer-port"
              />
            </Field>
            <Field as="div" label={t('settings.paperWidth')}>
              <div className="segmented">
                {([58, 80] as const).map((w) => (
                  <button
                    key={w}
                    type="button"
                    className={`segment${width === w ? ' segment-active' : ''}`}
                    aria-pressed={width === w}
                    onClick={() => setWidth(w)}
                  >
                    {w} mm
                  </button>
                ))}
              </div>
            </Field>
          </div>
        )}
      </fieldset>

      <dl className="facts">
        <div>
          <dt>{t('setup.currency')}</dt>
          <dd>{settings.currency}</dd>
        </div>
        <div>
          <dt>{t('setup.timezone')}</dt>
          <dd>{settings.timezone}</dd>
        </div>
        <div>
          <dt>{t('setup.prices')}</dt>
          <dd>{t(`setup.priceMode.${settings.priceMode}`)}</dd>
        </div>
        <div>
          <dt>{t('settings.terminal')}</dt>
          <dd>{settings.terminalCode}</dd>
        </div>
      </dl>

      <InlineError
        text={serverError && Object.keys(fieldErrors(serverError)).length === 0 ? describeError(t, serverError) : null}
        testId="error-banner"
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-lg" disabled={busy} data-testid="settings-save">
          {busy ? t('common.working') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

function StaffAdmin() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify((s) => s.message);
  const notifyError = useNotify((s) => s.error);
  const me = useApp((s) => s.session?.staff?.id);
  const [staff, setStaff] = useState<StaffSummary[] | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('clerk');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [resetFor, setResetFor] = useState<StaffSummary | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(id);
  }, []);

  const err = (k: string): string | undefined => {
    const v = errors[k];
    return v === undefined ? undefined : i18n.exists(v) ? t(v) : v;
  };

  const reload = async () => {
    const r = await staffData.list({});
    if (r.ok) setStaff(r.value);
    else notifyError(r.error);
  };

  useEffect(() => {
    let live = true;
    void staffData.list({}).then((r) => {
      if (live && r.ok) setStaff(r.value);
    });
    return () => {
      live = false;
    };
  }, []);

  const update = async (input: { staffId: string; role?: StaffRole; active?: boolean; unlock?: boolean; pin?: string }) => {
    const r = await staffData.update(input);
    if (r.ok) {
      setStaff((list) => list?.map((s) => (s.id === r.value.id ? r.value : s)) ?? list);
      notify('info', 'settings.staffSaved', { name: r.value.name });
      return true;
    }
    notifyError(r.error);
    return false;
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'setup.err.required';
    if (!/^\d{4,8}$/.test(pin)) errs.pin = 'setup.err.pin';
    else if (pin !== pin2) errs.pinConfirm = 'setup.err.pinMismatch';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    const r = await staffData.create({ name: name.trim(), role, pin });
    setBusy(false);
    if (!r.ok) {
      const fe = fieldErrors(r.error);
      if (Object.keys(fe).length > 0) setErrors(fe);
      else notifyError(r.error);
      return;
    }
    setName('');
    setPin('');
    setPin2('');
    setRole('clerk');
    notify('info', 'settings.staffCreated', { name: r.value.name });
    await reload();
  };

  return (
    <section className="card settings-card">
      <h2>{t('settings.staff')}</h2>
      <Table
        className="table staff-table"
        rows={staff}
        rowKey={(s) => s.id}
        loading={t('common.loading')}
        rowTestId="staff-row"
        rowClassName={(s) => (s.active ? '' : 'row-muted')}
        columns={[
          {
            key: 'name',
            header: t('settings.name'),
            className: 'ellipsis',
            cell: (s) => (
              <span title={s.name}>
                {s.name}
                {s.id === me && <small className="muted"> ({t('settings.you')})</small>}
              </span>
            ),
          },
          {
            key: 'role',
            header: t('settings.role'),
            cell: (s) => (
              <select
                value={s.role}
                disabled={s.id === me}
                onChange={(e) => void update({ staffId: s.id, role: e.target.value as StaffRole })}
                aria-label={t('settings.role')}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
            ),
          },
          {
            key: 'status',
            header: t('settings.status'),
            cell: (s) =>
              !s.active ? (
                <span className="badge">{t('settings.inactive')}</span>
              ) : s.lockedUntil !== null && s.lockedUntil > now ? (
                <span className="badge badge-warn" title={fmt.dateTime(s.lockedUntil)}>
                  {t('signin.lockedShort', { minutes: minutesUntil(s.lockedUntil, now) })}
                </span>
              ) : (
                <span className="badge badge-ok">{t('settings.active')}</span>
              ),
          },
          {
            key: 'actions',
            header: t('settings.actions'),
            num: true,
            className: 'actions-cell',
            cell: (s) => (
              <>
                {s.lockedUntil !== null && s.lockedUntil > now && (
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void update({ staffId: s.id, unlock: true })}>
                    {t('settings.unlock')}
                  </button>
                )}
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setResetFor(s)}>
                  {t('settings.resetPin')}
                </button>
                {s.id !== me && (
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void update({ staffId: s.id, active: !s.active })}>
                    {s.active ? t('settings.deactivate') : t('settings.activate')}
                  </button>
                )}
              </>
            ),
          },
        ]}
      />

      <form className="staff-create" onSubmit={(e) => void create(e)} noValidate>
        <h3>{t('settings.addStaff')}</h3>
        <div className="field-grid field-grid-4">
          <Field label={t('settings.name')} error={err('name')}>
            <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="staff-new-name" />
          </Field>
          <Field label={t('settings.role')}>
            <select value={role} onChange={(e) => setRole(e.target.value as StaffRole)} data-testid="staff-new-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('setup.pin')} error={err('pin')}>
            <input
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
              data-testid="staff-new-pin"
            />
          </Field>
          <Field label={t('setup.pinConfirm')} error={err('pinConfirm')}>
            <input
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              value={pin2}
              onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))}
              data-testid="staff-new-pin-confirm"
            />
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="staff-create">
            + {t('settings.addStaff')}
          </button>
        </div>
      </form>

      {resetFor && <ResetPin staff={resetFor} onClose={() => setResetFor(null)} onSave={(p) => update({ staffId: resetFor.id, pin: p })} />}
    </section>
  );
}

function ResetPin({ staff, onClose, onSave }: { staff: StaffSummary; onClose(): void; onSave(pin: string): Promise<boolean> }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={t('settings.resetPinFor', { name: staff.name })} onClose={onClose} size="sm">
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^\d{4,8}$/.test(pin)) return setError(t('setup.err.pin'));
          if (pin !== pin2) return setError(t('setup.err.pinMismatch'));
          void onSave(pin).then((ok) => ok && onClose());
        }}
      >
        <Field label={t('settings.newPin')}>
          <input
            type="password"
            inputMode="numeric"
            maxLength={8}
            autoFocus
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </Field>
        <Field label={t('setup.pinConfirm')}>
          <input
            type="password"
            inputMode="numeric"
            maxLength={8}
            value={pin2}
            onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))}
          />
        </Field>
        <InlineError text={error} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary">
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function SettingsScreen() {
  const { t } = useTranslation();
  const settings = useApp((s) => s.settings);
  const loadSettings = useApp((s) => s.loadSettings);
  const admin = useApp((s) => s.session?.staff?.role === 'admin');
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  return (
    <div className="settings-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('settings.title')}</h1>
        {admin &&
          (settings ? (
            <StoreForm key={settings.storeName + settings.language} settings={settings} />
          ) : (
            <p className="muted">{t('common.loading')}</p>
          ))}
        <TaxRatesAdmin />
        {admin && <StaffAdmin />}
        {admin && <PaymentsSettings />}
        {admin && <DataSafetyPanel />}
      </main>
    </div>
  );
}
