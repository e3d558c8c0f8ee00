import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const SHOP_LANGS = ['en', 'zh-CN'] as const;
export type ShopLang = (typeof SHOP_LANGS)[number];

/** A room's words in both languages; the typecheck fails if the Chinese lacks a key. */
export function defineShopWords<K extends string>(en: Record<K, string>, zh: Record<K, string>) {
  return (lang: ShopLang, key: K, vars: Record<string, string | number> = {}): string =>
    (lang === 'zh-CN' ? zh : en)[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** `?lang=` (remembered in a cookie), else the cookie, else the browser's first preference. */
export function pickLang(c: Context): ShopLang {
  const asked = c.req.query('lang');
  if (asked === 'en' || asked === 'zh-CN') {
    setCookie(c, 'shop_lang', asked, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
    return asked;
  }
  const kept = getCookie(c, 'shop_lang');
  if (kept === 'en' || kept === 'zh-CN') return kept;
  const accept = (c.req.header('accept-language') ?? '').toLowerCase();
  return accept.trimStart().startsWith('zh') ? 'zh-CN' : 'en';
}
