import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';
import { LanguageSwitch } from './LanguageSwitch';
import { useFormat } from '../lib/format';
import { useApp } from '../stores/app';
import { canOpen, VIEWS, type ViewId } from '../views';
import { useInventory } from '../stores/inventory';
import type { StaffRole } from '../../shared/api';
import { SyncIndicator } from '../features/sync/SyncIndicator';

function Clock() {
  const fmt = useFormat();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(id);
  }, []);
  return <span className="clock">{fmt.time(now)}</span>;
}

const testIdOf = (id: ViewId) => (id === 'settings' ? 'settings-link' : `nav-${id}`);

/** Every other screen this role may open, in one menu, so the bar stays short at the counter. */
function ViewMenu({ current, role, onGo }: { current: string; role: StaffRole | null; onGo: (v: ViewId) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const items = VIEWS.filter((v) => v.id !== 'checkout' && canOpen(v.id, role));
  useEffect(() => {
    if (!open) return;
    const close = () => setOpen(false);
    window.addEventListener('click', close);
    return () => window.removeEventListener('click', close);
  }, [open]);
  if (items.length === 0) return null;
  return (
    <div className="menu">
      <button
        type="button"
        className="btn btn-ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="nav-menu"
        onClick={(e) => {
          e.stopPropagation();
          setOpen((o) => !o);
        }}
      >
        {t('nav.menu')} ▾
      </button>
      {open && (
        <ul className="menu-list" role="menu">
          {items.map((v) => (
            <li key={v.id} role="none">
              <button
                type="button"
                role="menuitem"
                className={`menu-item${current === v.id ? ' menu-item-active' : ''}`}
                data-testid={testIdOf(v.id)}
                onClick={() => {
                  setOpen(false);
                  onGo(v.id);
                }}
              >
                {t(v.labelKey)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Items at or below their reorder point (managers only); gone when there are none. */
function LowStockBadge({ onGo }: { onGo(): void }) {
  const { t } = useTranslation();
  const low = useInventory((s) => s.low);
  if (!low || low.count === 0) return null;
  return (
    <button type="button" className="btn btn-ghost low-badge" onClick={onGo} data-testid="low-stock-badge">
      <span className="badge badge-warn">{low.count}</span> {t('inv.nav.lowStock', { count: low.count })}
    </button>
  );
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
        {screen !== 'checkout' && (
          <button type="button" className="btn btn-ghost" onClick={() => go('checkout')} data-testid="checkout-link">
            <Icon name="back" /> {t('nav.checkout')}
          </button>
        )}
        {onRecent && (
          <button type="button" className="btn btn-ghost" onClick={onRecent} data-testid="recent-sales-button">
            {t('nav.recent')}
          </button>
        )}
        <SyncIndicator />
        <LowStockBadge onGo={() => go('purchasing')} />
        <ViewMenu current={screen} role={staff?.role ?? null} onGo={go} />
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
