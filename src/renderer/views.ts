import { roleRank, type StaffRole } from '../shared/api/define';

/**
 * The screens a signed-in person can open, in menu order. The server enforces roles on every
 * channel; this only hides what a role cannot use. A new screen adds one entry here and one
 * component in App.tsx (the compiler checks both exist).
 */
export const VIEWS = [
  { id: 'checkout', labelKey: 'nav.checkout', minRole: 'clerk' },
  { id: 'shifts', labelKey: 'shifts.navLabel', minRole: 'clerk' },
  { id: 'audit', labelKey: 'audit.title', minRole: 'manager' },
  { id: 'orders', labelKey: 'after.nav.orders', minRole: 'clerk' },
  { id: 'customers', labelKey: 'after.nav.customers', minRole: 'clerk' },
  { id: 'shipping', labelKey: 'after.nav.shipping', minRole: 'clerk' },
  { id: 'online', labelKey: 'online.nav', minRole: 'clerk' },
  { id: 'ratings', labelKey: 'after.nav.ratings', minRole: 'clerk' },
  { id: 'stock', labelKey: 'inv.nav.stock', minRole: 'manager' },
  { id: 'purchasing', labelKey: 'inv.nav.purchasing', minRole: 'manager' },
  { id: 'counts', labelKey: 'inv.nav.counts', minRole: 'clerk' },
  { id: 'dashboard', labelKey: 'dashboard.navLabel', minRole: 'manager' },
  { id: 'trades', labelKey: 'pay.trades.nav', minRole: 'manager' },
  { id: 'promotions', labelKey: 'promotions.nav', minRole: 'manager' },
  { id: 'cards', labelKey: 'cards.nav', minRole: 'clerk' },
  { id: 'coupons', labelKey: 'coupons.nav', minRole: 'manager' },
  { id: 'pricelists', labelKey: 'priceLists.title', minRole: 'manager' },
  // Managers see only the tax rates there; store, staff and data safety stay with admins.
  { id: 'settings', labelKey: 'nav.settings', minRole: 'manager' },
  { id: 'sync', labelKey: 'sync.nav', minRole: 'manager' },
] as const satisfies readonly { id: string; labelKey: string; minRole: StaffRole }[];

export type ViewId = (typeof VIEWS)[number]['id'];

export function canOpen(view: ViewId, role: StaffRole | null | undefined): boolean {
  const def = VIEWS.find((v) => v.id === view);
  return !!def && !!role && roleRank(role) >= roleRank(def.minRole);
}

export function isView(value: string): value is ViewId {
  return VIEWS.some((v) => v.id === value);
}
