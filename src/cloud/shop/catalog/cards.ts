/**
 * How a product reads on the shop's pages: its price, availability, stars and the product card the
 * lists and the recommendations draw.
 */
import { formatMoney, formatQtyUnit } from '../../../shared/money';
import { UNITS, unitSymbol, type Unit } from '../../../shared/units';
import { html, type Html } from '../web/page';
import type { ShopContext } from '../web/env';
import type { ShopLang } from '../web/lang';
import type { PictureInfo } from '../pictures/pictures';
import { cardPicture } from '../pictures/views';
import type { ProductCard, StoreFacts } from './queries';
import { catalogWords } from './words';
import type { UnitDeal } from '../pricing/price';
import { dealName, pricingWords } from '../pricing/words';

type Word = Parameters<typeof catalogWords>[1];

export const unitOf = (u: string): Unit => ((UNITS as readonly string[]).includes(u) ? (u as Unit) : 'each');

/** "Only N left" from this many units down (for weighed goods, this many of the unit). */
const FEW_LEFT = 5;

export function availabilityText(lang: ShopLang, available: number, unit: Unit): { text: string; cls: string } {
  const w = (k: Word, v: Record<string, string | number> = {}) => catalogWords(lang, k, v);
  if (unit === 'each' ? available < 1000 : available <= 0) return { text: w('outOfStock'), cls: 'err' };
  if (available <= FEW_LEFT * 1000) {
    const n = unit === 'each' ? String(Math.floor(available / 1000)) : formatQtyUnit(available, unit, lang);
    return { text: w('onlyLeft', { n }), cls: 'err' };
  }
  return { text: w('inStock'), cls: 'ok' };
}

export function priceText(lang: ShopLang, facts: StoreFacts, p: { price: number; unit: string }): string {
  const unit = unitOf(p.unit);
  const money = formatMoney(p.price, facts.currency, lang);
  return unit === 'each' ? money : `${money} ${catalogWords(lang, 'perUnit', { unit: unitSymbol(unit, lang) })}`;
}

/**
 * The price as a card or page shows it: when a price list or a promotion lowers one unit's price,
 * the regular price struck through and the price paid, with the list's or promotion's name.
 */
export function priceHtml(
  lang: ShopLang,
  facts: StoreFacts,
  p: { price: number; unit: string },
  deal: UnitDeal | undefined,
): Html | string {
  const regular = priceText(lang, facts, p);
  if (!deal) return regular;
  const now = priceText(lang, facts, { ...p, price: deal.price });
  return html`<s class="regular" title="${pricingWords(lang, 'regularPrice')}">${regular}</s>
    <span class="deal" data-deal-price="${deal.price}"
      >${pricingWords(lang, 'dealPrice', { price: now, name: dealName(lang, deal) })}</span
    >`;
}

export function stars(lang: ShopLang, p: { ratingSum: number; ratingCount: number }): Html {
  if (p.ratingCount === 0) return html`<span class="muted">${catalogWords(lang, 'noRatings')}</span>`;
  const avg = (p.ratingSum / p.ratingCount).toFixed(1);
  return html`<span>★ ${catalogWords(lang, 'rating', { avg, n: p.ratingCount })}</span>`;
}

export function cards(
  c: ShopContext,
  facts: StoreFacts,
  items: ProductCard[],
  available?: Map<string, number>,
  pictures?: Map<string, PictureInfo>,
  deals?: Map<string, UnitDeal>,
): Html {
  const { base } = c.get('store');
  const lang = c.get('lang');
  if (items.length === 0) return html`<p class="muted">${catalogWords(lang, 'noProducts')}</p>`;
  return html`<div class="grid">
    ${items.map((p) => {
      const a = available ? availabilityText(lang, available.get(p.id) ?? 0, unitOf(p.unit)) : null;
      return html`<a class="card" href="${base}/p/${p.id}">
        ${cardPicture(c, p.id, pictures)}
        <strong>${p.name}</strong>
        ${p.altName ? html`<span class="muted">${p.altName}</span>` : ''}
        <span class="price">${priceHtml(lang, facts, p, deals?.get(p.id))}</span>
        ${a ? html`<span class="${a.cls}">${a.text}</span>` : ''} ${p.ratingCount > 0 ? stars(lang, p) : ''}
      </a>`;
    })}
  </div>`;
}
