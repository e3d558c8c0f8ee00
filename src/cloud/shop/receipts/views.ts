/** The receipt's pages, rendered on the server in the buyer's language (every value escaped by `html`). */
import { formatMoney, formatQtyUnit } from '../../../shared/money';
import { isUnit } from '../../../shared/units';
import { signInPath } from '../buyers/session';
import type { Review } from '../reviews/reviews';
import type { ShopContext } from '../web/env';
import { csrfField, html, page } from '../web/page';
import type { InvoiceRequest, Sale } from './receipts';
import { receiptWords, type ReceiptWord } from './words';

const STYLE = html`<style>
  .num {
    text-align: right;
  }
  .totals {
    max-width: 420px;
    margin: 10px 0 0 auto;
  }
  section.box {
    background: #fff;
    border: 1px solid #e3e6ea;
    border-radius: 8px;
    padding: 12px 16px;
    margin: 16px 0;
  }
  .field-err {
    color: #b42318;
    font-size: 0.9rem;
  }
</style>`;

const HAN = /\p{Script=Han}/u;
function lineName(c: ShopContext, l: { name: string; altName: string | null }): string {
  if (!l.altName) return l.name;
  const wantHan = c.get('lang') === 'zh-CN';
  return HAN.test(l.name) !== wantHan && HAN.test(l.altName) === wantHan ? l.altName : l.name;
}

export function dateTime(c: ShopContext, ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat(c.get('lang'), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(ms));
}

const wordsOf = (c: ShopContext) => (k: ReceiptWord, vars?: Record<string, string | number>) => receiptWords(c.get('lang'), k, vars);

export type ClaimState = 'open' | 'mine' | 'taken';

export interface ReceiptView {
  sale: Sale;
  /** Where this view lives: `/r/<key>`, or the buyer's `/account/purchases/<order>`. */
  here: string;
  claim: ClaimState;
  invoice: InvoiceRequest | null;
  reviews: Map<string, Review> | null;
  timeZone: string;
  notice: ReceiptWord | null;
  noticeVars?: Record<string, string>;
}

function saleTable(c: ShopContext, sale: Sale, reviews: Map<string, Review> | null) {
  const w = wordsOf(c);
  const base = c.get('store').base;
  const lang = c.get('lang');
  const money = (m: number) => formatMoney(m, sale.currency, lang);
  return html`<table>
      <thead>
        <tr>
          <th>${w('product')}</th>
          <th>${w('qty')}</th>
          <th class="num">${w('amount')}</th>
        </tr>
      </thead>
      <tbody>
        ${sale.lines.map((l) => {
          const done = reviews?.get(l.id);
          const link = !reviews
            ? ''
            : done
              ? html` · <a href="${base}/reviews/${done.id}/edit">${w('editReview')}</a>`
              : html` ·
                  <a class="review-link" href="${base}/reviews/new?${new URLSearchParams({ order: sale.id, line: l.id }).toString()}"
                    >${w('review')}</a
                  >`;
          return html`<tr>
            <td>${lineName(c, l)}${link}</td>
            <td>${formatQtyUnit(l.qty, isUnit(l.unit) ? l.unit : 'each', lang)}</td>
            <td class="num">${money(l.total)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <table class="totals">
      <tr>
        <td>${w('subtotal')}</td>
        <td class="num">${money(sale.subtotal)}</td>
      </tr>
      ${
        sale.discountTotal > 0
          ? html`<tr>
              <td>${w('discount')}</td>
              <td class="num">−${money(sale.discountTotal)}</td>
            </tr>`
          : ''
      }
      <tr>
        <td>${sale.priceMode === 'inclusive' ? w('taxIncl') : w('tax')}</td>
        <td class="num">${money(sale.taxTotal)}</td>
      </tr>
      <tr>
        <td><strong>${w('total')}</strong></td>
        <td class="num"><strong>${money(sale.total)}</strong></td>
      </tr>
    </table>`;
}

function invoiceStatus(c: ShopContext, inv: InvoiceRequest, timeZone: string) {
  const w = wordsOf(c);
  const line =
    inv.status === 'issued'
      ? w('stIssued', { number: inv.invoiceNumber, email: inv.email })
      : inv.status === 'refused'
        ? w('stRefused', { reason: inv.refusalReason })
        : w('stOpen', { date: dateTime(c, inv.createdAt, timeZone), email: inv.email });
  return html`<p class="invoice-status ${inv.status === 'refused' ? 'err' : inv.status === 'issued' ? 'ok' : ''}">${line}</p>
    <p class="muted">
      ${w('askedFor', { title: inv.title })}${inv.taxNumber ? html`<br />${w('askedTax', { tax: inv.taxNumber })}` : ''}
    </p>`;
}

export function receiptPage(c: ShopContext, v: ReceiptView) {
  const w = wordsOf(c);
  const buyer = c.get('buyer');
  const claimBlock =
    v.claim === 'mine'
      ? html`<p class="ok">${w('claimed')}</p>`
      : v.claim === 'taken'
        ? html`<p class="muted">${w('taken')}</p>`
        : buyer
          ? html`<p>${w('claimHint')}</p>
              <form method="post" action="${v.here}/claim">${csrfField(c)}<button class="btn" type="submit">${w('claim')}</button></form>`
          : html`<p>${w('claimHint')}</p>
              <p><a class="btn" href="${signInPath(c, v.here)}">${w('signInToClaim')}</a></p>`;
  const invoiceBlock =
    v.claim === 'taken'
      ? ''
      : html`<section class="box">
          <h2>${w('invoiceHead')}</h2>
          ${
            v.invoice
              ? invoiceStatus(c, v.invoice, v.timeZone)
              : v.claim === 'mine'
                ? html`<p><a class="btn secondary" href="${v.here}/invoice">${w('requestInvoice')}</a></p>`
                : html`<p class="muted">${w('invoiceClaimFirst')}</p>`
          }
        </section>`;
  const body = html`${STYLE}
    <h1>${w('title', { number: v.sale.number })}</h1>
    <p class="muted">${w('boughtAt', { date: dateTime(c, v.sale.createdAt, v.timeZone) })} · ${c.get('store').name}</p>
    ${v.notice ? html`<p class="ok notice">${w(v.notice, v.noticeVars)}</p>` : ''} ${v.reviews ? html`<h2>${w('reviewHead')}</h2>` : ''}
    ${saleTable(c, v.sale, v.reviews)}
    <section class="box">${claimBlock}</section>
    ${invoiceBlock}`;
  return page(c, w('title', { number: v.sale.number }), body);
}

export interface InvoiceForm {
  title: string;
  taxNumber: string;
  email: string;
  errors: Partial<Record<'title' | 'taxNumber' | 'email', ReceiptWord>>;
}

export function invoicePage(c: ShopContext, sale: Sale, here: string, china: boolean, f: InvoiceForm, status = 200) {
  const w = wordsOf(c);
  const err = (k: keyof InvoiceForm['errors']) => (f.errors[k] ? html`<span class="field-err">${w(f.errors[k])}</span>` : '');
  const body = html`${STYLE}
    <h1>${w('invoiceTitle', { number: sale.number })}</h1>
    <form class="stack" method="post" action="${here}/invoice">
      ${csrfField(c)}
      <label>${w('fTitle')}<br /><input name="title" value="${f.title}" maxlength="100" required autocomplete="organization" /></label>
      ${err('title')}
      <label
        >${china ? w('fTaxCn') : w('fTax')}<br /><input
          name="taxNumber"
          value="${f.taxNumber}"
          maxlength="${china ? 18 : 30}"
          autocapitalize="characters"
      /></label>
      ${err('taxNumber')}
      <label
        >${w('fEmail')}<br /><input name="email" type="email" value="${f.email}" maxlength="254" required autocomplete="email"
      /></label>
      ${err('email')}
      <button class="btn" type="submit">${w('send')}</button>
    </form>
    <p><a href="${here}">${w('back')}</a></p>`;
  return page(c, w('invoiceTitle', { number: sale.number }), body, { status });
}

/** The buyer's claimed counter sales, for their order history. */
export function purchasesList(c: ShopContext, sales: Sale[], timeZone: string) {
  if (sales.length === 0) return html``;
  const w = wordsOf(c);
  const base = c.get('store').base;
  return html`<h2>${w('purchases')}</h2>
    <table class="purchases">
      ${sales.map(
        (s) =>
          html`<tr>
            <td><a href="${base}/account/purchases/${s.id}">${s.number}</a></td>
            <td>${dateTime(c, s.createdAt, timeZone)}</td>
            <td class="num">${formatMoney(s.total, s.currency, c.get('lang'))}</td>
          </tr>`,
      )}
    </table>`;
}
