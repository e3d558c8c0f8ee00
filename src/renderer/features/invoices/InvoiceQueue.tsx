import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvoiceRequestRow } from '../../../shared/api/invoices';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { Table } from '../../components/Table';
import { invoicesData } from '../../data/invoices';
import { useFormat } from '../../lib/format';
import { describeError } from '../../lib/errors';
import { useNotify } from '../../stores/notify';
import { Field } from '../../components/Field';

type Filter = 'open' | 'all';
type Deciding = { row: InvoiceRequestRow; kind: 'issue' | 'refuse' };
const PAGE = 50;

/** The manager's queue of buyers' invoice requests: issue one with its number, or refuse it with a reason. */
export function InvoiceQueue() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [filter, setFilter] = useState<Filter>('open');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: InvoiceRequestRow[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [value, setValue] = useState('');
  const [decideError, setDecideError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void invoicesData.list({ status: filter, offset, limit: PAGE }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setPage(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [filter, offset, reload]);

  async function decide(d: Deciding, text: string) {
    setBusy(true);
    const r =
      d.kind === 'issue'
        ? await invoicesData.issue({ id: d.row.id, invoiceNumber: text })
        : await invoicesData.refuse({ id: d.row.id, reason: text });
    setBusy(false);
    if (!r.ok) {
      setDecideError(r.error);
      return;
    }
    useNotify.getState().message('info', d.kind === 'issue' ? 'invoices.doneIssued' : 'invoices.doneRefused');
    setDeciding(null);
    setReload((n) => n + 1);
  }

  const open = (row: InvoiceRequestRow, kind: Deciding['kind']) => {
    setDeciding({ row, kind });
    setValue('');
    setDecideError(null);
  };

  return (
    <div data-testid="invoice-queue">
      <p className="muted">{t('invoices.hint')}</p>
      <div className="filter-row">
        <select
          value={filter}
          aria-label={t('invoices.status')}
          onChange={(e) => {
            setFilter(e.target.value as Filter);
            setOffset(0);
          }}
          data-testid="invoices-filter"
        >
          <option value="open">{t('invoices.filterOpen')}</option>
          <option value="all">{t('invoices.filterAll')}</option>
        </select>
      </div>
      <InlineError text={error ? describeError(t, error) : null} />
      <Table
        rows={page?.items ?? null}
        rowKey={(r) => r.id}
        empty={t('invoices.none')}
        className="table"
        rowTestId="invoice-row"
        columns={[
          {
            key: 'order',
            header: t('invoices.order'),
            cell: (r) => (
              <>
                <div>{r.orderNumber}</div>
                <div className="muted">{r.total !== null && r.currency ? fmt.money(r.total, r.currency) : ''}</div>
              </>
            ),
          },
          {
            key: 'title',
            header: t('invoices.invoiceTitle'),
            cell: (r) => (
              <>
                <div>{r.title}</div>
                <div className="muted">
                  {t('invoices.taxNumber')}: {r.taxNumber || t('invoices.noTaxNumber')} · {r.email} · {fmt.dateTime(r.createdAt)}
                </div>
              </>
            ),
          },
          {
            key: 'status',
            header: t('invoices.status'),
            cell: (r) =>
              r.status === 'issued' ? (
                t('invoices.issued', { number: r.invoiceNumber })
              ) : r.status === 'refused' ? (
                t('invoices.refused', { reason: r.refusalReason })
              ) : (
                <span className="row-actions">
                  <button className="btn btn-primary" onClick={() => open(r, 'issue')} data-testid="invoice-issue">
                    {t('invoices.issue')}
                  </button>{' '}
                  <button className="btn btn-secondary" onClick={() => open(r, 'refuse')} data-testid="invoice-refuse">
                    {t('invoices.refuse')}
                  </button>
                </span>
              ),
          },
        ]}
      />
      {page && page.total > PAGE && (
        <Pager
          offset={offset}
          pageSize={PAGE}
          total={page.total}
          onOffset={setOffset}
          label={(from, to, total) => t('after.pager', { from, to, total })}
        />
      )}
      {deciding && (
        <Modal
          title={t(deciding.kind === 'issue' ? 'invoices.issueTitle' : 'invoices.refuseTitle', { number: deciding.row.orderNumber })}
          onClose={() => setDeciding(null)}
          testId="invoice-decide-dialog"
          footer={
            <>
              <button className="btn btn-secondary" onClick={() => setDeciding(null)}>
                {t('invoices.cancel')}
              </button>
              <button
                className="btn btn-primary"
                disabled={busy || value.trim() === ''}
                onClick={() => void decide(deciding, value)}
                data-testid="invoice-decide-confirm"
              >
                {t(deciding.kind === 'issue' ? 'invoices.confirmIssue' : 'invoices.confirmRefuse')}
              </button>
            </>
          }
        >
          <p>
            {deciding.row.title}
            {deciding.row.taxNumber ? ` · ${deciding.row.taxNumber}` : ''} · {deciding.row.email}
          </p>
          <Field label={t(deciding.kind === 'issue' ? 'invoices.invoiceNumber' : 'invoices.reason')}>
            <input
              value={value}
              maxLength={deciding.kind === 'issue' ? 40 : 200}
              onChange={(e) => setValue(e.target.value)}
              data-testid="invoice-decide-value"
              autoFocus
            />
          </Field>
          <InlineError text={decideError ? describeError(t, decideError) : null} />
        </Modal>
      )}
    </div>
  );
}
