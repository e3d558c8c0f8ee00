/**
 * How the cloud checks each provider's asynchronous notifications: the provider's own verifier
 * (signature, and decryption where the provider encrypts) with the store's material, and the reply
 * the provider expects. Adding a provider is one entry here.
 */
import type { NoticeReply, ProviderId, VerifiedNotice } from '../../main/payments/gateway';
import { stripeNoticeReply, verifyStripeNotice } from '../../main/payments/stripe';
import { alipayNoticeReply, verifyAlipayNotice } from '../../main/payments/alipay';
import { verifyWechatNotice, wechatNoticeReply } from '../../main/payments/wechat';

export interface NoticeVerifier {
  /** Null when the notice does not verify with `material` (or is too old, or is not one we use). */
  verify(material: string, headers: Record<string, string>, rawBody: string, nowMs: number): VerifiedNotice | null;
  /** What the provider expects back: success stops its retries. */
  reply(ok: boolean): NoticeReply;
  /** Whether a notice naming `named` is addressed to the configured merchant (default: equal). */
  sameMerchant?(named: string, configured: string): boolean;
}

export type NoticeVerifiers = Partial<Record<ProviderId, NoticeVerifier>>;

/**
 * The material of Alipay and WeChat Pay is a small JSON object (what their verifiers need), set by
 * an admin with the merchant: Alipay `{ appId, alipayPublicKey | alipayPublicCert }`, WeChat Pay
 * `{ appId, mchId, subMchId?, apiKey }`. Anything else does not verify.
 */
function json(material: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(material);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export const NOTICE_VERIFIERS: NoticeVerifiers = {
  alipay: {
    verify(material, headers, rawBody) {
      const m = json(material);
      const appId = str(m?.['appId']);
      if (!m || !appId) return null;
      const key = str(m['alipayPublicKey']);
      const cert = str(m['alipayPublicCert']);
      return verifyAlipayNotice(
        { appId, ...(key ? { alipayPublicKey: key } : {}), ...(cert ? { alipayPublicCert: cert } : {}) },
        headers,
        rawBody,
      );
    },
    reply: alipayNoticeReply,
  },
  wechat: {
    verify(material, headers, rawBody) {
      const m = json(material);
      const appId = str(m?.['appId']);
      const mchId = str(m?.['mchId']);
      const apiKey = str(m?.['apiKey']);
      if (!m || !appId || !mchId || !apiKey) return null;
      const subMchId = str(m['subMchId']);
      return verifyWechatNotice({ appId, mchId, apiKey, ...(subMchId ? { subMchId } : {}) }, headers, rawBody);
    },
    reply: wechatNoticeReply,
  },
  stripe: {
    verify: verifyStripeNotice,
    reply: stripeNoticeReply,
    // A direct account's events name no account (the endpoint's own secret proves whose they are);
    // a Connect platform's name the connected account, which must be this store's.
    sameMerchant: (named, configured) => named === configured || named === '',
  },
};

export function merchantMatches(v: NoticeVerifier, named: string, configured: string): boolean {
  return v.sameMerchant ? v.sameMerchant(named, configured) : named === configured;
}
