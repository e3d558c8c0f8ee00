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
  change: string;
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
    change: 'Change',
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
    change: '找零',
  },
};

export function receiptLabels(language: Language): ReceiptLabels {
  return LABELS[language] ?? LABELS.en;
}
