import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnlineReturnRow } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { isUnit } from '../../../shared/units';
import { Field } from '../../components/Field';
import { InlineError } from '../../components/ErrorBanner';
import { Table } from '../../components/Table';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { onlineOrdersData } from '../../data/online-orders';
import { describeOnlineError } from './errors';

/** Buyers' return requests for the manager: the undecided ones first; approve (goods back, the shop refunds) or refuse with a reason. */
export function OnlineReturns() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [which, setWhich] = useState<'pending' | 'all'>('pending');
  const [rows, setRows] = useState<OnlineReturnRow[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const [tick, setTick] = useState(0);
  useEffect(() => {
    void onlineOrdersData.returns({ which, limit: 200 }).then((r) => {
      if (r.ok) {
        setRows(r.value);
        setError(null);
      } else setError(r.error);
    });
  }, [which, tick]);
  const chosen = rows?.find((r) => r.id === selected) ?? null;

  return (
    <div data-testid="online-returns">
      <p className="muted">{t('online.returns.intro')}</p>
      <ReturnWindow />
      <label>
        <input type="checkbox" checked={which === 'all'} onChange={(e) => setWhich(e.target.checked ? 'all' : 'pending')} />{' '}
        {t('online.returns.showAll')}
      </label>
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />
      <Table
        className="table table-clickable"
        rows={rows}
        rowKey={(r) => r.id}
        rowTestId="return-row"
        rowClassName={(r) => (r.id === selected ? 'row-selected' : undefined)}
        onRowClick={(r) => setSelected(r.id)}
        empty={which === 'pending' ? t('online.returns.none') : t('online.returns.noneAtAll')}
        emptyTestId="returns-empty"
        columns={[
          {
            key: 'order',
            header: t('online.col.order'),
            cell: (r) => (
              <>
                <strong className="nowrap">{r.shopNumber}</strong>
                <div className="muted">{fmt.dateTime(r.createdAt)}</div>
              </>
            ),
          },
          { key: 'buyer', header: t('online.col.buyer'), className: 'ellipsis', cell: (r) => r.contactName },
          { key: 'amount', header: t('online.returns.refund'), num: true, cell: (r) => fmt.money(r.amount, r.currency) },
          {
            key: 'status',
            header: t('online.col.status'),
            cell: (r) => <ReturnBadges row={r} />,
          },
        ]}
      />
      {chosen && (
        <ReturnDecision
          key={chosen.id}
          row={chosen}
          onDone={(next) => {
            setRows((rs) => rs?.map((x) => (x.id === next.id ? next : x)) ?? null);
            setTick((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}

function ReturnBadges({ row }: { row: OnlineReturnRow }) {
  const { t } = useTranslation();
  return (
    <span className="online-badges" data-testid="return-state">
      <span className={`badge ${row.decision === 'approved' ? 'badge-ok' : row.decision === 'refused' ? 'badge-warn' : ''}`}>
        {t(`online.returns.decision.${row.decision}`)}
      </span>
      {row.refundState !== 'none' && (
        <span className={`badge ${row.refundState === 'refunded' ? 'badge-ok' : row.refundState === 'failed' ? 'badge-warn' : ''}`}>
          {t(`online.returns.refundState.${row.refundState}`)}
        </span>
      )}
    </span>
  );
}

function ReturnDecision({ row, onDone }: { row: OnlineReturnRow; onDone(next: OnlineReturnRow): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [note, setNote] = useState('');
  const [writeOff, setWriteOff] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [needReason, setNeedReason] = useState(false);

  const decide = async (approve: boolean) => {
    if (!approve && !note.trim()) {
      setNeedReason(true);
      return;
    }
    setBusy(true);
    const r = await onlineOrdersData.decideReturn({ id: row.id, approve, note: note.trim(), writeOff: [...writeOff] });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    useNotify
      .getState()
      .message('info', approve ? 'online.returns.approvedDone' : 'online.returns.refusedDone', { number: row.shopNumber });
    onDone(r.value);
  };

  return (
    <section className="online-order" data-testid="return-decision">
      <h2>{t('online.returns.title', { number: row.shopNumber })}</h2>
      <p>
        <strong>{t('online.returns.reason')}:</strong> <span data-testid="return-reason">{row.reason}</span>
      </p>
      <ul>
        {row.lines.map((l) => (
          <li key={l.orderLineId}>
            {l.name} × {fmt.qty(l.qty, isUnit(l.unit) ? l.unit : 'each')}
            {row.decision === 'pending' && (
              <label className="muted">
                {' '}
                <input
                  type="checkbox"
                  checked={writeOff.has(l.orderLineId)}
                  onChange={(e) =>
                    setWriteOff((s) => {
                      const next = new Set(s);
                      if (e.target.checked) next.add(l.orderLineId);
                      else next.delete(l.orderLineId);
                      return next;
                    })
                  }
                  data-testid="return-writeoff"
                />{' '}
                {t('online.returns.writeOff')}
              </label>
            )}
          </li>
        ))}
      </ul>
      <p>
        {t('online.returns.refund')}: <strong>{fmt.money(row.amount, row.currency)}</strong>
      </p>
      {row.decision === 'pending' ? (
        <>
          <Field label={t('online.returns.note')} error={needReason ? t('online.returns.needReason') : undefined}>
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} data-testid="return-note" />
          </Field>
          <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} testId="return-error" />
          <p className="muted">{t('online.returns.approveHint')}</p>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide(true)} data-testid="return-approve">
            {t('online.returns.approve')}
          </button>{' '}
          <button type="button" className="btn" disabled={busy} onClick={() => void decide(false)} data-testid="return-refuse">
            {t('online.returns.refuse')}
          </button>
        </>
      ) : (
        <>
          <p>
            <ReturnBadges row={row} /> {row.decisionNote}
          </p>
          {row.refundState === 'failed' && <p className="error">{t('online.returns.refundFailed', { message: row.refundMessage })}</p>}
        </>
      )}
    </section>
  );
}

/** The store's return window, kept as a synced store setting that the shop reads. */
function ReturnWindow() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [days, setDays] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void onlineOrdersData.returnDays({}).then((r) => (r.ok ? setDays(String(r.value.days)) : setError(r.error)));
  }, []);
  const n = Number(days);
  const valid = /^\d{1,3}$/.test(days) && n <= 365;
  return (
    <form
      className="handover-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        void onlineOrdersData.setReturnDays({ days: n }).then((r) => {
          if (!r.ok) return setError(r.error);
          setError(null);
          useNotify.getState().message('info', 'online.returns.daysSaved', { days: r.value.days });
        });
      }}
    >
      <Field label={t('online.returns.days')}>
        <input value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" maxLength={3} data-testid="return-days" />
      </Field>
      <button type="submit" className="btn" disabled={!valid} data-testid="return-days-save">
        {t('online.returns.daysSave')}
      </button>
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />
    </form>
  );
}
