/**
 * In-store EAN-13 labels from a scale: prefix 20–29, a 5-digit item code (PLU), a 5-digit value and
 * a check digit. Stores choose which prefixes carry a weight (grams) and which a price (minor units).
 */
export interface ScaleConfig {
  weightPrefixes: string[];
  pricePrefixes: string[];
}

export const DEFAULT_SCALE_CONFIG: ScaleConfig = {
  weightPrefixes: ['20', '21', '22', '23', '24'],
  pricePrefixes: ['25', '26', '27', '28', '29'],
};

export type ScaleCode = { kind: 'weight'; plu: string; grams: number } | { kind: 'price'; plu: string; minor: number };

export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

export function decodeScaleBarcode(code: string, config: ScaleConfig = DEFAULT_SCALE_CONFIG): ScaleCode | null {
  if (!isValidEan13(code)) return null;
  const prefix = code.slice(0, 2);
  const plu = code.slice(2, 7);
  const value = Number(code.slice(7, 12));
  if (config.weightPrefixes.includes(prefix)) return { kind: 'weight', plu, grams: value };
  if (config.pricePrefixes.includes(prefix)) return { kind: 'price', plu, minor: value };
  return null;
}

export function encodeScaleBarcode(prefix: string, plu: string, value: number): string {
  const body = `${prefix}${plu.padStart(5, '0')}${String(value).padStart(5, '0')}`;
  return body + String(ean13CheckDigit(body));
}
