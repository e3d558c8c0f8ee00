import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupInfo, BackupOverview, ExportResult, IntegrityStatus, JournalReport } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { formatBytes, reloadWithNotice } from './notice';
import './data.css';
import { backupData, dataData, integrityData, journalData } from '../../data/admin';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

/** A backup table with Restore (and Delete) per row; the recovery screen uses it too. */
export function BackupTable({
  backups,
  onRestore,
  onDelete,
  busy,
}: {
  backups: BackupInfo[];
  onRestore(b: BackupInfo): void;
  onDelete?: (b: BackupInfo) => void;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  if (backups.length === 0)
    return (
      <p className="muted" data-testid="backups-empty">
        {t('data.none')}
      </p>
    );
  return (
    <div className="backup-table-wrap">
      <Table
        className="table backup-table"
        rows={backups}
        rowKey={(b) => b.name}
        rowTestId="backup-row"
        rowAttributes={(b) => ({ 'data-name': b.name })}
        columns={[
          {
            key: 'made',
            header: t('data.made'),
            cell: (b, i) => (
              <span title={b.name}>
                {fmt.dateTime(b.createdAt)}
                {i === 0 && <span className="badge badge-ok backup-latest">{t('data.latest')}</span>}
              </span>
            ),
          },
          { key: 'kind', header: t('data.kind'), cell: (b) => t(`data.reason.${b.reason}`) },
          { key: 'size', header: t('data.size'), num: true, cell: (b) => formatBytes(b.size, i18n.language) },
          {
            key: 'actions',
            header: '',
            num: true,
            className: 'actions-cell',
            cell: (b, i) => (
              <>
                <button
                  type="button"
                  className={`btn btn-sm ${i === 0 ? 'btn-primary' : 'btn-secondary'}`}
                  disabled={busy}
                  onClick={() => onRestore(b)}
                  data-testid="backup-restore"
                >
                  {t('data.restore')}
                </button>
                {onDelete && (
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    disabled={busy}
                    onClick={() => onDelete(b)}
                    data-testid="backup-delete"
                  >
                    {t('data.delete')}
                  </button>
                )}
              </>
            ),
          },
        ]}
      />
    </div>
  );
}

export function ConfirmDialog({
  title,
  text,
  confirm,
  danger,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
  busy: boolean;
  error: string | null;
  onConfirm(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  return (
    <Modal title={title} onClose={busy ? undefined : onClose} size="sm" testId="confirm-dialog">
      <div className="stack">
        <p>{text}</p>
        <InlineError text={error} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={busy}
            onClick={onConfirm}
            data-testid="confirm-go"
          >
            {busy ? t('common.working') : confirm}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function Backups() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify((s) => s.message);
  const notifyError = useNotify((s) => s.error);
  const [overview, setOverview] = useState<BackupOverview | null>(null);
  const [busy, setBusy] = useState(false);
  const [restoreOf, setRestoreOf] = useState<BackupInfo | null>(null);
  const [deleteOf, setDeleteOf] = useState<BackupInfo | null>(null);
  const [dialogError, setDialogError] = useState<ApiError | null>(null);
  const [days, setDays] = useState('');
  const [minutes, setMinutes] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const show = (o: BackupOverview) => {
    setOverview(o);
    setDays(String(o.config.retentionDays));
    setMinutes(String(o.config.intervalMinutes));
  };

  useEffect(() => {
    let live = true;
    void backupData.list({}).then((r) => {
      if (!live) return;
      if (r.ok) show(r.value);
      else notifyError(r.error);
    });
    return () => {
      live = false;
    };
  }, [notifyError]);

  const reload = async () => {
    const r = await backupData.list({});
    if (r.ok) show(r.value);
  };

  const backupNow = async () => {
    setBusy(true);
    const r = await backupData.create({});
    setBusy(false);
    if (!r.ok) return notifyError(r.error);
    notify('info', 'data.backedUp', { name: r.value.name });
    await reload();
  };

  const restore = async () => {
    if (!restoreOf) return;
    setBusy(true);
    setDialogError(null);
    const r = await backupData.restore({ name: restoreOf.name });
    if (!r.ok) {
      setBusy(false);
      setDialogError(r.error);
      return;
    }
    // Everyone signs in again on the restored store: start the renderer afresh.
    reloadWithNotice('data.restored');
  };

  const remove = async () => {
    if (!deleteOf) return;
    setBusy(true);
    const r = await backupData.delete({ name: deleteOf.name });
    setBusy(false);
    if (!r.ok) return setDialogError(r.error);
    setDeleteOf(null);
    show(r.value);
    notify('info', 'data.deleted');
  };

  const saveConfig = async (e: FormEvent) => {
    e.preventDefault();
    const d = Number(days);
    const m = Number(minutes);
    const errs: Record<string, string> = {};
    if (!Number.isInteger(d) || d < 1 || d > 3650) errs.days = t('data.err.days');
    if (!Number.isInteger(m) || m < 5 || m > 1440) errs.minutes = t('data.err.minutes');
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    const r = await backupData.configure({ retentionDays: d, intervalMinutes: m });
    if (!r.ok) return notifyError(r.error);
    notify('info', 'data.configSaved');
  };

  return (
    <section className="card settings-card" data-testid="backups-card">
      <div className="card-head">
        <h2>{t('data.backups')}</h2>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy || !overview}
          onClick={() => void backupNow()}
          data-testid="backup-now"
        >
          {busy && !restoreOf ? t('data.backingUp') : t('data.backupNow')}
        </button>
      </div>
      <p className="muted">{t('data.backupsHint')}</p>
      <IntegrityLine />
      {overview && (
        <p>
          <code className="path" data-testid="backup-folder">
            {overview.folder}
          </code>
        </p>
      )}
      {overview ? (
        <BackupTable
          backups={overview.backups}
          busy={busy}
          onRestore={(b) => {
            setDialogError(null);
            setRestoreOf(b);
          }}
          onDelete={(b) => {
            setDialogError(null);
            setDeleteOf(b);
          }}
        />
      ) : (
        <p className="muted">{t('common.loading')}</p>
      )}

      <form className="backup-config" onSubmit={(e) => void saveConfig(e)} noValidate>
        <div className="field-grid">
          <Field label={t('data.keepDays')} error={errors.days}>
            <div className="input-suffix">
              <input
                inputMode="numeric"
                value={days}
                onChange={(e) => setDays(e.target.value.replace(/\D/g, ''))}
                data-testid="backup-days"
              />
              <span>{t('data.days')}</span>
            </div>
          </Field>
          <Field label={t('data.every')} error={errors.minutes}>
            <div className="input-suffix">
              <input
                inputMode="numeric"
                value={minutes}
                onChange={(e) => setMinutes(e.target.value.replace(/\D/g, ''))}
                data-testid="backup-minutes"
              />
              <span>{t('data.minutes')}</span>
            </div>
          </Field>
        </div>
        <p className="field-hint">{t('data.keepHint')}</p>
        <div className="form-actions">
          <button type="submit" className="btn btn-secondary" disabled={!overview} data-testid="backup-config-save">
            {t('data.saveConfig')}
          </button>
        </div>
      </form>

      {restoreOf && (
        <ConfirmDialog
          title={t('data.restoreTitle')}
          text={t('data.restoreConfirm', { when: fmt.dateTime(restoreOf.createdAt) })}
          confirm={t('data.restoreGo')}
          danger
          busy={busy}
          error={dialogError ? describeError(t, dialogError) : null}
          onConfirm={() => void restore()}
          onClose={() => setRestoreOf(null)}
        />
      )}
      {deleteOf && (
        <ConfirmDialog
          title={t('data.deleteTitle')}
          text={t('data.deleteConfirm', { when: fmt.dateTime(deleteOf.createdAt) })}
          confirm={t('data.delete')}
          danger
          busy={busy}
          error={dialogError ? describeError(t, dialogError) : null}
          onConfirm={() => void remove()}
          onClose={() => setDeleteOf(null)}
        />
      )}
    </section>
  );
}

/** The background integrity check's last verdict (from the audit log). */
function IntegrityLine() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [status, setStatus] = useState<IntegrityStatus | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void integrityData.status({}).then((r) => {
      if (live) setStatus(r.ok ? r.value : undefined);
    });
    return () => {
      live = false;
    };
  }, []);
  if (status === undefined) return null;
  return (
    <p className={status && !status.ok ? 'field-error' : 'muted'} data-testid="integrity-status">
      {status === null
        ? t('data.integrity.never')
        : t(status.ok ? 'data.integrity.ok' : 'data.integrity.failed', { when: fmt.dateTime(status.at), problem: status.problem ?? '' })}
    </p>
  );
}

function Export() {
  const { t, i18n } = useTranslation();
  const notifyError = useNotify((s) => s.error);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const run = async () => {
    setBusy(true);
    const r = await dataData.export({});
    setBusy(false);
    if (!r.ok) return notifyError(r.error);
    setResult(r.value);
  };
  return (
    <section className="card settings-card" data-testid="export-card">
      <div className="card-head">
        <h2>{t('data.export')}</h2>
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void run()} data-testid="export-run">
          {busy ? t('data.exporting') : t('data.export')}
        </button>
      </div>
      <p className="muted">{t('data.exportHint')}</p>
      {result && (
        <div className="result-box" data-testid="export-result">
          <p>
            {t('data.exported')} <code className="path">{result.folder}</code>
          </p>
          <ul>
            {result.files.map((f) => (
              <li key={f.name}>
                <code>{f.name}</code> · {formatBytes(f.bytes, i18n.language)}
                {f.rows !== null && ` · ${t('data.rows', { count: f.rows })}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Journal() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notifyError = useNotify((s) => s.error);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<JournalReport | null>(null);
  const run = async () => {
    setBusy(true);
    const r = await journalData.verify({});
    setBusy(false);
    if (!r.ok) return notifyError(r.error);
    setReport(r.value);
  };
  const b = report?.firstBroken;
  const kind = (k: string) => (['sale', 'refund', 'void', 'shift_close'].includes(k) ? t(`data.kinds.${k}`) : k);
  return (
    <section className="card settings-card" data-testid="journal-card">
      <div className="card-head">
        <h2>{t('data.journal')}</h2>
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void run()} data-testid="journal-verify">
          {busy ? t('data.verifying') : t('data.verify')}
        </button>
      </div>
      <p className="muted">{t('data.journalHint')}</p>
      {report && (
        <div className={`result-box ${report.ok ? 'result-ok' : 'result-bad'}`} role="status" data-testid="journal-result">
          <strong>
            {report.ok
              ? t('data.journalOk', { count: report.entries })
              : t(report.problem ? `data.journalProblem.${report.problem}` : 'data.journalBroken', {
                  seq: b?.seq,
                  what: `${kind(b?.kind ?? '')} ${report.firstBrokenNumber ?? b?.refId ?? ''}`.trim(),
                  cloudSeq: report.cloudHead?.seq,
                  lastSeq: report.lastSeq,
                  from: report.unverified?.from,
                  to: report.unverified?.to,
                })}
          </strong>
          {report.legacy > 0 && <small className="muted"> {t('data.journalLegacy', { count: report.legacy })}</small>}
          <small className="muted"> · {t('data.checkedAt', { when: fmt.dateTime(report.checkedAt) })}</small>
        </div>
      )}
    </section>
  );
}

/** Settings → backups, restore, export and the journal check (admin). */
export function DataSafetyPanel() {
  const { t } = useTranslation();
  return (
    <div data-testid="data-safety">
      <h1 className="data-title">{t('data.title')}</h1>
      <Backups />
      <Journal />
      <Export />
    </div>
  );
}
