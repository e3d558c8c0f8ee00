/**
 * What the cloud checks before a request reaches a handler: the body's size while it streams, how
 * often one address may call the endpoints that need no credentials, and the sign-up secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CloudHttpError } from './deps';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Refuses a body from its declared Content-Length before reading it, and stops reading a chunked
 * one at the limit (hono's bodyLimit never buffers more than `maxBytes`). The 413 says
 * `Connection: close`, so Node drops the socket once it is sent instead of draining the rest.
 */
export function boundBodies(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new CloudHttpError(413, 'TOO_LARGE', `Request bodies are limited to ${maxBytes} bytes`, {}, { Connection: 'close' });
  };
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    // Any method: a GET that declares a body is refused the same way rather than drained.
    const declared = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (declared !== undefined && !chunked && !(Number(declared) <= maxBytes)) tooLarge();
    // A GET or HEAD has no body to hand on, so Node would read a chunked one to its end after the answer.
    const bodiless = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (chunked && bodiless) tooLarge();
    // Nothing reads a GET's body, and asking the request for it builds a whole web Request.
    if (bodiless) return next();
    return streaming(c, next);
  };
}

/** The peer's address on a real socket; one shared key for in-process requests (tests, the simulator). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return rateKey(env?.incoming?.socket?.remoteAddress ?? 'local');
}

/**
 * The key a client is limited under: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address by its /64, since one host is usually handed a whole /64 and could rotate through it.
 */
export function rateKey(address: string): string {
  const a = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

export interface RateLimit {
  /** Requests one address may make at once. */
  burst: number;
  /** Requests per minute it earns back. */
  perMinute: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 20, perMinute: 10 };

/**
 * A token bucket per client address. It lives in this process's memory: several cloud processes
 * may serve one database, so each enforces its own share. That is a guard against one address
 * hammering sign-up, enrolment or sign-in, not a global quota (put one in the proxy for that).
 * Behind a reverse proxy every client shares the proxy's address; the limit then applies to all.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
    /** Addresses tracked at once; the least recently refilled are forgotten first. */
    private readonly maxKeys = 10_000,
  ) {}

  /** 0 when the request may go ahead, else the seconds until it may. */
  take(key: string): number {
    const now = this.clock();
    const rate = this.limit.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + Math.max(0, now - b.at) * rate);
    b.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

export function rateLimited(limiter: RateLimiter): MiddlewareHandler {
  return async (c, next) => {
    const wait = limiter.take(clientAddress(c));
    if (wait > 0)
      throw new CloudHttpError(429, 'RATE_LIMITED', 'Too many requests: try again shortly', {}, { 'Retry-After': String(wait) });
    await next();
  };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison: hashing first makes the buffers equal in length whatever was sent. */
export function sameSecret(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Sets a header on the answer, also after its handler made it. Hono's `c.header` rebuilds a made
 * answer as a web Response, which re-encodes a string body (a pull page of megabytes, every shop
 * page: a seventh of a catalog download's time); the answer's own headers take the value as is.
 */
export function answerHeader(c: Context, name: string, value: string, opts: { append?: boolean } = {}): void {
  if (!c.finalized) c.header(name, value, opts);
  else if (opts.append) c.res.headers.append(name, value);
  else c.res.headers.set(name, value);
}
