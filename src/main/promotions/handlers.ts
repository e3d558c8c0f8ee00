import type { promotionsContract } from '../../shared/api/promotions';
import { staffOf, type HandlersFor } from '../router';
import { promotionReport } from './report';
import { tryCart } from './try';
import { createPromotion, getPromotion, listPromotions, setPromotionActive, updatePromotion } from './promotions';

export const promotionsHandlers: HandlersFor<typeof promotionsContract> = {
  'promotions.list': (_i, { deps }) => listPromotions(deps),
  'promotions.get': (input, { deps }) => getPromotion(deps, input.id),
  'promotions.create': (input, ctx) => createPromotion(ctx.deps, input, staffOf(ctx).id),
  'promotions.update': (input, ctx) => updatePromotion(ctx.deps, input, staffOf(ctx).id),
  'promotions.setActive': (input, ctx) => setPromotionActive(ctx.deps, input, staffOf(ctx).id),
  'promotions.try': (input, { deps }) => tryCart(deps, input),
  'promotions.report': (input, { deps }) => promotionReport(deps, input),
};
