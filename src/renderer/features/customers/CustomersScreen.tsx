import '../aftersale/aftersale.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail, LoyaltyRules } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { parseMoney } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { useFormat } from '../../lib/format';
import { useAfter } from '../../stores/aftersale';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { describeAfterError } from '../aftersale/errors';
import { CustomerList, NewCustomerForm, useCustomerSearch } from './CustomerPicker';
import { CustomerGroupField } from '../price-lists/CustomerGroupField';
import { customersData, loyaltyData } from '../../data/customers';
import { cartData } from '../../data/sales';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

export function CustomersScreen() {
  const { t } = useTranslation();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const { result, error, reload } = useCustomerSearch(q, 50);
  return (
    <div className="settings-screen">
      <TopBar />
      <main className="orders-main">
        <section className="orders-list card">
          <div className="orders-head">
            <h1>{t('after.nav.customers')}</h1>
            <button type="button" className="btn btn-primary" onClick={() => setCreating((c) => !c)} data-testid="customer-new">
              + {t('after.customer.new')}
            </button>
          </div>
          {creating && (
            <NewCustomerForm
              onCreated={(c) => {
                setCreating(false);
                setSelected(c.id);
                reload();
              }}
            />
          )}
          <input
            className="after-search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('after.customer.searchPlaceholder')}
            aria-label={t('after.customer.search')}
            data-testid="customers-search"
          />
          <InlineError text={error ? describeAfterError(t, error) : null} />
          {result && <CustomerList items={result.items} onPick={(c) => setSelected(c.id)} />}
          {result && result.total > result.items.length && (
            <p className="muted">{t('after.customer.more', { count: result.total - result.items.length })}</p>
          )}
          {role === 'admin' && <LoyaltyRulesCard />}
        </section>
        <section className="orders-detail card">
          {selected ? (
            <CustomerPanel key={selected} id={selected} onChanged={reload} />
          ) : (
            <p className="muted">{t('after.customer.pickOne')}</p>
          )}
        </section>
      </main>
    </div>
  );
}

function CustomerPanel({ id, onChanged }: { id: string; onChanged(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const [d, setD] = useState<CustomerDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notes, setNotes] = useState('');
  const [adjust, setAdjust] = useState('');
  const [adjustNote, setAdjustNote] = useState('');

  const load = useCallback(async () => {
    const r = await customersData.get({ id });
    if (r.ok) {
      setD(r.value);
      setNotes(r.value.customer.notes);
    } else setError(r.error);
  }, [id]);
  useEffect(() => {
    void load(); // eslint-disable-line react-hooks/set-state-in-effect -- load awaits the answer before setting state
  }, [load]);

  const apply = (r: { ok: true; value: CustomerDetail } | { ok: false; error: ApiError }) => {
    if (r.ok) {
      setD(r.value);
      setError(null);
      onChanged();
    } else setError(r.error);
  };
  if (!d) return error ? <InlineError text={describeAfterError(t, error)} /> : <p className="muted">{t('common.loading')}</p>;
  const c = d.customer;

  const save = async (patch: { notes?: string; marketingConsent?: boolean }) => {
    const r = await customersData.update({ id, ...patch });
    if (r.ok) {
      await load();
      onChanged();
      useNotify.getState().message('info', 'after.customer.saved');
    } else setError(r.error);
  };
  const adjustAmount = adjust.trim() ? parseMoney(adjust.replace(/^-/, ''), fmt.currency) : null;

  return (
    <div className="customer-detail" data-testid="customer-detail">
      <header className="order-head">
        <div>
          <h2>{c.name}</h2>
          <p className="muted">{[c.phone, c.email].filter(Boolean).join(' · ')}</p>
        </div>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            const r = await cartData.setCustomer({ customerId: c.id });
            if (r.ok) {
              useAfter.getState().setExtras(r.value);
              useApp.getState().go('checkout');
            } else setError(r.error);
          }}
          data-testid="customer-to-sale"
        >
          {t('after.customer.toSale')}
        </button>
      </header>
      <div className="facts-row">
        <div className="fact">
          <span>{t('after.customer.credit')}</span>
          <strong data-testid="customer-credit">{fmt.money(c.creditBalance)}</strong>
        </div>
        <div className="fact">
          <span>{t('after.customer.points')}</span>
          <strong data-testid="customer-points">{c.points}</strong>
          {d.redeemableValue > 0 && <small className="muted">{t('after.customer.worth', { amount: fmt.money(d.redeemableValue) })}</small>}
        </div>
      </div>
      {d.redeemableValue > 0 && (
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => apply(await customersData.redeemPoints({ customerId: c.id, blocks: 1 }))}
          data-testid="redeem-points"
        >
          {t('after.customer.redeem')}
        </button>
      )}
      <CustomerGroupField customerId={c.id} groupId={c.groupId} onChanged={() => void load().then(onChanged)} />
      <label className="check">
        <input
          type="checkbox"
          checked={c.marketingConsent}
          onChange={(e) => void save({ marketingConsent: e.target.checked })}
          data-testid="detail-consent"
        />
        <span>
          {t('after.customer.consent')}
          {c.consentAt && <small className="muted"> · {fmt.dateTime(c.consentAt)}</small>}
        </span>
      </label>
      <Field label={t('after.customer.notes')}>
        <textarea rows={3} value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} data-testid="customer-notes" />
      </Field>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={notes === c.notes}
        onClick={() => void save({ notes })}
        data-testid="customer-save-notes"
      >
        {t('common.save')}
      </button>
      {(role === 'manager' || role === 'admin') && (
        <div className="field-row adjust-row">
          <Field label={t('after.customer.adjust')}>
            <input
              inputMode="decimal"
              value={adjust}
              placeholder="-1.00 / 5.00"
              onChange={(e) => setAdjust(e.target.value)}
              data-testid="credit-adjust"
            />
          </Field>
          <Field label={t('after.customer.adjustNote')}>
            <input value={adjustNote} onChange={(e) => setAdjustNote(e.target.value)} maxLength={200} />
          </Field>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!adjustAmount || !adjustNote.trim()}
            onClick={async () => {
              apply(
                await customersData.adjustCredit({
                  customerId: c.id,
                  delta: (adjust.trim().startsWith('-') ? -1 : 1) * (adjustAmount ?? 0),
                  note: adjustNote.trim(),
                }),
              );
              setAdjust('');
              setAdjustNote('');
            }}
          >
            {t('after.customer.adjustApply')}
          </button>
        </div>
      )}
      <InlineError text={error ? describeAfterError(t, error) : null} />
      <h3 className="section-title">{t('after.customer.history')}</h3>
      <Table
        className="table table-clickable"
        rows={d.orders}
        rowKey={(o) => o.id}
        empty={t('after.orders.none')}
        onRowClick={(o) => {
          useAfter.getState().openOrder(o.id);
          useApp.getState().go('orders');
        }}
        columns={[
          { key: 'number', cell: (o) => o.number },
          { key: 'time', cell: (o) => fmt.dateTime(o.createdAt) },
          { key: 'total', num: true, cell: (o) => fmt.money(o.total, o.currency) },
        ]}
      />
      <h3 className="section-title">{t('after.customer.ledger')}</h3>
      <ul className="plain-list" data-testid="credit-ledger">
        {d.credit.map((e) => (
          <li key={e.id}>
            {fmt.dateTime(e.at)} · {t(`after.creditKind.${e.kind}`)} · <strong>{fmt.money(e.delta)}</strong>
            {e.note ? ` · ${e.note}` : ''}
          </li>
        ))}
        {d.pointsLedger.map((e) => (
          <li key={e.id}>
            {fmt.dateTime(e.at)} · {t(`after.pointsKind.${e.kind}`)} · <strong>{e.delta > 0 ? `+${e.delta}` : e.delta}</strong>{' '}
            {t('after.customer.points')}
          </li>
        ))}
      </ul>
    </div>
  );
}

function LoyaltyRulesCard() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rules, setRules] = useState<LoyaltyRules | null>(null);
  const [valueText, setValueText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void loyaltyData.rules({}).then((r) => {
      if (r.ok) {
        setRules(r.value);
        setValueText((r.value.redeemValue / 100).toFixed(2));
      }
    });
  }, []);
  if (!rules) return null;
  const value = parseMoney(valueText, fmt.currency);
  return (
    <form
      className="loyalty-card"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!value) return;
        const r = await loyaltyData.setRules({ ...rules, redeemValue: value });
        if (r.ok) {
          setRules(r.value);
          useNotify.getState().message('info', 'after.loyalty.saved');
        } else setError(r.error);
      }}
    >
      <h3 className="section-title">{t('after.loyalty.title')}</h3>
      <label className="check">
        <input
          type="checkbox"
          checked={rules.enabled}
          onChange={(e) => setRules({ ...rules, enabled: e.target.checked })}
          data-testid="loyalty-enabled"
        />
        <span>{t('after.loyalty.enabled')}</span>
      </label>
      <div className="field-grid">
        <Field label={t('after.loyalty.earn')}>
          <input
            inputMode="numeric"
            value={rules.earnPerUnit}
            onChange={(e) => setRules({ ...rules, earnPerUnit: Number(e.target.value.replace(/\D/g, '')) || 0 })}
          />
        </Field>
        <Field label={t('after.loyalty.redeemPoints')}>
          <input
            inputMode="numeric"
            value={rules.redeemPoints}
            onChange={(e) => setRules({ ...rules, redeemPoints: Math.max(1, Number(e.target.value.replace(/\D/g, '')) || 1) })}
          />
        </Field>
        <Field label={t('after.loyalty.redeemValue')}>
          <input inputMode="decimal" value={valueText} aria-invalid={!value} onChange={(e) => setValueText(e.target.value)} />
        </Field>
      </div>
      <InlineError text={error ? describeAfterError(t, error) : null} />
      <button type="submit" className="btn btn-primary" disabled={!value}>
        {t('common.save')}
      </button>
    </form>
  );
}
