/** The cart, checkout and order pages, rendered on the server through the shop's frame (everything escaped). */
import { COUNTRIES, COUNTRY_CODES, type Address } from '../../../shared/address';
import { transitWindow, type DeliveryWindow } from '../../../shared/delivery-estimate';
import { AUTOMATIC_RECEIPT } from '../../../shared/sync/shapes';
import { formatMoney, formatQtyUnit } from '../../../shared/money';
import type { ShippingMethod } from '../../../shared/online-shipping';
import type { Unit } from '../../../shared/units';
import { isUnit } from '../../../shared/units';
import type { ShopContext } from '../web/env';
import { csrfField, html, page, raw, type Html } from '../web/page';
import type { Review } from '../reviews/reviews';
import { reviewLink } from '../reviews/views';
import { chargeFor, type PricedShopCart } from './cart';
import type { CheckoutForm, FieldErrors } from './form';
import { formatPickupCode, linePriceList, linePromotions, type ShopOrder, type ShopOrderLine, type ShopProvider } from './orders';
import type { LinePromotion } from '../pricing/price';
import { dealName } from '../pricing/words';
import { providerChoice } from '../payments/pages';
import { checkoutWords, type CheckoutWord } from './words';
import { carrierName } from '../delivery/carriers';

const STYLE = html`<style>
  .totals td:last-child,
  .num {
    text-align: right;
  }
  .qty {
    width: 5em;
  }
  .errbox {
    border: 1px solid #b42318;
    background: #fef3f2;
    padding: 8px 12px;
    border-radius: 6px;
  }
  .field-err {
    color: #b42318;
    font-size: 0.9rem;
  }
  .timeline li {
    margin: 4px 0;
  }
  .promo {
    display: block;
    color: #b42318;
    font-size: 0.9rem;
  }
  .code {
    font-size: 2rem;
    font-weight: 700;
    letter-spacing: 0.15em;
  }
  fieldset {
    border: 1px solid #e3e6ea;
    border-radius: 8px;
    padding: 12px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
</style>`;

function wordsOf(c: ShopContext) {
  const lang = c.get('lang');
  return (k: CheckoutWord, vars: Record<string, string | number> = {}) => checkoutWords(lang, k, vars);
}

export function money(c: ShopContext, minor: number, currency: string): string {
  return formatMoney(minor, currency, c.get('lang'));
}

const qtyText = (c: ShopContext, qty: number, unit: string) => formatQtyUnit(qty, (isUnit(unit) ? unit : 'each') as Unit, c.get('lang'));

/** A country's name in the page's language (Node's ICU knows them all), else its English name. */
function countryName(c: ShopContext, code: string): string {
  try {
    return new Intl.DisplayNames([c.get('lang')], { type: 'region' }).of(code) ?? COUNTRIES[code]?.name ?? code;
  } catch {
    return COUNTRIES[code]?.name ?? code;
  }
}

const HAN = /\p{Script=Han}/u;

/** The name in the page's language: a Chinese store's own name is Chinese and its second one English, and the other way round. */
function productName(c: ShopContext, p: { name: string; altName: string | null }): string {
  if (!p.altName) return p.name;
  const wantHan = c.get('lang') === 'zh-CN';
  return HAN.test(p.name) !== wantHan && HAN.test(p.altName) === wantHan ? p.altName : p.name;
}

const methodName = (c: ShopContext, m: ShippingMethod) => (c.get('lang') === 'zh-CN' && m.nameZh ? m.nameZh : m.name);

/** A line's unit price, the shelf price struck through when a price list lowered it (named as the till names the list). */
function unitPriceCell(
  c: ShopContext,
  cur: string,
  unitPrice: number,
  shelf: number | null,
  list: { name: string; nameZh: string | null } | null,
) {
  const w = wordsOf(c);
  if (shelf === null || !list || shelf <= unitPrice) return html`${money(c, unitPrice, cur)}`;
  return html`<s title="${w('regularPrice')}">${money(c, shelf, cur)}</s> ${money(c, unitPrice, cur)}
    <span class="muted" style="display:block;font-size:0.9rem">${w('priceList', { name: dealName(c.get('lang'), list) })}</span>`;
}

/** Under a line: each promotion that took part of it, by the name the till shows, with its share. */
const lineShares = (c: ShopContext, cur: string, shares: LinePromotion[]) =>
  shares.map(
    (p) => html`<span class="promo" data-promotion="${p.promotionId}">${dealName(c.get('lang'), p)} −${money(c, p.amount, cur)}</span>`,
  );

/** The promotions of a whole order or cart, each with its total, in the order they applied. */
function appliedOf(lines: LinePromotion[][]): LinePromotion[] {
  const out = new Map<string, LinePromotion>();
  for (const shares of lines)
    for (const p of shares) {
      const had = out.get(p.promotionId);
      out.set(p.promotionId, had ? { ...had, amount: had.amount + p.amount } : { ...p });
    }
  return [...out.values()];
}

/** Days of the store's calendar as the buyer reads them: "Dec 10", "Dec 10 – 12", "12月10日至12日". */
export function dayRange(c: ShopContext, w: DeliveryWindow): string {
  const fmt = new Intl.DateTimeFormat(c.get('lang'), { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const from = Date.parse(`${w.from}T00:00:00Z`);
  const to = Date.parse(`${w.to}T00:00:00Z`);
  return w.from === w.to ? fmt.format(from) : fmt.formatRange(from, to);
}

/** A quantity as the buyer types it: whole units, or three decimals for weighed goods. */
export const qtyInput = (qty: number, unit: string) => (unit === 'each' ? String(qty / 1000) : (qty / 1000).toFixed(3));

export function cartPage(
  c: ShopContext,
  cart: PricedShopCart,
  message: CheckoutWord | null,
  vars: Record<string, string | number> = {},
  suggestions: Html | '' = '',
) {
  const w = wordsOf(c);
  const base = c.get('store').base;
  const cur = cart.terms.currency;
  const body = html`${STYLE}
    <h1>${w('cartTitle')}</h1>
    ${message ? html`<p class="errbox" role="alert">${w(message, vars)}</p>` : ''}
    ${cart.unavailable.map((u) => html`<p class="err">${w('unavailable', { name: u.name || u.productId })}</p>`)}
    ${
      cart.lines.length === 0
        ? html`<p>${w('cartEmpty')}</p>
            <p><a class="btn" href="${base}">${w('continueShopping')}</a></p>`
        : html`<table>
              <thead>
                <tr>
                  <th>${w('product')}</th>
                  <th class="num">${w('price')}</th>
                  <th>${w('qty')}</th>
                  <th class="num">${w('lineTotal')}</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${cart.lines.map(
                  (l) =>
                    html`<tr>
                      <td>
                        <a href="${base}/p/${l.product.id}">${productName(c, l.product)}</a> ${lineShares(c, cur, l.promotions)}
                        ${
                          l.available < l.qty
                            ? html`<br /><span class="err">${w('onlyLeft', { n: qtyText(c, l.available, l.product.unit) })}</span>`
                            : ''
                        }
                      </td>
                      <td class="num">${unitPriceCell(c, cur, l.unitPrice, l.product.price, l.priceList)}</td>
                      <td>
                        <form method="post" action="${base}/cart/update">
                          ${csrfField(c)}<input type="hidden" name="productId" value="${l.product.id}" />
                          <input
                            class="qty"
                            name="qty"
                            inputmode="decimal"
                            value="${qtyInput(l.qty, l.product.unit)}"
                            aria-label="${w('qty')}"
                          />
                          <button type="submit">${w('update')}</button>
                        </form>
                      </td>
                      <td class="num">${money(c, l.priced.total, cur)}</td>
                      <td>
                        <form method="post" action="${base}/cart/remove">
                          ${csrfField(c)}<input type="hidden" name="productId" value="${l.product.id}" />
                          <button type="submit">${w('remove')}</button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${totalsTable(c, cart.terms.priceMode, cur, cart.priced, null, cart.applied)}
            <p><a class="btn" href="${base}/checkout">${w('toCheckout')}</a> <a href="${base}">${w('continueShopping')}</a></p>`
    }
    ${suggestions}`;
  return page(c, w('cartTitle'), body, { status: message ? 400 : 200 });
}

function totalsTable(
  c: ShopContext,
  mode: 'inclusive' | 'exclusive',
  cur: string,
  t: { subtotal: number; discountTotal: number; taxTotal: number; total: number },
  shipping: number | null,
  promotions: LinePromotion[] = [],
) {
  const w = wordsOf(c);
  // Each promotion by name, as the till's cart lists them; what no promotion explains stays one discount row.
  const other = t.discountTotal - promotions.reduce((s, p) => s + p.amount, 0);
  return html`<table class="totals">
    <tr>
      <td>${w('subtotal')}</td>
      <td>${money(c, t.subtotal, cur)}</td>
    </tr>
    ${promotions.map(
      (p) =>
        html`<tr class="promo-row" data-promotion="${p.promotionId}">
          <td>${w('promotion')}: ${dealName(c.get('lang'), p)}</td>
          <td>−${money(c, p.amount, cur)}</td>
        </tr>`,
    )}
    ${
      other > 0
        ? html`<tr>
            <td>${w('discount')}</td>
            <td>−${money(c, other, cur)}</td>
          </tr>`
        : ''
    }
    <tr>
      <td>${mode === 'inclusive' ? w('taxIncluded') : w('tax')}</td>
      <td>${money(c, t.taxTotal, cur)}</td>
    </tr>
    ${
      shipping === null
        ? ''
        : html`<tr>
            <td>${w('shipping')}</td>
            <td>${shipping === 0 ? w('free') : money(c, shipping, cur)}</td>
          </tr>`
    }
    <tr>
      <th>${w('total')}</th>
      <th class="num">${money(c, t.total + (shipping ?? 0), cur)}</th>
    </tr>
  </table>`;
}

const fieldErr = (c: ShopContext, errors: FieldErrors, k: string) => {
  const e = errors[k];
  return e ? html`<span class="field-err" role="alert">${wordsOf(c)(e)}</span>` : '';
};

export function checkoutPage(
  c: ShopContext,
  cart: PricedShopCart,
  form: CheckoutForm,
  errors: FieldErrors,
  providers: ShopProvider[],
  when: { now: number; timeZone: string } | null = null,
) {
  const w = wordsOf(c);
  const base = c.get('store').base;
  const cur = cart.terms.currency;
  const input = (name: string, label: string, value: string, attrs: Html | string = '') =>
    html`<label
      >${label}<br /><input name="${name}" value="${value}" ${attrs} aria-invalid="${errors[name] ? 'true' : 'false'}" />
      ${fieldErr(c, errors, name)}</label
    >`;
  const a = form.address;
  // The totals show the chosen method's charge (the first method until the buyer chooses).
  const chosen = cart.terms.shipping.methods.find((m) => m.id === form.method) ?? cart.terms.shipping.methods[0];
  const chosenCharge = chosen ? chargeFor(chosen, cart, null) : null;
  const body = html`${STYLE}
    <h1>${w('checkoutTitle')}</h1>
    ${errors._form ? html`<p class="errbox" role="alert">${w(errors._form)}</p>` : ''}
    <form class="stack" method="post" action="${base}/checkout">
      ${csrfField(c)}<input type="hidden" name="idem" value="${form.idem}" />
      <input type="hidden" name="seen" value="${String(cart.priced.total)}" />
      <fieldset>
        <legend>${w('contact')}</legend>
        ${input('name', w('name'), form.name, raw('autocomplete="name" required maxlength="120"'))}
        ${input('email', w('email'), form.email, raw('type="email" autocomplete="email" maxlength="254"'))}
        ${input('phone', w('phone'), form.phone, raw('type="tel" autocomplete="tel" maxlength="24"'))}
      </fieldset>
      <fieldset>
        <legend>${w('delivery')}</legend>
        ${cart.terms.shipping.methods.map((m) => {
          const charge = chargeFor(m, cart, null);
          // When it would arrive if paid now, counted in the store's calendar as the order page will.
          const days = when && m.kind !== 'pickup' ? transitWindow(when.now, when.timeZone, m.minDays, m.maxDays) : null;
          // Each method says what the buyer will pay with it: the page needs no script to be right.
          return html`<label
            ><input type="radio" name="method" value="${m.id}" ${form.method === m.id ? raw('checked') : ''} /> ${methodName(c, m)} —
            ${charge === 0 ? w('free') : charge === null ? '' : money(c, charge, cur)}${
              charge === null ? '' : html` · ${w('total')} ${money(c, cart.priced.total + charge, cur)}`
            }${days ? html` · <span class="eta">${w('arrives', { dates: dayRange(c, days) })}</span>` : ''}</label
          >`;
        })}
        ${fieldErr(c, errors, 'method')}
      </fieldset>
      <fieldset>
        <legend>${w('address')}</legend>
        ${input('a_name', w('recipient'), a.name, raw('autocomplete="shipping name"'))} ${input('a_company', w('company'), a.company)}
        ${input('a_line1', w('line1'), a.line1, raw('autocomplete="shipping address-line1"'))}
        ${input('a_line2', w('line2'), a.line2, raw('autocomplete="shipping address-line2"'))}
        ${input('a_city', w('city'), a.city, raw('autocomplete="shipping address-level2"'))}
        ${input('a_region', w('region'), a.region, raw('autocomplete="shipping address-level1"'))}
        ${input('a_postalCode', w('postalCode'), a.postalCode, raw('autocomplete="shipping postal-code"'))}
        <label
          >${w('country')}<br /><select name="a_country">
            ${COUNTRY_CODES.map(
              (code) =>
                html`<option value="${code}" ${a.country === code ? raw('selected') : ''}>${countryName(c, code)} (${code})</option>`,
            )}
          </select>
          ${fieldErr(c, errors, 'a_country')}</label
        >
      </fieldset>
      <label>${w('note')}<br /><textarea name="note" maxlength="500">${form.note}</textarea> ${fieldErr(c, errors, 'note')}</label>
      ${providerChoice(c, providers, form.provider, errors.provider !== undefined)}
      ${totalsTable(c, cart.terms.priceMode, cur, cart.priced, chosenCharge, cart.applied)}
      ${providers.length > 0 ? html`<button class="btn" type="submit">${w('placeOrder')}</button>` : ''}
    </form>`;
  return page(c, w('checkoutTitle'), body, { status: Object.keys(errors).length ? 400 : 200 });
}

export function shortPage(c: ShopContext, short: { name: string; available: number }[]) {
  const w = wordsOf(c);
  const body = html`<h1>${w('shortTitle')}</h1>
    <ul>
      ${short.map((s) => html`<li>${w('shortItem', { name: s.name, available: Math.max(0, s.available / 1000) })}</li>`)}
    </ul>
    <p><a class="btn" href="${c.get('store').base}/cart">${w('shortBack')}</a></p>`;
  return page(c, w('shortTitle'), body, { status: 409 });
}

export interface OrderEvent {
  kind: string;
  carrier: string | null;
  tracking: string | null;
  at: number;
  /** The carrier's words for a tracking step or a delivery. */
  note: string;
  /** tracking: where the parcel is; received: `automatic` when the store's days ran out. */
  status: string | null;
  location: string | null;
  /** shipped: the carrier's estimated delivery day. */
  eta: string | null;
}

const TRACKING_WORDS: Record<string, CheckoutWord> = {
  handed_over: 'trk_handed_over',
  in_transit: 'trk_in_transit',
  out_for_delivery: 'trk_out_for_delivery',
  delivered: 'trk_delivered',
  exception: 'trk_exception',
  returned: 'trk_returned',
};

/** The steps that say where a paid order has got to, for the order page's headline. */
const HEADLINE_STEPS = new Set(['packed', 'shipped', 'picked_up', 'delivered', 'received', 'return_approved', 'refunded', 'shortage']);

/** What a step is called on the timeline. */
function stepName(w: ReturnType<typeof wordsOf>, e: OrderEvent): string {
  if (e.kind === 'tracking') return w(TRACKING_WORDS[e.status ?? ''] ?? 'ev_tracking');
  if (e.kind === 'received' && e.status === AUTOMATIC_RECEIPT) return w('ev_received_auto');
  return w(`ev_${e.kind}` as CheckoutWord);
}

/**
 * When the parcel should arrive, while it is on its way: the carrier's day once a label is
 * bought, else the days the method promised at checkout, counted from payment.
 */
function estimate(order: ShopOrder, events: OrderEvent[], timeZone: string): { days: DeliveryWindow; carrier: string | null } | null {
  if (order.state !== 'paid' || order.fulfilment !== 'ship' || order.refundDue) return null;
  if (events.some((e) => e.kind === 'delivered' || e.kind === 'received' || e.kind === 'cancelled' || e.kind === 'refunded')) return null;
  const shipped = events.filter((e) => e.kind === 'shipped' && e.eta).pop();
  if (shipped?.eta) return { days: { from: shipped.eta, to: shipped.eta }, carrier: shipped.carrier };
  const days = order.paidAt ? transitWindow(order.paidAt, timeZone, order.transitMinDays, order.transitMaxDays) : null;
  return days ? { days, carrier: null } : null;
}

export function orderPage(
  c: ShopContext,
  order: ShopOrder,
  lines: ShopOrderLine[],
  stepsAsWritten: OrderEvent[],
  opts: {
    key: string | null;
    pickupCode: string | null;
    reviews?: Map<string, Review> | null;
    timeZone?: string;
    /** The store's days after delivery until the order completes by itself. */
    autoCompleteDays?: number;
    /** The aftersale room's block: cancel, return, refunds. */
    aftersale?: Html | string;
  },
) {
  const w = wordsOf(c);
  const base = c.get('store').base;
  const cur = order.currency;
  const lang = c.get('lang');
  // Carriers the tills name are shown by their name in the buyer's language (delivery/carriers.ts).
  const events = stepsAsWritten.map((e) => (e.carrier ? { ...e, carrier: carrierName(e.carrier, lang) } : e));
  const time = (ms: number) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: opts.timeZone ?? 'UTC' }).format(new Date(ms));
  const keyField = opts.key ? html`<input type="hidden" name="key" value="${opts.key}" />` : '';
  const delivered = events.some((e) => e.kind === 'delivered');
  const received = events.some((e) => e.kind === 'received');
  const timeZone = opts.timeZone ?? 'UTC';
  const eta = estimate(order, events, timeZone);
  const firstDelivery = events.find((e) => e.kind === 'delivered');
  const completesAt =
    firstDelivery && !received && order.state === 'paid' && opts.autoCompleteDays
      ? firstDelivery.at + opts.autoCompleteDays * 86_400_000
      : null;
  const day = (ms: number) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone }).format(new Date(ms));
  // A paid order is headed by where it has got to since (shipped, delivered, refunded…), as the timeline says it.
  const latest = events.filter((e) => HEADLINE_STEPS.has(e.kind)).reduce<OrderEvent | null>((m, e) => (m && m.at > e.at ? m : e), null);
  const state =
    order.state === 'pending'
      ? w('statePending', { time: time(order.expiresAt) })
      : order.state === 'paid'
        ? latest
          ? stepName(w, latest)
          : w('statePaid')
        : order.state === 'expired'
          ? w('stateExpired')
          : w('stateCancelled');
  const address = order.address ? (JSON.parse(order.address) as Address) : null;
  const goods = { subtotal: order.subtotal, discountTotal: lines.reduce((s, l) => s + l.discount, 0), taxTotal: order.taxTotal };
  const body = html`${STYLE}
    <h1>${w('orderTitle', { number: order.shopNumber })}</h1>
    <p><strong>${state}</strong></p>
    ${
      eta
        ? html`<p class="eta">
            <strong>${w('estimatedDelivery', { dates: dayRange(c, eta.days) })}</strong>${
              eta.carrier ? html` ${w('etaByCarrier', { carrier: eta.carrier })}` : ''
            }
          </p>`
        : ''
    }
    ${order.refundDue ? html`<p class="errbox">${w('refundDue')}</p>` : ''}
    ${
      order.state === 'pending'
        ? html`<form method="post" action="${base}/orders/${order.id}/pay">
              ${csrfField(c)}${keyField}<button class="btn" type="submit">${w('payNow')}</button>
            </form>
            <p>
              <a href="${base}/orders/${order.id}?${new URLSearchParams({ ...(opts.key ? { key: opts.key } : {}), check: '1' }).toString()}"
                >${w('checkAgain')}</a
              >
            </p>`
        : ''
    }
    ${opts.key ? html`<p class="muted">${w('keepLink')}</p>` : ''}
    ${
      opts.pickupCode && order.state === 'paid' && !order.refundDue
        ? html`<section>
            <h2>${w('pickupCode')}</h2>
            <p class="code">${formatPickupCode(opts.pickupCode)}</p>
            <p>${w('pickupHint')} ${w('pickupAt', { store: c.get('store').name })}</p>
          </section>`
        : ''
    }
    ${
      address
        ? html`<section>
            <h2>${w('shipTo')}</h2>
            <p>
              ${address.name}<br />${address.company ? html`${address.company}<br />` : ''}${address.line1}<br />
              ${address.line2 ? html`${address.line2}<br />` : ''}${address.city} ${address.region ?? ''} ${address.postalCode}<br />${countryName(c, address.country)}
            </p>
          </section>`
        : ''
    }
    <table>
      <thead>
        <tr>
          <th>${w('product')}</th>
          <th>${w('qty')}</th>
          <th class="num">${w('lineTotal')}</th>
        </tr>
      </thead>
      <tbody>
        ${lines.map(
          (l) =>
            html`<tr>
              <td>
                ${productName(c, l)}
                ${l.shelfPrice !== null ? html`<span class="muted">${unitPriceCell(c, cur, l.unitPrice, l.shelfPrice, linePriceList(l))}</span>` : ''}
                ${lineShares(c, cur, linePromotions(l))}${opts.reviews ? reviewLink(c, order.id, l.id, opts.reviews.get(l.id)) : ''}
              </td>
              <td>${qtyText(c, l.qty, l.unit)}</td>
              <td class="num">${money(c, l.total, cur)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${totalsTable(
      c,
      order.priceMode,
      cur,
      { ...goods, total: order.total - order.shippingAmount },
      order.shippingAmount,
      appliedOf(lines.map(linePromotions)),
    )}
    <h2>${w('timeline')}</h2>
    <ul class="timeline">
      <li>${w('placed')}: ${time(order.createdAt)}</li>
      ${order.paidAt ? html`<li>${w('paidAt')}: ${time(order.paidAt)}</li>` : ''}
      ${events.map(
        (e) =>
          html`<li>
            ${stepName(w, e)}: ${time(e.at)}
            ${e.kind !== 'tracking' && e.tracking ? html`— ${w('tracking', { carrier: e.carrier ?? '', tracking: e.tracking })}` : ''}
            ${(e.kind === 'tracking' || e.kind === 'delivered') && (e.note || e.location) ? html`— ${[e.note, e.location].filter(Boolean).join(' · ')}` : ''}
          </li>`,
      )}
    </ul>
    ${
      delivered && !received
        ? html`<form method="post" action="${base}/orders/${order.id}/received">
              ${csrfField(c)}${keyField}<button class="btn" type="submit">${w('confirmReceipt')}</button>
            </form>
            ${completesAt ? html`<p class="muted">${w('autoCompleteOn', { date: day(completesAt) })}</p>` : ''}`
        : ''
    }
    ${opts.aftersale ?? ''}`;
  return page(c, w('orderTitle', { number: order.shopNumber }), body);
}

export function ordersListPage(c: ShopContext, orders: ShopOrder[], more: Html | null = null) {
  const w = wordsOf(c);
  const base = c.get('store').base;
  const label = (o: ShopOrder) =>
    o.state === 'pending'
      ? w('statePending', { time: '' })
      : o.state === 'paid'
        ? w('statePaid')
        : o.state === 'expired'
          ? w('stateExpired')
          : w('stateCancelled');
  const body = html`<h1>${w('myOrders')}</h1>
    ${
      orders.length === 0
        ? html`<p>${w('noOrders')}</p>`
        : html`<table>
            ${orders.map(
              (o) =>
                html`<tr>
                  <td><a href="${base}/orders/${o.id}">${o.shopNumber}</a></td>
                  <td>${label(o)}</td>
                  <td class="num">${money(c, o.total, o.currency)}</td>
                </tr>`,
            )}
          </table>`
    }
    ${more ?? ''}`;
  return page(c, w('myOrders'), body);
}
