/** The fake WeChat Pay and Stripe set up as a store's shop payments, beside the fake Alipay of shop-checkout.ts. */
import { startFakeStripe, type FakeStripe } from '../../src/main/payments/fakes/stripe';
import { startFakeWechat, type FakeWechat } from '../../src/main/payments/fakes/wechat';
import type { FakeWechatV3 } from '../../src/main/payments/fakes/wechat-v3';
import type { WechatV3Config } from '../../src/cloud/shop/payments/wechat-v3';
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

/** The fake WeChat Pay v3 merchant as a store's entry of the payments file (`api: "v3"`). */
export function wechatV3For(fake: FakeWechatV3, over: Partial<WechatV3Config> = {}): WechatV3Config {
  return {
    api: 'v3',
    mode: 'training',
    baseUrl: fake.url,
    appId: fake.appId,
    mchId: fake.mchId,
    serialNo: fake.merchantSerial,
    privateKey: fake.merchantPrivateKey,
    apiV3Key: fake.apiV3Key,
    platformPublicKey: fake.platformPublicKey,
    platformSerial: fake.platformSerial,
    ...over,
  };
}
