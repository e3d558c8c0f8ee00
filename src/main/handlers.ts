import type { Channel } from '../shared/api';
import type { Handlers } from './router';
import { setupHandlers } from './setup/handlers';
import { staffHandlers } from './staff/handlers';
import { settingsHandlers } from './settings/handlers';
import { catalogHandlers, taxRatesHandlers } from './catalog/handlers';
import { cartHandlers, ordersHandlers, parkedHandlers, saleExtrasHandlers, salesHandlers } from './sales/handlers';
import { receiptsHandlers } from './receipts/handlers';
import { returnsHandlers } from './returns/handlers';
import { customersHandlers } from './customers/handlers';
import { ratingsHandlers } from './ratings/handlers';
import { shippingHandlers } from './shipping/handlers';
import { inventoryHandlers } from './inventory/handlers';
import { countsHandlers } from './counts/handlers';
import { purchasingHandlers } from './purchasing/handlers';
import { labelsHandlers } from './labels/handlers';
import { filesHandlers } from './files/handlers';
import { adminHandlers } from './backup/handlers';
import { shiftsHandlers } from './shifts/handlers';
import { insightHandlers } from './insight/handlers';
import { syncHandlers } from './sync/handlers';
import { historyHandlers } from './history/handlers';
import { cardIntentsHandlers, paymentsHandlers } from './payments/handlers';
import { promotionsHandlers } from './promotions/handlers';
import { couponsHandlers } from './coupons/handlers';
import { storedValueHandlers } from './stored-value/handlers';
import { priceListsHandlers } from './price-lists/handlers';
import { onlineOrdersHandlers } from './online-orders/handlers';
import { invoicesHandlers } from './invoices/handlers';

type KeysOf<T extends object[]> = T extends [infer H, ...infer R extends object[]] ? keyof H | KeysOf<R> : never;
type Shared<T extends object[]> = T extends [infer H, ...infer R extends object[]] ? (keyof H & KeysOf<R>) | Shared<R> : never;

/**
 * Combines the domains' tables. Each table is typed from its contract slice; the result is not a
 * `Handlers` (and the typecheck fails) when two tables answer a channel (`duplicated`) or none does
 * (`missing`).
 */
function combine<const T extends object[]>(...tables: T): Combined<T> {
  return Object.assign({}, ...tables) as Combined<T>;
}
type Combined<T extends object[]> = [Shared<T>] extends [never]
  ? [Exclude<Channel, KeysOf<T>>] extends [never]
    ? Handlers
    : { missing: Exclude<Channel, KeysOf<T>> }
  : { duplicated: Shared<T> };

/** The handler table: one entry per channel of the contract, from the domain that owns it. */
export const handlers: Handlers = combine(
  setupHandlers,
  staffHandlers,
  settingsHandlers,
  taxRatesHandlers,
  catalogHandlers,
  cartHandlers,
  cardIntentsHandlers,
  salesHandlers,
  receiptsHandlers,
  adminHandlers,
  ordersHandlers,
  returnsHandlers,
  parkedHandlers,
  saleExtrasHandlers,
  customersHandlers,
  ratingsHandlers,
  shippingHandlers,
  shiftsHandlers,
  insightHandlers,
  syncHandlers,
  inventoryHandlers,
  purchasingHandlers,
  countsHandlers,
  labelsHandlers,
  filesHandlers,
  historyHandlers,
  paymentsHandlers,
  promotionsHandlers,
  couponsHandlers,
  storedValueHandlers,
  priceListsHandlers,
  onlineOrdersHandlers,
  invoicesHandlers,
);
