import { useEffect, type ComponentType } from 'react';
import { isView, type ViewId } from './views';
import { useTranslation } from 'react-i18next';
import { ApprovalDialog } from './components/ApprovalDialog';
import { ErrorBanner } from './components/ErrorBanner';
import { NO_TOKEN, subscribe } from './api';
import { CheckoutScreen } from './features/checkout/CheckoutScreen';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { StockScreen } from './features/stock/StockScreen';
import { PurchasingScreen } from './features/purchasing/PurchasingScreen';
import { CountsScreen } from './features/counts/CountsScreen';
import { useInventory } from './stores/inventory';
import { roleRank } from '../shared/api';
import { ShiftsScreen } from './features/shifts/ShiftsScreen';
import { DashboardScreen } from './features/dashboard/DashboardScreen';
import { TradesScreen } from './features/trades/TradesScreen';
import { SyncScreen } from './features/sync/SyncScreen';
import { SetupScreen } from './features/setup/SetupScreen';
import { SignInScreen } from './features/signin/SignInScreen';
import { OrdersScreen } from './features/orders/OrdersScreen';
import { CustomersScreen } from './features/customers/CustomersScreen';
import { ShippingScreen } from './features/shipping/ShippingScreen';
import { RatingsScreen } from './features/ratings/RatingsScreen';
import { describeError } from './lib/errors';
import { useIdleLock } from './lib/useIdleLock';
import { showRecovery, useApp } from './stores/app';
import { AuditScreen } from './features/audit/AuditScreen';
import { RecoveryScreen } from './features/data/RecoveryScreen';
import { showPendingNotice } from './features/data/notice';

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
  checkout: CheckoutScreen,
  stock: StockScreen,
  purchasing: PurchasingScreen,
  counts: CountsScreen,
  audit: AuditScreen,
  settings: SettingsScreen,
  orders: OrdersScreen,
  customers: CustomersScreen,
  shipping: ShippingScreen,
  ratings: RatingsScreen,
  shifts: ShiftsScreen,
  dashboard: DashboardScreen,
  trades: TradesScreen,
  sync: SyncScreen,
};

function View({ id }: { id: ViewId }) {
  const Component = VIEW_COMPONENTS[id];
  return <Component />;
}

export function App() {
  const { t } = useTranslation();
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
      {screen === 'loading' && (
        <div className="center-screen">
          <div className="spinner spinner-lg" aria-label={t('common.loading')} />
        </div>
      )}
      {screen === 'unreachable' && <Unreachable />}
      {screen === 'recovery' && <RecoveryScreen />}
      {screen === 'setup' && <SetupScreen />}
      {screen === 'signin' && <SignInScreen />}
      {isView(screen) && <View id={screen} />}
      <ApprovalDialog />
      <ErrorBanner />
    </>
  );
}
