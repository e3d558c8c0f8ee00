import { COUNTRIES } from '../../../shared/address';

/** The country in the screen's language (中国, 美国…), falling back to the address table's English name. */
export function regionName(code: string, language: string): string {
  const fallback = COUNTRIES[code]?.name ?? code;
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? fallback;
  } catch {
    return fallback;
  }
}
