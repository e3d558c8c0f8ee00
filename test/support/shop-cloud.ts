/**
 * A shop's organisation in a test cloud, fed through the real push path (applyPush) the way a
 * till feeds it: products, listings, tax rates, stock movements, sales and ratings.
 */
import { applyPush } from '../../src/cloud/push';
import { ensureShopProjections } from '../../src/cloud/shop/catalog/projection';
import type { CloudDeps } from '../../src/cloud/deps';
import { createOrg, type AuthDevice } from '../../src/cloud/tenancy';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import type { Mutation } from '../../src/shared/sync/protocol';

export interface ShopOrg {
  orgId: string;
  storeId: string;
  device: AuthDevice;
  taxRateId: string;
  /** Pushes records as the till would (mutable ones stamped now); throws on any rejection. */
  push(records: { e: string; i: string; d: Record<string, unknown>; ch?: Record<string, Record<string, unknown>[]> }[]): Promise<void>;
  product(fields: Partial<ProductFields> & { name: string }, listing?: Partial<ListingFields> | null): Promise<string>;
  listing(productId: string, fields: Partial<ListingFields>): Promise<void>;
  stock(productId: string, qtyDelta: number): Promise<void>;
  sale(lines: { productId: string; qty: number }[]): Promise<string>;
}

export interface ProductFields {
  sku: string;
  name: string;
  alt_name: string | null;
  category_id: string | null;
  unit: string;
  price: number;
  archived: boolean;
  created_at: number;
}
export interface ListingFields {
  sold_online: boolean;
  description: string;
  safety_buffer: number | null;
}

let counter = 0;

/**
 * `opened` (the default): the shop has had its first visit, so its catalog is kept as records
 * arrive; without it, the organisation sells only at the counter until a buyer comes.
 */
export async function shopOrg(deps: CloudDeps, name = 'Shop', opts: { opened?: boolean } = {}): Promise<ShopOrg> {
  const org = await createOrg(deps, { orgName: `Org ${uuidv7()}`, storeName: name, terminalName: 'Till', terminalCode: 'T1' });
  if (opts.opened ?? true) await ensureShopProjections(deps, org.org.id);
  const device: AuthDevice = { id: org.device.id, orgId: org.org.id, storeId: org.store.id, terminalCode: 'T1', name: 'Till' };
  let m = 0;
  const push: ShopOrg['push'] = async (records) => {
    const now = deps.clock();
    const mutations: Mutation[] = records.map((r) => {
      const mut: Mutation = { m: ++m, e: r.e, i: r.i, d: r.d };
      if (r.ch) mut.ch = r.ch;
      const fact = ['order', 'stock_movement', 'feedback', 'online_order_event'].includes(r.e);
      if (!fact) mut.c = formatHlc(now, ++counter % 10_000, 'T1');
      return mut;
    });
    for (let k = 0; k < mutations.length; k += 1000) {
      const res = await applyPush(deps, device, { mutations: mutations.slice(k, k + 1000) });
      if (res.rejected.length > 0) throw new Error(`push rejected: ${JSON.stringify(res.rejected.slice(0, 3))}`);
    }
  };
  const taxRateId = uuidv7();
  await push([{ e: 'tax_rate', i: taxRateId, d: { name: 'VAT', rate_bp: 1300, is_default: true, archived: false } }]);
  const shop: ShopOrg = {
    orgId: org.org.id,
    storeId: org.store.id,
    device,
    taxRateId,
    push,
    async product(fields, listing = { sold_online: true }) {
      const id = uuidv7();
      const recs = [
        {
          e: 'product',
          i: id,
          d: {
            sku: `SKU-${id.slice(-12)}`,
            alt_name: null,
            category_id: null,
            unit: 'each',
            price: 1000,
            cost: 500,
            tax_rate_id: taxRateId,
            plu: null,
            archived: false,
            group_id: null,
            variant: null,
            image: null,
            supplier_id: null,
            created_at: deps.clock(),
            updated_at: deps.clock(),
            barcodes: [],
            ...fields,
          },
        },
      ];
      if (listing)
        recs.push({
          e: 'online_listing',
          i: id,
          d: { sold_online: false, description: '', safety_buffer: null, updated_at: deps.clock(), ...listing } as never,
        });
      await push(recs);
      return id;
    },
    async listing(productId, fields) {
      await push([{ e: 'online_listing', i: productId, d: { updated_at: deps.clock(), ...fields } }]);
    },
    async stock(productId, qtyDelta) {
      const id = uuidv7();
      await push([
        {
          e: 'stock_movement',
          i: id,
          d: {
            id,
            product_id: productId,
            location_id: uuidv7(),
            qty_delta: qtyDelta,
            kind: 'receipt',
            ref_id: null,
            staff_id: null,
            at: deps.clock(),
            reason: null,
            unit_cost: null,
          },
        },
      ]);
    },
    async sale(lines) {
      const orderId = uuidv7();
      const staffId = uuidv7();
      await push([
        {
          e: 'order',
          i: orderId,
          d: {
            id: orderId,
            number: `T1-${++counter}`,
            checkout_id: uuidv7(),
            cart_id: uuidv7(),
            terminal_code: 'T1',
            staff_id: staffId,
            customer_id: null,
            fulfilment: 'now',
            currency: 'CNY',
            price_mode: 'inclusive',
            subtotal: 0,
            discount_total: 0,
            tax_total: 0,
            total: 0,
            paid: 0,
            change: 0,
            taxes: [],
            created_at: deps.clock(),
            shift_id: null,
            source: null,
          },
          ch: {
            order_lines: lines.map((l, k) => ({
              id: uuidv7(),
              order_id: orderId,
              position: k,
              product_id: l.productId,
              sku: 'X',
              name: 'X',
              alt_name: null,
              unit: 'each',
              qty: l.qty,
              unit_price: 0,
              original_price: 0,
              gross: 0,
              discount: 0,
              net: 0,
              tax: 0,
              tax_rate_bp: 0,
              total: 0,
              cost: 0,
            })),
          },
        },
      ]);
      return orderId;
    },
  };
  return shop;
}
