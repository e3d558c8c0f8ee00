import type { Language } from './api/types';

/** Card brands a clerk can pick for a payment on an external terminal; stored as these codes. */
export const CARD_BRANDS = ['Visa', 'Mastercard', 'UnionPay', 'Amex', 'JCB', 'Discover'] as const;

/** How a brand is written in each language (UnionPay is 银联 in China); unknown codes print as stored. */
const NAMES: Record<Language, Record<string, string>> = {
  en: { Visa: 'Visa', Mastercard: 'Mastercard', UnionPay: 'UnionPay', Amex: 'American Express', JCB: 'JCB', Discover: 'Discover' },
  'zh-CN': { Visa: 'Visa', Mastercard: '万事达', UnionPay: '银联', Amex: '美国运通', JCB: 'JCB', Discover: 'Discover' },
};

export function cardBrandName(brand: string, language: Language): string {
  // Terminals write a brand in their own case (Stripe `visa`, the simulated terminal `VISA`).
  const code = CARD_BRANDS.find((b) => b.toLowerCase() === brand.toLowerCase());
  return (code && NAMES[language][code]) ?? brand;
}
