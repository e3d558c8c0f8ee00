import type { customersContract } from '../../shared/api/customers';
import { staffOf, type HandlersFor } from '../router';
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

/** Customers, their store credit and points, and the loyalty rules. */
export const customersHandlers: HandlersFor<typeof customersContract> = {
  'customers.search': (input, { deps }) => searchCustomers(deps, input.q, input.offset, input.limit),
  'customers.get': (input, { deps }) => customerDetail(deps, input.id),
  'customers.create': (input, ctx) => createCustomer(ctx.deps, input, staffOf(ctx).id),
  'customers.update': (input, ctx) => updateCustomer(ctx.deps, input, staffOf(ctx).id),
  'customers.adjustCredit': (input, ctx) => adjustCredit(ctx.deps, input.customerId, input.delta, input.note, staffOf(ctx).id),
  'customers.redeemPoints': (input, ctx) => redeemPoints(ctx.deps, input.customerId, input.blocks, staffOf(ctx).id),
  'loyalty.rules': (_i, { deps }) => loyaltyRules(deps),
  'loyalty.setRules': (input, ctx) => setLoyaltyRules(ctx.deps, input, staffOf(ctx).id),
};
