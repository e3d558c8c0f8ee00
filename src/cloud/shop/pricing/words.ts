import { defineShopWords } from '../web/lang';

/** How a product card and page say that a list or a promotion lowers the price. */
export const pricingWords = defineShopWords(
  {
    regularPrice: 'Regular price',
    dealPrice: 'Now {price} with {name}',
  },
  {
    regularPrice: '原价',
    dealPrice: '{name}：现价 {price}',
  },
);
export type PricingWord = Parameters<typeof pricingWords>[1];

/** A promotion's or a list's name as the till shows it in this language. */
export const dealName = (lang: string, d: { name: string; nameZh: string | null }) => (lang === 'zh-CN' && d.nameZh ? d.nameZh : d.name);
