/**
 * The shop's checkout as the server is configured: a secret shared by every cloud process
 * (SHOP_SECRET), the public origin buyers and providers reach (SHOP_PUBLIC_URL), and each store's
 * payment credentials from a JSON file only the server's user reads (SHOP_PAYMENTS_FILE:
 * `{ "<store id>": { "alipay": { "mode": "production", "appId": "…", "keyMode": "publicKey",
 * "privateKey": "…", "alipayPublicKey": "…" }, "wechat": {…}, "stripe": {…} } }`, the README's shop section
 * has every field). Read once at start: the file holds private
 * keys, which never go into the database.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { CloudDeps } from '../../deps';
import { completeDue } from '../delivery/completion';
import { shopWechatSettings, stripeSettings } from '../payments/settings';
import { expireDue } from './orders';
import { settleDueRefunds } from '../aftersale/ledger';
import type { ShopPaymentConfig, ShopPayments } from './payment';
import type { CheckoutOptions } from './access';
import { catalogStock, type OrderStock } from './stock';

const alipaySchema = z
  .object({
    mode: z.enum(['production', 'sandbox', 'training']),
    baseUrl: z.url().optional(),
    appId: z.string().regex(/^\d{6,32}$/),
    keyMode: z.enum(['publicKey', 'cert']),
    privateKey: z.string().min(1).max(20_000),
    alipayPublicKey: z.string().max(20_000).optional(),
    appCert: z.string().max(20_000).optional(),
    alipayPublicCert: z.string().max(20_000).optional(),
    alipayRootCert: z.string().max(40_000).optional(),
  })
  .strict();
const fileSchema = z.record(
  z.uuid(),
  z.object({ alipay: alipaySchema.optional(), wechat: shopWechatSettings.optional(), stripe: stripeSettings.optional() }).strict(),
);

/** The payments file, checked; throws with the file's problem (never its contents). */
export function readShopPayments(path: string): ShopPayments {
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new Error(`${path} holds private keys: make it readable by this user only (chmod 600)`);
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const byStore = new Map<string, ShopPaymentConfig>(Object.entries(parsed.data) as [string, ShopPaymentConfig][]);
  return (storeId) => byStore.get(storeId) ?? null;
}

/** Checkout options from the environment, or null (and why) when the shop cannot take orders. */
export function checkoutFromEnv(env: NodeJS.ProcessEnv, secure: boolean): { options: CheckoutOptions | null; note: string } {
  const secret = env.SHOP_SECRET ?? '';
  if (secret.length < 32)
    return { options: null, note: 'The shops show their catalog only: set SHOP_SECRET (32 characters or more) to take orders.' };
  const payments = env.SHOP_PAYMENTS_FILE ? readShopPayments(env.SHOP_PAYMENTS_FILE) : () => null;
  return {
    options: { secret, payments, stock: catalogStock, secure, ...(env.SHOP_PUBLIC_URL ? { publicUrl: env.SHOP_PUBLIC_URL } : {}) },
    note: env.SHOP_PAYMENTS_FILE
      ? `The shops take orders; payment credentials from ${env.SHOP_PAYMENTS_FILE}.`
      : 'The shops take orders but no payments: set SHOP_PAYMENTS_FILE.',
  };
}

/**
 * Expires unpaid orders in the background (the shop's own requests expire them too), completes
 * delivered orders whose buyer did not confirm within the store's days, and asks the providers
 * again about refunds whose answer was unclear. Only the timer lives in memory; each run is a
 * query any process may make, and rows another process is working on are skipped.
 */
export function startExpirySweep(
  deps: CloudDeps,
  stock: OrderStock = catalogStock,
  everyMs = 60_000,
  payments: ShopPayments | null = null,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    expireDue(deps, stock, null)
      // Refunds whose answer was unclear are asked about again (the aftersale room).
      .then(() => (payments ? settleDueRefunds(deps, payments) : 0))
      .catch((err: unknown) => console.error('[shop] expiring unpaid orders failed', err instanceof Error ? err.message : err))
      .then(() => completeDue(deps))
      .catch((err: unknown) => console.error('[shop] completing delivered orders failed', err instanceof Error ? err.message : err))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
