/** The order page's cancel / return / refund block, and the return form (everything escaped by `html`). */
import { payWords } from '../payments/words';
import { formatMoney, formatQtyUnit } from '../../../shared/money';
import { isUnit, type Unit } from '../../../shared/units';
import type { ShopContext } from '../web/env';
import { csrfField, html, page } from '../web/page';
import type { ShopOrder, ShopOrderLine } from '../checkout/orders';
import type { CancelRefusal, OnlineReturn, ReturnRefusal } from './aftersale';
import type { ShopRefund } from './ledger';
import { aftersaleWords, type AftersaleWord } from './words';

const wordsOf =
  (c: ShopContext) =>
  (k: AftersaleWord, vars: Record<string, string | number> = {}) =>
    aftersaleWords(c.get('lang'), k, vars);

const HAN = /\p{Script=Han}/u;
/** The line's name in the page's language, as the rest of the order page names it. */
function lineName(c: ShopContext, l: Pick<ShopOrderLine, 'name' | 'altName'>): string {
  if (!l.altName) return l.name;
  const wantHan = c.get('lang') === 'zh-CN';
  return HAN.test(l.name) !== wantHan && HAN.test(l.altName) === wantHan ? l.altName : l.name;
}
const qtyText = (c: ShopContext, qty: number, unit: string) => formatQtyUnit(qty, (isUnit(unit) ? unit : 'each') as Unit, c.get('lang'));

function providerName(c: ShopContext, provider: string): string {
  if (provider === 'wechat' || provider === 'stripe') return payWords(c.get('lang'), provider === 'wechat' ? 'wechat' : 'stripeName');
  return provider === 'alipay' ? wordsOf(c)('provider_alipay') : provider;
}

export interface AftersaleView {
  order: ShopOrder;
  lines: ShopOrderLine[];
  key: string | null;
  cancel: CancelRefusal | null;
  /** When the return window closes; null when the goods are not in hand yet. */
  returnUntil: number | null;
  canReturn: boolean;
  returns: OnlineReturn[];
  refunds: ShopRefund[];
  timeZone: string;
}

export function aftersaleBlock(c: ShopContext, v: AftersaleView) {
  const w = wordsOf(c);
  const base = `${c.get('store').base}/orders/${v.order.id}`;
  const lang = c.get('lang');
  const date = (ms: number) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: v.timeZone }).format(new Date(ms));
  const money = (minor: number) => formatMoney(minor, v.order.currency, lang);
  const keyField = v.key ? html`<input type="hidden" name="key" value="${v.key}" />` : '';
  const provider = providerName(c, v.order.provider);
  const names = new Map(v.lines.map((l) => [l.id, l]));
  const returnHref = `${base}/return${v.key ? `?key=${encodeURIComponent(v.key)}` : ''}`;
  const showReturn = v.canReturn && v.returnUntil !== null;
  if (v.cancel !== null && !showReturn && v.returns.length === 0 && v.refunds.length === 0) return '';
  return html`<section class="aftersale">
    ${
      v.cancel === null
        ? html`<h2>${w('afterTitle')}</h2>
            <form method="post" action="${base}/cancel">
              ${csrfField(c)}${keyField}
              <p>${w('cancelHint', { amount: money(v.order.total), provider })}</p>
              <button class="btn" type="submit">${w('cancelConfirm')}</button>
            </form>`
        : ''
    }
    ${v.order.state === 'cancelled' ? html`<p><strong>${w('cancelledNote')}</strong></p>` : ''}
    ${
      showReturn
        ? html`<p>${w('returnHint', { date: date(v.returnUntil!) })} <a class="btn" href="${returnHref}">${w('requestReturn')}</a></p>`
        : ''
    }
    ${
      v.returns.length
        ? html`<h2>${w('returnsTitle')}</h2>
            <ul class="returns">
              ${v.returns.map((r) => {
                const items = r.lines
                  .map((l) => {
                    const line = names.get(l.order_line_id);
                    return line ? `${lineName(c, line)} × ${qtyText(c, l.qty, line.unit)}` : '';
                  })
                  .filter(Boolean)
                  .join(', ');
                return html`<li>
                  ${w('returnOf', { date: date(r.created_at), items })} ${w('returnAmount', { amount: money(r.amount) })}<br />
                  ${
                    r.decision === 'pending'
                      ? w('returnPending')
                      : r.decision === 'approved'
                        ? w('returnApproved')
                        : w('returnRefused', { note: r.decision_note })
                  }
                </li>`;
              })}
            </ul>`
        : ''
    }
    ${
      v.refunds.length
        ? html`<h2>${w('refundsTitle')}</h2>
            <ul class="refunds">
              ${v.refunds.map(
                (r) =>
                  html`<li data-refund-state="${r.state}">
                    ${
                      r.state === 'refunded'
                        ? w('refundRefunded', { amount: money(r.amount), provider, date: date(r.refundedAt ?? r.updatedAt) })
                        : r.state === 'requested'
                          ? w('refundRequested', { amount: money(r.amount), provider })
                          : html`${w('refundFailed', { amount: money(r.amount), message: r.message ?? '' })}
                              <form method="post" action="${base}/refunds/${r.id}/retry">
                                ${csrfField(c)}${keyField}<button type="submit">${w('refundRetry')}</button>
                              </form>`
                    }
                    (${w(r.cause === 'cancel' ? 'cause_cancel' : 'cause_return')})
                  </li>`,
              )}
            </ul>`
        : ''
    }
  </section>`;
}

/** Quantities as the buyer types them: whole units, or three decimals for weighed goods. */
const qtyInput = (qty: number, unit: string) => (unit === 'each' ? String(qty / 1000) : (qty / 1000).toFixed(3));

export function returnFormPage(
  c: ShopContext,
  v: {
    order: ShopOrder;
    lines: ShopOrderLine[];
    left: Map<string, number>;
    key: string | null;
    id: string;
    reason: string;
    qty: Record<string, string>;
    error: AftersaleWord | ReturnRefusal | null;
  },
  status = 200,
) {
  const w = wordsOf(c);
  const base = `${c.get('store').base}/orders/${v.order.id}`;
  const title = w('returnTitle', { number: v.order.shopNumber });
  const body = html`<h1>${title}</h1>
    ${v.error ? html`<p class="errbox" role="alert">${w(v.error)}</p>` : ''}
    <form class="stack" method="post" action="${base}/return">
      ${csrfField(c)}${v.key ? html`<input type="hidden" name="key" value="${v.key}" />` : ''}
      <input type="hidden" name="rid" value="${v.id}" />
      ${v.lines.map((l) => {
        const left = v.left.get(l.id) ?? 0;
        if (left <= 0) return '';
        return html`<label
          >${lineName(c, l)} — ${w('returnQty', { n: qtyText(c, left, l.unit) })}<br /><input
            name="qty_${l.id}"
            inputmode="decimal"
            value="${v.qty[l.id] ?? '0'}"
            data-max="${qtyInput(left, l.unit)}"
        /></label>`;
      })}
      <label>${w('returnReason')}<br /><textarea name="reason" maxlength="500" required>${v.reason}</textarea></label>
      <button class="btn" type="submit">${w('returnSend')}</button>
    </form>
    <p><a href="${base}${v.key ? `?key=${encodeURIComponent(v.key)}` : ''}">${w('returnBack')}</a></p>`;
  return page(c, title, body, { status });
}
