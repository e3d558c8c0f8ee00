/**
 * "This receipt online": `/r/<key>` from the QR code a till printed, and the buyer's own copy at
 * `/account/purchases/<order>` once claimed. A key that is unknown, malformed or another store's
 * gets the shop's ordinary 404; the pages are rate limited per client address before any lookup.
 */
import type { Hono } from 'hono';
import { isSafeLine } from '../../../shared/text';
import { INVOICE_TITLE_MAX, isOtherTaxNumber, isUscc } from '../../../shared/invoices';
import { normaliseReceiptKey } from '../../../shared/receipt-link';
import { idShape } from '../../../shared/sync/shapes';
import { answerHeader, clientAddress, RateLimiter, type RateLimit } from '../../guards';
import { CloudHttpError, type CloudDeps } from '../../deps';
import { parseLogin } from '../buyers/credentials';
import { requireBuyer } from '../buyers/session';
import { storeFacts } from '../catalog/queries';
import { reviewsOfOrder } from '../reviews/reviews';
import type { ShopContext, ShopEnv } from '../web/env';
import { errorPage } from '../web/page';
import {
  claimedReceipt,
  claimReceipt,
  invoiceOf,
  receiptByKey,
  requestInvoice,
  saleOfReceipt,
  type InvoiceInput,
  type ReceiptRow,
} from './receipts';
import { invoicePage, receiptPage, type ClaimState, type InvoiceForm } from './views';
import { receiptWords, type ReceiptWord } from './words';

export interface ReceiptOptions {
  /** Per client address, over every receipt page; `false` only for in-process tests. */
  rateLimit?: RateLimit | false;
}

/** Enough for a customer and the family's phones; a guesser gets nowhere in 128 bits either way. */
export const RECEIPT_RATE_LIMIT: RateLimit = { burst: 30, perMinute: 20 };

const NOTICES = ['claimedNow', 'requested'] as const;

/** What the invoice form sent, checked: the tax number's rule is the store's country's (see shared/invoices.ts). */
export function readInvoiceForm(f: Record<string, unknown>, china: boolean): InvoiceForm & { input: InvoiceInput | null } {
  const s = (k: string) => (typeof f[k] === 'string' ? f[k] : '').trim();
  const title = s('title').slice(0, 400);
  const rawTax = s('taxNumber').slice(0, 100);
  const taxNumber = china ? rawTax.replace(/\s+/g, '').toUpperCase() : rawTax;
  const email = s('email').slice(0, 300);
  const errors: InvoiceForm['errors'] = {};
  if (title === '' || [...title].length > INVOICE_TITLE_MAX || !isSafeLine(title)) errors.title = 'badTitle';
  if (taxNumber !== '' && !(china ? isUscc(taxNumber) : isOtherTaxNumber(taxNumber))) errors.taxNumber = china ? 'badTaxCn' : 'badTax';
  const login = parseLogin(email);
  if (!login || login.kind !== 'email') errors.email = 'badEmail';
  const ok = Object.keys(errors).length === 0 && login;
  return { title, taxNumber, email, errors, input: ok ? { title, taxNumber, email: login.value } : null };
}

export function registerReceiptRoutes(shop: Hono<ShopEnv>, deps: CloudDeps, opts: ReceiptOptions = {}): void {
  // Per process, like the shop's other limiters (several processes each enforce their own share).
  const limiter = opts.rateLimit === false ? null : new RateLimiter(opts.rateLimit ?? RECEIPT_RATE_LIMIT, deps.clock);
  const w = (c: ShopContext, k: ReceiptWord) => receiptWords(c.get('lang'), k);
  const notFound = () => new CloudHttpError(404, 'NOT_FOUND', 'No such page');

  const guard = async (c: ShopContext, next: () => Promise<void>) => {
    const wait = limiter?.take(clientAddress(c)) ?? 0;
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return errorPage(c, 429, w(c, 'tooMany'));
    }
    await next();
    // The key is in the address: it never leaves for another site, and the page is nobody's to keep.
    answerHeader(c, 'Referrer-Policy', 'same-origin');
    answerHeader(c, 'X-Robots-Tag', 'noindex');
    answerHeader(c, 'X-Frame-Options', 'DENY');
  };
  shop.use('/r/*', guard);
  shop.use('/account/purchases/*', guard);

  /** The receipt behind the address (a key, or the buyer's own claimed sale), or the 404. */
  async function resolve(c: ShopContext): Promise<{ row: ReceiptRow; here: string }> {
    const store = c.get('store');
    const rawKey = c.req.param('key');
    if (rawKey !== undefined) {
      const key = normaliseReceiptKey(rawKey);
      const row = key ? await receiptByKey(deps.db, store, key) : null;
      if (!row || !key) throw notFound();
      return { row, here: `${store.base}/r/${key}` };
    }
    const buyer = c.get('buyer');
    const id = idShape.safeParse(c.req.param('id'));
    const row = buyer && id.success ? await claimedReceipt(deps.db, store, buyer, id.data) : null;
    if (!row) throw notFound();
    return { row, here: `${store.base}/account/purchases/${row.orderId}` };
  }

  async function sale(row: ReceiptRow) {
    const s = await saleOfReceipt(deps.db, row);
    if (!s) throw notFound();
    return s;
  }

  const claimOf = (c: ShopContext, row: ReceiptRow): ClaimState =>
    row.buyerId === null ? 'open' : row.buyerId === c.get('buyer')?.id ? 'mine' : 'taken';

  async function show(c: ShopContext) {
    const { row, here } = await resolve(c);
    const s = await sale(row);
    const claim = claimOf(c, row);
    const facts = await storeFacts(deps.db, row.orgId, row.storeId);
    const invoice = claim === 'mine' ? await invoiceOf(deps.db, row) : null;
    const n = c.req.query('notice') as (typeof NOTICES)[number] | undefined;
    const notice = n && NOTICES.includes(n) ? n : null;
    return receiptPage(c, {
      sale: s,
      here,
      claim,
      invoice,
      reviews: claim === 'mine' ? await reviewsOfOrder(deps.db, row.orgId, row.orderId) : null,
      timeZone: facts.timeZone,
      notice,
      noticeVars: { email: invoice?.email ?? '' },
    });
  }

  shop.get('/r/:key', show);
  shop.get('/account/purchases/:id', (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    return show(c);
  });

  shop.post('/r/:key/claim', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const { row, here } = await resolve(c);
    const outcome = await claimReceipt(deps, row, buyer);
    if (outcome === 'taken') return errorPage(c, 409, w(c, 'taken'));
    return c.redirect(`${here}?notice=claimedNow`, 303);
  });

  async function invoiceContext(c: ShopContext) {
    const { row, here } = await resolve(c);
    if (claimOf(c, row) !== 'mine') return { row, here, refusal: errorPage(c, 403, w(c, 'invoiceClaimFirst')) };
    if (row.invoiceId) return { row, here, refusal: errorPage(c, 409, w(c, 'already')) };
    const facts = await storeFacts(deps.db, row.orgId, row.storeId);
    // Mainland China's invoices (发票) name the buyer by the unified social credit code; a store that
    // trades in yuan is taken to be there (the till has no country setting).
    return { row, here, china: facts.currency === 'CNY', refusal: null };
  }

  for (const path of ['/r/:key/invoice', '/account/purchases/:id/invoice']) {
    shop.get(path, async (c) => {
      const buyer = requireBuyer(c);
      if (buyer instanceof Response) return buyer;
      const ctx = await invoiceContext(c);
      if (ctx.refusal) return ctx.refusal;
      return invoicePage(c, await sale(ctx.row), ctx.here, ctx.china === true, {
        title: '',
        taxNumber: '',
        email: buyer.email ?? '',
        errors: {},
      });
    });

    shop.post(path, async (c) => {
      const buyer = requireBuyer(c);
      if (buyer instanceof Response) return buyer;
      const ctx = await invoiceContext(c);
      if (ctx.refusal) return ctx.refusal;
      const s = await sale(ctx.row);
      const form = readInvoiceForm((await c.req.parseBody()) as Record<string, unknown>, ctx.china === true);
      if (!form.input) return invoicePage(c, s, ctx.here, ctx.china === true, form, 400);
      const done = await requestInvoice(deps, ctx.row, s, buyer, form.input);
      if (!done.ok)
        return errorPage(c, done.reason === 'already' ? 409 : 403, w(c, done.reason === 'already' ? 'already' : 'invoiceClaimFirst'));
      return c.redirect(`${ctx.here}?notice=requested`, 303);
    });
  }
}
