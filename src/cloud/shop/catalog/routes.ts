import type { Hono } from 'hono';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { idShape } from '../../../shared/sync/shapes';
import { CloudHttpError, type CloudDeps } from '../../deps';
import { csrfField, html, page, type Html } from '../web/page';
import type { ShopContext, ShopEnv } from '../web/env';
import { ensureShopProjections } from './projection';
import { category, factsOfStore, MAX_PAGE, shopCategories, SORTS, type Sort, type StoreFacts } from './queries';
import { listShown, productPage } from './product-page';
import { reviewList } from '../reviews/views';
import { catalogWords } from './words';
import { productRecommendations } from '../recommend/views';
import { noteShopEvent } from '../insight/events';
import { productPicture } from '../pictures/views';
import { availabilityText, cards, priceHtml, stars, unitOf } from './cards';
import { unitDeals } from '../pricing/deals';
import { shopMember } from '../pricing/member';

type Word = Parameters<typeof catalogWords>[1];

/** Query parameters of a list, read leniently: a bad sort or page falls back, a bad price is said. */
function readListQuery(c: ShopContext, facts: StoreFacts) {
  const sortAsked = c.req.query('sort') ?? '';
  const sort: Sort = (SORTS as readonly string[]).includes(sortAsked) ? (sortAsked as Sort) : 'relevance';
  const pageNo = Math.min(Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1), MAX_PAGE);
  let badPrice = false;
  const money = (name: string) => {
    const raw = (c.req.query(name) ?? '').trim();
    if (!raw) return null;
    const v = raw.length <= 15 ? parseMoney(raw, facts.currency) : null;
    if (v === null) badPrice = true;
    return v;
  };
  const min = money('min');
  const max = money('max');
  // Control characters are in no name, and PostgreSQL refuses a NUL in text: they go before the
  // query reaches the search or the shop's event log.
  // eslint-disable-next-line no-control-regex
  const q = (c.req.query('q') ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
  return { sort, page: pageNo, min, max, q, badPrice };
}

function pageLink(c: ShopContext, pageNo: number): string {
  const url = new URL(c.req.url);
  url.searchParams.set('page', String(pageNo));
  return `${url.pathname}${url.search}`;
}

function pager(c: ShopContext, pageNo: number, more: boolean): Html {
  const lang = c.get('lang');
  if (pageNo === 1 && !more) return html``;
  return html`<nav class="pager" style="display:flex;gap:16px;justify-content:center;margin:18px 0">
    ${pageNo > 1 ? html`<a rel="prev" href="${pageLink(c, pageNo - 1)}">${catalogWords(lang, 'prev')}</a>` : ''}
    <span class="muted">${catalogWords(lang, 'pageN', { n: pageNo })}</span>
    ${more && pageNo < MAX_PAGE ? html`<a rel="next" href="${pageLink(c, pageNo + 1)}">${catalogWords(lang, 'next')}</a>` : ''}
  </nav>`;
}

const SORT_WORDS: Record<Sort, Word> = {
  relevance: 'sortRelevance',
  price_asc: 'sortPriceAsc',
  price_desc: 'sortPriceDesc',
  newest: 'sortNewest',
  best: 'sortBest',
  rating: 'sortRating',
};

function filters(
  c: ShopContext,
  facts: StoreFacts,
  opts: { action: string; q: string | null; sort: Sort; cat: string | null; categories: { id: string; name: string }[] | null },
): Html {
  const lang = c.get('lang');
  const w = (k: Word) => catalogWords(lang, k);
  const digits = currencyDigits(facts.currency);
  const shown = (name: string) => c.req.query(name) ?? '';
  return html`<form method="get" action="${opts.action}" style="display:flex;gap:10px;flex-wrap:wrap;align-items:end;margin:10px 0">
    ${opts.q !== null ? html`<input type="hidden" name="q" value="${opts.q}" />` : ''}
    <label
      >${w('sortBy')}
      <select name="sort">
        ${SORTS.map((s) => html`<option value="${s}" ${s === opts.sort ? 'selected' : ''}>${w(SORT_WORDS[s])}</option>`)}
      </select></label
    >
    ${
      opts.categories
        ? html`<label
            >${w('category')}
            <select name="cat">
              <option value="">${w('anyCategory')}</option>
              ${opts.categories.map((k) => html`<option value="${k.id}" ${k.id === opts.cat ? 'selected' : ''}>${k.name}</option>`)}
            </select></label
          >`
        : ''
    }
    <label
      >${w('priceFrom')}
      <input name="min" inputmode="decimal" size="7" value="${shown('min')}" pattern="${digits > 0 ? '[0-9]+([.,][0-9]*)?' : '[0-9]+'}"
    /></label>
    <label
      >${w('priceTo')}
      <input name="max" inputmode="decimal" size="7" value="${shown('max')}" pattern="${digits > 0 ? '[0-9]+([.,][0-9]*)?' : '[0-9]+'}"
    /></label>
    <button class="btn secondary" type="submit">${w('apply')}</button>
  </form>`;
}

/** Home, category lists, product pages, search. */
export function registerCatalogRoutes(shop: Hono<ShopEnv>, deps: CloudDeps): void {
  // An organisation whose records predate the shop gets its projections on its first visit.
  shop.use('*', async (c, next) => {
    const store = c.get('store');
    if (!store.projected) await ensureShopProjections(deps, store.orgId);
    await next();
  });

  shop.get('/', async (c) => {
    const store = c.get('store');
    const lang = c.get('lang');
    const w = (k: Word) => catalogWords(lang, k);
    const now = deps.clock();
    const [facts, cats, newest, best] = await Promise.all([
      factsOfStore(deps.db, store),
      shopCategories(deps.db, store.orgId),
      listShown(deps.db, store, { sort: 'newest', page: 1 }, now, { stock: false }),
      listShown(deps.db, store, { sort: 'best', page: 1 }, now, { stock: false }),
    ]);
    const pictures = new Map([...newest.pictures, ...best.pictures]);
    const deals = await unitDeals(
      deps.db,
      { ...store, timeZone: facts.timeZone, member: await shopMember(deps.db, store.orgId, c.get('buyer')) },
      [...newest.items.slice(0, 12), ...best.items.slice(0, 12)].map((p) => p.id),
      now,
    );
    return page(
      c,
      store.name,
      html`<h1>${store.name}</h1>
        ${
          cats.length > 0
            ? html`<h2>${w('categories')}</h2>
                <nav style="display:flex;gap:12px;flex-wrap:wrap">
                  ${cats.map((k) => html`<a class="btn secondary" href="${store.base}/c/${k.id}">${k.name}</a>`)}
                </nav>`
            : ''
        }
        <h2>${w('newest')}</h2>
        ${cards(c, facts, newest.items.slice(0, 12), undefined, pictures, deals)}
        <h2>${w('bestSelling')}</h2>
        ${cards(c, facts, best.items.slice(0, 12), undefined, pictures, deals)}
        <p><a href="${store.base}/search">${w('allProducts')}</a></p>`,
    );
  });

  shop.get('/c/:category', async (c) => {
    const store = c.get('store');
    const id = idShape.safeParse(c.req.param('category'));
    const cat = id.success ? await category(deps.db, store.orgId, id.data) : null;
    if (!cat) throw new CloudHttpError(404, 'NOT_FOUND', 'No such category');
    const facts = await factsOfStore(deps.db, store);
    const q = readListQuery(c, facts);
    const sort = q.sort === 'relevance' ? 'best' : q.sort;
    const now = deps.clock();
    const { available, pictures, ...list } = await listShown(
      deps.db,
      store,
      { categoryId: cat.id, sort, page: q.page, min: q.min, max: q.max },
      now,
    );
    const deals = await unitDeals(
      deps.db,
      { ...store, timeZone: facts.timeZone, member: await shopMember(deps.db, store.orgId, c.get('buyer')) },
      list.items.map((p) => p.id),
      now,
    );
    const lang = c.get('lang');
    return page(
      c,
      cat.name,
      html`<h1>${cat.name}</h1>
        ${cat.altName ? html`<p class="muted">${cat.altName}</p>` : ''}
        ${filters(c, facts, { action: `${store.base}/c/${cat.id}`, q: null, sort, cat: null, categories: null })}
        ${q.badPrice ? html`<p class="err">${catalogWords(lang, 'badPrice')}</p>` : ''}
        ${cards(c, facts, list.items, available, pictures, deals)} ${pager(c, q.page, list.more)}`,
    );
  });

  shop.get('/search', async (c) => {
    const store = c.get('store');
    const lang = c.get('lang');
    const facts = await factsOfStore(deps.db, store);
    const q = readListQuery(c, facts);
    const catParam = c.req.query('cat') ?? '';
    const cat = idShape.safeParse(catParam).success ? catParam : null;
    const [cats, { available, pictures, ...list }] = await Promise.all([
      shopCategories(deps.db, store.orgId),
      listShown(deps.db, store, { q: q.q, categoryId: cat, sort: q.sort, page: q.page, min: q.min, max: q.max }, deps.clock()),
    ]);
    const deals = await unitDeals(
      deps.db,
      { ...store, timeZone: facts.timeZone, member: await shopMember(deps.db, store.orgId, c.get('buyer')) },
      list.items.map((p) => p.id),
      deps.clock(),
    );
    const typed = q.q.trim();
    const title = typed ? catalogWords(lang, 'resultsFor', { q: typed }) : catalogWords(lang, 'allProducts');
    const empty = list.items.length === 0 && q.page === 1 && typed;
    // A search typed, not the next page, a new sort or the other language of one already counted.
    if (typed && q.page === 1 && !['page', 'sort', 'lang'].some((k) => c.req.query(k) !== undefined))
      noteShopEvent(c, { kind: 'search', query: typed, results: list.items.length + (list.more ? 1 : 0) });
    return page(
      c,
      title,
      html`<h1>${title}</h1>
        ${filters(c, facts, { action: `${store.base}/search`, q: q.q, sort: q.sort, cat, categories: cats })}
        ${q.badPrice ? html`<p class="err">${catalogWords(lang, 'badPrice')}</p>` : ''}
        ${empty ? html`<p>${catalogWords(lang, 'noResults', { q: typed })}</p>` : cards(c, facts, list.items, available, pictures, deals)}
        ${pager(c, q.page, list.more)}`,
    );
  });

  shop.get('/p/:product', async (c) => {
    const store = c.get('store');
    const lang = c.get('lang');
    const w = (k: Word, v: Record<string, string | number> = {}) => catalogWords(lang, k, v);
    const id = idShape.safeParse(c.req.param('product'));
    const reviewsPage = Math.min(Math.max(Number.parseInt(c.req.query('reviews') ?? '1', 10) || 1, 1), MAX_PAGE);
    if (!id.success) throw new CloudHttpError(404, 'NOT_FOUND', 'No such product');
    const facts = await factsOfStore(deps.db, store);
    // The page and its recommendations are read at once, each in one statement.
    const [shown, recommended, deals] = await Promise.all([
      productPage(deps.db, store, id.data, reviewsPage, deps.clock()),
      productRecommendations(c, deps, { id: id.data }, facts),
      shopMember(deps.db, store.orgId, c.get('buyer')).then((member) =>
        unitDeals(deps.db, { ...store, timeZone: facts.timeZone, member }, [id.data], deps.clock()),
      ),
    ]);
    if (!shown) throw new CloudHttpError(404, 'NOT_FOUND', 'No such product');
    const { product: p, reviews } = shown;
    const unit = unitOf(p.unit);
    const avail = shown.available;
    const a = availabilityText(lang, avail, unit);
    const rate = (p.taxRateBp / 100).toFixed(p.taxRateBp % 100 === 0 ? 0 : 2);
    const taxNote =
      p.taxRateBp === 0 ? w('noTax') : facts.priceMode === 'inclusive' ? w('taxIncluded', { rate }) : w('taxExcluded', { rate });
    const canBuy = unit === 'each' ? avail >= 1000 : avail > 0;
    const maxQty = unit === 'each' ? Math.min(Math.floor(avail / 1000), 999) : avail / 1000;
    noteShopEvent(c, { kind: 'product_view', productId: p.id });
    return page(
      c,
      p.name,
      html`<article>
          ${p.categoryId ? html`<p><a href="${store.base}/c/${p.categoryId}">${p.categoryName}</a></p>` : ''}
          ${productPicture(c, p.id, p.name, shown.picture)}
          <h1>${p.name}</h1>
          ${p.altName ? html`<p class="muted" lang="${lang === 'en' ? 'zh-CN' : 'en'}">${p.altName}</p>` : ''}
          <p class="price" style="font-size:1.4rem">${priceHtml(lang, facts, p, deals.get(p.id))}</p>
          <p class="muted">${taxNote}</p>
          <p class="${a.cls}" data-available="${avail}">${a.text}</p>
          <p>${stars(lang, p)}</p>
          ${
            canBuy
              ? html`<form class="stack" method="post" action="${store.base}/cart/add">
                  ${csrfField(c)}
                  <input type="hidden" name="productId" value="${p.id}" />
                  <label
                    >${w('quantity')}
                    <input
                      type="number"
                      name="qty"
                      value="1"
                      min="${unit === 'each' ? 1 : 0.001}"
                      max="${maxQty}"
                      step="${unit === 'each' ? 1 : 0.001}"
                      required
                  /></label>
                  <button class="btn" type="submit">${w('addToCart')}</button>
                </form>`
              : ''
          }
          ${p.description ? html`<div class="description" style="white-space:pre-wrap;margin-top:16px">${p.description}</div>` : ''}
          <p class="muted">${w('sku')}: ${p.sku}</p>
          ${reviewList(c, `${store.base}/p/${p.id}`, reviewsPage, reviews)}
        </article>
        ${recommended}`,
    );
  });
}
