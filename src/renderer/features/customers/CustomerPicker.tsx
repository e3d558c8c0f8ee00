import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerSummary } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { fieldErrors } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { describeAfterError } from '../aftersale/errors';
import { customersData } from '../../data/customers';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

/** Search as you type (name, phone, email); results are paged by main. */
export function useCustomerSearch(q: string, limit = 20) {
  const [result, setResult] = useState<{ items: CustomerSummary[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void customersData.search({ q, offset: 0, limit }).then((r) => {
        if (!live) return;
        if (r.ok) {
          setResult(r.value);
          setError(null);
        } else setError(r.error);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, limit, tick]);
  return { result, error, reload: () => setTick((n) => n + 1) };
}

export function NewCustomerForm({ onCreated, initialName = '' }: { onCreated(c: CustomerSummary): void; initialName?: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState(initialName);
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fe = fieldErrors(error);
  const submit = async () => {
    setBusy(true);
    const r = await customersData.create({
      name: name.trim(),
      phone: phone.trim() || null,
      email: email.trim() || null,
      marketingConsent: consent,
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    onCreated(r.value);
  };
  return (
    <form
      className="card customer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
      data-testid="customer-form"
    >
      <div className="field-grid">
        <Field label={t('after.customer.name')} error={fe.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="customer-name" autoFocus />
        </Field>
        <Field label={t('after.customer.phone')} error={fe.phone ? t('after.customer.badPhone') : undefined}>
          <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" data-testid="customer-phone" />
        </Field>
        <Field label={t('after.customer.email')} error={fe.email ? t('after.customer.badEmail') : undefined}>
          <input value={email} onChange={(e) => setEmail(e.target.value)} inputMode="email" data-testid="customer-email" />
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="customer-consent" />
        <span>{t('after.customer.consent')}</span>
      </label>
      <InlineError text={error && Object.keys(fe).length === 0 ? describeAfterError(t, error) : null} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''} data-testid="customer-create">
          {t('after.customer.create')}
        </button>
      </div>
    </form>
  );
}

export function CustomerList({ items, onPick }: { items: CustomerSummary[]; onPick(c: CustomerSummary): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Table
      className="table table-clickable"
      rows={items}
      rowKey={(c) => c.id}
      rowTestId="customer-row"
      onRowClick={onPick}
      columns={[
        {
          key: 'name',
          header: t('after.customer.name'),
          className: 'ellipsis',
          cell: (c) => (
            <button type="button" className="link-button" onClick={() => onPick(c)}>
              {c.name}
            </button>
          ),
        },
        { key: 'phone', header: t('after.customer.phone'), cell: (c) => c.phone ?? '' },
        { key: 'email', header: t('after.customer.email'), className: 'ellipsis', cell: (c) => c.email ?? '' },
        { key: 'credit', header: t('after.customer.credit'), num: true, cell: (c) => fmt.money(c.creditBalance) },
        { key: 'points', header: t('after.customer.points'), num: true, cell: (c) => c.points },
      ]}
    />
  );
}

/** Choose (or create) the customer for the open sale. */
export function CustomerPicker({ onClose, onPick }: { onClose(): void; onPick(c: CustomerSummary): void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const { result, error } = useCustomerSearch(q, 8);
  return (
    <Modal title={t('after.customer.pick')} onClose={onClose} size="lg" testId="customer-picker">
      <input
        className="after-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('after.customer.searchPlaceholder')}
        aria-label={t('after.customer.search')}
        data-testid="customer-search"
        autoFocus
      />
      <InlineError text={error ? describeAfterError(t, error) : null} />
      {result && result.items.length > 0 && <CustomerList items={result.items} onPick={onPick} />}
      {result && result.items.length === 0 && <p className="muted">{t('after.customer.none')}</p>}
      {creating ? (
        <NewCustomerForm initialName={/\d|@/.test(q) ? '' : q} onCreated={onPick} />
      ) : (
        <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)} data-testid="customer-new">
          + {t('after.customer.new')}
        </button>
      )}
    </Modal>
  );
}
