/**
 * A store's WeChat Pay and Stripe credentials for its shop, as the server's payments file gives
 * them (SHOP_PAYMENTS_FILE, read by checkout/config.ts): checked here so that a wrong entry stops
 * the server at start rather than a buyer at the cashier.
 */
import { z } from 'zod';
import type { GatewayMode } from '../../../main/payments/gateway';
import type { WechatConfig } from '../../../main/payments/wechat';

/** Stripe Checkout for a store: its secret key and the signing secret of the shop's webhook endpoint. */
export interface ShopStripeConfig {
  mode: GatewayMode;
  /** sk_live_… / sk_test_… / rk_… (a restricted key needs Checkout Sessions write and read). */
  secretKey: string;
  /** whsec_…: the signing secret of the endpoint https://<shop>/shop/<store id>/pay/stripe/notify. */
  webhookSecret: string;
  /** Another API host (a fake on loopback in training and tests). */
  baseUrl?: string;
}

const mode = z.enum(['production', 'sandbox', 'training']);
const pem = z.string().max(20_000);

export const wechatSettings: z.ZodType<WechatConfig> = z
  .object({
    mode,
    baseUrl: z.url().optional(),
    appId: z.string().regex(/^wx[0-9a-zA-Z]{6,30}$/),
    mchId: z.string().regex(/^\d{6,20}$/),
    subMchId: z
      .string()
      .regex(/^\d{6,20}$/)
      .optional(),
    subAppId: z.string().max(40).optional(),
    apiKey: z.string().length(32),
    apiClientCert: pem.optional(),
    apiClientKey: pem.optional(),
    apiClientP12: z.string().max(40_000).optional(),
    clientIp: z.ipv4().optional(),
  })
  .strict();

export const stripeSettings: z.ZodType<ShopStripeConfig> = z
  .object({
    mode,
    baseUrl: z.url().optional(),
    secretKey: z.string().regex(/^(sk|rk)_(live|test)_[A-Za-z0-9]{8,}$/),
    webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9]{8,}$/),
  })
  .strict();
