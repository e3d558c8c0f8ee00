/** Which providers a store's shop offers for a cart, and asking the right one about a pending order. */
import type { CloudDeps } from '../../deps';
import { confirmByQuery, type ShopPaymentConfig } from '../checkout/payment';
import type { ShopOrder, ShopProvider } from '../checkout/orders';
import type { OrderStock } from '../checkout/stock';
import { confirmStripe } from './stripe';
import { confirmWechat } from './wechat';

/** The configured providers that take this currency, in the order the checkout lists them (Alipay and WeChat Pay take yuan only). */
export function offeredProviders(cfg: ShopPaymentConfig | null, currency: string): ShopProvider[] {
  const out: ShopProvider[] = [];
  if (cfg?.alipay && currency === 'CNY') out.push('alipay');
  if (cfg?.wechat && currency === 'CNY') out.push('wechat');
  if (cfg?.stripe) out.push('stripe');
  return out;
}

/** The buyer's choice among those offered; the only one when there is one and none was sent. */
export function chosenProvider(offered: ShopProvider[], asked: string): ShopProvider | null {
  if (asked === '' && offered.length === 1) return offered[0]!;
  return offered.find((p) => p === asked) ?? null;
}

/** Asks the order's provider whether it was paid, and marks it paid if so. False on any other answer or failure. */
export async function confirmOrder(deps: CloudDeps, stock: OrderStock, cfg: ShopPaymentConfig | null, order: ShopOrder): Promise<boolean> {
  try {
    if (order.provider === 'alipay' && cfg?.alipay) return await confirmByQuery(deps, stock, cfg.alipay, order);
    if (order.provider === 'wechat' && cfg?.wechat) return await confirmWechat(deps, stock, cfg.wechat, order);
    if (order.provider === 'stripe' && cfg?.stripe) return await confirmStripe(deps, stock, cfg.stripe, order);
  } catch (err) {
    console.error('[shop] asking the provider failed', err instanceof Error ? err.message : err);
  }
  return false;
}
