/** The review form, the product page's list of reviews and the order page's link. */
import type { ShopContext } from '../web/env';
import { csrfField, html, type Html } from '../web/page';
import { EDIT_MS, MAX_COMMENT, type Review } from './reviews';
import { reviewWords, type ReviewWord } from './words';

const wordsOf =
  (c: ShopContext) =>
  (k: ReviewWord, v: Record<string, string | number> = {}) =>
    reviewWords(c.get('lang'), k, v);

const day = (c: ShopContext, ms: number) => new Intl.DateTimeFormat(c.get('lang'), { dateStyle: 'medium' }).format(new Date(ms));

const starText = (n: number) => '★'.repeat(n) + '☆'.repeat(5 - n);

export function reviewForm(
  c: ShopContext,
  opts: {
    action: string;
    name: string;
    orderHref: string;
    rating: number | null;
    comment: string;
    error: ReviewWord | null;
    saved?: boolean;
    review: Review | null;
  },
): Html {
  const w = wordsOf(c);
  const r = opts.review;
  return html`<h1>${w(r ? 'editTitle' : 'newTitle', { name: opts.name })}</h1>
    ${opts.error ? html`<p class="err" role="alert">${w(opts.error)}</p>` : ''}
    ${opts.saved ? html`<p class="ok" role="status">${w('saved')}</p>` : ''}
    ${r ? html`<p class="muted">${w('editableUntil', { date: day(c, r.createdAt + EDIT_MS) })}</p>` : ''}
    ${r?.hidden ? html`<p class="err">${w('hiddenByShop', { reason: r.hiddenReason })}</p>` : ''}
    <form class="stack" method="post" action="${opts.action}">
      ${csrfField(c)}
      <fieldset>
        <legend>${w('rating')}</legend>
        ${[5, 4, 3, 2, 1].map(
          (n) =>
            html`<label style="display:block"
              ><input type="radio" name="rating" value="${n}" ${opts.rating === n ? 'checked' : ''} required />
              <span aria-hidden="true">${starText(n)}</span> ${w('stars', { n })}</label
            >`,
        )}
      </fieldset>
      <label>${w('comment')} <textarea name="comment" rows="6" maxlength="${MAX_COMMENT}">${opts.comment}</textarea></label>
      <button class="btn" type="submit">${w('save')}</button>
    </form>
    <p><a href="${opts.orderHref}">${w('backToOrder')}</a></p>`;
}

/** The product page's reviews, newest first, a page at a time (`?reviews=N`). */
export function reviewList(c: ShopContext, productHref: string, pageNo: number, list: { items: Review[]; more: boolean }): Html {
  const w = wordsOf(c);
  const link = (n: number) => `${productHref}?reviews=${n}#reviews`;
  return html`<section id="reviews" style="margin-top:24px">
    <h2>${w('reviewsTitle')}</h2>
    ${list.items.length === 0 ? html`<p class="muted">${w('noReviews')}</p>` : ''}
    ${list.items.map(
      (r) =>
        html`<article class="review card" style="margin-bottom:10px">
          <p>
            <span aria-label="${w('stars', { n: r.rating })}">${starText(r.rating)}</span>
            <strong>${r.author || w('anonymous')}</strong>
            <span class="muted">· ${w('verified')} · ${day(c, r.createdAt)}${r.editedAt > r.createdAt ? html` (${w('edited')})` : ''}</span>
          </p>
          ${r.comment ? html`<p style="white-space:pre-wrap;margin:0">${r.comment}</p>` : ''}
        </article>`,
    )}
    <nav style="display:flex;gap:16px">
      ${pageNo > 1 ? html`<a href="${link(pageNo - 1)}">${w('newer')}</a>` : ''}
      ${list.more ? html`<a href="${link(pageNo + 1)}">${w('older')}</a>` : ''}
    </nav>
  </section>`;
}

/** The order page's link for one line: write a review, or change the one written. */
export function reviewLink(c: ShopContext, orderId: string, lineId: string, review: Review | undefined): Html {
  const base = c.get('store').base;
  const w = wordsOf(c);
  return review
    ? html` <a class="review-link" href="${base}/reviews/${review.id}/edit">${w('editReview')}</a>`
    : html` <a class="review-link" href="${base}/reviews/new?${new URLSearchParams({ order: orderId, line: lineId }).toString()}"
        >${w('review')}</a
      >`;
}
