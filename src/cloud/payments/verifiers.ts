/**
 * How the cloud checks each provider's asynchronous notifications: the provider's own verifier
 * (signature, and decryption where the provider encrypts) with the store's material, and the reply
 * the provider expects. Adding a provider is one entry here.
 */
import type { NoticeReply, ProviderId, VerifiedNotice } from '../../main/payments/gateway';
import { stripeNoticeReply, verifyStripeNotice } from '../../main/payments/stripe';

export interface NoticeVerifier {
  /** Null when the notice does not verify with `material` (or is too old, or is not one we use). */
  verify(material: string, headers: Record<string, string>, rawBody: string, nowMs: number): VerifiedNotice | null;
  /** What the provider expects back: success stops its retries. */
  reply(ok: boolean): NoticeReply;
  /** Whether a notice naming `named` is addressed to the configured merchant (default: equal). */
  sameMerchant?(named: string, configured: string): boolean;
}

export type NoticeVerifiers = Partial<Record<ProviderId, NoticeVerifier>>;

export const NOTICE_VERIFIERS: NoticeVerifiers = {
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
