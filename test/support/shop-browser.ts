/**
 * A browser for shop tests: it keeps cookies by path as a browser does, sends forms with the CSRF
 * token the shop set, and follows redirects only when asked. Requests go to the app in-process;
 * `ip` poses as the client's address (the rate limits key on it).
 */
import type { Hono } from 'hono';

interface Cookie {
  value: string;
  path: string;
  attrs: string;
}

export class ShopBrowser {
  readonly cookies = new Map<string, Cookie>();

  constructor(
    private readonly app: Hono,
    private readonly origin: string,
    private readonly opts: { ip?: string; lang?: string } = {},
  ) {}

  private cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const maxAge = attrs.find((a) => a.toLowerCase().startsWith('max-age='));
      if (value === '' || (maxAge && Number(maxAge.slice(8)) <= 0)) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, attrs: attrs.join('; ') });
    }
  }

  /** The Set-Cookie line the shop sent last for `name` (attributes included), as raw text. */
  lastSetCookie: Record<string, string> = {};

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(new URL(path, this.origin).pathname);
    if (cookie) headers.cookie = cookie;
    if (this.opts.lang) headers['accept-language'] = this.opts.lang;
    const env = this.opts.ip ? { incoming: { socket: { remoteAddress: this.opts.ip } } } : undefined;
    const res = await this.app.fetch(new Request(`${this.origin}${path}`, { method, headers, body: init.body }), env);
    for (const line of res.headers.getSetCookie()) this.lastSetCookie[line.slice(0, line.indexOf('='))] = line;
    this.keep(res);
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request('GET', path, { headers });
  }

  /** Posts a form with the page's CSRF token (unless `_csrf` is given, or `csrf: false`). */
  async post(
    path: string,
    fields: Record<string, string>,
    o: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    if (o.csrf !== false && fields._csrf === undefined) {
      if (!this.cookies.has('shop_csrf')) await this.get(path.replace(/\/account.*$/, ''));
      body.set('_csrf', this.cookies.get('shop_csrf')?.value ?? '');
    }
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return this.request('POST', path, {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...o.headers },
    });
  }

  /** GETs a page and follows its redirects (within the app) to the end. */
  async visit(path: string): Promise<{ res: Response; text: string; path: string }> {
    let at = path;
    for (let i = 0; i < 10; i++) {
      const res = await this.get(at);
      const loc = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && loc) {
        const u = new URL(loc, `${this.origin}${at}`);
        at = `${u.pathname}${u.search}`;
        continue;
      }
      return { res, text: await res.text(), path: at };
    }
    throw new Error(`Too many redirects from ${path}`);
  }

  session(): string | undefined {
    return this.cookies.get('shop_session')?.value;
  }
}
