import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { serve, type ServerType } from '@hono/node-server';
import type { Router } from '../router';
import { HOST_SESSION_LIMITS, IssuedSessions, type IssuedSessionLimits } from '../sessions';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MAX_BODY = 1024 * 1024;

/** Cookies ignore ports: naming it for the port keeps another loopback app's cookie (or ours) apart. */
export const cookieName = (port: number) => `ct_auth_${port}`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface HostOptions {
  router: Router;
  webDir: string;
  port: number;
  /** Per-launch secret; random when not given. */
  token?: string;
  /**
   * Tests only (`--test-faults`): POST /api/test/fault {"mode":"readonly"|"off"} makes the live
   * database refuse writes the way a read-only file does. Absent in normal use; behind the secret.
   */
  testFaults?: (mode: 'readonly' | 'off') => void;
  /** Expiry and cap of the sessions the host issues (tests shorten them). */
  sessionLimits?: IssuedSessionLimits;
  clock?: () => number;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The port this request reached: the socket's, or the configured one for in-process requests. */
function portOf(c: Context, configured: number): number {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.localPort ?? configured;
}

/** The only names a page may use to reach us: anything else is DNS rebinding or a confused proxy. */
export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/**
 * Host and Origin before anything else. A real socket request must name us by a loopback
 * Host (400 otherwise); a browser's Origin, when sent, must be one of those (403 otherwise).
 * Tools like curl send no Origin and are let through to the token check.
 */
function loopbackOnly(configuredPort: number): MiddlewareHandler {
  return async (c, next) => {
    const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
    const allowed = loopbackHosts(portOf(c, configuredPort));
    const host = c.req.header('host')?.toLowerCase();
    // In-process requests (tests) carry no Host; over a socket one is required.
    if ((socket || host !== undefined) && (host === undefined || !allowed.includes(host))) return c.text('Bad Host', 400);
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowed.some((h) => origin.toLowerCase() === `http://${h}`)) return c.text('Forbidden origin', 403);
    try {
      decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('Bad path', 400);
    }
    return next();
  };
}

/**
 * Refuses a body from its declared length before reading, and stops reading a chunked one at the
 * limit; the 413 closes the connection so the rest is not drained.
 */
function boundBodies(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) => {
    c.header('Connection', 'close');
    return c.json({ ok: false, error: { code: 'VALIDATION', message: 'Request too large' } }, 413);
  };
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (declared !== undefined && !chunked && !(Number(declared) <= maxBytes)) return tooLarge(c);
    // A GET or HEAD has no body to hand on, so Node would read a chunked one to its end after the answer.
    if (chunked && (c.req.method === 'GET' || c.req.method === 'HEAD')) return tooLarge(c);
    return streaming(c, next);
  };
}

/**
 * The headless host: the renderer and the router over HTTP on 127.0.0.1 only. Nothing answers
 * without the per-launch secret (cookie set from the printed URL, or a bearer header).
 */
export function buildHostApp(opts: HostOptions & { token: string }): Hono {
  const app = new Hono();
  const sessions = new IssuedSessions(opts.sessionLimits ?? HOST_SESSION_LIMITS, opts.clock ?? Date.now, randomUUID, (sid) =>
    opts.router.dropSession(`host:${sid}`),
  );

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });

  app.use('*', loopbackOnly(opts.port));
  app.use('*', boundBodies(MAX_BODY));

  app.use('*', async (c, next) => {
    const cookie = cookieName(portOf(c, opts.port));
    const url = new URL(c.req.url);
    const fromQuery = url.searchParams.get('token');
    if (c.req.method === 'GET' && url.pathname === '/' && fromQuery !== null) {
      if (!sameSecret(fromQuery, opts.token)) return c.text('Unauthorized', 401);
      setCookie(c, cookie, opts.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return c.redirect('/', 302);
    }
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    if (!sameSecret(getCookie(c, cookie), opts.token) && !sameSecret(bearer, opts.token)) return c.text('Unauthorized', 401);
    return next();
  });

  const sessionOf = (c: Context, fromQuery = false) => {
    const sid = fromQuery ? c.req.query('session') : c.req.header('x-session');
    return sid && sessions.use(sid) ? sid : null;
  };
  const unknownSession = (c: Context) => c.json({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'unknown session' } }, 401);

  app.post('/api/session', (c) => c.json({ sessionId: sessions.issue() }));

  app.post('/api/invoke', async (c) => {
    const sid = sessionOf(c);
    if (!sid) return unknownSession(c);
    // Bounded while it streamed (boundBodies).
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ ok: false, error: { code: 'VALIDATION', message: 'Body is not JSON' } });
    }
    const { channel, input } = (body ?? {}) as { channel?: unknown; input?: unknown };
    if (typeof channel !== 'string') return c.json({ ok: false, error: { code: 'VALIDATION', message: 'Missing channel' } });
    return c.json(await opts.router.call(channel, input, `host:${sid}`));
  });

  if (opts.testFaults) {
    const inject = opts.testFaults;
    app.post('/api/test/fault', async (c) => {
      const { mode } = (await c.req.json().catch(() => ({}))) as { mode?: unknown };
      if (mode !== 'readonly' && mode !== 'off') return c.json({ ok: false }, 400);
      inject(mode);
      return c.json({ ok: true });
    });
  }

  app.get('/api/events', (c) => {
    const sid = sessionOf(c, true);
    if (!sid) return unknownSession(c);
    return streamSSE(c, async (stream) => {
      const queue: { event: string; data: string }[] = [];
      let wake: (() => void) | null = null;
      const off = opts.router.subscribe(`host:${sid}`, (event, payload) => {
        queue.push({ event, data: JSON.stringify(payload) });
        wake?.();
      });
      stream.onAbort(() => {
        off();
        wake?.();
      });
      while (!stream.aborted) {
        const next = queue.shift();
        if (next) await stream.writeSSE(next);
        else
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 15000);
          }).then(() => (wake = null));
        if (!next && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
      }
    });
  });

  app.all('/api/*', (c) => c.json({ ok: false, error: { code: 'NOT_FOUND', message: 'No such endpoint' } }, 404));

  app.get('*', async (c) => {
    const path = new URL(c.req.url).pathname;
    const rel = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    const file = join(opts.webDir, rel);
    if (!file.startsWith(opts.webDir + sep) && file !== opts.webDir) return c.text('Not found', 404);
    const ext = extname(file);
    try {
      const body = await readFile(ext ? file : join(opts.webDir, 'index.html'));
      return c.body(body, 200, { 'Content-Type': TYPES[ext || '.html'] ?? 'application/octet-stream' });
    } catch {
      if (ext) return c.text('Not found', 404);
      return c.text('The renderer is not built: run `npm run build:web`', 500);
    }
  });
  return app;
}

export function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const app = buildHostApp({ ...opts, token });
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: opts.port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        const url = `http://127.0.0.1:${info.port}/?token=${token}`;
        resolve({
          url,
          port: info.port,
          token,
          close: () =>
            new Promise<void>((r) => {
              if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
              server.close(() => r());
            }),
        });
      });
      server.on('error', reject);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
