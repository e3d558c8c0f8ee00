/**
 * The shop's page frame, rendered on the server: a product page is complete before any script
 * runs. Everything interpolated through `html` is escaped (hono/html); `raw` is only for markup
 * this code built itself.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ShopContext } from './env';
import { frameWords } from './words';

export { html, raw };
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The picture a visitor's first page asks for, so that a one-page visit counts too (see insight/events.ts). */
export const SEEN_PATH = '/seen';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#1d2433;background:#f6f7f9;line-height:1.45}
a{color:#0b63ce;text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#fff;border-bottom:1px solid #e3e6ea;padding:10px 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
header.top .brand{font-weight:700;font-size:1.15rem;color:#1d2433}
header.top form{flex:1;display:flex;min-width:200px}
header.top input[type=search]{flex:1;padding:8px 10px;border:1px solid #c8cdd4;border-radius:6px 0 0 6px;font-size:1rem}
header.top button{padding:8px 14px;border:1px solid #0b63ce;background:#0b63ce;color:#fff;border-radius:0 6px 6px 0;font-size:1rem}
header.top nav{display:flex;gap:14px;align-items:center}
main{max-width:1100px;margin:0 auto;padding:16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px}
.card{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:10px;display:flex;flex-direction:column;gap:6px}
.pic{display:block;width:100%;height:auto;aspect-ratio:1/1;object-fit:contain;background:#f0f2f5;border-radius:6px}
.hero{display:block;max-width:min(100%,480px);height:auto;object-fit:contain;background:#fff;border-radius:8px;margin:8px 0}
.ph{display:flex;align-items:center;justify-content:center;color:#9aa3af;background:#f0f2f5}.hero.ph{width:min(100%,480px);aspect-ratio:4/3}
.price{font-weight:700}.muted{color:#6b7280}.err{color:#b42318}.ok{color:#067647}
.btn{display:inline-block;padding:9px 16px;border-radius:6px;border:1px solid #0b63ce;background:#0b63ce;color:#fff;font-size:1rem;cursor:pointer}
.btn.secondary{background:#fff;color:#0b63ce}
form.stack{display:flex;flex-direction:column;gap:10px;max-width:420px}
form.stack input,form.stack select,form.stack textarea{padding:8px 10px;border:1px solid #c8cdd4;border-radius:6px;font-size:1rem}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:8px;border-bottom:1px solid #e3e6ea;text-align:left}td button{white-space:nowrap}
footer{color:#6b7280;text-align:center;padding:24px;font-size:.85rem}
`;

/** A whole page: the store's header (search, cart, account, language) around `body`. */
export function page(c: ShopContext, title: string, body: Html, opts: { status?: number; head?: Html } = {}) {
  const store = c.get('store');
  const lang = c.get('lang');
  const w = (k: Parameters<typeof frameWords>[1]) => frameWords(lang, k);
  const other = lang === 'zh-CN' ? 'en' : 'zh-CN';
  const buyer = c.get('buyer');
  const url = new URL(c.req.url);
  url.searchParams.set('lang', other);
  const doc = html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${store.name}</title>
        <style>
          ${raw(STYLE)}
        </style>
        ${opts.head ?? ''}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="${store.base}">${store.name}</a>
          <form action="${store.base}/search" method="get" role="search">
            <input
              type="search"
              name="q"
              value="${c.req.query('q') ?? ''}"
              placeholder="${w('searchPlaceholder')}"
              aria-label="${w('search')}"
            />
            <button type="submit">${w('search')}</button>
          </form>
          <nav>
            <a href="${store.base}/cart">${w('cart')}</a>
            <a href="${store.base}/account">${buyer ? buyer.name : w('signIn')}</a>
            <a href="${url.pathname}${url.search}" hreflang="${other}">${w('language')}</a>
          </nav>
        </header>
        <main>${body}</main>
        <footer>${store.name}</footer>
        ${
          // Drawn with the page rather than spliced in afterwards: that would read the made answer back.
          c.get('shopFirstPage') && (opts.status ?? 200) === 200
            ? html`<img src="${store.base}${SEEN_PATH}" alt="" width="1" height="1" style="position:absolute;left:-9999px" />`
            : ''
        }
      </body>
    </html>`;
  return c.html(doc, (opts.status ?? 200) as 200);
}

/** The hidden field every shop form carries (see web/csrf.ts). */
export function csrfField(c: ShopContext) {
  return html`<input type="hidden" name="_csrf" value="${c.get('csrf')}" />`;
}

/** An error page in the buyer's language; the message is already localised. */
export function errorPage(c: ShopContext, status: number, message: string) {
  const store = c.get('store');
  return page(
    c,
    message,
    html`<h1>${message}</h1>
      <p><a href="${store.base}">${frameWords(c.get('lang'), 'back')}</a></p>`,
    { status },
  );
}
