import type { aftersaleContract } from '../../shared/api/aftersale';
import { staffOf, type HandlersFor } from '../router';
import { inTransaction } from '../db/open';
import { approvalFor } from '../staff/staff';
import { recordAudit } from '../audit/audit';
import { searchOrders, lookupOrder, orderDetail } from './orders';
import { completeExchange, createRefund, getRefund, receiptlessRefund, voidSale } from './refunds';
import { discardParked, listParked, parkCurrent, resumeParked } from './parked';
import { cartExtras, setCartCustomer, setCartFulfilment } from './sale-extras';
import {
  adjustCredit,
  createCustomer,
  customerDetail,
  loyaltyRules,
  redeemPoints,
  searchCustomers,
  setLoyaltyRules,
  updateCustomer,
} from './customers';
import { addFeedback, productFeedback, ratedProducts } from './feedback';
import { carrierInfo } from '../shipping/carriers';
import {
  cancelShipment,
  createShipment,
  getShipment,
  listShipments,
  packingSlip,
  refreshShipment,
  setShipmentStatus,
  shipmentLabel,
  shipQueue,
} from '../shipping/shipments';

/** After-sale channels: orders, returns, parked sales, customers, feedback, shipping. */
export const aftersaleHandlers: HandlersFor<typeof aftersaleContract> = {
  'orders.search': (input, { deps }) => searchOrders(deps, input),
  'orders.detail': (input, { deps }) => orderDetail(deps, input.id),
  'orders.lookup': (input, { deps }) => lookupOrder(deps, input.number),

  'refunds.create': (input, ctx) => createRefund(ctx.deps, staffOf(ctx), input),
  // A manager's approval PIN is hashed before the write transaction opens (writes: 'own').
  'refunds.receiptless': async (input, ctx) => {
    const approval = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'refund.receiptless');
    return inTransaction(ctx.deps.sqlite, () => receiptlessRefund(ctx.deps, staffOf(ctx), { ...input, approval }));
  },
  'refunds.voidSale': async (input, ctx) => {
    const approval = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'sale.undo');
    return inTransaction(ctx.deps.sqlite, () => voidSale(ctx.deps, staffOf(ctx), { ...input, approval }));
  },
  'refunds.get': (input, { deps }) => getRefund(deps, input.id),
  'exchanges.complete': (input, ctx) => completeExchange(ctx.deps, staffOf(ctx), input),

  'parked.park': (input, ctx) => parkCurrent(ctx.deps, staffOf(ctx), input.note ?? null),
  'parked.list': (_i, { deps }) => listParked(deps),
  'parked.resume': (input, ctx) => resumeParked(ctx.deps, staffOf(ctx), input.cartId),
  'parked.discard': (input, ctx) => discardParked(ctx.deps, staffOf(ctx), input.cartId),

  'cart.extras': (_i, { deps }) => cartExtras(deps),
  'cart.setCustomer': (input, ctx) => setCartCustomer(ctx.deps, staffOf(ctx), input.customerId),
  'cart.setFulfilment': (input, ctx) => setCartFulfilment(ctx.deps, staffOf(ctx), input.fulfilment),

  'customers.search': (input, { deps }) => searchCustomers(deps, input.q, input.offset, input.limit),
  'customers.get': (input, { deps }) => customerDetail(deps, input.id),
  'customers.create': (input, ctx) => createCustomer(ctx.deps, input, staffOf(ctx).id),
  'customers.update': (input, ctx) => updateCustomer(ctx.deps, input, staffOf(ctx).id),
  'customers.adjustCredit': (input, ctx) => adjustCredit(ctx.deps, input.customerId, input.delta, input.note, staffOf(ctx).id),
  'customers.redeemPoints': (input, ctx) => redeemPoints(ctx.deps, input.customerId, input.blocks, staffOf(ctx).id),
  'loyalty.rules': (_i, { deps }) => loyaltyRules(deps),
  'loyalty.setRules': (input, ctx) => setLoyaltyRules(ctx.deps, input, staffOf(ctx).id),

  'feedback.add': (input, ctx) => addFeedback(ctx.deps, input, staffOf(ctx).id),
  'feedback.forProduct': (input, { deps }) => productFeedback(deps, input.productId, input.offset, input.limit),
  'feedback.products': (input, { deps }) => ratedProducts(deps, input),

  'shipping.carriers': (_i, { deps }) => carrierInfo(deps),
  'shipping.setCarrierApi': (input, ctx) => {
    const { deps } = ctx;
    if (input.config === null) deps.sqlite.prepare("DELETE FROM settings WHERE key = 'carrierApi'").run();
    else
      deps.sqlite
        .prepare(
          "INSERT INTO settings (key, value, hlc) VALUES ('carrierApi', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, hlc = excluded.hlc",
        )
        .run(JSON.stringify(input.config), deps.hlc.now());
    // The API key stays on this terminal: neither the outbox nor the audit carries it.
    recordAudit(deps, {
      staffId: staffOf(ctx).id,
      action: 'carrier.config',
      details: input.config ? { name: input.config.name, baseUrl: input.config.baseUrl } : null,
      success: true,
    });
    return carrierInfo(deps);
  },
  'shipping.queue': (input, { deps }) => shipQueue(deps, input.limit),
  'shipping.list': (input, { deps }) => listShipments(deps, input),
  'shipping.get': (input, { deps }) => getShipment(deps, input.id),
  'shipping.create': (input, ctx) => createShipment(ctx.deps, staffOf(ctx), input),
  'shipping.label': (input, { deps }) => shipmentLabel(deps, input.id, input.format),
  'shipping.packingSlip': (input, { deps }) => packingSlip(deps, input.id),
  'shipping.setStatus': (input, ctx) => setShipmentStatus(ctx.deps, staffOf(ctx), input),
  'shipping.refresh': (input, { deps }) => refreshShipment(deps, input.id),
  'shipping.cancel': (input, ctx) => cancelShipment(ctx.deps, staffOf(ctx), input.id),
};
