import type { Language } from '../../shared/api/types';

/** A purchase order's words, on the PDF the supplier receives. */
const WORDS = {
  en: {
    title: 'Purchase order',
    supplier: 'Supplier',
    deliver: 'Deliver to',
    date: 'Date',
    sku: 'SKU',
    item: 'Item',
    qty: 'Qty',
    cost: 'Unit cost',
    total: 'Total',
    page: 'Page',
  },
  'zh-CN': {
    title: '采购订单',
    supplier: '供应商',
    deliver: '收货地点',
    date: '日期',
    sku: '货号',
    item: '商品',
    qty: '数量',
    cost: '单价',
    total: '合计',
    page: '页',
  },
} as const;

export function purchaseOrderWords(language: Language): (typeof WORDS)[Language] {
  return WORDS[language] ?? WORDS.en;
}
