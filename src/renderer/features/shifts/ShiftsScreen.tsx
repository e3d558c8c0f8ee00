import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShiftReport, ShiftSummary } from '../../../shared/api/shifts';
import { parseMoney } from '../../../shared/money';
import type { ApiError } from '../../../shared/errors';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { saveBase64 } from '../../lib/save-file';
import { useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { countsList, countsTotal, useShifts } from '../../stores/shifts';
import { TopBar } from '../../components/TopBar';
import { CountForm } from './CountForm';
import { OpenShiftDialog } from './OpenShiftDialog';
import { ReportView } from './ReportView';
import './shifts.css';
import { shiftsData } from '../../data/shifts';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

/** A refusal in words the clerk can act on (the drawer holds only …, already closed …). */
function useShiftError() {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (error: ApiError): string => {
    const d = (error.details ?? {}) as { reason?: string; inDrawer?: number };
    if (d.reason === 'overdraw' && typeof d.inDrawer === 'number') return t('shifts.overdraw', { amount: fmt.money(d.inDrawer) });
    if (d.reason === 'alreadyClosed') return t('shifts.alreadyClosed');
    if (d.reason === 'alreadyOpen') return t('shifts.alreadyOpen');
    return describeError(t, error);
  };
}

function CashMoveDialog({ kind, onClose, onDone }: { kind: 'in' | 'out'; onClose(): void; onDone(r: ShiftReport): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const explain = useShiftError();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const minor = parseMoney(amount, fmt.currency);
    if (minor === null || minor <= 0) return setError(t('shifts.err.amount'));
    if (!reason.trim()) return setError(t('shifts.err.reason'));
    setBusy(true);
    const r = await shiftsData.cashMove({ kind, amount: minor, reason: reason.trim() });
    setBusy(false);
    if (!r.ok) return setError(explain(r.error));
    onDone(r.value);
    onClose();
  };
  return (
    <Modal
      title={kind === 'in' ? t('shifts.cashInTitle') : t('shifts.cashOutTitle')}
      onClose={onClose}
      size="sm"
      testId="cash-move-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void submit()} data-testid="cash-move-submit">
            {kind === 'in' ? t('shifts.cashIn') : t('shifts.cashOut')}
          </button>
        </>
      }
    >
      <div className="stack">
        <Field label={t('shifts.amount')}>
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="cash-move-amount" />
        </Field>
        <Field label={t('shifts.reason')}>
          <input
            value={reason}
            maxLength={200}
            placeholder={t('shifts.reasonPlaceholder')}
            onChange={(e) => setReason(e.target.value)}
            data-testid="cash-move-reason"
          />
        </Field>
        {error && (
          <p className="inline-error" role="alert" data-testid="cash-move-error">
            {error}
          </p>
        )}
      </div>
    </Modal>
  );
}

function NoSaleDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const hasPrinter = useApp((s) => s.settings?.printer != null);
  const explain = useShiftError();
  const [reason, setReason] = useState('');
  const [kick, setKick] = useState(hasPrinter);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!reason.trim()) return setError(t('shifts.err.reason'));
    const r = await shiftsData.noSale({ reason: reason.trim(), kickDrawer: kick });
    if (!r.ok) {
      setError(explain(r.error));
      onDone();
      return;
    }
    onDone();
    onClose();
    useNotify.getState().message('info', 'shifts.noSaleDone');
  };
  return (
    <Modal
      title={t('shifts.noSaleTitle')}
      onClose={onClose}
      size="sm"
      testId="no-sale-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void submit()} data-testid="no-sale-submit">
            {t('shifts.noSale')}
          </button>
        </>
      }
    >
      <div className="stack">
        <p className="muted">{t('shifts.noSaleHint')}</p>
        <Field label={t('shifts.reason')}>
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="no-sale-reason" />
        </Field>
        <label className="check">
          <input type="checkbox" checked={kick} disabled={!hasPrinter} onChange={(e) => setKick(e.target.checked)} />
          <span>{t('shifts.noSaleKick')}</span>
        </label>
        {error && <p className="inline-error">{error}</p>}
      </div>
    </Modal>
  );
}

function CloseShiftDialog({ shift, onClose, onClosed }: { shift: ShiftSummary; onClose(): void; onClosed(r: ShiftReport): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const state = useShifts((s) => s.state);
  const explain = useShiftError();
  const [pieces, setPieces] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!state) return null;
  const submit = async () => {
    setBusy(true);
    const r = await shiftsData.close({ shiftId: shift.id, counts: countsList(pieces) });
    setBusy(false);
    if (!r.ok) return setError(explain(r.error));
    onClosed(r.value);
    onClose();
  };
  return (
    <Modal
      title={t('shifts.closeTitle')}
      onClose={onClose}
      size="lg"
      testId="close-shift-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void submit()} data-testid="close-shift-submit">
            {t('shifts.closeSubmit', { amount: fmt.money(countsTotal(pieces), state.currency) })}
          </button>
        </>
      }
    >
      <p className="muted">{t('shifts.closeHint')}</p>
      <CountForm denominations={state.denominations} currency={state.currency} pieces={pieces} onChange={setPieces} />
      {error && (
        <p className="inline-error" role="alert" data-testid="close-shift-error">
          {error}
        </p>
      )}
    </Modal>
  );
}

function ReportActions({ report }: { report: ShiftReport }) {
  const { t, i18n } = useTranslation();
  const hasPrinter = useApp((s) => s.settings?.printer != null);
  const print = async () => {
    const r = await shiftsData.print({ shiftId: report.shift.id });
    if (r.ok) useNotify.getState().message('info', 'shifts.printed');
    else useNotify.getState().error(r.error, { kind: 'print' });
  };
  const pdf = async () => {
    const r = await shiftsData.pdf({ shiftId: report.shift.id, language: i18n.language === 'zh-CN' ? 'zh-CN' : 'en' });
    if (!r.ok) return useNotify.getState().error(r.error);
    saveBase64(`${report.kind}-${report.shift.number}.pdf`, r.value.base64, 'application/pdf');
  };
  return (
    <div className="report-actions">
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        disabled={!hasPrinter}
        onClick={() => void print()}
        data-testid="report-print"
      >
        {t('shifts.print')}
      </button>
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => void pdf()} data-testid="report-pdf">
        {t('shifts.pdf')}
      </button>
    </div>
  );
}

function History({ onView, version }: { onView(id: string): void; version: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<ShiftSummary[] | null>(null);
  useEffect(() => {
    void shiftsData.list({ limit: 50 }).then((r) => setRows(r.ok ? r.value : []));
  }, [version]);
  if (!rows) return null;
  return (
    <section className="card shifts-history">
      <h2>{t('shifts.history')}</h2>
      <Table
        className="report-table"
        rows={rows}
        rowKey={(s) => s.id}
        rowTestId="shift-row"
        empty={t('shifts.historyEmpty')}
        columns={[
          { key: 'number', header: t('shifts.number'), cell: (s) => s.number },
          { key: 'opened', header: t('shifts.opened'), cell: (s) => `${fmt.dateTime(s.openedAt)} · ${s.openedBy}` },
          {
            key: 'closed',
            header: t('shifts.closed'),
            cell: (s) => (s.closedAt !== null ? `${fmt.dateTime(s.closedAt)} · ${s.closedBy ?? ''}` : '—'),
          },
          {
            key: 'expected',
            header: t('shifts.expected'),
            num: true,
            cell: (s) => (s.expectedCash !== null ? fmt.money(s.expectedCash, s.currency) : ''),
          },
          {
            key: 'counted',
            header: t('shifts.counted'),
            num: true,
            cell: (s) => (s.countedCash !== null ? fmt.money(s.countedCash, s.currency) : ''),
          },
          {
            key: 'overShort',
            header: t('shifts.overShort'),
            num: true,
            cellClassName: (s) => (s.overShort !== null && s.overShort < 0 ? 'report-short' : undefined),
            cell: (s) => (s.overShort !== null ? fmt.money(s.overShort, s.currency) : ''),
          },
          {
            key: 'view',
            header: '',
            cell: (s) => (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => onView(s.id)}>
                {t('shifts.view')}
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}

export function ShiftsScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const state = useShifts((s) => s.state);
  const load = useShifts((s) => s.load);
  const role = useApp((s) => s.session?.staff?.role ?? 'clerk');
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [dialog, setDialog] = useState<'open' | 'in' | 'out' | 'noSale' | 'close' | null>(null);
  const [version, setVersion] = useState(0);

  const refresh = useCallback(async () => {
    const s = await load();
    if (s?.shift) {
      const r = await shiftsData.report({});
      if (r.ok) setReport(r.value);
    }
    setVersion((v) => v + 1);
  }, [load]);

  useEffect(() => {
    let live = true;
    void load().then(async (s) => {
      if (!live || !s?.shift) return;
      const r = await shiftsData.report({});
      if (live && r.ok) setReport(r.value);
    });
    return () => {
      live = false;
    };
  }, [load]);

  const shift = state?.shift ?? null;
  const viewShift = async (id: string) => {
    const r = await shiftsData.report({ shiftId: id });
    if (r.ok) setReport(r.value);
    else useNotify.getState().error(r.error);
  };

  return (
    <div className="settings-screen">
      <TopBar />
      <main className="settings-main shifts-main">
        <h1>{t('shifts.title')}</h1>
        <section className="card shift-status">
          {shift ? (
            <div className="shift-status-row">
              <div>
                <h2 data-testid="shift-number">{t('shifts.current', { number: shift.number })}</h2>
                <p className="muted">{t('shifts.openedBy', { when: fmt.dateTime(shift.openedAt), name: shift.openedBy })}</p>
                <p>
                  {t('shifts.float')}: <strong>{fmt.money(shift.openingFloat, shift.currency)}</strong> · {t('shifts.expectedNow')}:{' '}
                  <strong data-testid="shift-expected">
                    {report && report.kind === 'X' ? fmt.money(report.cash.expected, shift.currency) : '—'}
                  </strong>
                </p>
              </div>
              <div className="shift-actions">
                <button type="button" className="btn btn-secondary" onClick={() => setDialog('in')} data-testid="cash-in">
                  {t('shifts.cashIn')}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => setDialog('out')} data-testid="cash-out">
                  {t('shifts.cashOut')}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => setDialog('noSale')} data-testid="no-sale">
                  {t('shifts.noSale')}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => void refresh()} data-testid="x-report-button">
                  {t('shifts.xReport')}
                </button>
                <button type="button" className="btn btn-danger" onClick={() => setDialog('close')} data-testid="close-shift">
                  {t('shifts.close')}
                </button>
              </div>
            </div>
          ) : (
            <div className="shift-status-row">
              <div>
                <h2>{t('shifts.none')}</h2>
                <p className="muted">{t('shifts.noneHint')}</p>
              </div>
              <button type="button" className="btn btn-primary btn-lg" onClick={() => setDialog('open')} data-testid="open-shift-button">
                {t('shifts.open')}
              </button>
            </div>
          )}
        </section>
        {report && (
          <section className="card">
            <ReportActions report={report} />
            <ReportView report={report} />
          </section>
        )}
        {role !== 'clerk' && <History onView={(id) => void viewShift(id)} version={version} />}
      </main>
      {dialog === 'open' && <OpenShiftDialog onClose={() => setDialog(null)} onOpened={() => void refresh()} />}
      {(dialog === 'in' || dialog === 'out') && (
        <CashMoveDialog kind={dialog} onClose={() => setDialog(null)} onDone={(r) => setReport(r)} />
      )}
      {dialog === 'noSale' && <NoSaleDialog onClose={() => setDialog(null)} onDone={() => void refresh()} />}
      {dialog === 'close' && shift && (
        <CloseShiftDialog
          shift={shift}
          onClose={() => setDialog(null)}
          onClosed={(r) => {
            setReport(r);
            void load();
            setVersion((v) => v + 1);
          }}
        />
      )}
    </div>
  );
}
