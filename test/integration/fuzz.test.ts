/**
 * Every channel of the contract fuzzed from its own schema with fast-check: valid values (with
 * boundaries), garbage, and valid values with one field broken; as an admin (who may call
 * everything, so validation and the handlers are what is tested) and as a clerk.
 * For every call: an answer in the result envelope, never INTERNAL (no crash), the database is not
 * left inside a transaction, and a rejected call writes nothing — except the writes a refusal is
 * meant to make (the audit record of a refused role, a counted wrong PIN).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract, type Channel } from '../../src/shared/api';
import { ERROR_CODES, type Result } from '../../src/shared/errors';
import { uuidv7 } from '../../src/shared/ids';
import { buildHostApp } from '../../src/main/host/server';
import type { PaymentProvider } from '../../src/main/payments/provider';
import { applyPendingInsight } from '../../src/main/insight/rollups';
import { makeApp, ok, readyStore } from '../support/app';
import { snapshotDb, type DbSnapshot } from '../support/db-snapshot';
import { garbageArb, validArb } from '../support/zod-arb';

type App = ReturnType<typeof makeApp>;
const channels = Object.keys(contract) as Channel[];
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);

/** A terminal that never answers: no writes happen behind the fuzzer's back. */
const silentTerminal: PaymentProvider = { name: 'silent', charge: () => new Promise(() => {}), cancel: () => {} };

/** Refusals that are meant to leave a trace: a refused role is audited, a wrong PIN is counted. */
const TRACE_TABLES = ['audit', 'staff'];
const TRACE_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'LOCKED']);

/**
 * Known, already fixed on its own branch but not yet on main: remove the entry when the fix is merged.
 * shifts.noSale recorded the no-sale before the drawer kick, so a kick that failed (IO) still wrote
 * it — fixed by aadb3be ("nothing is written unless the drawer opens").
 */
const KNOWN_WRITE_ON_REJECT: Partial<Record<Channel, string[]>> = {
  'shifts.noSale': ['audit', 'cash_movements', 'outbox', 'sqlite_sequence'],
};

let app: App;
let dataDir: string;
let adminId: string;
let clerkId: string;
const clerkSession = 'clerk';
const ids: string[] = [];

/**
 * The fuzzer may sign its own sessions out (sign-out, a failed sign-in, a restore). The admin and
 * this clerk are never among the ids it aims at, so they can always sign back in.
 */
async function ensureSessions(): Promise<boolean> {
  let signedIn = false;
  for (const [session, staffId, pin] of [
    ['admin', adminId, '1234'],
    [clerkSession, clerkId, '4444'],
  ] as const) {
    const me = await ok(app, 'session.me', {}, session);
    if (me.staff?.id === staffId) continue;
    await ok(app, 'staff.signIn', { staffId, pin }, session);
    signedIn = true;
  }
  return signedIn;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ct-fuzz-'));
  // No training gateways: a fuzzed "training" provider would leave real trades polling fakes in the background.
  // Quiet: the background integrity check records its verdict in the audit log about a minute in,
  // which would show as a write by whichever call happened to be awaiting I/O just then.
  app = makeApp({ dataDir, payments: silentTerminal, trainingUrl: () => null, quiet: true });
  const ready = await readyStore(app, 'admin');
  adminId = ready.adminId;
  const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 'admin');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 'admin');
  clerkId = (await ok(app, 'staff.create', { name: 'Cleo', role: 'clerk', pin: '4444' }, 'admin')).id;
  await ensureSessions();
  const cart = await ok(app, 'cart.scan', { code: '5000112637922' }, 'admin');
  const order = await ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] },
    'admin',
  );
  const open = await ok(app, 'cart.scan', { code: '4006381333931' }, 'admin');
  // Real ids (never the admin's, so the fuzzer cannot lock itself out), for fields typed as ids.
  ids.push(
    mgr.id,
    clerk.id,
    ready.cola.id,
    ready.bread.id,
    ready.apple.id,
    ready.std.id,
    ready.red.id,
    order.id,
    open.id!,
    open.lines[0]!.id,
  );
  console.log(`fuzz: seed ${SEED}, ${RUNS} runs per channel and role (FUZZ_SEED / FUZZ_RUNS to change)`);
});

afterAll(() => {
  app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Keeps the fuzzer's own preconditions: a printer that refuses at once, never a real network address. */
function tame(channel: Channel, input: unknown): unknown {
  // A batch of up to 100,000 codes is proven by its own test; here the per-call database snapshot would hash them all.
  if (channel === 'coupons.create' && typeof input === 'object' && input !== null) {
    const codes = (input as { campaign?: { codes?: { mode?: unknown; count?: unknown } } }).campaign?.codes;
    if (codes?.mode === 'batch' && typeof codes.count === 'number' && codes.count > 50)
      return { ...input, campaign: { ...(input as { campaign: object }).campaign, codes: { ...codes, count: 50 } } };
  }
  if (channel === 'settings.update' && typeof input === 'object' && input !== null && 'printer' in input) {
    const p = (input as { printer: unknown }).printer;
    if (p && typeof p === 'object') return { ...input, printer: { ...p, host: '127.0.0.1', port: 9 } };
  }
  return input;
}

function isEnvelope(r: unknown): r is Result<unknown> {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (x.ok === true) return 'value' in x;
  return x.ok === false && ERROR_CODES.includes(x.error?.code as never) && typeof x.error?.message === 'string';
}

const strip = (s: DbSnapshot, except: string[]) => ({
  counts: Object.fromEntries(Object.entries(s.counts).filter(([t]) => !except.includes(t))),
  hashes: Object.fromEntries(Object.entries(s.hashes).filter(([t]) => !except.includes(t))),
});

let last: DbSnapshot | null = null;
let stats = { calls: 0, ok: 0, rejected: 0, codes: {} as Record<string, number> };

async function probe(channel: Channel, input: unknown, session: string): Promise<void> {
  if (await ensureSessions()) last = null;
  // Sales queued for the rollups by an earlier call are added now, not during this one (the app
  // adds them on a timer): they are not this call's writes.
  if (applyPendingInsight(app.deps) > 0) last = null;
  const sqlite = app.deps.sqlite;
  const changesBefore = (sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  last ??= snapshotDb(sqlite);
  const res = await app.router.call(channel, tame(channel, input), session);
  stats.calls++;
  expect(isEnvelope(res), `${channel}: not an envelope: ${JSON.stringify(res)}`).toBe(true);
  if (!res.ok) {
    stats.rejected++;
    stats.codes[res.error.code] = (stats.codes[res.error.code] ?? 0) + 1;
    expect(res.error.code, `${channel} crashed on ${JSON.stringify(input)}: ${JSON.stringify(res.error)}`).not.toBe('INTERNAL');
  } else stats.ok++;
  expect(app.deps.sqlite.inTransaction, `${channel} left a transaction open`).toBe(false);
  const changesAfter = (app.deps.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  if (changesAfter === changesBefore && app.deps.sqlite === sqlite) return;
  const now = snapshotDb(app.deps.sqlite);
  const before = last;
  last = now; // a failed check below must not leave a stale baseline for the next channel
  if (!res.ok) {
    // A rejected call: nothing written (a rolled-back attempt shows in total_changes but not in the data).
    // A manager's PIN check keeps its own count, committed apart from the action (staff.ts): a right
    // PIN clears earlier failures even when the action it approved is then refused.
    const approved = typeof input === 'object' && input !== null && (input as { approval?: unknown }).approval != null;
    const traced = TRACE_CODES.has(res.error.code) || approved;
    const except = [...(traced ? TRACE_TABLES : []), ...(KNOWN_WRITE_ON_REJECT[channel] ?? [])];
    expect(strip(now, except), `${channel} rejected (${res.error.code}) but wrote: ${JSON.stringify(input)}`).toEqual(
      strip(before, except),
    );
  }
}

describe('every channel fuzzed from its schema', () => {
  it.each(channels)('%s: valid, boundary and garbage input never crash, and a rejection writes nothing', async (channel) => {
    const schema = contract[channel].input as z.ZodType;
    const input = fc.oneof({ weight: 3, arbitrary: validArb(schema, { ids }) }, { weight: 2, arbitrary: garbageArb(schema, { ids }) });
    const as = fc.constantFrom('admin', clerkSession);
    await fc.assert(
      fc.asyncProperty(input, as, async (i, session) => {
        await probe(channel, i, session);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('generated valid inputs really are valid, and real work happened', async () => {
    for (const ch of channels) {
      const schema = contract[ch].input as z.ZodType;
      for (const v of fc.sample(validArb(schema, { ids }), { numRuns: 50, seed: SEED }))
        expect(schema.safeParse(v).success, `${ch}: ${JSON.stringify(v)}`).toBe(true);
    }
    console.log(`fuzz: ${stats.calls} calls, ${stats.ok} ok, ${stats.rejected} rejected: ${JSON.stringify(stats.codes)}`);
    expect(stats.ok).toBeGreaterThan(channels.length);
    expect(stats.codes['VALIDATION'] ?? 0).toBeGreaterThan(channels.length);
    stats = { calls: 0, ok: 0, rejected: 0, codes: {} };
  });
});

describe('the host transport fuzzed with raw bodies', () => {
  it('any body, header or session answers a JSON envelope or a 401/413, never a 5xx', async () => {
    const web = mkdtempSync(join(tmpdir(), 'ct-fuzz-web-'));
    const token = 'fuzz-token-0123456789abcdef';
    const host = buildHostApp({ router: app.router, webDir: web, port: 0, token });
    const auth = { authorization: `Bearer ${token}` };
    const sid = ((await (await host.request('/api/session', { method: 'POST', headers: auth })).json()) as { sessionId: string }).sessionId;
    const body = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ channel: fc.oneof(fc.constantFrom(...channels), fc.string()), input: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), fc.boolean(), async (b, withAuth, withSession) => {
        const res = await host.request('/api/invoke', {
          method: 'POST',
          headers: { ...(withAuth ? auth : {}), ...(withSession ? { 'x-session': sid } : {}), 'content-type': 'application/json' },
          body: b,
        });
        expect(res.status).toBeLessThan(500);
        if (!withAuth) {
          expect(res.status).toBe(401);
          return;
        }
        const json = (await res.json()) as unknown;
        expect(isEnvelope(json)).toBe(true);
        if (isEnvelope(json) && !json.ok) expect(json.error.code).not.toBe('INTERNAL');
      }),
      { numRuns: 300, seed: SEED },
    );
    await ensureSessions();
    rmSync(web, { recursive: true, force: true });
  });
});
