import type { Hono } from 'hono';
import { z } from 'zod';
import { answerHeader, clientAddress, DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from '../../guards';
import type { CloudDeps } from '../../deps';
import type { Mailer, SmtpSettings } from '../../mail/mailer';
import type { ShopContext, ShopEnv } from '../web/env';
import { changePassword, createBuyer, findBuyer, renameBuyer, peekToken, resetPassword, signIn, verifyEmail } from './accounts';
import {
  addressForm,
  checkAddress,
  deleteAddress,
  getAddress,
  listAddresses,
  makeDefaultAddress,
  MAX_ADDRESSES,
  saveAddress,
  type AddressForm,
} from './addresses';
import { parseLogin, parseName, passwordProblem, type Login, type PasswordProblem } from './credentials';
import { accountMail, sendAccountMail } from './mail';
import { endSession, requireBuyer, safeNext, startSession } from './session';
import {
  accountPage,
  addressesPage,
  addressFormPage,
  forgotPage,
  messagePage,
  passwordPage,
  resetPage,
  signInPage,
  signUpPage,
  type SignUpForm,
} from './views';
import { buyerWords, type BuyerWord } from './words';

export interface BuyerOptions {
  /** The SMTP server (or, in tests, any Mailer) for verification and reset mails. */
  mail?: SmtpSettings | Mailer | null;
  /** The shop's public address (`https://shop.example.com`): the links in mails start with it. */
  publicUrl?: string | null;
  /** Per client address on sign-in, sign-up, reset and resend; `false` only for in-process tests. */
  rateLimit?: RateLimit | false;
}

const PASSWORD_WORD: Record<PasswordProblem, BuyerWord> = {
  short: 'pwShort',
  long: 'pwLong',
  common: 'pwCommon',
  sameAsLogin: 'pwSameAsLogin',
};

/** Messages a redirect may ask the next page to show: a fixed list, so a link cannot put words on the page. */
const NOTICES = [
  'welcome',
  'verifySent',
  'mailFailed',
  'mailUnavailable',
  'passwordChanged',
  'nameSaved',
  'addressSaved',
  'addressRemoved',
] as const;
type Notice = (typeof NOTICES)[number];

const addressId = z.uuid();

async function form(c: ShopContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Sign up, sign in and out, verification, password reset, address book. */
export function registerBuyerRoutes(shop: Hono<ShopEnv>, deps: CloudDeps, opts: BuyerOptions = {}): void {
  const mail = accountMail(opts);
  // Per process (several processes each enforce their own share); the lockout is in the database.
  const limit = opts.rateLimit === false ? null : (opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const limiters = {
    signin: limit && new RateLimiter(limit, deps.clock),
    signup: limit && new RateLimiter(limit, deps.clock),
    forgot: limit && new RateLimiter(limit, deps.clock),
    resend: limit && new RateLimiter(limit, deps.clock),
  };
  const w = (c: ShopContext, k: BuyerWord, vars?: Record<string, string | number>) => buyerWords(c.get('lang'), k, vars);
  /** The 429 page, or null when this address may go ahead. */
  const limited = (c: ShopContext, which: keyof typeof limiters) => {
    const wait = limiters[which]?.take(clientAddress(c)) ?? 0;
    if (wait === 0) return null;
    c.header('Retry-After', String(wait));
    return messagePage(c, w(c, 'tooMany'), w(c, 'tooMany'), { status: 429, error: true });
  };
  const noticeOf = (c: ShopContext): string | null => {
    const n = c.req.query('notice') as Notice | undefined;
    if (!n || !NOTICES.includes(n)) return null;
    const buyer = c.get('buyer');
    return w(c, n, { name: buyer?.name ?? '', email: buyer?.email ?? '' });
  };
  const to = (c: ShopContext, path: string, n?: Notice) => c.redirect(`${c.get('store').base}${path}${n ? `?notice=${n}` : ''}`, 303);

  // Personal pages: never cached, never framed (a framed sign-in is a clickjacking aid), and a
  // token in the address never leaks through Referer.
  const personal = async (c: ShopContext, next: () => Promise<void>) => {
    await next();
    answerHeader(c, 'Cache-Control', 'no-store');
    answerHeader(c, 'Referrer-Policy', 'same-origin');
    answerHeader(c, 'X-Frame-Options', 'DENY');
    answerHeader(c, 'Content-Security-Policy', "frame-ancestors 'none'");
  };
  shop.use('/account', personal);
  shop.use('/account/*', personal);

  shop.get('/account', (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    return accountPage(c, buyer, { notice: noticeOf(c), mailAvailable: mail !== null });
  });

  shop.post('/account/name', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const typed = ((await form(c)).name ?? '').slice(0, 200);
    const name = parseName(typed);
    if (!name) return accountPage(c, buyer, { notice: null, mailAvailable: mail !== null, name: { typed, error: w(c, 'badName') } }, 400);
    await renameBuyer(deps, buyer.id, name);
    return to(c, '/account', 'nameSaved');
  });

  shop.get('/account/signup', (c) => {
    if (c.get('buyer')) return to(c, '/account');
    return signUpPage(c, { login: '', name: '', errors: {}, next: safeNext(c, c.req.query('next')) });
  });

  shop.post('/account/signup', async (c) => {
    const tooMany = limited(c, 'signup');
    if (tooMany) return tooMany;
    const f = await form(c);
    const next = safeNext(c, f.next);
    const typed: SignUpForm = { login: (f.login ?? '').slice(0, 254), name: (f.name ?? '').slice(0, 200), errors: {}, next };
    const login = parseLogin(f.login ?? '');
    const name = parseName(f.name ?? '');
    const password = f.password ?? '';
    if (!login) typed.errors.login = w(c, 'badLogin');
    if (!name) typed.errors.name = w(c, 'badName');
    const pw = passwordProblem(password, login?.value ?? null);
    if (pw) typed.errors.password = w(c, PASSWORD_WORD[pw]);
    if (!login || !name || pw) return signUpPage(c, typed, 400);
    const id = await createBuyer(deps, { orgId: c.get('store').orgId, login, name, password });
    if (!id) return signUpPage(c, { ...typed, errors: { form: w(c, 'taken') } }, 409);
    await startSession(c, deps, id);
    let n: Notice = 'welcome';
    if (login.kind === 'email') {
      if (!mail) n = 'mailUnavailable';
      else
        n = await sendAccountMail(c, deps, mail, { id, name, email: login.value }, 'verify').then(
          () => 'verifySent' as const,
          (err: unknown) => {
            console.error('[shop] verification mail failed', err instanceof Error ? err.message : err);
            return 'mailFailed' as const;
          },
        );
    }
    if (next) return c.redirect(next, 303);
    return to(c, '/account', n);
  });

  shop.get('/account/signin', (c) => {
    const next = safeNext(c, c.req.query('next'));
    if (c.get('buyer')) return c.redirect(next ?? `${c.get('store').base}/account`, 303);
    return signInPage(c, { login: '', error: null, next });
  });

  shop.post('/account/signin', async (c) => {
    const tooMany = limited(c, 'signin');
    if (tooMany) return tooMany;
    const f = await form(c);
    const next = safeNext(c, f.next);
    const typed = (f.login ?? '').slice(0, 254);
    const login = parseLogin(f.login ?? '');
    const password = f.password ?? '';
    if (!login) return signInPage(c, { login: typed, error: w(c, 'badLogin'), next }, 400);
    if (password === '' || password.length > 1000) return signInPage(c, { login: typed, error: w(c, 'wrongLogin'), next }, 401);
    const result = await signIn(deps, c.get('store').orgId, login, password);
    if (!result.ok) {
      if (result.reason === 'locked') {
        const minutes = Math.max(1, Math.ceil((result.until - deps.clock()) / 60_000));
        return signInPage(c, { login: typed, error: w(c, 'locked', { minutes }), next }, 423);
      }
      return signInPage(c, { login: typed, error: w(c, 'wrongLogin'), next }, 401);
    }
    await startSession(c, deps, result.buyer.id);
    return c.redirect(next ?? `${c.get('store').base}/account`, 303);
  });

  shop.post('/account/signout', async (c) => {
    await endSession(c, deps);
    return c.redirect(c.get('store').base, 303);
  });

  shop.get('/account/verify', async (c) => {
    const ok = await verifyEmail(deps, c.get('store').orgId, c.req.query('token') ?? '');
    if (!ok) return messagePage(c, w(c, 'verifyTitle'), w(c, 'linkInvalid'), { status: 400, error: true });
    return messagePage(c, w(c, 'verifyTitle'), w(c, 'verifyDone'));
  });

  shop.post('/account/verify/resend', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const tooMany = limited(c, 'resend');
    if (tooMany) return tooMany;
    if (!buyer.email || buyer.verified) return to(c, '/account');
    if (!mail) return to(c, '/account', 'mailUnavailable');
    const sent = await sendAccountMail(c, deps, mail, { id: buyer.id, name: buyer.name, email: buyer.email }, 'verify').then(
      () => true,
      (err: unknown) => {
        console.error('[shop] verification mail failed', err instanceof Error ? err.message : err);
        return false;
      },
    );
    return to(c, '/account', sent ? 'verifySent' : 'mailFailed');
  });

  shop.get('/account/forgot', (c) => {
    if (!mail) return messagePage(c, w(c, 'forgotTitle'), w(c, 'forgotUnavailable'));
    return forgotPage(c, { email: '', error: null });
  });

  shop.post('/account/forgot', async (c) => {
    const tooMany = limited(c, 'forgot');
    if (tooMany) return tooMany;
    if (!mail) return messagePage(c, w(c, 'forgotTitle'), w(c, 'forgotUnavailable'));
    const f = await form(c);
    const typed = (f.email ?? '').slice(0, 254);
    const login = parseLogin(typed);
    if (!login || login.kind !== 'email') return forgotPage(c, { email: typed, error: w(c, 'badEmail') }, 400);
    const buyer = await findBuyer(deps, c.get('store').orgId, login);
    if (buyer?.email) {
      // Not awaited: the answer takes as long whether or not an account exists.
      void sendAccountMail(c, deps, mail, { id: buyer.id, name: buyer.name, email: buyer.email }, 'reset').catch((err: unknown) =>
        console.error('[shop] reset mail failed', err instanceof Error ? err.message : err),
      );
    }
    return messagePage(c, w(c, 'forgotTitle'), w(c, 'forgotSent', { email: login.value }));
  });

  shop.get('/account/reset', async (c) => {
    const token = c.req.query('token') ?? '';
    const buyer = await peekToken(deps, c.get('store').orgId, token, 'reset');
    if (!buyer) return messagePage(c, w(c, 'resetTitle'), w(c, 'linkInvalid'), { status: 400, error: true });
    return resetPage(c, { token, error: null });
  });

  shop.post('/account/reset', async (c) => {
    const f = await form(c);
    const token = f.token ?? '';
    const orgId = c.get('store').orgId;
    const owner = await peekToken(deps, orgId, token, 'reset');
    if (!owner) return messagePage(c, w(c, 'resetTitle'), w(c, 'linkInvalid'), { status: 400, error: true });
    const pw = passwordProblem(f.password ?? '', owner.email);
    if (pw) return resetPage(c, { token, error: w(c, PASSWORD_WORD[pw]) }, 400);
    const buyer = await resetPassword(deps, orgId, token, f.password!);
    if (!buyer) return messagePage(c, w(c, 'resetTitle'), w(c, 'linkInvalid'), { status: 400, error: true });
    await startSession(c, deps, buyer.id);
    return to(c, '/account', 'passwordChanged');
  });

  shop.get('/account/password', (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    return passwordPage(c, null);
  });

  shop.post('/account/password', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const tooMany = limited(c, 'signin');
    if (tooMany) return tooMany;
    const f = await form(c);
    const login: Login = buyer.email ? { kind: 'email', value: buyer.email } : { kind: 'phone', value: buyer.phone ?? '' };
    const current = f.current ?? '';
    // The current password is checked like a sign-in: counted, and locked after 10 failures.
    const result = current === '' || current.length > 1000 ? null : await signIn(deps, c.get('store').orgId, login, current);
    if (!result?.ok || result.buyer.id !== buyer.id) {
      if (result && !result.ok && result.reason === 'locked') {
        const minutes = Math.max(1, Math.ceil((result.until - deps.clock()) / 60_000));
        return passwordPage(c, w(c, 'locked', { minutes }), 423);
      }
      return passwordPage(c, w(c, 'wrongCurrent'), 401);
    }
    const pw = passwordProblem(f.password ?? '', login.value);
    if (pw) return passwordPage(c, w(c, PASSWORD_WORD[pw]), 400);
    await changePassword(deps, buyer.id, f.password!);
    await startSession(c, deps, buyer.id);
    return to(c, '/account', 'passwordChanged');
  });

  shop.get('/account/addresses', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    return addressesPage(c, await listAddresses(deps, buyer.id), noticeOf(c));
  });

  shop.get('/account/addresses/new', (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const blank = addressForm({ name: buyer.name });
    return addressFormPage(c, { id: null, form: blank, problems: {}, makeDefault: false });
  });

  shop.get('/account/addresses/:id/edit', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const id = addressId.safeParse(c.req.param('id'));
    const found = id.success ? await getAddress(deps, buyer.id, id.data) : null;
    if (!found) return c.notFound();
    const filled: AddressForm = addressForm({ ...found });
    return addressFormPage(c, { id: found.id, form: filled, problems: {}, makeDefault: found.isDefault });
  });

  const save = async (c: ShopContext, id: string | null) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const body = await form(c);
    const typed = addressForm(body);
    const makeDefault = body.makeDefault === '1';
    const problems = checkAddress(typed);
    if (Object.keys(problems).length > 0) return addressFormPage(c, { id, form: typed, problems, makeDefault }, 400);
    const saved = await saveAddress(deps, buyer.id, typed, { id: id ?? undefined, makeDefault });
    if (saved === 'missing') return c.notFound();
    if (saved === 'full')
      return addressFormPage(c, { id, form: typed, problems, makeDefault, error: w(c, 'tooManyAddresses', { max: MAX_ADDRESSES }) }, 409);
    return to(c, '/account/addresses', 'addressSaved');
  };

  shop.post('/account/addresses', (c) => save(c, null));

  shop.post('/account/addresses/:id', async (c) => {
    const id = addressId.safeParse(c.req.param('id'));
    if (!id.success) return c.notFound();
    return save(c, id.data);
  });

  shop.post('/account/addresses/:id/default', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const id = addressId.safeParse(c.req.param('id'));
    if (!id.success || !(await makeDefaultAddress(deps, buyer.id, id.data))) return c.notFound();
    return to(c, '/account/addresses', 'addressSaved');
  });

  shop.post('/account/addresses/:id/delete', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const id = addressId.safeParse(c.req.param('id'));
    if (!id.success || !(await deleteAddress(deps, buyer.id, id.data))) return c.notFound();
    return to(c, '/account/addresses', 'addressRemoved');
  });
}
