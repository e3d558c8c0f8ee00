import type { Discount, PriceMode, PricedCart, TenderKind } from '../pricing';
import type { StaffRole } from './define';
import type { ScaleConfig } from '../scale-barcode';
import type { AppliedPromotion, LinePromotionShare } from '../promotions/engine';

export type Language = 'en' | 'zh-CN';
export type { Unit } from '../units';
import type { Unit } from '../units';

export interface AppStatus {
  setupDone: boolean;
  storeName: string | null;
  language: Language;
  currency: string;
  terminalCode: string;
  /** Present only when the database failed its start-up check and waits for a restore. */
  recovery?: import('./admin').RecoveryInfo;
}

export interface StaffSummary {
  id: string;
  name: string;
  role: StaffRole;
  active: boolean;
  lockedUntil: number | null;
}

export interface SessionInfo {
  staff: { id: string; name: string; role: StaffRole } | null;
  idleLockMs: number;
}

export interface PrinterSettings {
  host: string;
  port: number;
  width: 58 | 80;
}

export interface StoreSettings {
  storeName: string;
  currency: string;
  priceMode: PriceMode;
  timezone: string;
  language: Language;
  discountLimitBp: number;
  idleLockMinutes: number;
  receiptFooter: string;
  printer: PrinterSettings | null;
  scale: ScaleConfig;
  terminalCode: string;
  /** Stock may go below zero (the level is flagged) or a sale of missing stock is refused. */
  negativeStock: 'allow' | 'block';
  /** The shops' public address (`https://shop.example.com`) for receipts' links; null: the address the till syncs with. */
  shopAddress: string | null;
}

export interface TaxRate {
  id: string;
  name: string;
  rateBp: number;
  isDefault: boolean;
}

/** A tax rate as Settings manages it: archived ones too, and how many live items use it. */
export interface TaxRateInfo extends TaxRate {
  archived: boolean;
  products: number;
}

export interface Category {
  id: string;
  name: string;
  altName: string | null;
}

export interface ProductHit {
  id: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  price: number;
  barcode: string | null;
  stock: number;
  /** Customers' average rating × 100 (null: not rated yet) and how many ratings it is from. */
  ratingAvg100: number | null;
  ratingCount: number;
}

export interface Product extends ProductHit {
  categoryId: string | null;
  barcodes: string[];
  cost: number;
  taxRateId: string;
  taxRateBp: number;
  plu: string | null;
  archived: boolean;
  groupId: string | null;
  variant: Record<string, string> | null;
  /** Image file name (see catalog.image / catalog.thumbs), null when there is none. */
  image: string | null;
  supplierId: string | null;
}

export interface CartLine {
  id: string;
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  qty: number;
  unitPrice: number;
  originalPrice: number;
  taxRateBp: number;
  discount: Discount | null;
  fixedAmount: number | null;
  /** What promotions take off the line (after its own discount); absent when none applies. */
  promotionDiscount?: number;
  /** The same per promotion (names in the cart's `applied`). */
  promotions?: LinePromotionShare[];
  /** The price list that set `unitPrice` (会员价, 批发价); absent: the shelf price or a manager's override. */
  priceList?: LinePriceList;
}

export interface LinePriceList {
  id: string;
  name: string;
  nameZh: string | null;
}

export interface Cart {
  id: string | null;
  currency: string;
  priceMode: PriceMode;
  lines: CartLine[];
  cartDiscount: Discount | null;
  priced: PricedCart;
  /** The promotions that apply now, with their names and what each takes off in all ("第二件半价 −¥5.00"). */
  applied: AppliedPromotion[];
  updatedAt: number;
  /** The coupon on the sale (its discount is also in `applied` and on the lines, like a promotion's). */
  coupon?: CartCoupon | null;
}

/** A coupon code on the open sale: what it takes off now, or why it takes nothing. */
export interface CartCoupon {
  /** As printed: groups of four. */
  code: string;
  campaignId: string;
  name: string;
  nameZh: string | null;
  amount: number;
  /** Why it gives nothing now (the lines changed since it was applied); the sale cannot complete with it. */
  refusal: 'inactive' | 'notYetValid' | 'expired' | 'nothingEligible' | 'minSpend' | null;
  minSpend: number | null;
}

export interface CardIntent {
  id: string;
  cartId: string;
  amount: number;
  status: 'pending' | 'approved' | 'declined' | 'cancelled';
  brand: string | null;
  last4: string | null;
  message: string | null;
}

export interface OrderLine {
  id: string;
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  qty: number;
  unitPrice: number;
  discount: number;
  tax: number;
  taxRateBp: number;
  total: number;
  /** The promotions the line took (part of `discount`), named as at the sale; absent when none. */
  promotions?: OrderLinePromotion[];
  /** The price list that set `unitPrice` (会员价), named as at the sale; absent: the shelf price. */
  priceList?: OrderLinePriceList;
}

export interface OrderLinePriceList {
  id: string;
  name: string;
  nameZh: string | null;
  /** The shelf price the list replaced. */
  shelfPrice: number;
}

export interface OrderLinePromotion {
  promotionId: string;
  name: string;
  nameZh: string | null;
  amount: number;
}

/** What a stored payment was: the tender kinds, providers included (Stripe is `card_integrated` with a brand). */
export type PaymentKind = TenderKind;

export interface Payment {
  id: string;
  kind: PaymentKind;
  amount: number;
  tendered: number | null;
  brand: string | null;
  last4: string | null;
  /** The provider's trade number for a provider payment. */
  reference: string | null;
  /** The buyer's account as the provider masked it (138****1234); absent on payments made before providers. */
  account?: string | null;
}

export interface Order {
  id: string;
  number: string;
  checkoutId: string;
  createdAt: number;
  staffName: string;
  terminalCode: string;
  currency: string;
  priceMode: PriceMode;
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  paid: number;
  change: number;
  taxes: { rateBp: number; base: number; tax: number }[];
  lines: OrderLine[];
  payments: Payment[];
}

export interface OrderSummary {
  id: string;
  number: string;
  createdAt: number;
  total: number;
  currency: string;
  staffName: string;
  lineCount: number;
}

export interface ReceiptDoc {
  storeName: string;
  footer: string;
  language: Language;
  timezone: string;
  order: Order;
  /** "This receipt online" (its QR code and printed link), when the store syncs with a cloud and the sale has a key. */
  onlineUrl?: string | null;
}

/** A customer as lists and the cart show them (customers, sales and orders slices share it). */
export interface CustomerSummary {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  marketingConsent: boolean;
  creditBalance: number;
  points: number;
  /** The customer group (会员, 批发) the customer is in; null: none. Set by a manager (customers.setGroup). */
  groupId: string | null;
}

/** How a sale reaches its customer: taken now, or shipped later. */
export type Fulfilment = 'now' | 'ship' | 'pickup';

/** One order in the orders list and a customer's history. */
export interface OrderRow {
  id: string;
  number: string;
  createdAt: number;
  total: number;
  refunded: number;
  currency: string;
  staffName: string;
  customerName: string | null;
  lineCount: number;
  fulfilment: Fulfilment;
  /** Where the sale was made (the orders list says it; a customer's history need not). */
  channel?: SalesChannel;
}

/** Orders rung up at a till, or paid in the online shop. */
export type SalesChannel = 'counter' | 'online';
