import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';
import { connectionState } from './problem';
import { useApp } from '../../stores/app';
import { useSync } from '../../stores/sync';
import { canOpen } from '../../views';

const POLL_MS = 5000;

/**
 * The top bar's sync state: online or offline, changes waiting to be sent, and the last
 * successful sync in its tooltip. Shown only on terminals connected to a cloud.
 */
export function SyncIndicator() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const status = useSync((s) => s.status);
  const refresh = useSync((s) => s.refresh);
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const go = useApp((s) => s.go);

  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(id);
  }, [refresh]);

  if (!status?.enrolled) return null;
  const connection = connectionState(status);
  const state =
    status.joining || status.syncing ? 'syncing' : connection !== 'online' ? connection : status.lastError ? 'problem' : 'online';
  const last = status.lastSyncAt ? t('sync.indicator.lastSync', { time: fmt.dateTime(status.lastSyncAt) }) : t('sync.indicator.never');
  const clickable = canOpen('sync', role);
  return (
    <button
      type="button"
      className={`sync-pill sync-${state === 'removed' ? 'problem' : state}`}
      title={last}
      aria-label={`${t(`sync.indicator.${state}`)} · ${last}`}
      data-testid="sync-indicator"
      data-state={state}
      disabled={!clickable}
      onClick={() => clickable && go('sync')}
    >
      <span className="sync-dot" aria-hidden="true" />
      <span>{t(`sync.indicator.${state}`)}</span>
      {status.pending > 0 && (
        <span className="sync-pending" data-testid="sync-pending">
          {t('sync.indicator.pending', { count: status.pending })}
        </span>
      )}
    </button>
  );
}
