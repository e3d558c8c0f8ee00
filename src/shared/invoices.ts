/**
 * What a buyer types to ask for an invoice (发票): the title it is made out to, the buyer's tax
 * number and where to send it. In mainland China the tax number of a company is its unified
 * social credit code (统一社会信用代码, GB 32100-2015): 18 symbols with a check symbol; a person
 * asks with their own name as title and no tax number. Elsewhere tax numbers take many forms, so
 * they are only bounded.
 */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export const INVOICE_TITLE_MAX = 100;
export const INVOICE_TAX_NUMBER_MAX = 30;
export const INVOICE_NUMBER_MAX = 40;
export const INVOICE_REASON_MAX = 200;

export const INVOICE_STATUSES = ['open', 'issued', 'refused'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** The check symbol of a code's first 17 symbols; null when one is not in the code's alphabet. */
export function usccCheck(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** A unified social credit code: 18 symbols of its alphabet whose last is the check symbol. */
export function isUscc(code: string): boolean {
  return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code) && usccCheck(code.slice(0, 17)) === code[17];
}

/** A tax number elsewhere: letters, digits, spaces, dots, dashes and slashes, at most 30. */
export function isOtherTaxNumber(code: string): boolean {
  return /^[\p{L}\p{N}][\p{L}\p{N} ./-]{0,29}$/u.test(code);
}
