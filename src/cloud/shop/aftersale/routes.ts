/**
 * The buyer's cancel, return and refund actions on their order: POST /orders/:id/cancel,
 * GET|POST /orders/:id/return, POST /orders/:id/refunds/:refund/retry. The order is reached as
 * its page is (the guest's key, or the signed-in buyer's own order); anything else is a 404.
 */
import type { Hono } from 'hono';
import { parseQty } from '../../../shared/money';
import { isSafeText } from '../../../shared/text';
import { isUnit } from '../../../shared/units';
import { idShape } from '../../../shared/sync/shapes';
import type { CloudDeps } from '../../deps';
import { storeFacts } from '../catalog/queries';
import { orderLines, type ShopOrder } from '../checkout/orders';
import { sameKey, visibleOrder, type CheckoutOptions } from '../checkout/access';
import type { ShopContext, ShopEnv } from '../web/env';
import { errorPage } from '../web/page';
import {
  cancelOrder,
  cancelRefusal,
  requestReturn,
  returnable,
  returnDays,
  returnsOfOrder,
  stepsOfOrder,
  windowEnds,
  type ReturnLine,
} from './aftersale';
import { refundsOfOrder, retryRefund, settleRefund } from './ledger';
import { aftersaleBlock, returnFormPage } from './views';
import { aftersaleWords } from './words';

async function form(c: ShopContext): Promise<Record<string, unknown>> {
  return (await c.req.parseBody()) as Record<string, unknown>;
}

const keyOf = (f: Record<string, unknown>) => (typeof f.key === 'string' ? f.key : null);

function backToOrder(c: ShopContext, order: ShopOrder, key: string | null) {
  const q = key && sameKey(key, order.accessKeyHash) ? `?key=${encodeURIComponent(key)}` : '';
  return c.redirect(`${c.get('store').base}/orders/${order.id}${q}`, 303);
}

/**
 * The order page's block: what the buyer may do now, their returns and the refunds' progress. A
 * refund whose time has come is asked about first, so the page shows the provider's latest word.
 */
export async function loadAftersale(c: ShopContext, deps: CloudDeps, opts: CheckoutOptions, order: ShopOrder, key: string | null) {
  const due = (await refundsOfOrder(deps.db, order.id)).filter((r) => r.state === 'requested' && r.nextAt <= deps.clock());
  for (const r of due) await settleRefund(deps, opts.payments, r.id);
  const [steps, returns, refunds, lines, facts, days] = await Promise.all([
    stepsOfOrder(deps.db, order),
    returnsOfOrder(deps.db, order),
    refundsOfOrder(deps.db, order.id),
    orderLines(deps.db, order.id),
    storeFacts(deps.db, order.orgId, order.storeId),
    returnDays(deps.db, order.orgId, order.storeId),
  ]);
  const until = order.state === 'paid' ? windowEnds(steps, days) : null;
  const left = returnable(lines, returns);
  return aftersaleBlock(c, {
    order,
    lines,
    key: key && sameKey(key, order.accessKeyHash) ? key : null,
    cancel: cancelRefusal(order, steps),
    returnUntil: until,
    canReturn: until !== null && deps.clock() <= until && [...left.values()].some((q) => q > 0),
    returns,
    refunds,
    timeZone: facts.timeZone,
  });
}

export function registerAftersaleRoutes(shop: Hono<ShopEnv>, deps: CloudDeps, opts?: CheckoutOptions): void {
  if (!opts) return;
  const say = (c: ShopContext, k: Parameters<typeof aftersaleWords>[1]) => aftersaleWords(c.get('lang'), k);

  shop.post('/orders/:id/cancel', async (c) => {
    const f = await form(c);
    const key = keyOf(f);
    const order = await visibleOrder(c, deps, c.req.param('id'), key);
    const done = await cancelOrder(deps, opts.stock, order.storeId, order.id);
    if (!done.ok) return errorPage(c, 409, say(c, done.reason));
    // Sent once the cancellation has committed; an unclear answer is asked about again later.
    if (done.refund.state === 'requested') await settleRefund(deps, opts.payments, done.refund.id);
    return backToOrder(c, order, key);
  });

  shop.post('/orders/:id/refunds/:refund/retry', async (c) => {
    const f = await form(c);
    const key = keyOf(f);
    const order = await visibleOrder(c, deps, c.req.param('id'), key);
    const refundId = idShape.safeParse(c.req.param('refund'));
    const refund = refundId.success ? (await refundsOfOrder(deps.db, order.id)).find((r) => r.id === refundId.data) : undefined;
    if (!refund) return errorPage(c, 404, say(c, 'nothingLeft'));
    if (await retryRefund(deps.db, deps, refund.id)) await settleRefund(deps, opts.payments, refund.id);
    return backToOrder(c, order, key);
  });

  async function returnContext(c: ShopContext, key: string | null) {
    const order = await visibleOrder(c, deps, c.req.param('id'), key);
    const [lines, returns] = await Promise.all([orderLines(deps.db, order.id), returnsOfOrder(deps.db, order)]);
    return { order, lines, returns, left: returnable(lines, returns), key: key && sameKey(key, order.accessKeyHash) ? key : null };
  }

  shop.get('/orders/:id/return', async (c) => {
    const x = await returnContext(c, c.req.query('key') ?? null);
    c.header('Referrer-Policy', 'same-origin');
    return returnFormPage(c, { ...x, id: deps.ids(), reason: '', qty: {}, error: null });
  });

  shop.post('/orders/:id/return', async (c) => {
    const f = await form(c);
    const x = await returnContext(c, keyOf(f));
    const rid = idShape.safeParse(f.rid);
    const id = rid.success ? rid.data : deps.ids();
    const reason = (typeof f.reason === 'string' ? f.reason : '').replace(/\r\n/g, '\n').trim();
    const qty: Record<string, string> = {};
    const asked: ReturnLine[] = [];
    let badQty = false;
    for (const l of x.lines) {
      const raw = f[`qty_${l.id}`];
      if (typeof raw !== 'string' || raw.trim() === '') continue;
      qty[l.id] = raw.trim().slice(0, 20);
      if (raw.trim() === '0') continue;
      const q = parseQty(raw.trim(), isUnit(l.unit) ? l.unit : 'each');
      if (q === null || q <= 0) badQty = true;
      else asked.push({ order_line_id: l.id, qty: q });
    }
    const again = (error: Parameters<typeof returnFormPage>[1]['error'], status: number) =>
      returnFormPage(c, { ...x, id, reason: reason.slice(0, 500), qty, error }, status);
    if (badQty) return again('badQty', 400);
    if (!reason || reason.length > 500 || !isSafeText(reason)) return again('badReason', 400);
    const done = await requestReturn(deps, x.order.storeId, x.order.id, { id, lines: asked, reason });
    if (!done.ok) return again(done.reason, done.reason === 'noLines' || done.reason === 'tooMany' ? 400 : 409);
    return backToOrder(c, x.order, keyOf(f));
  });
}
