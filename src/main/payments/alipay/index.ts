export { createAlipayGateway, CONFIG_FIELDS, SECRET_FIELDS, ALIPAY_GATEWAYS, ALIPAY_POLL_INTERVAL_MS } from './client';
export type { AlipayConfig, AlipayKeyMode } from './client';
export { alipayNoticeReply, verifyAlipayNotice, noticeSignContent } from './notice';
export type { AlipayNoticeMaterial } from './notice';
export { AlipayConfigError } from './keys';
export { fenToYuan, yuanToFen } from './amount';
export { alipayPagePayUrl } from './page-pay';
export type { PagePayRequest } from './page-pay';
