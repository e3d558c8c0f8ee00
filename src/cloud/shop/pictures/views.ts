/**
 * Product pictures on the shop's pages. Lists show the thumbnail only (a phone never downloads a
 * full picture for a card); the product page shows the full picture, with the thumbnail offered in
 * `srcset` for narrow screens. Width and height are always given, so nothing moves as pictures load,
 * and a product without a picture gets a quiet placeholder rather than a broken image.
 */
import { html, raw, type Html } from '../web/page';
import type { ShopContext } from '../web/env';
import type { PictureInfo, PictureSizeName } from './pictures';
import { pictureWords } from './words';

/** The picture's URL: its name is its version, so the answer is cached for good. */
export function pictureUrl(base: string, productId: string, name: string, size: PictureSizeName): string {
  return `${base}/pictures/${productId}/${name}/${size}`;
}

// A framed picture outline, drawn here (no request, nothing to break).
const PLACEHOLDER_ICON = raw(
  '<svg width="48" height="48" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M21 17l-5-5-9 8"/></svg>',
);

function placeholder(c: ShopContext, cls: string): Html {
  const text = pictureWords(c.get('lang'), 'noPicture');
  return html`<span class="${cls} ph" role="img" aria-label="${text}" title="${text}">${PLACEHOLDER_ICON}</span>`;
}

/** A card's thumbnail (lazy: cards below the fold load as the buyer scrolls). */
export function cardPicture(c: ShopContext, productId: string, pictures: Map<string, PictureInfo> | undefined): Html {
  const pic = pictures?.get(productId);
  if (!pic) return placeholder(c, 'pic');
  const { base } = c.get('store');
  return html`<img
    class="pic"
    src="${pictureUrl(base, productId, pic.name, 'thumb')}"
    width="${pic.thumbWidth}"
    height="${pic.thumbHeight}"
    loading="lazy"
    decoding="async"
    alt=""
  />`;
}

/** The product page's picture: the full one, the thumbnail where it is enough. */
export function productPicture(c: ShopContext, productId: string, alt: string, pic: PictureInfo | undefined): Html {
  if (!pic) return placeholder(c, 'hero');
  const { base } = c.get('store');
  const full = pictureUrl(base, productId, pic.name, 'full');
  const thumb = pictureUrl(base, productId, pic.name, 'thumb');
  return html`<img
    class="hero"
    src="${full}"
    srcset="${thumb} ${pic.thumbWidth}w, ${full} ${pic.fullWidth}w"
    sizes="(max-width: 560px) 100vw, 480px"
    width="${pic.fullWidth}"
    height="${pic.fullHeight}"
    fetchpriority="high"
    alt="${alt}"
  />`;
}
