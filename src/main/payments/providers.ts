/**
 * How each provider's gateway is built from what Settings stores: the non-secret fields and the
 * secrets saved under the names the provider declares (CONFIG_FIELDS / SECRET_FIELDS of each
 * provider folder). A missing required value throws; `createGateways` then treats the provider as
 * not set up (and logs only the error's class, never a key).
 */
import { createAlipayGateway, type AlipayKeyMode } from './alipay';
import { createWechatGateway } from './wechat';
import { createStripeGateway } from './stripe';
import type { GatewayFactories, ProviderGatewayConfig } from './config';

class MissingSetting extends Error {
  override name = 'MissingSetting';
}

function need(values: Record<string, string>, name: string): string {
  const v = values[name]?.trim();
  if (!v) throw new MissingSetting(name);
  return v;
}

function maybe(values: Record<string, string>, name: string): string | undefined {
  const v = values[name]?.trim();
  return v ? v : undefined;
}

/** Optional keys left out rather than set to undefined (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

const common = (cfg: ProviderGatewayConfig) => defined({ mode: cfg.mode, baseUrl: cfg.baseUrl, timeoutMs: cfg.timeoutMs });

export const PROVIDER_FACTORIES: GatewayFactories = {
  alipay: (cfg) => {
    const keyMode: AlipayKeyMode = cfg.fields['keyMode'] === 'cert' ? 'cert' : 'publicKey';
    return createAlipayGateway({
      ...common(cfg),
      appId: need(cfg.fields, 'appId'),
      keyMode,
      privateKey: need(cfg.secrets, 'privateKey'),
      ...(keyMode === 'cert'
        ? {
            appCert: need(cfg.secrets, 'appCert'),
            alipayPublicCert: need(cfg.secrets, 'alipayPublicCert'),
            alipayRootCert: need(cfg.secrets, 'alipayRootCert'),
          }
        : { alipayPublicKey: need(cfg.secrets, 'alipayPublicKey') }),
    });
  },
  wechat: (cfg) =>
    createWechatGateway({
      ...common(cfg),
      appId: need(cfg.fields, 'appId'),
      mchId: need(cfg.fields, 'mchId'),
      apiKey: need(cfg.secrets, 'apiKey'),
      ...defined({
        subMchId: maybe(cfg.fields, 'subMchId'),
        subAppId: maybe(cfg.fields, 'subAppId'),
        apiClientCert: maybe(cfg.secrets, 'apiClientCert'),
        apiClientKey: maybe(cfg.secrets, 'apiClientKey'),
        apiClientP12: maybe(cfg.secrets, 'apiClientP12'),
      }),
    }),
  stripe: (cfg) =>
    createStripeGateway({
      ...common(cfg),
      readerId: need(cfg.fields, 'readerId'),
      secretKey: need(cfg.secrets, 'secretKey'),
      ...defined({
        locationId: maybe(cfg.fields, 'locationId'),
        account: maybe(cfg.fields, 'account'),
        webhookSecret: maybe(cfg.secrets, 'webhookSecret'),
      }),
    }),
};
