import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffSummary } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { PinPad } from '../../components/PinPad';
import { describeError, lockedUntil, minutesUntil } from '../../lib/errors';
import { useApp } from '../../stores/app';
import { staffList } from './staff-list';
import { staffData } from '../../data/admin';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  // Chinese names: the first character reads well on its own.
  return (Array.from(first)[0] ?? '') + (Array.from(last)[0] ?? '');
}

export function SignInScreen() {
  const { t } = useTranslation();
  const storeName = useApp((s) => s.status?.storeName ?? 'Countertop');
  const lockReason = useApp((s) => s.lockReason);
  const signedIn = useApp((s) => s.signedIn);
  const [staff, setStaff] = useState<StaffSummary[] | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<StaffSummary | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const pinRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    void staffList().then((r) => {
      if (!live) return;
      if (!r.ok) {
        setListError(r.error);
        return;
      }
      const active = r.value.filter((s) => s.active);
      setStaff(active);
      if (active.length === 1 && active[0]) setSelected(active[0]);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (selected) pinRef.current?.focus();
  }, [selected]);

  // Keep "locked for N minutes" current.
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(id);
  }, []);

  const choose = (s: StaffSummary) => {
    setSelected(s);
    setPin('');
    setError(null);
  };

  const submit = async () => {
    if (!selected || busy) return;
    setBusy(true);
    setError(null);
    const r = await staffData.signIn({ staffId: selected.id, pin });
    setBusy(false);
    setPin('');
    if (r.ok) {
      await signedIn(r.value);
      return;
    }
    setError(r.error);
    if (r.error.code === 'LOCKED') {
      const until = lockedUntil(r.error);
      setStaff((list) => list?.map((s) => (s.id === selected.id ? { ...s, lockedUntil: until } : s)) ?? list);
    }
    pinRef.current?.focus();
  };

  const lockedFor = (s: StaffSummary) => (s.lockedUntil && s.lockedUntil > now ? minutesUntil(s.lockedUntil, now) : null);
  const errorText = error
    ? error.code === 'LOCKED' && lockedUntil(error)
      ? t('errors.LOCKED_until', { minutes: minutesUntil(lockedUntil(error) ?? now, now) })
      : describeError(t, error, { kind: 'signIn' })
    : listError
      ? describeError(t, listError)
      : null;

  return (
    <div className="signin-screen">
      <header className="signin-top">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            CT
          </div>
          <span className="brand-name ellipsis">{storeName}</span>
        </div>
        <LanguageSwitch />
      </header>
      <main className="signin-main">
        <section className="signin-staff" aria-labelledby="signin-who">
          <h1 id="signin-who">{t('signin.who')}</h1>
          {lockReason && (
            <p className="notice notice-info" role="status" data-testid="lock-reason">
              {t(lockReason === 'idle' ? 'signin.lockedIdle' : 'signin.expired')}
            </p>
          )}
          <div className="staff-grid">
            {staff === null && !listError && <div className="muted">{t('common.loading')}</div>}
            {(staff ?? []).map((s) => {
              const mins = lockedFor(s);
              return (
                <button
                  key={s.id}
                  type="button"
                  className={`staff-button${selected?.id === s.id ? ' staff-button-active' : ''}`}
                  onClick={() => choose(s)}
                  data-testid={`staff-${s.name}`}
                  aria-pressed={selected?.id === s.id}
                >
                  <span className="avatar" aria-hidden="true">
                    {initials(s.name)}
                  </span>
                  <span className="staff-name ellipsis">{s.name}</span>
                  <span className="staff-role">{mins !== null ? t('signin.lockedShort', { minutes: mins }) : t(`roles.${s.role}`)}</span>
                </button>
              );
            })}
          </div>
        </section>
        <section className="signin-pin" aria-live="polite">
          {selected ? (
            <>
              <h2 className="ellipsis">{t('signin.pinFor', { name: selected.name })}</h2>
              <InlineError text={errorText} testId="error-banner" />
              <PinPad
                value={pin}
                onChange={setPin}
                onSubmit={() => void submit()}
                busy={busy}
                inputRef={pinRef}
                label={t('signin.pin')}
                submitLabel={t('signin.submit')}
              />
            </>
          ) : (
            <div className="signin-placeholder">
              <InlineError text={errorText} testId="error-banner" />
              <p className="muted">{t('signin.chooseFirst')}</p>
            </div>
          )}
        </section>
      </main>
    </div>
  );
}
