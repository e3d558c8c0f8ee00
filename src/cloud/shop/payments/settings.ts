/**
 * A store's WeChat Pay and Stripe credentials for its shop, as the server's payments file gives
 * them (SHOP_PAYMENTS_FILE, read by checkout/config.ts): checked here so that a wrong entry stops
 * the server at start rather than a buyer at the cashier.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { GatewayMode } from '../../../main/payments/gateway';
import type { WechatConfig } from '../../../main/payments/wechat';
import { platformKeyOf, type WechatV3Config } from './wechat-v3';

/**
 * A store's WeChat Pay: API v3 when the entry says `"api": "v3"`, else the older v2 API (an entry
 * written before v3 keeps working as it was; the operator moves a store by rewriting its entry).
 */
export type ShopWechatConfig = WechatConfig | WechatV3Config;
export const isWechatV3 = (c: ShopWechatConfig): c is WechatV3Config => 'api' in c && c.api === 'v3';

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

const usable = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

export const wechatV3Settings: z.ZodType<WechatV3Config> = z
  .object({
    api: z.literal('v3'),
    mode,
    baseUrl: z.url().optional(),
    appId: z.string().regex(/^wx[0-9a-zA-Z]{6,30}$/),
    mchId: z.string().regex(/^\d{6,20}$/),
    serialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'the merchant API certificate’s serial number (hex)'),
    privateKey: pem.refine((k) => usable(() => createPrivateKey(k)), 'not a PEM private key (apiclient_key.pem)'),
    apiV3Key: z.string().refine((k) => Buffer.byteLength(k) === 32, 'the APIv3 key is 32 characters'),
    platformPublicKey: pem.refine(
      (k) => usable(() => platformKeyOf({ platformPublicKey: k })),
      'not a PEM public key or certificate of WeChat Pay',
    ),
    platformSerial: z
      .string()
      .regex(/^[0-9A-Za-z_]{8,80}$/)
      .optional(),
    timeoutMs: z.number().int().min(1000).max(60_000).optional(),
  })
  .strict()
  .refine((c) => c.platformSerial !== undefined || c.platformPublicKey.includes('BEGIN CERTIFICATE'), {
    message: 'platformSerial is needed with a public key (PUB_KEY_ID_…); a certificate names its own',
    path: ['platformSerial'],
  });

/** Either API, chosen by the entry's `api`; the problems reported are those of the API chosen. */
export const shopWechatSettings: z.ZodType<ShopWechatConfig> = z.unknown().transform((v, ctx) => {
  const v3 = typeof v === 'object' && v !== null && (v as { api?: unknown }).api !== undefined;
  const parsed = v3 ? wechatV3Settings.safeParse(v) : wechatSettings.safeParse(v);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
  return z.NEVER;
});

export const stripeSettings: z.ZodType<ShopStripeConfig> = z
  .object({
    mode,
    baseUrl: z.url().optional(),
    secretKey: z.string().regex(/^(sk|rk)_(live|test)_[A-Za-z0-9]{8,}$/),
    webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9]{8,}$/),
  })
  .strict();
