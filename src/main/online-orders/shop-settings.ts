/**
 * The online shop's delivery methods and auto-completion days, edited by a manager at the till.
 * Both are synced store settings: the shop reads them once the till's next push reaches the cloud.
 */
import { eq } from 'drizzle-orm';
import type { ShopSettings } from '../../shared/api/online-orders';
import { onlineShippingSchema, readOnlineShipping, type ShippingMethod } from '../../shared/online-shipping';
import { settings } from '../db/schema';
import { UNSTAMPED } from '../db/write-path';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { invalidateSettings, readSettings } from '../settings/settings';

export const SHIPPING_KEY = 'onlineShipping';
export const AUTO_COMPLETE_KEY = 'onlineAutoCompleteDays';
/** The shop's own default when the store set nothing (src/cloud/shop/delivery/completion.ts). */
export const DEFAULT_AUTO_COMPLETE_DAYS = 7;

type SettingsDeps = Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>;

export function shopSettings(deps: SettingsDeps): ShopSettings {
  const all = readSettings(deps) as unknown as Record<string, unknown>;
  const days = all[AUTO_COMPLETE_KEY];
  return {
    // What the shop quotes: the stored list, or its default when none (or no valid one) is stored.
    shipping: readOnlineShipping(all[SHIPPING_KEY]),
    autoCompleteDays: typeof days === 'number' && Number.isSafeInteger(days) && days >= 1 ? days : DEFAULT_AUTO_COMPLETE_DAYS,
  };
}

/** Why a method list is refused, as a reason the renderer words; null when the shop can use it. */
function refusal(methods: readonly ShippingMethod[]): { reason: string; method?: string } | null {
  // An empty list would make the shop fall back to its default methods: not what the manager asked for.
  if (methods.length === 0) return { reason: 'shippingNone' };
  const seen = new Set<string>();
  for (const m of methods) {
    if (seen.has(m.id)) return { reason: 'shippingDuplicate', method: m.name };
    seen.add(m.id);
    if (m.minDays !== null && m.maxDays !== null && m.minDays > m.maxDays) return { reason: 'shippingDays', method: m.name };
  }
  return null;
}

function put(deps: Pick<Deps, 'db'>, key: string, value: unknown): void {
  const had = deps.db.select({ key: settings.key }).from(settings).where(eq(settings.key, key)).get();
  if (had) deps.db.update(settings).set({ value }).where(eq(settings.key, key)).run();
  else deps.db.insert(settings).values({ key, value, hlc: UNSTAMPED }).run();
}

/** Replaces the delivery methods and sets the auto-completion days; a list the shop could not read writes nothing. */
export function setShopSettings(
  deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache' | 'clock' | 'ids' | 'terminalCode'>,
  input: { methods: ShippingMethod[]; autoCompleteDays: number },
  staffId: string,
): ShopSettings {
  const why = refusal(input.methods);
  if (why) throw new AppError('VALIDATION', 'These delivery methods cannot be saved', why);
  // The same schema the cloud reads the setting with, so what is stored is what the shop quotes.
  const parsed = onlineShippingSchema.safeParse({ methods: input.methods });
  if (!parsed.success) throw new AppError('VALIDATION', 'These delivery methods cannot be saved', { reason: 'shippingInvalid' });
  put(deps, SHIPPING_KEY, parsed.data);
  put(deps, AUTO_COMPLETE_KEY, input.autoCompleteDays);
  invalidateSettings(deps);
  recordAudit(deps, {
    staffId,
    action: 'online.shopSettings',
    target: SHIPPING_KEY,
    details: { methods: parsed.data.methods.map((m) => m.id), autoCompleteDays: input.autoCompleteDays },
    success: true,
  });
  return shopSettings(deps);
}
