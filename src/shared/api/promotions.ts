import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import { promotionSchema, type Promotion } from '../promotions/schema';

/** A stored promotion: its definition (what the engine reads) and whether it runs now. */
export interface PromotionRecord {
  promotion: Promotion;
  /** false: paused, kept but never applied to a cart. */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A new promotion: the definition without its id (the till makes one). */
export const promotionDraftSchema = promotionSchema.omit({ id: true });
export type PromotionDraft = z.infer<typeof promotionDraftSchema>;

/** Promotions as a manager keeps them; a clerk may read them (the till shows what runs). */
export const promotionsContract = {
  'promotions.list': channel<PromotionRecord[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'promotions.get': channel<PromotionRecord>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'promotions.create': channel<PromotionRecord>()({
    input: z.object({ promotion: promotionDraftSchema, active: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Replaces the definition; a sale already made keeps what it applied. */
  'promotions.update': channel<PromotionRecord>()({
    input: z.object({ promotion: promotionSchema }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Pause (false) or resume (true). */
  'promotions.setActive': channel<PromotionRecord>()({
    input: z.object({ id: c.id, active: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
};
