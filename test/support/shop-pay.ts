/** The fake WeChat Pay and Stripe set up as a store's shop payments, beside the fake Alipay of shop-checkout.ts. */
import { startFakeStripe, type FakeStripe } from '../../src/main/payments/fakes/stripe';
import { startFakeWechat, type FakeWechat } from '../../src/main/payments/fakes/wechat';
import { alipayFor, type ShopCloud } from './shop-checkout';

export interface ShopPayFakes {
  wechat: FakeWechat;
  stripe: FakeStripe;
  close(): Promise<void>;
}

/** Starts both fakes; Stripe posts its webhooks to the store's shop endpoint. */
export async function startPayFakes(cloud: ShopCloud, storeId: string): Promise<ShopPayFakes> {
  const wechat = await startFakeWechat();
  const stripe = await startFakeStripe({ clock: () => cloud.deps.clock(), webhookUrl: `${cloud.url}/shop/${storeId}/pay/stripe/notify` });
  return {
    wechat,
    stripe,
    async close() {
      await stripe.settled();
      await stripe.close();
      await wechat.close();
    },
  };
}

/** The store takes Alipay, WeChat Pay and Stripe through the fakes. */
export function allProviders(cloud: ShopCloud, fakes: ShopPayFakes) {
  return {
    ...alipayFor(cloud.alipay),
    wechat: {
      mode: 'training' as const,
      baseUrl: fakes.wechat.url,
      appId: fakes.wechat.appId,
      mchId: fakes.wechat.mchId,
      apiKey: fakes.wechat.apiKey,
    },
    stripe: {
      mode: 'training' as const,
      baseUrl: fakes.stripe.url,
      secretKey: fakes.stripe.secretKey,
      webhookSecret: fakes.stripe.webhookSecret,
    },
  };
}
