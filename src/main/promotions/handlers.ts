import type { promotionsContract } from '../../shared/api/promotions';
import { staffOf, type HandlersFor } from '../router';
import { createPromotion, getPromotion, listPromotions, setPromotionActive, updatePromotion } from './promotions';

export const promotionsHandlers: HandlersFor<typeof promotionsContract> = {
  'promotions.list': (_i, { deps }) => listPromotions(deps),
  'promotions.get': (input, { deps }) => getPromotion(deps, input.id),
  'promotions.create': (input, ctx) => createPromotion(ctx.deps, input, staffOf(ctx).id),
  'promotions.update': (input, ctx) => updatePromotion(ctx.deps, input, staffOf(ctx).id),
  'promotions.setActive': (input, ctx) => setPromotionActive(ctx.deps, input, staffOf(ctx).id),
};
