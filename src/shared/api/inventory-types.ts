import type { Unit } from './types';

/** Types of the store manager's channels (catalog management, stock, purchasing, counts, labels). */

export type MovementKind = 'sale' | 'return' | 'receipt' | 'adjustment' | 'count' | 'transfer' | 'writeoff' | 'opening';
export type NegativeStockPolicy = 'allow' | 'block';
export const ADJUST_REASONS = ['damaged', 'expired', 'theft', 'found', 'correction', 'supplier_return', 'other'] as const;

export interface CategoryInfo {
  id: string;
  name: string;
  altName: string | null;
  archived: boolean;
  products: number;
}

export interface ProductGroup {
  id: string;
  name: string;
  altName: string | null;
  categoryId: string | null;
  attributes: string[];
  archived: boolean;
  variants: {
    id: string;
    sku: string;
    name: string;
    price: number;
    barcodes: string[];
    variant: Record<string, string>;
    archived: boolean;
  }[];
}

export interface PriceChange {
  at: number;
  staffName: string | null;
  field: 'price' | 'cost';
  from: number;
  to: number;
  reason: string | null;
}

export interface Location {
  id: string;
  name: string;
  isDefault: boolean;
  archived: boolean;
}

export interface StockRow {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  categoryId: string | null;
  price: number;
  cost: number;
  image: string | null;
  archived: boolean;
  /** At the listed location. */
  qty: number;
  /** Over every location. */
  total: number;
  reorderPoint: number | null;
  reorderQty: number | null;
}

export interface StockLevel {
  locationId: string;
  locationName: string;
  qty: number;
  reorderPoint: number | null;
  reorderQty: number | null;
}

export interface MovementRow {
  id: string;
  at: number;
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  locationId: string;
  locationName: string;
  kind: MovementKind;
  qtyDelta: number;
  reason: string | null;
  refId: string | null;
  staffName: string | null;
  unitCost: number | null;
}

export interface StockItem {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  cost: number;
  levels: StockLevel[];
  total: number;
}

export interface FlaggedRow {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  locationId: string;
  locationName: string;
  qty: number;
  lastMovementAt: number | null;
}

export interface LowStockRow {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  locationId: string;
  locationName: string;
  qty: number;
  reorderPoint: number;
  reorderQty: number;
  /** Open purchase orders not yet received, for this item and location. */
  onOrder: number;
  /** Sold per day over the velocity window (thousandths per day). */
  dailySales: number;
  suggestedQty: number;
  supplierId: string | null;
  supplierName: string | null;
  cost: number;
}

export interface ValuationRow {
  categoryId: string | null;
  categoryName: string | null;
  categoryAltName: string | null;
  items: number;
  /** Pieces on hand, thousandths (products sold by the each). */
  qty: number;
  /** Weight on hand in grams, whatever unit each product is sold by. */
  weighed: number;
  /** Σ quantity × average cost, minor units (negative levels count as zero). */
  value: number;
}

export interface Supplier {
  id: string;
  name: string;
  contact: string | null;
  email: string | null;
  phone: string | null;
  notes: string | null;
  archived: boolean;
}

export type PoStatus = 'draft' | 'sent' | 'partial' | 'received' | 'closed' | 'cancelled';

export interface PoSummary {
  id: string;
  number: string;
  supplierId: string;
  supplierName: string;
  locationId: string;
  locationName: string;
  status: PoStatus;
  createdAt: number;
  sentAt: number | null;
  lines: number;
  qtyOrdered: number;
  qtyReceived: number;
  total: number;
}

export interface PoLine {
  id: string;
  position: number;
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  barcode: string | null;
  qtyOrdered: number;
  qtyReceived: number;
  unitCost: number;
  /** Received beyond the order (over-delivery). */
  over: number;
  /** Recorded as never delivered when the order was closed. */
  short: number;
}

export interface PurchaseOrder extends PoSummary {
  note: string | null;
  closedAt: number | null;
  items: PoLine[];
}

export interface ReceiveResult {
  order: PurchaseOrder;
  lineId: string;
  received: number;
  over: number;
}

export interface CountSession {
  id: string;
  name: string;
  scope: 'full' | 'partial';
  locationId: string;
  locationName: string;
  categoryId: string | null;
  blind: boolean;
  status: 'open' | 'submitted' | 'approved' | 'cancelled';
  createdAt: number;
  approvedAt: number | null;
  counted: number;
}

export interface CountLine {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  counted: number;
  /** Null while a blind count is still open. */
  expected: number | null;
  countedAt: number;
}

export interface CountDetail extends CountSession {
  lines: CountLine[];
}

export interface VarianceRow {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: Unit;
  expected: number;
  counted: number | null;
  variance: number;
  cost: number;
  /** variance × average cost, minor units. */
  value: number;
}

export interface VarianceReport {
  session: CountSession;
  rows: VarianceRow[];
  /** In scope and never counted (their rows have counted = null). */
  uncounted: number;
  totalVariance: number;
  totalValue: number;
}

export interface ImportError {
  /** Line of the file, as a spreadsheet numbers it (the header is row 1). */
  row: number;
  column: string | null;
  /** In English, for logs and API callers. */
  reason: string;
  /** The reason as a message key under `inv.import.reasons` with its values, so the screen can say it in its language. */
  key?: string;
  params?: Record<string, string | number>;
}

export interface ImportPreview {
  importId: string;
  kind: 'products' | 'stock';
  rows: number;
  valid: number;
  creates: number;
  updates: number;
  columns: string[];
  sample: Record<string, string>[];
  errors: ImportError[];
  /** More errors than listed. */
  moreErrors: number;
}

export interface ImportResult {
  kind: 'products' | 'stock';
  imported: number;
  created: number;
  updated: number;
  skipped: number;
}
