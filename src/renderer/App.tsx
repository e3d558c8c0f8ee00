import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { isView, type ViewId } from './views';
import { useTranslation } from 'react-i18next';
import { ApprovalDialog } from './components/ApprovalDialog';
import { ErrorBanner } from './components/ErrorBanner';
import { NO_TOKEN, subscribe } from './api';
import { useInventory } from './stores/inventory';
import { roleRank } from '../shared/api/define';
import { SignInScreen } from './features/signin/SignInScreen';
import { describeError } from './lib/errors';
import { useIdleLock } from './lib/useIdleLock';
import { showRecovery, useApp } from './stores/app';
import { showPendingNotice } from './features/data/notice';

/**
 * The screens behind sign-in load as their own chunks, so the first screen (sign-in) parses only
 * what it needs; the counter's chunk is fetched while the sign-in screen waits for a PIN.
 */
const loadCheckout = () => import('./features/checkout/CheckoutScreen');
const screen = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const SetupScreen = screen(() => import('./features/setup/SetupScreen'), 'SetupScreen');
const RecoveryScreen = screen(() => import('./features/data/RecoveryScreen'), 'RecoveryScreen');

function Unreachable() {
  const { t } = useTranslation();
  const error = useApp((s) => s.bootError);
  const boot = useApp((s) => s.boot);
  return (
    <div className="center-screen">
      <div className="card narrow">
        <h1>{t('boot.unreachable')}</h1>
        <p className="muted">{error ? describeError(t, error) : ''}</p>
        {error?.message === NO_TOKEN && <p>{t('boot.needToken')}</p>}
        <button type="button" className="btn btn-primary btn-lg" onClick={() => void boot()}>
          {t('boot.retry')}
        </button>
      </div>
    </div>
  );
}

/** One component per entry of VIEWS (views.ts); a missing one is a compile error. */
const VIEW_COMPONENTS: Record<ViewId, ComponentType> = {
  checkout: screen(loadCheckout, 'CheckoutScreen'),
  settings: screen(() => import('./features/settings/SettingsScreen'), 'SettingsScreen'),
  stock: screen(() => import('./features/stock/StockScreen'), 'StockScreen'),
  purchasing: screen(() => import('./features/purchasing/PurchasingScreen'), 'PurchasingScreen'),
  counts: screen(() => import('./features/counts/CountsScreen'), 'CountsScreen'),
  shifts: screen(() => import('./features/shifts/ShiftsScreen'), 'ShiftsScreen'),
  dashboard: screen(() => import('./features/dashboard/DashboardScreen'), 'DashboardScreen'),
  trades: screen(() => import('./features/trades/TradesScreen'), 'TradesScreen'),
  cards: screen(() => import('./features/cards/CardsScreen'), 'CardsScreen'),
  coupons: screen(() => import('./features/coupons/CouponsScreen'), 'CouponsScreen'),
  sync: screen(() => import('./features/sync/SyncScreen'), 'SyncScreen'),
  orders: screen(() => import('./features/orders/OrdersScreen'), 'OrdersScreen'),
  customers: screen(() => import('./features/customers/CustomersScreen'), 'CustomersScreen'),
  shipping: screen(() => import('./features/shipping/ShippingScreen'), 'ShippingScreen'),
  online: screen(() => import('./features/online-orders/OnlineOrdersScreen'), 'OnlineOrdersScreen'),
  ratings: screen(() => import('./features/ratings/RatingsScreen'), 'RatingsScreen'),
  audit: screen(() => import('./features/audit/AuditScreen'), 'AuditScreen'),
  promotions: screen(() => import('./features/promotions/PromotionsScreen'), 'PromotionsScreen'),
  pricelists: screen(() => import('./features/price-lists/PriceListsScreen'), 'PriceListsScreen'),
};

function Loading() {
  const { t } = useTranslation();
  return (
    <div className="center-screen">
      <div className="spinner spinner-lg" aria-label={t('common.loading')} />
    </div>
  );
}

/** A screen loaded as its own chunk, with the spinner while it arrives. */
function Lazy({ screen: Component }: { screen: ComponentType }) {
  return (
    <Suspense fallback={<Loading />}>
      <Component />
    </Suspense>
  );
}

export function App() {
  const screen = useApp((s) => s.screen);
  const boot = useApp((s) => s.boot);
  const idleLockMs = useApp((s) => (s.session?.staff ? s.session.idleLockMs : null));
  const lock = useApp((s) => s.lock);
  const expired = useApp((s) => s.expired);
  const signedIn = isView(screen);

  useEffect(() => {
    void boot();
    showPendingNotice();
  }, [boot]);

  useEffect(() => subscribe('session.expired', () => expired()), [expired]);
  // Most sign-ins go to the counter: have its code ready by the time the PIN is typed.
  useEffect(() => {
    if (screen !== 'signin') return;
    // After the sign-in screen's own requests, not in their way.
    const timer = setTimeout(() => void loadCheckout(), 300);
    return () => clearTimeout(timer);
  }, [screen]);
  // The background integrity check found damage: the recovery screen, whatever was on screen.
  useEffect(() => subscribe('app.recovery', showRecovery), []);

  // The low-stock badge: managers see it, refreshed whenever stock changes anywhere.
  const manager = useApp((s) => roleRank(s.session?.staff?.role ?? 'public') >= roleRank('manager'));
  const refreshBadge = useInventory((s) => s.refreshBadge);
  useEffect(() => {
    if (!manager) {
      useInventory.getState().clear();
      return;
    }
    void refreshBadge();
    return subscribe('stock.changed', () => void refreshBadge());
  }, [manager, refreshBadge]);

  useIdleLock(signedIn ? idleLockMs : null, () => void lock('idle'));

  return (
    <>
      {screen === 'loading' && <Loading />}
      {screen === 'unreachable' && <Unreachable />}
      {screen === 'recovery' && <Lazy screen={RecoveryScreen} />}
      {screen === 'setup' && <Lazy screen={SetupScreen} />}
      {screen === 'signin' && <SignInScreen />}
      {isView(screen) && <Lazy screen={VIEW_COMPONENTS[screen]} />}
      <ApprovalDialog />
      <ErrorBanner />
    </>
  );
}
