export {
  CONFIG_FIELDS,
  NO_NOTIFY_URL,
  SECRET_FIELDS,
  WECHAT_AUTO_REVOKE_MS,
  WECHAT_POLL_INTERVAL_MS,
  WECHAT_PRODUCTION_URL,
  createWechatGateway,
  peekWechatNoticeMerchant,
  verifyWechatNotice,
  wechatBuyer,
  wechatNoticeReply,
} from './gateway';
export type { WechatConfig, WechatNoticeMaterial } from './gateway';
export { SIGN_TYPE, signingString, verifyWechatSign, wechatSign } from './sign';
export { MAX_XML_BYTES, XmlError, buildXml, parseXml } from './xml';
