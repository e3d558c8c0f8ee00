import type { AlipaySdkConfig } from 'alipay-sdk';
import { alipaySdkModule } from '../sdks';
import { fenToYuan } from './amount';
import { cleanSubject, gatewayUrl, type AlipayConfig } from './client';
import { AlipayConfigError, loadCertificates, loadPrivateKey, loadPublicKey } from './keys';

/**
 * Alipay 电脑网站支付 / 手机网站支付 (alipay.trade.page.pay, alipay.trade.wap.pay): the buyer's
 * browser is sent to the gateway with a request we signed (RSA2, by alipay-sdk, as for every other
 * method); Alipay shows its cashier, notifies `notifyUrl` and sends the buyer back to `returnUrl`.
 * Nothing is paid by the redirect itself: only a verified notification or a query says so.
 */
export interface PagePayRequest {
  /** Our trade number (out_trade_no): [A-Za-z0-9_-], at most 64. */
  tradeNo: string;
  /** Minor units (fen); Alipay takes CNY. */
  amount: number;
  currency: string;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  /** A phone's browser: the mobile-web cashier (wap.pay) rather than the desktop one. */
  mobile: boolean;
  /** Alipay closes the trade after this (its timeout_express, whole minutes). */
  timeoutMinutes: number;
}

/** The signed gateway URL the buyer's browser is redirected to. Throws AlipayConfigError on bad keys. */
export function alipayPagePayUrl(cfg: AlipayConfig, req: PagePayRequest): string {
  if (!/^\d{6,32}$/.test(cfg.appId ?? '')) throw new AlipayConfigError('appId', 'the app id is the digits Alipay assigned');
  if (req.currency !== 'CNY') throw new AlipayConfigError('currency', 'Alipay takes CNY');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(req.tradeNo)) throw new RangeError('not a trade number');
  const privateKey = loadPrivateKey(cfg.privateKey ?? '');
  const config: AlipaySdkConfig = {
    appId: cfg.appId,
    privateKey: privateKey.pem,
    keyType: 'PKCS8',
    signType: 'RSA2',
    gateway: gatewayUrl(cfg),
    camelcase: false,
  };
  if (cfg.keyMode === 'cert') {
    if (!cfg.appCert || !cfg.alipayPublicCert || !cfg.alipayRootCert)
      throw new AlipayConfigError('appCert', 'the certificate mode needs the three certificates');
    loadCertificates(
      { appCert: cfg.appCert, alipayPublicCert: cfg.alipayPublicCert, alipayRootCert: cfg.alipayRootCert },
      privateKey.key,
      (cfg.now ?? Date.now)(),
    );
    config.appCertContent = cfg.appCert;
    config.alipayPublicCertContent = cfg.alipayPublicCert;
    config.alipayRootCertContent = cfg.alipayRootCert;
  } else {
    config.alipayPublicKey = loadPublicKey(cfg.alipayPublicKey ?? '').pem;
  }
  const sdk = new (alipaySdkModule().AlipaySdk)(config);
  return sdk.pageExecute(req.mobile ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', 'GET', {
    notifyUrl: req.notifyUrl,
    returnUrl: req.returnUrl,
    bizContent: {
      out_trade_no: req.tradeNo,
      total_amount: fenToYuan(req.amount),
      subject: cleanSubject(req.subject),
      product_code: req.mobile ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
      timeout_express: `${Math.max(1, Math.floor(req.timeoutMinutes))}m`,
    },
  });
}
