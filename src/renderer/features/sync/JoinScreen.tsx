import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/api/sync';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { isLanguage, setLocalLanguage } from '../../i18n';
import { useApp } from '../../stores/app';
import { syncProblemKey } from './problem';
import { syncData } from '../../data/sync';
import { Field } from '../../components/Field';

/** True when this (not yet set up) terminal is in the middle of joining a store: show its progress. */
export function useJoinInProgress(): boolean {
  const [joining, setJoining] = useState(false);
  useEffect(() => {
    let live = true;
    void syncData.joinStatus({}).then((r) => {
      if (live && r.ok && r.value.enrolled) setJoining(true);
    });
    return () => {
      live = false;
    };
  }, []);
  return joining;
}

/**
 * A new (or rebuilt) terminal joins its organisation with a one-time code, then downloads its
 * store. Shown from the set-up screen instead of setting up a new store.
 */
export function JoinScreen({ onBack }: { onBack(): void }) {
  const { t, i18n } = useTranslation();
  const boot = useApp((s) => s.boot);
  const [server, setServer] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<SyncStatus | null>(null);

  // A join already under way (the app restarted mid-download): follow it until the store is set up.
  useEffect(() => {
    let live = true;
    const poll = async () => {
      const r = await syncData.joinStatus({});
      if (!live) return;
      if (r.ok) {
        setStatus(r.value);
        if (r.value.enrolled && !r.value.joining) return void boot();
      } else if (r.error.code === 'CONFLICT') return void boot();
      if (r.ok && r.value.enrolled) setTimeout(() => void poll(), 1500);
    };
    void poll();
    return () => {
      live = false;
    };
  }, [boot]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^https?:\/\/\S+$/.test(server.trim())) return setError(t('sync.err.url'));
    if (code.replace(/[^0-9a-z]/gi, '').length < 8) return setError(t('sync.err.code'));
    setBusy(true);
    setError(null);
    const r = await syncData.join({
      serverUrl: server.trim(),
      code: code.trim(),
      ...(name.trim() ? { terminalName: name.trim() } : {}),
    });
    setBusy(false);
    if (!r.ok) return setError(describeError(t, r.error));
    // The language picked on the set-up screen is this terminal's; the store's (from the cloud) must not replace it.
    if (isLanguage(i18n.language)) setLocalLanguage(i18n.language);
    setStatus(r.value);
    if (!r.value.joining) void boot();
  };

  const downloading = status?.enrolled === true;
  return (
    <div className="setup-screen">
      <form className="setup-card join-card" onSubmit={(e) => void submit(e)} noValidate data-testid="join-screen">
        <header className="setup-header">
          <div className="brand-mark" aria-hidden="true">
            CT
          </div>
          <div>
            <h1>{t('sync.join.title')}</h1>
            <p className="muted">{t('sync.join.hint')}</p>
          </div>
        </header>
        {downloading ? (
          <div className="join-progress" role="status" data-testid="join-progress">
            <div className="spinner" aria-hidden="true" />
            <p>{status.lastError ? t('sync.join.retrying') : t('sync.join.downloading')}</p>
            {status.lastError && (
              <p className="muted" title={status.lastError.message} data-testid="join-problem">
                {t(syncProblemKey(status.lastError))}
              </p>
            )}
          </div>
        ) : (
          <section className="stack">
            <Field label={t('sync.join.server')}>
              <input
                value={server}
                onChange={(e) => setServer(e.target.value)}
                placeholder="https://cloud.example.com"
                data-testid="join-server"
              />
            </Field>
            <Field label={t('sync.join.code')}>
              <input
                value={code}
                onChange={(e) => setCode(e.target.value.toUpperCase())}
                placeholder="ABCD-EFGH-JKMN"
                autoCapitalize="characters"
                className="join-code"
                data-testid="join-code"
              />
            </Field>
            <Field label={t('sync.join.name')}>
              <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="join-name" />
            </Field>
            <InlineError text={error} testId="error-banner" />
            <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy} data-testid="join-submit">
              {busy ? t('sync.join.downloading') : t('sync.join.submit')}
            </button>
            <button type="button" className="btn btn-ghost btn-block" onClick={onBack} data-testid="join-back">
              {t('sync.join.back')}
            </button>
          </section>
        )}
      </form>
    </div>
  );
}
