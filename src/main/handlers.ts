import type { Ctx, Handlers } from './router';
import { staffOf } from './router';
import { appStatus, runSetup } from './setup/setup';
import { approvalFor, createStaff, listStaff, signIn, updateStaff } from './staff/staff';
import { readSettings, writeSettings } from './settings/settings';
import * as catalog from './catalog/products';
import { createTaxRate, listTaxRates, updateTaxRate } from './catalog/tax-rates';
import { clearProductImage, productImage, setProductImage, thumbnails } from './catalog/images';
import { inventoryHandlers } from './inventory/handlers';
import { stockChanged } from './inventory/ledger';
import { searchProducts } from './catalog/search';
import * as cart from './sales/cart';
import { completeSale, getOrder, recentOrders } from './sales/checkout';
import { cancelCardPayment, getIntent, startCardPayment } from './payments/intents';
import { receiptDoc } from './sales/receipt-doc';
import { encodeReceipt } from './receipts/escpos';
import { sendToPrinter } from './receipts/printer';
import { AppError } from './errors';
import { recordAudit } from './audit/audit';
import { inTransaction } from './db/open';
import { adminHandlers } from './backup/handlers';
import { aftersaleHandlers } from './aftersale/handlers';
import { shiftsHandlers } from './shifts/handlers';
import { insightHandlers } from './insight/handlers';
import { rebuildRollups } from './insight/rollups';
import { syncHandlers } from './sync/handlers';
import { historyHandlers } from './history/handlers';
import { paymentsHandlers } from './payments/handlers';
import { promotionsHandlers } from './promotions/handlers';
import { couponsHandlers } from './coupons/handlers';
import { storedValueHandlers } from './stored-value/handlers';
import { priceListsHandlers } from './price-lists/handlers';
import { syncRuntime } from './sync/runtime';
import { staffPublisher } from './sync/cloud';

/** Staff changes on a connected terminal go to the cloud under the acting admin's cloud session first. */
function publishStaffOf(ctx: Ctx) {
  const rt = syncRuntime(ctx.deps);
  return staffPublisher(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx));
}

/** The handler table: one entry per channel of the contract, checked by the compiler. */
export const handlers: Handlers = {
  'app.status': (_i, { deps }) => appStatus(deps),
  'setup.run': (input, { deps }) => runSetup(deps, input),
  'session.me': (_i, { deps, session }) => ({
    staff: session.staff,
    idleLockMs: readSettings(deps).idleLockMinutes * 60_000,
  }),
  'staff.list': (_i, { deps }) => listStaff(deps).filter((s) => s.active),
  'staff.signIn': async (input, { deps, session }) => {
    const staff = await signIn(deps, input.staffId, input.pin);
    session.staff = staff;
    session.lastActivity = deps.clock();
    return { staff, idleLockMs: readSettings(deps).idleLockMinutes * 60_000 };
  },
  'staff.signOut': (_i, { deps, session }) => {
    session.staff = null;
    return { staff: null, idleLockMs: readSettings(deps).idleLockMinutes * 60_000 };
  },
  'staff.create': (input, ctx) => createStaff(ctx.deps, input, staffOf(ctx).id, publishStaffOf(ctx)),
  'staff.update': (input, ctx) => updateStaff(ctx.deps, input, staffOf(ctx).id, publishStaffOf(ctx)),
  'settings.get': (_i, { deps }) => readSettings(deps),
  'settings.update': (input, ctx) => {
    const before = readSettings(ctx.deps);
    const after = writeSettings(ctx.deps, input);
    // Rollups are bucketed by business day in the store's time zone.
    if (after.timezone !== before.timezone) rebuildRollups(ctx.deps);
    recordAudit(ctx.deps, {
      staffId: staffOf(ctx).id,
      action: 'settings.update',
      details: Object.fromEntries(
        Object.keys(input).map((k) => [k, { from: before[k as keyof typeof before], to: after[k as keyof typeof after] }]),
      ),
      success: true,
    });
    return after;
  },
  'taxRates.manage': (_i, { deps }) => listTaxRates(deps),
  'taxRates.create': (input, ctx) => createTaxRate(ctx.deps, input, staffOf(ctx).id),
  'taxRates.update': (input, ctx) => updateTaxRate(ctx.deps, input, staffOf(ctx).id),
  'taxRates.list': (_i, { deps }) =>
    (
      deps.sqlite
        .prepare('SELECT id, name, rate_bp AS rateBp, is_default AS isDefault FROM tax_rates WHERE archived = 0 ORDER BY rate_bp')
        .all() as {
        id: string;
        name: string;
        rateBp: number;
        isDefault: number;
      }[]
    ).map((r) => ({ ...r, isDefault: r.isDefault === 1 })),

  'catalog.search': (input, { deps }) => searchProducts(deps, input.q, input.limit ?? 20),
  'catalog.browse': (input, { deps }) => catalog.browseProducts(deps, input),
  'catalog.categories': (_i, { deps }) => catalog.listCategories(deps),
  'catalog.get': (input, { deps }) => catalog.getProduct(deps, input.id),
  'catalog.create': (input, ctx) => catalog.createProduct(ctx.deps, input, staffOf(ctx).id),
  'catalog.update': (input, ctx) => catalog.updateProduct(ctx.deps, input, staffOf(ctx).id),
  'catalog.archive': (input, ctx) => catalog.archiveProduct(ctx.deps, input.id, input.archived, staffOf(ctx).id),
  'catalog.priceHistory': (input, { deps }) => catalog.priceHistory(deps, input.id),
  'catalog.categoryList': (_i, { deps }) => catalog.categoryInfo(deps),
  'catalog.categoryCreate': (input, { deps }) => catalog.createCategory(deps, input),
  'catalog.categoryUpdate': (input, ctx) => catalog.updateCategory(ctx.deps, input, staffOf(ctx).id),
  'catalog.groupCreate': (input, ctx) => catalog.createGroup(ctx.deps, input, staffOf(ctx).id),
  'catalog.groupGet': (input, { deps }) => catalog.getGroup(deps, input.id),
  'catalog.variantAdd': (input, ctx) => catalog.addVariant(ctx.deps, input, staffOf(ctx).id),
  'catalog.setImage': (input, { deps }) => setProductImage(deps, input.id, input.image, input.thumb),
  'catalog.clearImage': (input, { deps }) => clearProductImage(deps, input.id),
  'catalog.thumbs': (input, { deps }) => thumbnails(deps, input.images),
  'catalog.image': (input, { deps }) => productImage(deps, input.id),

  'cart.get': (_i, { deps }) => cart.loadCart(deps),
  'cart.scan': (input, ctx) => cart.scan(ctx.deps, staffOf(ctx), input.code),
  'cart.addProduct': (input, ctx) => cart.addProduct(ctx.deps, staffOf(ctx), input.productId, input.qty),
  // A manager's approval PIN is hashed before the write transaction opens (writes: 'own').
  'cart.setQty': async (input, ctx) => {
    const a = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'discount.recheck');
    return inTransaction(ctx.deps.sqlite, () => cart.setQty(ctx.deps, staffOf(ctx), input.lineId, input.qty, a));
  },
  'cart.removeLine': async (input, ctx) => {
    const a = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'discount.recheck');
    return inTransaction(ctx.deps.sqlite, () => cart.removeLine(ctx.deps, staffOf(ctx), input.lineId, a));
  },
  'cart.setLineDiscount': async (input, ctx) => {
    const a = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'discount.line');
    return inTransaction(ctx.deps.sqlite, () => cart.setLineDiscount(ctx.deps, staffOf(ctx), input.lineId, input.discount, a));
  },
  'cart.setCartDiscount': async (input, ctx) => {
    const a = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'discount.cart');
    return inTransaction(ctx.deps.sqlite, () => cart.setCartDiscount(ctx.deps, staffOf(ctx), input.discount, a));
  },
  'cart.overridePrice': async (input, ctx) => {
    const a = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'price.override');
    return inTransaction(ctx.deps.sqlite, () => cart.overridePrice(ctx.deps, staffOf(ctx), input.lineId, input.unitPrice, a));
  },
  'cart.clear': (_i, ctx) => cart.clearCart(ctx.deps, staffOf(ctx)),

  'payments.startCard': (input, { deps }) => startCardPayment(deps, input.cartId, input.amount),
  'payments.intent': (input, { deps }) => getIntent(deps, input.id),
  'payments.cancelCard': (input, ctx) => cancelCardPayment(ctx.deps, staffOf(ctx), input.id),

  'sales.complete': (input, ctx) => {
    const order = completeSale(ctx.deps, staffOf(ctx), input);
    stockChanged(ctx.deps);
    return order;
  },
  'sales.get': (input, { deps }) => getOrder(deps, input.id),
  'sales.recent': (input, { deps }) => recentOrders(deps, input.limit),

  'receipts.get': (input, { deps }) => receiptDoc(deps, input.orderId),
  'receipts.escpos': (input, { deps }) => ({
    base64: Buffer.from(encodeReceipt(receiptDoc(deps, input.orderId), { width: input.width, kickDrawer: false })).toString('base64'),
  }),
  'receipts.print': async (input, ctx) => {
    const { deps } = ctx;
    const printer = readSettings(deps).printer;
    if (!printer) throw new AppError('VALIDATION', 'No receipt printer is set up', { field: 'printer' });
    const bytes = encodeReceipt(receiptDoc(deps, input.orderId), { width: printer.width, kickDrawer: input.kickDrawer });
    try {
      await sendToPrinter({ host: printer.host, port: printer.port, bytes, timeoutMs: 4000 });
    } catch (err) {
      throw new AppError('IO', `Printer ${printer.host}:${printer.port} did not take the receipt`, {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    if (input.kickDrawer)
      inTransaction(deps.sqlite, () =>
        recordAudit(deps, { staffId: staffOf(ctx).id, action: 'drawer.open', target: input.orderId, success: true }),
      );
    return { bytes: bytes.length };
  },

  ...adminHandlers,
  ...aftersaleHandlers,
  ...shiftsHandlers,
  ...insightHandlers,
  ...syncHandlers,
  ...inventoryHandlers,
  ...historyHandlers,
  ...paymentsHandlers,
  ...promotionsHandlers,
  ...couponsHandlers,
  ...storedValueHandlers,
  ...priceListsHandlers,
};
