import type { Language } from '../../shared/api/types';

/** Receipt wording. Main has no i18next, and a receipt needs only these few words. */
export interface ReceiptLabels {
  order: string;
  staff: string;
  terminal: string;
  discount: string;
  subtotal: string;
  vat: string;
  inclusive: string;
  total: string;
  cashTendered: string;
  card: string;
  storeCredit: string;
  /** A gift or stored-value card, printed with the last digits of its number. */
  storedValue: string;
  exchange: string;
  alipay: string;
  wechatPay: string;
  /** The provider's trade number, printed under a provider payment. */
  tradeNo: string;
  /** The buyer's masked account. */
  account: string;
  change: string;
  /** Above the QR code to the receipt's page online. */
  online: string;
}

const LABELS: Record<Language, ReceiptLabels> = {
  en: {
    order: 'Order',
    staff: 'Staff',
    terminal: 'Terminal',
    discount: 'Discount',
    subtotal: 'Subtotal',
    vat: 'VAT',
    inclusive: 'incl.',
    total: 'TOTAL',
    cashTendered: 'Cash tendered',
    card: 'Card',
    storeCredit: 'Store credit',
    storedValue: 'Gift card',
    exchange: 'Exchanged goods',
    alipay: 'Alipay',
    wechatPay: 'WeChat Pay',
    tradeNo: 'Trade no.',
    account: 'Account',
    change: 'Change',
    online: 'Scan for this receipt online: keep it in your account, review, ask for an invoice',
  },
  'zh-CN': {
    order: '订单号',
    staff: '收银员',
    terminal: '终端',
    discount: '折扣',
    subtotal: '小计',
    vat: '增值税',
    inclusive: '(含)',
    total: '合计',
    cashTendered: '现金实收',
    card: '银行卡',
    storeCredit: '储值余额',
    storedValue: '储值卡',
    exchange: '换货抵扣',
    alipay: '支付宝',
    wechatPay: '微信支付',
    tradeNo: '交易号',
    account: '付款账户',
    change: '找零',
    online: '扫码查看电子小票：存入账户、评价商品、申请发票',
  },
};

export function receiptLabels(language: Language): ReceiptLabels {
  return LABELS[language] ?? LABELS.en;
}
