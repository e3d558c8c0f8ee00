/**
 * What syncs, declared once for the terminal (src/main/sync) and the cloud (src/cloud).
 *
 * Three kinds:
 * - `mutable`: a record edited in place (settings, catalog, staff). Each field carries its own
 *   hybrid-logical-clock stamp; terminals and the cloud merge per field, last writer wins.
 * - `append-only`: a fact written once and never changed (an order with its lines and payments).
 *   Inserted idempotently by id everywhere.
 * - `ledger`: an append-only fact that also moves a running total (a stock movement moves the
 *   level). Several terminals' movements merge by adding.
 *
 * Scope: `org` records reach every terminal of the organisation; `store` records reach only the
 * terminals of the store they were made in (the cloud files them under the pushing device's store).
 *
 * - `local`: known, but stays on the terminal (its outbox entries are acknowledged, never sent):
 *   parked carts belong to one till; shipments need an `hlc` column before they can merge per field.
 *   Its `capture` says which of its writes leave such an entry.
 *
 * Adding an entity is one entry here (plus, when the terminal needs a side effect after applying
 * pulled rows, a hook in src/main/sync/hooks.ts). The entity name is the `entity` the writing code
 * puts in the outbox.
 *
 * Trust: every entity that travels declares the exact shape of its fields (`fields`, from
 * shapes.ts) and whether a terminal's device token may write it (`devices`). The cloud checks each
 * pushed record against them and a till checks each pulled one again (validate.ts), so a new entity
 * is checked by being declared: the type makes `fields` and `devices` required.
 */
import type { z } from 'zod';
import * as shape from './shapes';

export type SyncKind = 'mutable' | 'append-only' | 'ledger' | 'local';
export type SyncScope = 'org' | 'store';

/** The exact fields of a record as they travel (SQLite column names). */
export type RecordShape = z.ZodObject<z.ZodRawShape>;

/**
 * What a terminal's device token may do with an entity: `write` what a till writes for its own
 * store; `none`: it comes only from the cloud (staff change only through a signed-in admin).
 */
export type DeviceRights = 'write' | 'none';

export interface SyncSet {
  /** Field name the set travels under, e.g. `barcodes`. */
  field: string;
  table: string;
  /** Column of `table` pointing at the parent's key. */
  fk: string;
  /** Column holding the set's values. */
  column: string;
  /** Shape of one value of the set. */
  value: z.ZodType<string>;
  /** Most values one record holds. */
  max: number;
}

export interface SyncChild {
  table: string;
  fk: string;
  /** The child row's exact columns. */
  fields: RecordShape;
  /** The column naming a row once within its record (`id` unless said). */
  key?: string;
}

interface EntityBase {
  entity: string;
  scope: SyncScope;
  /** Local SQLite table and its key column. */
  table: string;
  key: string;
  /** Columns that stay on this terminal (mutable only): never sent, never overwritten by a pull. */
  local?: readonly string[];
  /** Child rows carried as one set-valued field of a mutable record (a product's barcodes). */
  sets?: readonly SyncSet[];
  /** Child rows written with an append-only fact (an order's lines and payments). */
  children?: readonly SyncChild[];
  /** Fields (or set fields) whose values are unique across the organisation (mutable only). */
  unique?: readonly string[];
  /** Record keys that never sync (settings that belong to one terminal). */
  localKeys?: readonly string[];
  /** A missing row is a deletion that syncs (tombstone), rather than "nothing to send". */
  deletable?: boolean;
  /** For a `ledger`: the columns naming a running total, the amount a fact moves it by, and where totals are kept. */
  ledger?: { groupBy: readonly string[]; delta: string; levels: string; level: string };
  /** Shape of the record key when it is not an id (a setting's name). */
  keyShape?: z.ZodType<string>;
  /** Per record key, the exact shape of one field (a setting's value, by the setting's name). */
  keyed?: { field: string; shapes: Readonly<Record<string, z.ZodType>> };
  /** A fact that names the terminal that made it in this column: a device writes only its own. */
  terminalField?: string;
  /**
   * Mutable only: the fields a device may write, when it may write only some (the rest come from
   * the cloud); a device may then change an existing record, never create one.
   */
  deviceFields?: readonly string[];
}

/**
 * Which writes of a `local` entity leave an outbox entry (acknowledged, never sent), queued by the
 * write path's triggers like a synced entity's.
 */
export interface LocalCapture {
  /** A new row is an 'insert'. */
  insert?: boolean;
  /**
   * Which updates are an 'update': `stamped`, one that stamps the row's `hlc` (as for a mutable
   * record: a change to any of its columns); or a list of columns, an UPDATE that sets one of them.
   */
  update?: 'stamped' | readonly string[];
  /** Only an update that moves the first `update` column to or from this value (a cart parked, resumed or discarded; not one sold or cleared). */
  around?: string;
  /** The record lives in columns of another record's row (a reorder rule in a level row): all of them null is its 'delete'. */
  nullIsDelete?: boolean;
}

/** Stays on the terminal: nothing crosses, so nothing to check. */
export interface LocalEntity extends EntityBase {
  kind: 'local';
  fields?: undefined;
  devices?: undefined;
  capture?: LocalCapture;
  /** Named by several columns (a count line: its count and its product): the entry's id is their values joined by ':'. */
  idColumns?: readonly string[];
}

/** Travels: its fields' exact shape and the devices' rights are part of the declaration. */
export interface SharedEntity extends EntityBase {
  kind: 'mutable' | 'append-only' | 'ledger';
  /** Every field of the record (mutable: without key, `hlc`, local columns and sets; facts: every column). */
  fields: RecordShape;
  devices: DeviceRights;
}

export type SyncEntity = LocalEntity | SharedEntity;

export const SYNC_ENTITIES = [
  {
    entity: 'setting',
    kind: 'mutable',
    scope: 'store',
    table: 'settings',
    key: 'key',
    // The terminal's own code, its printer and its set-up flag are not the store's business. The
    // carrier API's settings hold its key, and a till taking them from another would send its
    // shipments (and that key) wherever the other said: each terminal is set up on its own.
    localKeys: ['terminalCode', 'printer', 'setupDone', 'carrierApi'],
    deletable: true,
    keyShape: shape.settingKeyShape,
    keyed: { field: 'value', shapes: shape.SETTING_VALUES },
    fields: shape.settingShape,
    devices: 'write',
  },
  { entity: 'tax_rate', kind: 'mutable', scope: 'org', table: 'tax_rates', key: 'id', fields: shape.taxRateShape, devices: 'write' },
  {
    // PIN hashes do sync, within the organisation: staff sign in on every terminal (see docs/sync.md).
    // The lockout counters stay per terminal. No device writes staff: a signed-in admin does,
    // through the cloud's staff endpoint (src/cloud/staff.ts), and tills receive it by pull.
    entity: 'staff',
    kind: 'mutable',
    scope: 'org',
    table: 'staff',
    key: 'id',
    local: ['failed_attempts', 'locked_until'],
    fields: shape.staffShape,
    devices: 'none',
  },
  { entity: 'category', kind: 'mutable', scope: 'org', table: 'categories', key: 'id', fields: shape.categoryShape, devices: 'write' },
  {
    entity: 'product',
    kind: 'mutable',
    scope: 'org',
    table: 'products',
    key: 'id',
    sets: [{ field: 'barcodes', table: 'barcodes', fk: 'product_id', column: 'code', value: shape.barcodeShape, max: 100 }],
    unique: ['sku', 'plu', 'barcodes'],
    fields: shape.productShape,
    devices: 'write',
  },
  {
    entity: 'stock_location',
    kind: 'mutable',
    scope: 'store',
    table: 'stock_locations',
    key: 'id',
    fields: shape.stockLocationShape,
    devices: 'write',
  },
  {
    entity: 'stock_movement',
    kind: 'ledger',
    scope: 'store',
    table: 'stock_movements',
    key: 'id',
    ledger: { groupBy: ['product_id', 'location_id'], delta: 'qty_delta', levels: 'stock_levels', level: 'qty' },
    fields: shape.stockMovementShape,
    devices: 'write',
  },
  {
    entity: 'order',
    kind: 'append-only',
    scope: 'store',
    table: 'orders',
    key: 'id',
    children: [
      { table: 'order_lines', fk: 'order_id', fields: shape.orderLineShape },
      { table: 'payments', fk: 'order_id', fields: shape.paymentShape },
      // Which promotions (and coupons) each line took: the report per promotion counts every till's sales.
      { table: 'order_line_promotions', fk: 'order_id', fields: shape.orderLinePromotionShape },
      // Which price list priced a line, and the shelf price it replaced: a reprint on any till says so.
      { table: 'order_line_price_lists', fk: 'order_id', key: 'order_line_id', fields: shape.orderLinePriceListShape },
    ],
    terminalField: 'terminal_code',
    fields: shape.orderShape,
    devices: 'write',
  },
  // After the sale.
  { entity: 'customer', kind: 'mutable', scope: 'org', table: 'customers', key: 'id', fields: shape.customerShape, devices: 'write' },
  {
    entity: 'store_credit',
    kind: 'append-only',
    scope: 'org',
    table: 'store_credit',
    key: 'id',
    fields: shape.storeCreditShape,
    devices: 'write',
  },
  {
    entity: 'loyalty_points',
    kind: 'append-only',
    scope: 'org',
    table: 'loyalty_points',
    key: 'id',
    fields: shape.loyaltyPointsShape,
    devices: 'write',
  },
  {
    entity: 'refund',
    kind: 'append-only',
    scope: 'store',
    table: 'refunds',
    key: 'id',
    children: [
      { table: 'refund_lines', fk: 'refund_id', fields: shape.refundLineShape },
      { table: 'refund_tenders', fk: 'refund_id', fields: shape.refundTenderShape },
    ],
    terminalField: 'terminal_code',
    fields: shape.refundShape,
    devices: 'write',
  },
  { entity: 'feedback', kind: 'append-only', scope: 'store', table: 'feedback', key: 'id', fields: shape.feedbackShape, devices: 'write' },
  {
    entity: 'cart',
    kind: 'local',
    scope: 'store',
    table: 'carts',
    key: 'id',
    capture: { update: ['status'], around: 'parked' },
  },
  { entity: 'shipment', kind: 'local', scope: 'store', table: 'shipments', key: 'id', capture: { insert: true, update: ['status'] } },
  // Shifts: append-only documents of each till's drawer.
  {
    entity: 'shift',
    kind: 'append-only',
    scope: 'store',
    table: 'shifts',
    key: 'id',
    terminalField: 'terminal_code',
    fields: shape.shiftShape,
    devices: 'write',
  },
  {
    entity: 'cash_movement',
    kind: 'append-only',
    scope: 'store',
    table: 'cash_movements',
    key: 'id',
    fields: shape.cashMovementShape,
    devices: 'write',
  },
  {
    entity: 'shift_close',
    kind: 'append-only',
    scope: 'store',
    table: 'shift_closes',
    key: 'shift_id',
    fields: shape.shiftCloseShape,
    devices: 'write',
  },
  // A customer attached after the sale: the order row travels whole when it is pushed; a later
  // change to an order already pushed stays on the till (orders are append-only facts).
  {
    entity: 'order_customer',
    kind: 'local',
    scope: 'store',
    table: 'orders',
    key: 'id',
    capture: { update: ['customer_id', 'fulfilment'] },
  },
  // Store manager: suppliers and variant groups are shared catalog data, merged per field.
  { entity: 'supplier', kind: 'mutable', scope: 'org', table: 'suppliers', key: 'id', fields: shape.supplierShape, devices: 'write' },
  {
    entity: 'product_group',
    kind: 'mutable',
    scope: 'org',
    table: 'product_groups',
    key: 'id',
    fields: shape.productGroupShape,
    devices: 'write',
  },
  // Purchasing, counts and reorder rules are the back office of one store's terminal: they stay on
  // it (the stock they move syncs as ledger movements).
  {
    entity: 'purchase_order',
    kind: 'local',
    scope: 'store',
    table: 'purchase_orders',
    key: 'id',
    capture: { insert: true, update: 'stamped' },
  },
  {
    entity: 'count_session',
    kind: 'local',
    scope: 'store',
    table: 'count_sessions',
    key: 'id',
    capture: { insert: true, update: ['status'] },
  },
  {
    entity: 'count_line',
    kind: 'local',
    scope: 'store',
    table: 'count_lines',
    key: 'session_id',
    idColumns: ['session_id', 'product_id'],
    capture: { insert: true, update: ['counted'] },
  },
  {
    entity: 'reorder_rule',
    kind: 'local',
    scope: 'store',
    table: 'stock_levels',
    key: 'product_id',
    idColumns: ['product_id', 'location_id'],
    capture: { update: ['reorder_point', 'reorder_qty'], nullIsDelete: true },
  },
  // Coupons: a campaign is made by a manager on one till and redeemed on any; its codes are facts
  // (a batch of up to 100,000); redemptions are the ledger every till checks a single-use code against.
  {
    entity: 'coupon_campaign',
    kind: 'mutable',
    scope: 'org',
    table: 'coupon_campaigns',
    key: 'id',
    fields: shape.couponCampaignShape,
    devices: 'write',
  },
  {
    entity: 'coupon_code',
    kind: 'append-only',
    scope: 'org',
    table: 'coupon_codes',
    key: 'code',
    keyShape: shape.couponCodeKeyShape,
    fields: shape.couponCodeShape,
    devices: 'write',
  },
  {
    entity: 'coupon_redemption',
    kind: 'append-only',
    scope: 'org',
    table: 'coupon_redemptions',
    key: 'id',
    terminalField: 'terminal_code',
    fields: shape.couponRedemptionShape,
    devices: 'write',
  },
  // The code on an open cart, and the conflicts each till derives from the ledger, stay on the till.
  { entity: 'cart_coupon', kind: 'local', scope: 'store', table: 'cart_coupons', key: 'cart_id' },
  { entity: 'coupon_conflict', kind: 'local', scope: 'org', table: 'coupon_conflicts', key: 'redemption_id' },
  // Gift cards and stored-value cards: a card is spent at any till of the organisation. The card
  // (holder, status) merges per field; its entries are a ledger whose running total is the balance.
  {
    entity: 'stored_value_card',
    kind: 'mutable',
    scope: 'org',
    table: 'stored_value_cards',
    key: 'id',
    unique: ['number'],
    fields: shape.storedValueCardShape,
    devices: 'write',
  },
  {
    entity: 'stored_value_entry',
    kind: 'ledger',
    scope: 'org',
    table: 'stored_value_entries',
    key: 'id',
    ledger: { groupBy: ['card_id'], delta: 'delta', levels: 'stored_value_balances', level: 'balance' },
    terminalField: 'terminal_code',
    fields: shape.storedValueEntryShape,
    devices: 'write',
  },
  {
    entity: 'stored_value_sale',
    kind: 'append-only',
    scope: 'store',
    table: 'stored_value_sales',
    key: 'id',
    terminalField: 'terminal_code',
    fields: shape.storedValueSaleShape,
    devices: 'write',
  },
  // Promotions and price lists: org-wide data a manager keeps at any till, so a device writes them,
  // as it writes products and their shelf prices. The device token proves only the till; what stands
  // behind a written price is the manager role checked by the router and the audit row on the till
  // that wrote it, the same trust a shelf price already has (a till that could forge a list price
  // could forge the product's own price). Store-targeted lists are org records too: the target is
  // data, and each till applies only the lists for its own store.
  { entity: 'promotion', kind: 'mutable', scope: 'org', table: 'promotions', key: 'id', fields: shape.promotionShape, devices: 'write' },
  {
    entity: 'customer_group',
    kind: 'mutable',
    scope: 'org',
    table: 'customer_groups',
    key: 'id',
    deletable: true,
    fields: shape.customerGroupShape,
    devices: 'write',
  },
  {
    entity: 'customer_membership',
    kind: 'mutable',
    scope: 'org',
    table: 'customer_memberships',
    key: 'customer_id',
    fields: shape.customerMembershipShape,
    devices: 'write',
  },
  { entity: 'price_list', kind: 'mutable', scope: 'org', table: 'price_lists', key: 'id', fields: shape.priceListShape, devices: 'write' },
  {
    entity: 'price_list_entry',
    kind: 'mutable',
    scope: 'org',
    table: 'price_list_entries',
    key: 'id',
    deletable: true,
    fields: shape.priceListEntryShape,
    devices: 'write',
  },
  // The online shop. A listing is the manager's; reservations and online orders are the cloud's
  // (a till reads them); the steps of an online order come from both.
  {
    entity: 'online_listing',
    kind: 'mutable',
    scope: 'org',
    table: 'online_listings',
    key: 'product_id',
    fields: shape.onlineListingShape,
    devices: 'write',
  },
  {
    entity: 'stock_reservation',
    kind: 'mutable',
    scope: 'store',
    table: 'stock_reservations',
    key: 'id',
    fields: shape.stockReservationShape,
    devices: 'none',
  },
  {
    entity: 'online_order',
    kind: 'append-only',
    scope: 'store',
    table: 'online_orders',
    key: 'id',
    fields: shape.onlineOrderShape,
    devices: 'none',
  },
  {
    entity: 'online_order_event',
    kind: 'append-only',
    scope: 'store',
    table: 'online_order_events',
    key: 'id',
    terminalField: 'terminal_code',
    fields: shape.onlineOrderEventShape,
    devices: 'write',
  },
  {
    // A buyer's review: the cloud writes it for the buyer; a manager's till only hides or shows it.
    entity: 'product_review',
    kind: 'mutable',
    scope: 'org',
    table: 'product_reviews',
    key: 'id',
    local: ['counted_rating'],
    deviceFields: shape.REVIEW_DEVICE_FIELDS,
    fields: shape.productReviewShape,
    devices: 'write',
  },
  {
    // A buyer's request for an invoice for a sale: the cloud writes it; a manager's till decides it.
    entity: 'invoice_request',
    kind: 'mutable',
    scope: 'store',
    table: 'invoice_requests',
    key: 'id',
    deviceFields: shape.INVOICE_DEVICE_FIELDS,
    fields: shape.invoiceRequestShape,
    devices: 'write',
  },
  {
    // A buyer's return request: the cloud writes it for the buyer; a manager's till only decides it.
    entity: 'online_return',
    kind: 'mutable',
    scope: 'store',
    table: 'online_returns',
    key: 'id',
    deviceFields: shape.RETURN_DEVICE_FIELDS,
    fields: shape.onlineReturnShape,
    devices: 'write',
  },
  {
    // A shop refund's state (the cloud's): a manager reads which are failing and why.
    entity: 'online_refund',
    kind: 'mutable',
    scope: 'store',
    table: 'online_refunds',
    key: 'id',
    fields: shape.onlineRefundShape,
    devices: 'none',
  },
  {
    // A counter sale claimed online from its receipt (the cloud's, once per sale).
    entity: 'receipt_claim',
    kind: 'append-only',
    scope: 'store',
    table: 'receipt_claims',
    key: 'id',
    fields: shape.receiptClaimShape,
    devices: 'none',
  },
] as const satisfies readonly SyncEntity[];

export type SyncEntityName = (typeof SYNC_ENTITIES)[number]['entity'];

const BY_NAME = new Map<string, SyncEntity>(SYNC_ENTITIES.map((e) => [e.entity, e as SyncEntity]));

export function syncEntity(name: string): SyncEntity | undefined {
  return BY_NAME.get(name);
}

export function allSyncEntities(): SyncEntity[] {
  return [...BY_NAME.values()];
}

/** Pseudo-field of a deletable record: true once it was deleted (stamped like any field). */
export const DELETED_FIELD = '_deleted';
