import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupInfo } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { BackupTable, ConfirmDialog } from './DataSafetyPanel';
import { reloadWithNotice } from './notice';
import './data.css';
import { recoveryData } from '../../data/admin';
import { Field } from '../../components/Field';

/**
 * Shown when the database failed its start-up check: what happened, where the damaged file was
 * kept, and the backups to restore (the latest first). Nothing else works until one is chosen.
 */
export function RecoveryScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const recovery = useApp((s) => s.status?.recovery ?? null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<BackupInfo | 'empty' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pin, setPin] = useState('');
  if (!recovery) return null;

  const go = async () => {
    if (!confirm) return;
    setBusy(true);
    setError(null);
    const r = confirm === 'empty' ? await recoveryData.startEmpty({}) : await recoveryData.restore({ name: confirm.name, pin });
    setPin('');
    if (!r.ok) {
      setBusy(false);
      setError(r.error);
      return;
    }
    reloadWithNotice(confirm === 'empty' ? null : 'data.recovery.restored');
  };

  return (
    <div className="recovery-screen" data-testid="recovery-screen">
      <div className="card recovery-card">
        <div className="card-head">
          <h1>
            <span className="recovery-mark" aria-hidden="true">
              !
            </span>
            {t('data.recovery.title')}
          </h1>
          <LanguageSwitch compact />
        </div>
        <p>
          {t('data.recovery.explain')}{' '}
          <code className="path" data-testid="recovery-damaged">
            {recovery.damagedFile ?? '—'}
          </code>
        </p>
        <div className="recovery-problem">
          <strong>{t('data.recovery.problem')}:</strong> {recovery.problem}
        </div>
        <h2>{t('data.backups')}</h2>
        {recovery.backups.length > 0 ? (
          <>
            <p className="muted">{t('data.recovery.choose')}</p>
            <BackupTable backups={recovery.backups} busy={busy} onRestore={(b) => setConfirm(b)} />
          </>
        ) : (
          <p data-testid="recovery-no-backups">{t('data.recovery.none')}</p>
        )}
        <p className="muted">
          <code className="path">{recovery.folder}</code>
        </p>
        <InlineError text={error && !confirm ? describeError(t, error) : null} />
        <div className="recovery-actions">
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy}
            onClick={() => setConfirm('empty')}
            data-testid="recovery-start-empty"
          >
            {t('data.recovery.startEmpty')}
          </button>
        </div>
      </div>
      {confirm && confirm !== 'empty' && (
        <Modal title={t('data.restoreTitle')} onClose={busy ? undefined : () => setConfirm(null)} size="sm" testId="confirm-dialog">
          <form
            className="stack"
            noValidate
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void go();
            }}
          >
            <p>{t('data.recovery.restoreConfirm', { when: fmt.dateTime(confirm.createdAt) })}</p>
            <Field label={t('data.recovery.pin')}>
              <input
                type="password"
                inputMode="numeric"
                autoComplete="off"
                maxLength={8}
                value={pin}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                data-testid="recovery-pin"
                autoFocus
              />
            </Field>
            <InlineError text={error ? describeError(t, error) : null} />
            <div className="dialog-actions">
              <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setConfirm(null)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="btn btn-primary" disabled={busy || pin.length < 4} data-testid="confirm-go">
                {busy ? t('common.working') : t('data.restoreGo')}
              </button>
            </div>
          </form>
        </Modal>
      )}
      {confirm === 'empty' && (
        <ConfirmDialog
          title={t('data.recovery.startEmptyTitle')}
          text={t('data.recovery.startEmptyConfirm')}
          confirm={t('data.recovery.startEmpty')}
          danger
          busy={busy}
          error={error ? describeError(t, error) : null}
          onConfirm={() => void go()}
          onClose={() => setConfirm(null)}
        />
      )}
    </div>
  );
}
