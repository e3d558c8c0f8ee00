/**
 * The exact shape of every synced record, field by field, as a till writes it (see the entity
 * registry, entities.ts). The cloud checks each pushed record against these, and a till checks
 * each pulled one again: a value a till would never produce (a path for a picture name, a price of
 * 2^60, an unknown payment kind) is refused at both boundaries.
 *
 * Field names are the SQLite column names (as they travel). test/unit/sync/shapes.test.ts proves
 * each shape lists exactly the columns of its table, so a new column cannot travel unchecked.
 */
import { z } from 'zod';
import { isSafeLine } from '../text';
import { UNITS } from '../units';
import { MAX_CART_AMOUNT, MAX_QTY } from '../money';
import { promotionSchema } from '../promotions/schema';
import { BATCH_CODE_SYMBOLS, CODE_ALPHABET, SHARED_CODE_SYMBOLS } from '../coupons/code';
import { couponConditionsSchema, couponRewardSchema, MAX_BATCH_CODES, MAX_SHARED_USES } from '../coupons/rules';
import { storedValueSettingsSchema } from '../api/stored-value';
import { onlineShippingSchema } from '../online-shipping';
import { PUBLIC_ADDRESS, RECEIPT_KEY } from '../receipt-link';
import { INVOICE_NUMBER_MAX, INVOICE_REASON_MAX, INVOICE_STATUSES, INVOICE_TAX_NUMBER_MAX, INVOICE_TITLE_MAX } from '../invoices';
import { CARD_KINDS, CARD_STATUSES, ENTRY_KINDS, MAX_CARD_AMOUNT } from '../stored-value/rules';

/** Ids are UUIDs made on the terminal (any version: older records may carry v4). */
export const idShape = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'an id');
const optId = idShape.nullable();
/** Epoch milliseconds, not after 2200 (clock stamps, not these, decide merges). */
const time = z
  .number()
  .int()
  .min(0)
  .max(Date.UTC(2200, 0, 1));
/** Prices and costs as the catalog takes them (minor units). */
const price = z.number().int().min(0).max(1_000_000_000);
/** Money on documents (totals, tenders, deltas): integers well inside 2^53, either sign. */
export const MAX_DOCUMENT_AMOUNT = 1_000_000_000_000;
const amount = z.number().int().min(-MAX_DOCUMENT_AMOUNT).max(MAX_DOCUMENT_AMOUNT);
const nonNegative = z.number().int().min(0).max(MAX_DOCUMENT_AMOUNT);
/** A change to a customer's balance: never more than one sale can move (a refund to credit, an adjustment). */
const balanceDelta = z.number().int().min(-MAX_CART_AMOUNT).max(MAX_CART_AMOUNT);
/** Quantities in thousandths, either sign (a ledger delta, a refund). */
const qty = z.number().int().min(-1_000_000_000_000).max(1_000_000_000_000);
const bp = z.number().int().min(0).max(10_000);
const text = (max: number) => z.string().max(max);
// Wider than the forms (120): imports and older versions wrote longer names.
const name = z.string().min(1).max(500);
const optText = (max: number) => text(max).nullable();
const currency = z.string().regex(/^[A-Z]{3}$/);
const terminalCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/);
const docNumber = z.string().regex(/^[A-Za-z0-9-]{1,40}$/);
const unit = z.enum(UNITS);
const tenderKind = z.enum(['cash', 'card_external', 'card_integrated', 'store_credit', 'exchange', 'alipay', 'wechat_pay', 'stored_value']);
const last4 = z
  .string()
  .regex(/^\d{4}$/)
  .nullable();

/** Plain JSON data only: no undefined, no non-finite numbers, nothing deeper than `depth`. */
function isJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (depth <= 0 || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth - 1));
  return Object.values(v).every((x) => isJson(x, depth - 1));
}

/** A JSON value of bounded size and depth (a Z report, a tax breakdown, a setting). */
const boundedJson = (maxChars: number) =>
  z.unknown().refine((v) => v !== undefined && isJson(v, 8) && JSON.stringify(v).length <= maxChars, 'not JSON of a bounded size');

/**
 * A product picture's file name exactly as src/main/catalog/images.ts makes it:
 * `<product id>-<12 hex>.<jpg|png|webp>`. It becomes a path on every till, so nothing else passes
 * (no separator, no `..`, nothing but these characters).
 */
export const PICTURE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{12}\.(jpg|png|webp)$/;
export const pictureName = z.string().regex(PICTURE_NAME, 'a picture name');

/** A setting's key (the record's key). */
export const settingKeyShape = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a setting key');

export const settingShape = z.object({ value: boundedJson(20_000) });

/**
 * The value of each store setting a till reads by name (src/main/settings): exact where the till
 * acts on it. A key not listed keeps the bounded-JSON rule above.
 */
export const SETTING_VALUES: Readonly<Record<string, z.ZodType>> = {
  /** Where buyers reach the cloud's shops (printed in each receipt's link); absent: the address the till syncs with. */
  shopAddress: z.string().max(300).regex(PUBLIC_ADDRESS),
  storeName: z.string().min(1).max(120),
  currency,
  priceMode: z.enum(['inclusive', 'exclusive']),
  timezone: z.string().regex(/^[A-Za-z0-9_+\-/]{1,64}$/),
  language: z.enum(['en', 'zh-CN']),
  discountLimitBp: bp,
  idleLockMinutes: z.number().int().min(1).max(240),
  receiptFooter: z.string().max(200),
  negativeStock: z.enum(['allow', 'block']),
  businessDayCutoff: z.number().int().min(0).max(23),
  couponOfflineCap: z.number().int().min(0).max(10_000),
  storedValue: storedValueSettingsSchema,
  /** Thousandths of each online product kept back from the web (a listing may set its own). */
  onlineSafetyBuffer: z.number().int().min(0).max(MAX_QTY),
  onlineShipping: onlineShippingSchema,
  /** Days after delivery when an online order the buyer did not confirm completes by itself. */
  onlineAutoCompleteDays: z.number().int().min(1).max(90),
  /** Days after delivery or pick-up in which a buyer may ask to return what they bought online. */
  onlineReturnDays: z.number().int().min(0).max(365),
};

export const taxRateShape = z.object({ name, rate_bp: bp, is_default: z.boolean(), archived: z.boolean() });

export const staffShape = z.object({
  name,
  role: z.enum(['clerk', 'manager', 'admin']),
  // scrypt hashes as src/main/staff/pin.ts writes them; their parameters are checked where a PIN is verified.
  pin_hash: z
    .string()
    .max(300)
    .regex(/^scrypt\$\d{1,10}\$\d{1,4}\$\d{1,4}\$[A-Za-z0-9+/=]{1,100}\$[A-Za-z0-9+/=]{1,200}$/),
  active: z.boolean(),
  created_at: time,
});

export const categoryShape = z.object({ name, alt_name: optText(200), archived: z.boolean() });

export const productShape = z.object({
  // A SKU is a unique field the cloud looks up: NUL and control characters never reach that query.
  sku: z.string().min(1).max(64).refine(isSafeLine, 'not a plain line of text'),
  name,
  alt_name: optText(200),
  category_id: optId,
  unit,
  price,
  cost: price,
  tax_rate_id: idShape,
  plu: z
    .string()
    .regex(/^\d{1,6}$/)
    .nullable(),
  archived: z.boolean(),
  group_id: optId,
  variant: z.record(z.string().max(60), z.string().max(60)).nullable(),
  image: pictureName.nullable(),
  supplier_id: optId,
  created_at: time,
  updated_at: time,
});
export const barcodeShape = z.string().regex(/^[0-9A-Za-z-]{1,64}$/);

export const stockLocationShape = z.object({ name, is_default: z.boolean(), archived: z.boolean() });

export const stockMovementShape = z.object({
  id: idShape,
  product_id: idShape,
  location_id: idShape,
  qty_delta: qty,
  kind: z.enum(['sale', 'return', 'receipt', 'adjustment', 'count', 'transfer', 'writeoff', 'opening']),
  ref_id: optId,
  staff_id: optId,
  at: time,
  reason: optText(500),
  unit_cost: price.nullable(),
});

/** An imported sale keeps the number and the id it had in the system it came from (see src/main/history). */
const importedNumber = z.string().min(1).max(80).refine(isSafeLine, 'not a plain line of text');
const importedCheckout = z
  .string()
  .regex(/^import:[a-z]{1,20}:/)
  .max(300)
  .refine(isSafeLine, 'not a plain line of text');

export const orderShape = z.object({
  id: idShape,
  number: z.union([docNumber, importedNumber]),
  checkout_id: z.union([idShape, importedCheckout]),
  cart_id: idShape,
  terminal_code: terminalCode,
  staff_id: idShape,
  customer_id: optId,
  fulfilment: z.enum(['now', 'ship', 'pickup']),
  currency,
  price_mode: z.enum(['inclusive', 'exclusive']),
  subtotal: amount,
  discount_total: amount,
  tax_total: amount,
  total: amount,
  paid: amount,
  change: nonNegative,
  taxes: boundedJson(20_000),
  created_at: time,
  shift_id: optId,
  /** The system an imported sale came from; null for a sale rung up on a till. */
  source: z.enum(['countertop', 'square', 'shopify', 'loyverse', 'online']).nullable(),
  /** The printed receipt's link to its page online (shared/receipt-link.ts); null for sales made before it, imports and web orders. */
  receipt_key: z.string().regex(RECEIPT_KEY).nullable().optional(),
});

export const orderLineShape = z.object({
  id: idShape,
  order_id: idShape,
  position: z.number().int().min(0).max(100_000),
  product_id: idShape,
  sku: z.string().min(1).max(64),
  name,
  alt_name: optText(200),
  unit,
  qty,
  unit_price: amount,
  original_price: amount,
  gross: amount,
  discount: amount,
  net: amount,
  tax: amount,
  tax_rate_bp: bp,
  total: amount,
  cost: amount,
});

/** A sold line's share of a promotion or coupon, named as the receipt showed it. */
export const orderLinePromotionShape = z.object({
  id: idShape,
  order_id: idShape,
  order_line_id: idShape,
  promotion_id: idShape,
  name,
  name_zh: optText(500),
  amount: z.number().int().min(0).max(MAX_DOCUMENT_AMOUNT),
});

/** The price list that priced a sold line, named as the receipt showed it, and the shelf price it replaced. */
export const orderLinePriceListShape = z.object({
  order_line_id: idShape,
  order_id: idShape,
  price_list_id: idShape,
  name,
  name_zh: optText(500),
  shelf_price: z.number().int().min(0).max(MAX_DOCUMENT_AMOUNT),
});

export const paymentShape = z.object({
  id: idShape,
  order_id: idShape,
  kind: tenderKind,
  amount,
  tendered: amount.nullable(),
  brand: optText(40),
  last4,
  reference: optText(200),
  created_at: time,
  /** The buyer's account as a provider showed it, masked (138****1234); absent from older tills. */
  account: optText(40),
});

export const customerShape = z.object({
  name,
  phone: optText(40),
  phone_digits: z
    .string()
    .regex(/^\d{0,40}$/)
    .nullable(),
  email: optText(254),
  notes: text(2000),
  marketing_consent: z.boolean(),
  consent_at: time.nullable(),
  created_at: time,
  updated_at: time,
});

export const storeCreditShape = z.object({
  id: idShape,
  customer_id: idShape,
  delta: balanceDelta,
  kind: z.enum(['refund', 'sale', 'adjust', 'loyalty']),
  ref_id: optId,
  staff_id: optId,
  note: optText(500),
  at: time,
});

export const loyaltyPointsShape = z.object({
  id: idShape,
  customer_id: idShape,
  delta: balanceDelta,
  kind: z.enum(['earn', 'refund', 'redeem', 'adjust']),
  ref_id: optId,
  staff_id: optId,
  at: time,
});

export const refundShape = z.object({
  id: idShape,
  number: docNumber,
  order_id: optId,
  customer_id: optId,
  kind: z.enum(['return', 'receiptless', 'void', 'exchange']),
  reason: optText(500),
  terminal_code: terminalCode,
  staff_id: idShape,
  approved_by: optId,
  currency,
  total: amount,
  tax_total: amount,
  exchange_order_id: optId,
  created_at: time,
});

export const refundLineShape = z.object({
  id: idShape,
  refund_id: idShape,
  order_line_id: optId,
  product_id: idShape,
  name,
  qty,
  amount,
  tax: amount,
  disposition: z.enum(['restock', 'writeoff']),
});

export const refundTenderShape = z.object({
  id: idShape,
  refund_id: idShape,
  payment_id: optId,
  method: tenderKind,
  amount,
  brand: optText(40),
  last4,
});

export const feedbackShape = z.object({
  id: idShape,
  order_id: idShape,
  order_line_id: idShape,
  product_id: idShape,
  customer_id: optId,
  rating: z.number().int().min(1).max(5),
  comment: text(1000),
  staff_id: optId,
  created_at: time,
});

/** Denomination (minor units, as text) → pieces. */
const counts = z.record(z.string().regex(/^\d{1,12}$/), z.number().int().min(0).max(1_000_000));

export const shiftShape = z.object({
  id: idShape,
  number: docNumber,
  terminal_code: terminalCode,
  currency,
  opened_by: idShape,
  opened_at: time,
  opening_float: nonNegative,
  opening_counts: counts,
});

export const cashMovementShape = z.object({
  id: idShape,
  shift_id: idShape,
  kind: z.enum(['in', 'out', 'no_sale']),
  amount: nonNegative,
  reason: text(500),
  staff_id: idShape,
  at: time,
});

export const shiftCloseShape = z.object({
  shift_id: idShape,
  closed_by: idShape,
  closed_at: time,
  counted_cash: nonNegative,
  counted_counts: counts,
  expected_cash: amount,
  over_short: amount,
  report: boundedJson(200_000),
});

export const supplierShape = z.object({
  name,
  contact: optText(200),
  email: optText(254),
  phone: optText(40),
  notes: optText(2000),
  archived: z.boolean(),
  created_at: time,
  updated_at: time,
});

export const productGroupShape = z.object({
  name,
  alt_name: optText(200),
  category_id: optId,
  attributes: z.array(z.string().min(1).max(60)).max(10),
  archived: z.boolean(),
  created_at: time,
  updated_at: time,
});

// Coupons: campaigns merge per field; codes and redemptions are facts.
/** A canonical coupon code (the record key of a code). */
export const couponCodeKeyShape = z
  .string()
  .regex(new RegExp(`^[${CODE_ALPHABET}]{${SHARED_CODE_SYMBOLS + 1}}$|^[${CODE_ALPHABET}]{${BATCH_CODE_SYMBOLS + 1}}$`), 'a coupon code');

export const couponCampaignShape = z.object({
  name,
  name_zh: optText(500),
  reward: couponRewardSchema,
  conditions: couponConditionsSchema,
  mode: z.enum(['shared', 'batch']),
  max_uses: z.number().int().min(1).max(MAX_SHARED_USES).nullable(),
  code_count: z.number().int().min(1).max(MAX_BATCH_CODES),
  active: z.boolean(),
  created_at: time,
  updated_at: time,
});

// Promotions, customer groups and price lists: org-wide, edited by managers at any till.

/** The definition travels as the engine reads it: a pulled one the engine would misread is refused. */
export const promotionShape = z.object({
  definition: promotionSchema,
  active: z.boolean(),
  created_at: time,
  updated_at: time,
});

export const couponCodeShape = z.object({
  code: couponCodeKeyShape,
  campaign_id: idShape,
  seq: z.number().int().min(1).max(MAX_BATCH_CODES),
  created_at: time,
});

export const couponRedemptionShape = z.object({
  id: idShape,
  campaign_id: idShape,
  code: couponCodeKeyShape,
  kind: z.enum(['redeem', 'release']),
  reverses_id: optId,
  order_id: idShape,
  customer_id: optId,
  terminal_code: terminalCode,
  staff_id: optId,
  amount: balanceDelta,
  offline: z.boolean(),
  created_at: time,
});
// Gift cards and stored-value cards (src/main/stored-value).
const cardNumberShape = z.string().regex(/^[1-9]\d{15}$/);
export const storedValueCardShape = z.object({
  number: cardNumberShape,
  kind: z.enum(CARD_KINDS),
  holder_name: z.string().min(1).max(60).refine(isSafeLine, 'not a plain line of text').nullable(),
  holder_mobile: z
    .string()
    .regex(/^\+?\d{6,15}$/)
    .nullable(),
  status: z.enum(CARD_STATUSES),
  replaced_by: optId,
  created_at: time,
  updated_at: time,
});
/** One entry moves a card by at most what a card operation may move (a batch of issues is an entry per card). */
const cardDelta = z
  .number()
  .int()
  .min(-MAX_CARD_AMOUNT * 2)
  .max(MAX_CARD_AMOUNT * 2);
export const storedValueEntryShape = z.object({
  id: idShape,
  card_id: idShape,
  delta: cardDelta,
  kind: z.enum(ENTRY_KINDS),
  op_id: idShape,
  ref_id: optId,
  terminal_code: terminalCode,
  staff_id: optId,
  offline: z.boolean(),
  at: time,
});
export const storedValueSaleShape = z.object({
  id: idShape,
  op_id: idShape,
  kind: z.enum(['issue', 'topup']),
  shift_id: optId,
  terminal_code: terminalCode,
  staff_id: idShape,
  amount: nonNegative,
  cash: nonNegative,
  card: nonNegative,
  at: time,
});

export const customerGroupShape = z.object({
  name,
  name_zh: name.nullable(),
  created_at: time,
  updated_at: time,
});

/** Keyed by the customer: a customer is in one group at most. */
export const customerMembershipShape = z.object({
  group_id: optId,
  updated_at: time,
});

export const priceListShape = z.object({
  name,
  name_zh: name.nullable(),
  target_kind: z.enum(['members', 'group', 'store']),
  target_id: optId,
  active: z.boolean(),
  created_at: time,
  updated_at: time,
});

export const priceListEntryShape = z.object({
  price_list_id: idShape,
  product_id: idShape,
  min_qty: z.number().int().min(0).max(MAX_QTY),
  price,
  updated_at: time,
});

/** A product as the online shop offers it: one per product, the organisation's. */
export const onlineListingShape = z.object({
  sold_online: z.boolean(),
  description: text(4000),
  /** Units (thousandths) kept back from the web; null = the store's own setting. */
  safety_buffer: z.number().int().min(0).max(MAX_QTY).nullable(),
  updated_at: time,
});

/** Units an unpaid online order holds until it is paid or expires (the cloud writes these). */
export const stockReservationShape = z.object({
  product_id: idShape,
  /** The shop's order (the cloud's id, the sale's id once paid). */
  order_id: idShape,
  qty: z.number().int().min(0).max(MAX_QTY),
  state: z.enum(['held', 'released', 'consumed']),
  expires_at: time,
  created_at: time,
});

/** What a paid online order carries beyond its sale (the `order` record with the same id). */
export const onlineOrderShape = z.object({
  id: idShape,
  shop_number: docNumber,
  buyer_id: optId,
  contact_name: name,
  contact_phone: optText(40),
  contact_email: optText(254),
  fulfilment: z.enum(['ship', 'pickup']),
  address: boundedJson(4_000).nullable(),
  shipping_method: optText(60),
  shipping_amount: nonNegative,
  /** sha256 hex of the pick-up code the buyer shows at the counter. */
  pickup_code_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  buyer_note: text(500),
  created_at: time,
});

export const ONLINE_EVENT_KINDS = [
  'packed',
  'shipped',
  'picked_up',
  'delivered',
  'received',
  'cancelled',
  'return_requested',
  'return_approved',
  'refunded',
  'shortage',
  'tracking',
] as const;
/** Till-side steps a device may record; the rest are the cloud's (payment, buyer, carrier). */
export const TILL_ONLINE_EVENT_KINDS = ['packed', 'shipped', 'picked_up', 'delivered', 'return_approved', 'shortage', 'tracking'] as const;

/** Where a carrier says a parcel is (a `tracking` step's status, as the till's shipments name them). */
export const TRACKING_STATUSES = ['handed_over', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned'] as const;
/** A `received` step the cloud wrote because the buyer did not confirm within the store's days. */
export const AUTOMATIC_RECEIPT = 'automatic';

/** One step in an online order's life, as the buyer's timeline shows it. */
export const onlineOrderEventShape = z.object({
  id: idShape,
  order_id: idShape,
  kind: z.enum(ONLINE_EVENT_KINDS),
  carrier: optText(60),
  tracking: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,64}$/)
    .nullable(),
  note: text(500),
  /** null: written by the cloud. */
  terminal_code: terminalCode.nullable(),
  staff_id: optId,
  at: time,
  /** tracking: where the carrier says the parcel is; received: `automatic` when the store's days ran out. */
  status: z.enum([...TRACKING_STATUSES, AUTOMATIC_RECEIPT]).nullable(),
  /** tracking: the carrier's place of the scan. */
  location: optText(100),
  /** shipped: the carrier's estimated delivery day (the store's calendar), YYYY-MM-DD. */
  eta: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
});

/**
 * A buyer's rating and review of one line of an online order (the cloud writes it for the buyer;
 * a manager's till changes only whether it shows: REVIEW_DEVICE_FIELDS).
 */
export const productReviewShape = z.object({
  product_id: idShape,
  /** The store the line was bought in. */
  store_id: idShape,
  order_id: idShape,
  order_line_id: idShape,
  buyer_id: idShape,
  /** The name shown with the review (the buyer's first name, or a masked contact). */
  author: text(60),
  rating: z.number().int().min(1).max(5),
  comment: text(2000),
  created_at: time,
  edited_at: time,
  hidden: z.boolean(),
  hidden_reason: text(200),
  hidden_by: optId,
  hidden_at: time.nullable(),
});

/** The fields of a review a till may write: hiding it (or showing it again), never the buyer's words. */
export const REVIEW_DEVICE_FIELDS = ['hidden', 'hidden_reason', 'hidden_by', 'hidden_at'] as const;

/**
 * A buyer's request for an invoice (发票) for one sale: the cloud writes it for the buyer who holds
 * the receipt; a manager's till only decides it (INVOICE_DEVICE_FIELDS).
 */
const line = (max: number) => text(max).refine(isSafeLine, 'not a plain line of text');

export const invoiceRequestShape = z.object({
  order_id: idShape,
  /** The order's number as the receipt printed it. */
  order_number: z.string().min(1).max(80).refine(isSafeLine, 'not a plain line of text'),
  buyer_id: idShape,
  title: line(INVOICE_TITLE_MAX),
  tax_number: line(INVOICE_TAX_NUMBER_MAX),
  email: line(254),
  created_at: time,
  status: z.enum(INVOICE_STATUSES),
  invoice_number: line(INVOICE_NUMBER_MAX),
  refusal_reason: line(INVOICE_REASON_MAX),
  decided_by: optId,
  decided_at: time.nullable(),
});

/** The fields of an invoice request a till may write: the decision, never what the buyer asked. */
export const INVOICE_DEVICE_FIELDS = ['status', 'invoice_number', 'refusal_reason', 'decided_by', 'decided_at'] as const;

/**
 * A buyer's request to return what they received (the cloud writes it, with the amount it will
 * refund); the store's manager decides at a till (RETURN_DEVICE_FIELDS), and the cloud then
 * refunds through the provider and says how that went (`refund_state`).
 */
export const onlineReturnShape = z.object({
  order_id: idShape,
  buyer_id: optId,
  lines: z
    .array(z.object({ order_line_id: idShape, qty: z.number().int().min(1).max(MAX_QTY) }).strict())
    .min(1)
    .max(100),
  reason: text(500),
  amount: nonNegative,
  created_at: time,
  decision: z.enum(['pending', 'approved', 'refused']),
  decision_note: text(200),
  decided_by: optId,
  decided_at: time.nullable(),
  /** The till's refund document that took the goods back. */
  refund_id: optId,
  refund_state: z.enum(['none', 'requested', 'refunded', 'failed']),
  refund_message: text(300),
});

/** The fields of a return a till may write: the manager's decision, never the buyer's request or the money's state. */
export const RETURN_DEVICE_FIELDS = ['decision', 'decision_note', 'decided_by', 'decided_at', 'refund_id'] as const;

/**
 * A shop refund as the cloud's state machine has it (the cloud writes it; a till only reads it):
 * the manager sees at the till which refunds are still failing, why, and when the cloud asks the
 * provider again. The cloud retries a failed one by itself with the same request number.
 */
export const onlineRefundShape = z.object({
  order_id: idShape,
  cause: z.enum(['cancel', 'return']),
  /** The return it pays for (`online_return`); null for a cancellation. */
  return_id: optId,
  /** Our fixed request number at the provider. */
  request_no: z.string().regex(/^[A-Za-z0-9-]{1,60}$/),
  amount: nonNegative,
  currency,
  state: z.enum(['requested', 'refunded', 'failed']),
  /** The provider's last word when it was not a clear success. */
  message: text(300),
  /** Calls the cloud made to the provider. */
  attempts: z.number().int().min(0).max(1_000_000),
  /** When the cloud asks again (null: it will not by itself). */
  next_retry_at: time.nullable(),
  created_at: time,
  updated_at: time,
});

/**
 * A counter sale claimed online by a buyer from its receipt (the cloud writes it, once per sale:
 * its id is the order's): the till shows who keeps it, by a masked email or mobile number.
 */
export const receiptClaimShape = z.object({
  id: idShape,
  order_id: idShape,
  buyer_id: idShape,
  /** The buyer's email or mobile number, masked (`l***@example.com`, `138****5678`). */
  contact: line(80),
  claimed_at: time,
});
