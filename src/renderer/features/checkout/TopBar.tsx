import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../components/Icon';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';

function Clock() {
  const fmt = useFormat();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(id);
  }, []);
  return <span className="clock">{fmt.time(now)}</span>;
}

export function TopBar({ onRecent, children }: { onRecent?: () => void; children?: ReactNode }) {
  const { t } = useTranslation();
  const storeName = useApp((s) => s.settings?.storeName ?? s.status?.storeName ?? 'Countertop');
  const staff = useApp((s) => s.session?.staff ?? null);
  const screen = useApp((s) => s.screen);
  const go = useApp((s) => s.go);
  const lock = useApp((s) => s.lock);
  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-mark" aria-hidden="true">
          CT
        </div>
        <span className="brand-name ellipsis" data-testid="store-name">
          {storeName}
        </span>
      </div>
      {children}
      <nav className="topbar-actions">
        {screen === 'settings' ? (
          <button type="button" className="btn btn-ghost" onClick={() => go('checkout')} data-testid="checkout-link">
            <Icon name="back" /> {t('nav.checkout')}
          </button>
        ) : (
          <>
            {onRecent && (
              <button type="button" className="btn btn-ghost" onClick={onRecent} data-testid="recent-sales-button">
                {t('nav.recent')}
              </button>
            )}
            {staff?.role === 'admin' && (
              <button type="button" className="btn btn-ghost" onClick={() => go('settings')} data-testid="settings-link">
                {t('nav.settings')}
              </button>
            )}
          </>
        )}
        <LanguageSwitch compact />
        <Clock />
        {staff && (
          <span className="staff-chip" title={t(`roles.${staff.role}`)} data-testid="staff-name">
            <span className="ellipsis">{staff.name}</span>
            <small>{t(`roles.${staff.role}`)}</small>
          </span>
        )}
        <button type="button" className="btn btn-secondary" onClick={() => void lock('manual')} data-testid="lock-button">
          <Icon name="lock" /> {t('nav.lock')}
        </button>
      </nav>
    </header>
  );
}
