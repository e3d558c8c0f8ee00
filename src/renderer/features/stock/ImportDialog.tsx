import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryPreview, ImportError, ImportPreview, OnMatch } from '../../../shared/api';
import { useFormat } from '../../lib/format';
import { Modal } from '../../components/Modal';
import { useNotify } from '../../stores/notify';
import { importsData } from '../../data/inventory';
import { historyData } from '../../data/admin';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

/** The host takes at most 1 MiB per call: the file goes up in pieces well under that. */
const PIECE = 256 * 1024;

type Kind = 'products' | 'stock' | 'customers' | 'sales';
const KIND_LABELS: Record<Kind, string> = {
  products: 'inv.import.kindProducts',
  stock: 'inv.import.kindStock',
  customers: 'history.kindCustomers',
  sales: 'history.kindSales',
};
const isHistory = (p: ImportPreview | HistoryPreview): p is HistoryPreview => p.kind === 'customers' || p.kind === 'sales';

/**
 * CSV import: upload, preview with every bad row and why, then all or nothing (or only the valid
 * rows). Products and stock levels, and a store's past (customers, sales history) from the till it leaves.
 */
export function ImportDialog({ locationId, onClose }: { locationId: string | null; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  // Main sends each reason with a message key; the English text is the fallback.
  const reason = (e: ImportError) => {
    for (const key of [`history.reasons.${e.key ?? ''}`, `inv.import.reasons.${e.key ?? ''}`])
      if (e.key && i18n.exists(key)) return t(key, e.params ?? {});
    return e.reason;
  };
  const [kind, setKind] = useState<Kind>('products');
  const [onMatch, setOnMatch] = useState<OnMatch>('skip');
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<ImportPreview | HistoryPreview | null>(null);
  const [commitErrors, setCommitErrors] = useState<ImportError[] | null>(null);

  const load = async (file: File) => {
    setBusy(true);
    setPreview(null);
    setCommitErrors(null);
    try {
      const text = await file.text();
      const begin = await importsData.begin(locationId && (kind === 'products' || kind === 'stock') ? { kind, locationId } : { kind });
      if (!begin.ok) return notify.error(begin.error);
      for (let i = 0; i * PIECE < text.length || i === 0; i++) {
        const r = await importsData.chunk({ importId: begin.value.importId, seq: i, text: text.slice(i * PIECE, (i + 1) * PIECE) });
        if (!r.ok) return notify.error(r.error);
      }
      const p =
        kind === 'customers' || kind === 'sales'
          ? await historyData.preview({ importId: begin.value.importId })
          : await importsData.preview({ importId: begin.value.importId });
      if (!p.ok) return notify.error(p.error);
      setPreview(p.value);
    } finally {
      setBusy(false);
    }
  };

  const commit = async (onlyValid: boolean) => {
    if (!preview) return;
    setBusy(true);
    const r = isHistory(preview)
      ? await historyData.commit({ importId: preview.importId, onlyValid, onMatch })
      : await importsData.commit({ importId: preview.importId, onlyValid });
    setBusy(false);
    if (!r.ok) {
      const errs = (r.error.details as { errors?: ImportError[] } | undefined)?.errors;
      if (errs) setCommitErrors(errs);
      else notify.error(r.error);
      return;
    }
    const v = r.value;
    if ('format' in v) notify.message('info', v.kind === 'customers' ? 'history.doneCustomers' : 'history.doneSales', { ...v });
    else notify.message('info', 'inv.import.done', { ...v });
    onClose();
  };

  const errors = commitErrors ?? preview?.errors ?? [];
  return (
    <Modal title={t('inv.import.title')} onClose={onClose} size="lg" testId="import-dialog">
      <div className="stack">
        <div className="segmented" role="group">
          {(['products', 'stock', 'customers', 'sales'] as const).map((k) => (
            <button
              key={k}
              type="button"
              className={`segment${kind === k ? ' segment-active' : ''}`}
              onClick={() => {
                setKind(k);
                setPreview(null);
                setCommitErrors(null);
              }}
              data-testid={`import-kind-${k}`}
            >
              {t(KIND_LABELS[k])}
            </button>
          ))}
        </div>
        <p className="muted small">
          {t(kind === 'customers' ? 'history.helpCustomers' : kind === 'sales' ? 'history.helpSales' : 'inv.import.help')}
        </p>
        <Field label={t('inv.import.file')}>
          <input
            type="file"
            accept=".csv,text/csv"
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void load(f);
            }}
            // Cleared on opening, so that choosing the same file again (fixed, or for the other kind) loads it again.
            onClick={(e) => (e.currentTarget.value = '')}
            data-testid="import-file"
          />
        </Field>
        {busy && <div className="spinner" aria-label={t('inv.import.uploading')} />}
        {preview && (
          <>
            {isHistory(preview) ? (
              <>
                {preview.format && <p className="small">{t('history.format', { format: t(`history.formats.${preview.format}`) })}</p>}
                <p data-testid="import-summary">
                  {t(preview.kind === 'customers' ? 'history.summaryCustomers' : 'history.summarySales', {
                    ...preview,
                    errors: preview.errors.length + preview.moreErrors,
                  })}
                </p>
                {preview.from !== null && preview.to !== null && (
                  <p className="muted small">{t('history.span', { from: fmt.dateTime(preview.from), to: fmt.dateTime(preview.to) })}</p>
                )}
                {preview.kind === 'customers' && preview.matches > 0 && (
                  <fieldset className="field" data-testid="import-on-match">
                    <legend className="field-label">{t('history.onMatch')}</legend>
                    {(['skip', 'update'] as const).map((m) => (
                      <label key={m} className="radio">
                        <input type="radio" name="onMatch" value={m} checked={onMatch === m} onChange={() => setOnMatch(m)} />{' '}
                        {t(m === 'skip' ? 'history.onMatchSkip' : 'history.onMatchUpdate')}
                      </label>
                    ))}
                  </fieldset>
                )}
              </>
            ) : (
              <p data-testid="import-summary">
                {t('inv.import.summary', {
                  rows: preview.rows,
                  valid: preview.valid,
                  creates: preview.creates,
                  updates: preview.updates,
                  errors: preview.errors.length + preview.moreErrors,
                })}
              </p>
            )}
            {errors.length > 0 && (
              <div className="scroll-box">
                <Table
                  testId="import-errors"
                  rows={errors.map((e, i) => ({ e, i }))}
                  rowKey={(x) => String(x.i)}
                  columns={[
                    { key: 'row', header: t('inv.import.row'), cell: ({ e }) => e.row },
                    { key: 'column', header: t('inv.import.column'), cell: ({ e }) => e.column ?? '' },
                    { key: 'problem', header: t('inv.import.problem'), cell: ({ e }) => reason(e) },
                  ]}
                />
                {preview.moreErrors > 0 && <p className="muted">{t('inv.import.more', { count: preview.moreErrors })}</p>}
              </div>
            )}
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-primary"
                disabled={busy || errors.length > 0 || preview.valid === 0}
                onClick={() => void commit(false)}
                data-testid="import-commit"
              >
                {t('inv.import.importAll')}
              </button>
              {errors.length > 0 && preview.valid > 0 && (
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={busy}
                  onClick={() => void commit(true)}
                  data-testid="import-valid"
                >
                  {t('inv.import.importValid')}
                </button>
              )}
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}
