import type { onlineOrdersContract } from '../../shared/api/online-orders';
import { staffOf, type HandlersFor } from '../router';
import { stockChanged } from '../inventory/ledger';
import { onlineOrderInfo, pickupList } from './online-orders';
import { handOver, markPacked } from './pickup';
import { reservedUnits, shortageList } from './stock';
import { setShopSettings, shopSettings } from './shop-settings';
import { decideReturn, returnDays, returnRequests, setReturnDays } from './returns';
import { onlineRefunds, receiptClaim } from './refunds';

/** Online orders at the till: pick-up, packing, shortages, units held online. */
export const onlineOrdersHandlers: HandlersFor<typeof onlineOrdersContract> = {
  'onlineOrders.get': (input, { deps }) => onlineOrderInfo(deps, input.id),
  'onlineOrders.pickups': (input, { deps }) => pickupList(deps, input),
  'onlineOrders.markPacked': (input, ctx) => markPacked(ctx.deps, staffOf(ctx), input.id),
  'onlineOrders.handOver': (input, ctx) => {
    const info = handOver(ctx.deps, staffOf(ctx), input);
    stockChanged(ctx.deps);
    return info;
  },
  'onlineOrders.shortages': (input, { deps }) => shortageList(deps, input.limit),
  'onlineOrders.reserved': (input, { deps }) => reservedUnits(deps, input.productIds),
  'onlineOrders.returns': (input, { deps }) => returnRequests(deps, input),
  'onlineOrders.returnDays': (_input, { deps }) => returnDays(deps),
  'onlineOrders.setReturnDays': (input, ctx) => setReturnDays(ctx.deps, input.days, staffOf(ctx).id),
  'onlineOrders.shopSettings': (_input, { deps }) => shopSettings(deps),
  'onlineOrders.setShopSettings': (input, ctx) => setShopSettings(ctx.deps, input, staffOf(ctx).id),
  'onlineOrders.refunds': (input, { deps }) => onlineRefunds(deps, input),
  'onlineOrders.receiptClaim': (input, { deps }) => receiptClaim(deps, input.orderId),
  'onlineOrders.decideReturn': (input, ctx) => {
    const row = decideReturn(ctx.deps, staffOf(ctx), input);
    stockChanged(ctx.deps);
    return row;
  },
};
