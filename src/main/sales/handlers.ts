import type { cartContract, saleExtrasContract, salesContract } from '../../shared/api/sales';
import type { ordersContract } from '../../shared/api/orders';
import type { parkedContract } from '../../shared/api/parked';
import { staffOf, type HandlersFor } from '../router';
import { inTransaction } from '../db/open';
import { approvalFor } from '../staff/staff';
import { stockChanged } from '../inventory/ledger';
import * as cart from './cart';
import { completeSale, getOrder, recentOrders } from './checkout';
import { searchOrders, lookupOrder, orderDetail } from './orders';
import { discardParked, listParked, parkCurrent, resumeParked } from './parked';
import { cartExtras, setCartCustomer, setCartFulfilment } from './sale-extras';

/** The open sale at the counter. */
export const cartHandlers: HandlersFor<typeof cartContract> = {
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
};

/** The open sale's customer and fulfilment. */
export const saleExtrasHandlers: HandlersFor<typeof saleExtrasContract> = {
  'cart.extras': (_i, { deps }) => cartExtras(deps),
  'cart.setCustomer': (input, ctx) => setCartCustomer(ctx.deps, staffOf(ctx), input.customerId),
  'cart.setFulfilment': (input, ctx) => setCartFulfilment(ctx.deps, staffOf(ctx), input.fulfilment),
};

/** Completing a sale, and the sales just made. */
export const salesHandlers: HandlersFor<typeof salesContract> = {
  'sales.complete': (input, ctx) => {
    const order = completeSale(ctx.deps, staffOf(ctx), input);
    stockChanged(ctx.deps);
    return order;
  },
  'sales.get': (input, { deps }) => getOrder(deps, input.id),
  'sales.recent': (input, { deps }) => recentOrders(deps, input.limit),
};

/** Completed sales as the orders screen finds them. */
export const ordersHandlers: HandlersFor<typeof ordersContract> = {
  'orders.search': (input, { deps }) => searchOrders(deps, input),
  'orders.detail': (input, { deps }) => orderDetail(deps, input.id),
  'orders.lookup': (input, { deps }) => lookupOrder(deps, input.number),
};

/** Sales put aside at the counter. */
export const parkedHandlers: HandlersFor<typeof parkedContract> = {
  'parked.park': (input, ctx) => parkCurrent(ctx.deps, staffOf(ctx), input.note ?? null),
  'parked.list': (_i, { deps }) => listParked(deps),
  'parked.resume': (input, ctx) => resumeParked(ctx.deps, staffOf(ctx), input.cartId),
  'parked.discard': (input, ctx) => discardParked(ctx.deps, staffOf(ctx), input.cartId),
};
