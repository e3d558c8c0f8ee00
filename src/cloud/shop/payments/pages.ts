/** The WeChat Pay QR page (server-rendered; a small script only counts down and polls), and the payment choice at checkout. */
import bwipjs from 'bwip-js/node';
import { formatMoney } from '../../../shared/money';
import type { ShopContext } from '../web/env';
import { html, page, raw } from '../web/page';
import type { ShopOrder, ShopProvider } from '../checkout/orders';
import { payWords, type PayWord } from './words';

/** The QR code of a WeChat code_url as SVG markup (bwip-js draws paths only: no text of the URL is interpolated into it). */
export function qrSvg(text: string): string {
  return bwipjs.toSVG({ bcid: 'qrcode', text, paddingwidth: 4, paddingheight: 4 });
}

const HINT: Record<ShopProvider, PayWord> = { alipay: 'alipayHint', wechat: 'wechatHint', stripe: 'stripeHint' };

/** The checkout's "Pay with" choice among the providers offered (the first chosen unless the buyer chose). */
export function providerChoice(c: ShopContext, offered: ShopProvider[], chosen: string, error: boolean) {
  const w = (k: PayWord) => payWords(c.get('lang'), k);
  if (offered.length === 0) return html`<p class="errbox" role="alert">${w('noProviders')}</p>`;
  const pick = offered.includes(chosen as ShopProvider) ? chosen : offered[0];
  return html`<fieldset>
    <legend>${w('payWith')}</legend>
    ${offered.map(
      (p) =>
        html`<label
          ><input type="radio" name="provider" value="${p}" ${pick === p ? raw('checked') : ''} /> <strong>${w(p)}</strong>
          <span class="muted">${w(HINT[p])}</span></label
        >`,
    )}
    ${error ? html`<span class="field-err" role="alert">${w('chooseProvider')}</span>` : ''}
  </fieldset>`;
}

const SCRIPT = `(() => {
  const el = document.getElementById('wxpay');
  if (!el) return;
  const left = document.getElementById('left');
  const state = document.getElementById('paystate');
  const ends = Number(el.dataset.ends) - Number(el.dataset.now) + Date.now();
  const tick = () => {
    const s = Math.max(0, Math.round((ends - Date.now()) / 1000));
    left.textContent = String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
    if (s === 0) { state.textContent = el.dataset.expired; document.getElementById('qr').style.opacity = '0.2'; }
  };
  tick();
  setInterval(tick, 1000);
  const poll = async () => {
    try {
      const r = await fetch(el.dataset.status, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const j = await r.json();
      if (j.state === 'paid') { state.textContent = el.dataset.paid; location.assign(el.dataset.order); return; }
      if (j.state !== 'pending') { location.assign(el.dataset.order); return; }
    } catch (e) { /* the next poll tries again */ }
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 3000);
})();`;

export function wechatPayPage(c: ShopContext, order: ShopOrder, codeUrl: string, key: string | null, now: number) {
  const w = (k: PayWord, vars: Record<string, string | number> = {}) => payWords(c.get('lang'), k, vars);
  const base = c.get('store').base;
  const q = key ? `?key=${encodeURIComponent(key)}` : '';
  const orderUrl = `${base}/orders/${order.id}${q}`;
  const amount = formatMoney(order.total, order.currency, c.get('lang'));
  const seconds = Math.max(0, Math.round((order.expiresAt - now) / 1000));
  const body = html`<h1>${w('wechatTitle')}</h1>
    <p>${w('order', { number: order.shopNumber })}</p>
    <p>${w('amount')}: <strong class="price" data-testid="amount">${amount}</strong></p>
    <div
      id="wxpay"
      data-now="${now}"
      data-ends="${order.expiresAt}"
      data-status="${base}/orders/${order.id}/status${q}"
      data-order="${orderUrl}"
      data-paid="${w('paid')}"
      data-expired="${w('expired')}"
      data-code-url="${codeUrl}"
    >
      <figure id="qr" role="img" aria-label="${w('qrAlt', { amount })}" style="width:240px;max-width:80vw;margin:8px 0;background:#fff">
        ${raw(qrSvg(codeUrl))}
      </figure>
      <p>${w('wechatScan')}</p>
      <p>
        ${w('timeLeft')}:
        <strong id="left">${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}</strong>
      </p>
      <p id="paystate" role="status" aria-live="polite">${w('waiting')}</p>
    </div>
    <p class="muted">${w('wechatPhone')}</p>
    <p>
      <a class="btn" href="${base}/orders/${order.id}?${new URLSearchParams({ ...(key ? { key } : {}), check: '1' }).toString()}"
        >${w('checkNow')}</a
      >
      <a href="${orderUrl}">${w('backToOrder')}</a>
    </p>
    <script>
      ${raw(SCRIPT)};
    </script>`;
  // The address holds the order's key: it goes to no other site.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
  return page(c, w('wechatTitle'), body, { head: html`<noscript><meta http-equiv="refresh" content="15" /></noscript>` });
}
