/**
 * A deterministic, seeded simulation of several terminals (each its own SQLite file) syncing with
 * one cloud (PGlite or PostgreSQL) over a network that drops, duplicates, reorders and delays
 * messages, and drops answers after the cloud has committed. Terminals crash and restart, go
 * offline, sell, adjust stock, edit the catalog and settings — all in virtual time, every choice
 * drawn from one seed. After quiescence it checks:
 * - every order and payment exists exactly once on every terminal of its store and in the cloud;
 * - for every item, stock on every terminal and in the cloud = initial level + sum of movements;
 * - every outbox is empty;
 * - catalogs (and staff, tax rates, per-store settings) are identical everywhere.
 * A failure names its seed; `SIM_SEED=<seed>` replays it exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { createApp, type App } from '../../src/main/app';
import { inTransaction } from '../../src/main/db/open';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { recordMovement, defaultLocationId } from '../../src/main/inventory/ledger';
import { appendOutbox } from '../../src/main/outbox/outbox';
import { unsentOfflineSpends } from '../../src/main/stored-value/ledger';
import { verifyJournal } from '../../src/main/journal/journal';
import type { Timers } from '../../src/main/sync/engine';
import { NetworkError, type SyncRequest, type SyncResponse, type SyncTransport } from '../../src/main/sync/transport';
import { cloudDeps } from '../../src/cloud/deps';
import { buildCloudApp } from '../../src/cloud/server';
import type { CloudStore } from '../../src/cloud/db/open';
import { rowsOf } from '../../src/cloud/db/open';
import { createHlc } from '../../src/shared/hlc';
import type { Channel, InputOf, OutputOf } from '../../src/shared/api';
import { sql } from 'drizzle-orm';
import { fetchVia } from '../support/cloud';
import { rng, seededUuid, type Rng } from './rng';

const PIN = '1234';
const PIN_PARAMS = { N: 2 ** 10, r: 8, p: 1 };
const URL = 'http://cloud.sim';
const SIM_SIGNUP_SECRET = 'sim-signup-secret';

export interface SimConfig {
  seed: number;
  /** Operations during the chaotic phase. */
  ops: number;
  /** Terminals per store (the first store's first terminal creates the organisation). */
  stores: number[];
  cloud: CloudStore;
  /** Salts the cloud's own ids, so one seed can run twice against one database (a new organisation each time). */
  cloudSalt?: string;
  /**
   * Gift and stored-value cards: the first till sells a few cards, and during the chaos tills pay
   * part of sales with them, offline too. Checked: no offline spend passes its till's caps, and
   * every till ends with the same balance for every card, equal to what was loaded minus what was spent.
   */
  cards?: { count: number; value: number; maxPerSpend: number; maxTotal: number };
  log?: (line: string) => void;
  /** After convergence, the coupon scenario: tills redeem random single-use codes online and offline (see couponScenario). */
  coupons?: { rounds: number; offlineCap: number };
}

export interface SimReport {
  seed: number;
  orders: number;
  movements: number;
  products: number;
  requests: number;
  droppedRequests: number;
  droppedAnswers: number;
  duplicates: number;
  crashes: number;
  partitions: number;
  repulls: number;
  rejections: number;
  virtualSeconds: number;
  /** The coupon scenario, when run. */
  coupons?: CouponReport;
  /** A digest of every terminal's synced state: equal for equal seeds. */
  digest: string;
  /** With `cards`: spends taken, of which while the till was offline, and refused (caps, balance, a card not yet pulled). */
  cardSpends?: { online: number; offline: number; refused: number };
}

/** The replay command for a run (the seed alone is enough with the CI defaults). */
let replayHint = (seed: number) => `SIM_SEED=${seed} npx vitest run test/sim`;

export class SimFailure extends Error {
  constructor(
    readonly seed: number,
    message: string,
  ) {
    super(`sync simulation failed for seed ${seed}: ${message}\n  replay: ${replayHint(seed)}`);
  }
}

export const SIM_DEFAULTS = { ops: 150, stores: [2, 1] };

export interface CouponReport {
  redemptions: number;
  offlineRedemptions: number;
  /** Refused because the code was known to be used / the till's offline cap was reached. */
  refusedUsed: number;
  refusedCap: number;
  /** Single-use codes redeemed more than once after everything synced, counted per extra use. */
  doubleUses: number;
  offlinePeriods: number;
}

// ---------------------------------------------------------------------------------------------
// Virtual time

interface Event {
  at: number;
  seq: number;
  fn: () => unknown;
}

class Scheduler {
  now: number;
  private seq = 0;
  private heap: Event[] = [];
  constructor(start: number) {
    this.now = start;
  }
  at(delay: number, fn: () => unknown): void {
    const e = { at: this.now + Math.max(0, delay), seq: this.seq++, fn };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  get size(): number {
    return this.heap.length;
  }
  peekAt(): number | null {
    return this.heap[0]?.at ?? null;
  }
  private pop(): Event | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
  /** Runs the next event and lets every promise it settled run on. */
  async step(): Promise<boolean> {
    const e = this.pop();
    if (!e) return false;
    this.now = Math.max(this.now, e.at);
    await e.fn();
    await settle();
    return true;
  }
  async runUntil(t: number): Promise<void> {
    while (this.heap.length > 0 && this.heap[0]!.at <= t) await this.step();
    this.now = Math.max(this.now, t);
  }
}

function less(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets microtask chains (an engine reacting to an answer) run to their next wait. */
async function settle(): Promise<void> {
  for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
}

// ---------------------------------------------------------------------------------------------
// Terminals

interface Incarnation {
  app: App;
  alive: boolean;
  signedIn: boolean;
}

interface Term {
  index: number;
  store: number;
  dir: string;
  skew: number;
  rng: Rng;
  inc: Incarnation | null;
  partitionedUntil: number;
  made: number;
}

type Mode = 'direct' | 'chaos' | 'calm';

export async function runSim(cfg: SimConfig): Promise<SimReport> {
  const extra = [
    cfg.ops !== SIM_DEFAULTS.ops ? `SIM_OPS=${cfg.ops}` : '',
    cfg.stores.join(',') !== SIM_DEFAULTS.stores.join(',') ? `SIM_STORES=${cfg.stores.join(',')}` : '',
  ].filter(Boolean);
  replayHint = (seed) => `${[`SIM_SEED=${seed}`, ...extra].join(' ')} npx vitest run test/sim`;
  const R = rng(cfg.seed);
  const log = cfg.log ?? (() => undefined);
  const sched = new Scheduler(Date.UTC(2026, 10, 22, 9, 0, 0) + R.int(86_400_000));
  const root = mkdtempSync(join(tmpdir(), `ct-sim-${cfg.seed}-`));
  const report: SimReport = {
    seed: cfg.seed,
    orders: 0,
    movements: 0,
    products: 0,
    requests: 0,
    droppedRequests: 0,
    droppedAnswers: 0,
    duplicates: 0,
    crashes: 0,
    partitions: 0,
    repulls: 0,
    rejections: 0,
    virtualSeconds: 0,
    digest: '',
  };
  const started = sched.now;
  const netR = R.fork('network');
  const opR = R.fork('ops');
  const cloudR = R.fork(`cloud${cfg.cloudSalt ?? ''}`);

  // The cloud: stateless app over the shared database, with seeded ids and tokens.
  const serverClock = () => sched.now;
  const cDeps = cloudDeps(cfg.cloud.db, {
    clock: serverClock,
    ids: () => seededUuid(sched.now, cloudR),
    hlc: createHlc('cloud', serverClock),
    randomBytes: (n) => cloudR.bytes(n),
    pinParams: PIN_PARAMS,
  });
  const cloudApp = buildCloudApp(cDeps, { signupSecret: SIM_SIGNUP_SECRET, rateLimit: false }) as unknown as Hono;

  let mode: Mode = 'direct';
  const P = { dropRequest: 0.1, dropAnswer: 0.1, duplicate: 0.15, minDelay: 5, maxDelay: 400, timeout: 3000 };

  // Expected state, from what the simulation did.
  const orders = new Map<string, { store: number; payments: string[] }>();
  const edits = new Map<string, { stamp: string; value: unknown; skewed: boolean }[]>();
  const ledger: Map<string, number>[] = cfg.stores.map(() => new Map());
  const movementCount = cfg.stores.map(() => 0);
  const addMovement = (store: number, productId: string, delta: number) => {
    ledger[store]!.set(productId, (ledger[store]!.get(productId) ?? 0) + delta);
    movementCount[store]! += 1;
    report.movements += 1;
  };

  const terms: Term[] = [];
  cfg.stores.forEach((n, s) => {
    for (let k = 0; k < n; k++) {
      const index = terms.length;
      const r = R.fork(`t${index}`);
      // Clocks disagree a little; sometimes one runs ten minutes fast (past the drift guard).
      const skew = r.chance(0.25) && index > 0 ? 600_000 : r.range(-3000, 3000);
      terms.push({ index, store: s, dir: join(root, `t${index}`), skew, rng: r, inc: null, partitionedUntil: 0, made: 0 });
    }
  });

  const alive = (t: Term, inc: Incarnation) => t.inc === inc && inc.alive;

  function transportFor(t: Term): SyncTransport {
    return {
      request(_base: string, req: SyncRequest): Promise<SyncResponse> {
        const inc = t.inc!;
        report.requests += 1;
        if (mode === 'direct') {
          // The coupon scenario cuts a till off while the others sync directly.
          if (t.partitionedUntil > sched.now) return Promise.reject(new NetworkError('partitioned (sim)'));
          return fetchVia(cloudApp, URL, req);
        }
        return new Promise<SyncResponse>((resolve, reject) => {
          const fault = mode === 'chaos';
          const lost = () => sched.at(P.timeout, () => alive(t, inc) && reject(new NetworkError('timed out (sim)')));
          if (t.partitionedUntil > sched.now || (fault && netR.chance(P.dropRequest))) {
            report.droppedRequests += 1;
            lost();
            return;
          }
          const deliver = async (primary: boolean) => {
            let res: SyncResponse;
            try {
              res = await fetchVia(cloudApp, URL, req);
            } catch (err) {
              throw new SimFailure(cfg.seed, `the cloud threw: ${err instanceof Error ? err.stack : String(err)}`);
            }
            if (res.status >= 500) throw new SimFailure(cfg.seed, `the cloud answered ${res.status}: ${JSON.stringify(res.body)}`);
            if (!primary) return;
            if (t.partitionedUntil > sched.now || (mode === 'chaos' && netR.chance(P.dropAnswer))) {
              report.droppedAnswers += 1;
              lost();
              return;
            }
            sched.at(netR.range(P.minDelay, P.maxDelay), () => alive(t, inc) && resolve(res));
          };
          const delay = netR.range(P.minDelay, P.maxDelay);
          sched.at(delay, () => deliver(true));
          if (fault && netR.chance(P.duplicate)) {
            report.duplicates += 1;
            sched.at(delay + netR.range(1, 2500), () => deliver(false));
          }
        });
      },
    };
  }

  function timersFor(t: Term, inc: () => Incarnation): Timers {
    let next = 1;
    const cancelled = new Set<number>();
    return {
      setTimeout(fn, ms) {
        const id = next++;
        const owner = inc();
        sched.at(ms, () => {
          if (cancelled.delete(id) || !alive(t, owner)) return;
          fn();
        });
        return id;
      },
      clearTimeout(h) {
        cancelled.add(h as number);
      },
    };
  }

  function boot(t: Term): Incarnation {
    let self: Incarnation | null = null;
    const clock = () => sched.now + t.skew;
    const idR = t.rng.fork(`ids${report.crashes}-${t.made++}`);
    const app = createApp({
      dataDir: t.dir,
      migrationsDir: MIGRATIONS_DIR,
      resourcesDir: RESOURCES_DIR,
      terminalCode: 'T1',
      clock,
      ids: () => seededUuid(clock(), idR),
      pinParams: PIN_PARAMS,
      sync: {
        transport: transportFor(t),
        timers: timersFor(t, () => self!),
        random: t.rng.fork(`backoff${t.made}`),
        intervalMs: 2000,
        autoStart: false,
      },
    });
    // Durability against OS crashes is not what this simulates: skip fsync to keep it quick.
    app.deps.sqlite.pragma('synchronous = OFF');
    self = { app, alive: true, signedIn: false };
    t.inc = self;
    return self;
  }

  function crash(t: Term): void {
    const inc = t.inc;
    if (!inc?.alive) return;
    inc.alive = false;
    inc.app.sync.engine.stop();
    inc.app.close();
    report.crashes += 1;
  }

  function restart(t: Term): void {
    if (t.inc?.alive) return;
    const inc = boot(t);
    inc.app.sync.engine.start();
  }

  async function call<K extends Channel>(t: Term, channel: K, input: InputOf<K>): Promise<OutputOf<K>> {
    const inc = t.inc!;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!inc.signedIn) {
        const staff = (await callRaw(inc.app, 'staff.list', {})) as OutputOf<'staff.list'>;
        await callRaw(inc.app, 'staff.signIn', { staffId: staff.find((s) => s.role === 'admin')!.id, pin: PIN });
        inc.signedIn = true;
      }
      const res = await inc.app.router.call(channel, input, 's1');
      if (res.ok) return res.value as OutputOf<K>;
      if (res.error.code === 'UNAUTHENTICATED' || res.error.code === 'SESSION_LOCKED') {
        inc.signedIn = false;
        continue;
      }
      if (res.error.code === 'SHIFT_REQUIRED') {
        // A till's first sale: open its cash drawer.
        await callRaw(inc.app, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] });
        continue;
      }
      throw new SimFailure(
        cfg.seed,
        `${channel} on T${t.index + 1} failed: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.details ?? '')}`,
      );
    }
    throw new SimFailure(cfg.seed, `${channel}: could not sign in`);
  }
  async function callRaw(app: App, channel: string, input: unknown): Promise<unknown> {
    const res = await app.router.call(channel, input, 's1');
    if (!res.ok) throw new SimFailure(cfg.seed, `${channel} failed: ${res.error.code} ${res.error.message}`);
    return res.value;
  }

  const q = <T>(t: Term, sqlText: string, ...args: unknown[]) => t.inc!.app.deps.sqlite.prepare(sqlText).all(...args) as T[];

  /**
   * Coupons across tills, after everything converged. The first till makes a batch of single-use
   * codes. Each round: (1) every till in turn pulls, redeems a random code (most from a small hot
   * set, so codes meet) and pushes; (2) a random set of tills is cut off (each notices on its next
   * sync), and every till keeps redeeming: the cut-off ones past their offline cap, the others
   * pulling before each sale; (3) the cut heals and everything syncs.
   * Invariants: no code has two uses made online (a till online and synced refuses a used code);
   * after sync every till holds the same ledger and records every double use as a conflict naming
   * the earliest use, audited; each offline period's offline redemptions stay within the cap, and
   * double uses never exceed the offline redemptions.
   */
  async function couponScenario(opts: { rounds: number; offlineCap: number }): Promise<CouponReport> {
    const cr: CouponReport = { redemptions: 0, offlineRedemptions: 0, refusedUsed: 0, refusedCap: 0, doubleUses: 0, offlinePeriods: 0 };
    const cR = R.fork('coupons');
    const fail = (m: string): never => {
      throw new SimFailure(cfg.seed, `coupons: ${m}`);
    };
    const engineOf = (t: Term) => t.inc!.app.sync.engine;
    const syncAll = async () => {
      for (let round = 0; round < 8; round++) {
        for (const t of terms) await engineOf(t).syncNow();
        if (round >= 1 && terms.every((t) => q<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM outbox')[0]!.n === 0)) break;
      }
      for (const t of terms) {
        const s = await engineOf(t).syncNow();
        if (s.lastError) fail(`T${t.index + 1} could not sync: ${s.lastError.code} ${s.lastError.message}`);
      }
    };
    // The cap is a store setting: every store's tills get it.
    for (const t of terms) await call(t, 'coupons.setPolicy', { offlineCap: opts.offlineCap });
    const t1 = terms[0]!;
    const campaign = await call(t1, 'coupons.create', {
      campaign: {
        name: 'Sim coupon',
        reward: { off: { kind: 'amount', minor: 50 }, scope: { kind: 'all' } },
        conditions: {},
        codes: { mode: 'batch', count: 30 },
      },
    });
    await syncAll();
    const codes = q<{ code: string }>(t1, 'SELECT code FROM coupon_codes WHERE campaign_id = ? ORDER BY seq', campaign.id).map(
      (r) => r.code,
    );
    for (const t of terms)
      if (q<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM coupon_codes WHERE campaign_id = ?', campaign.id)[0]!.n !== codes.length)
        fail(`T${t.index + 1} did not receive the campaign's codes`);
    const hot = codes.slice(0, 6);
    const pick = () => (cR.chance(0.6) ? hot[cR.int(hot.length)]! : codes[cR.int(codes.length)]!);
    const productId = q<{ id: string }>(t1, "SELECT id FROM products WHERE unit = 'each' AND archived = 0 ORDER BY id")[0]!.id;

    /** One sale with a coupon: redeemed, or refused as used or over the offline cap (the sale is then voided). */
    const attempt = async (t: Term, code: string, expectOffline: boolean): Promise<'redeemed' | 'used' | 'cap'> => {
      await call(t, 'cart.addProduct', { productId, qty: 1000 });
      const res = await t.inc!.app.router.call('coupons.apply', { code }, 's1');
      if (!res.ok) {
        const reason = (res.error.details as { reason?: string } | undefined)?.reason;
        await call(t, 'cart.clear', {});
        if (reason === 'used') return (cr.refusedUsed++, 'used');
        if (reason === 'offlineCap' && expectOffline) return (cr.refusedCap++, 'cap');
        return fail(`coupons.apply on T${t.index + 1}: ${res.error.code} ${res.error.message}`);
      }
      const cart = res.value as OutputOf<'coupons.apply'>;
      const order = await call(t, 'sales.complete', {
        cartId: cart.id!,
        checkoutId: seededUuid(sched.now, cR),
        tenders: [{ kind: 'cash', amount: cart.priced.total }],
      });
      const offline = q<{ offline: number }>(t, 'SELECT offline FROM coupon_redemptions WHERE order_id = ?', order.id)[0]?.offline;
      if (offline === undefined) fail(`T${t.index + 1}'s sale ${order.number} used a coupon but wrote no redemption`);
      if ((offline === 1) !== expectOffline) fail(`T${t.index + 1} marked a redemption offline=${offline} (expected ${expectOffline})`);
      cr.redemptions += 1;
      if (expectOffline) cr.offlineRedemptions += 1;
      return 'redeemed';
    };

    for (let round = 0; round < opts.rounds; round++) {
      // (1) Every till online and synced.
      for (const t of terms) {
        await engineOf(t).syncNow();
        await attempt(t, pick(), false);
        await engineOf(t).syncNow();
      }
      // (2) Some tills cut off; they notice on their next attempt to sync.
      const cut = terms.filter(() => cR.chance(0.5));
      if (cut.length === 0) cut.push(terms[cR.int(terms.length)]!);
      for (const t of cut) {
        t.partitionedUntil = Number.MAX_SAFE_INTEGER;
        if ((await engineOf(t).syncNow()).online) fail(`T${t.index + 1} is still online while cut off`);
        cr.offlinePeriods += 1;
      }
      const taken = new Map<Term, number>();
      for (let k = 0; k < opts.offlineCap + 2; k++)
        for (const t of terms) {
          const offline = cut.includes(t);
          if (!offline) await engineOf(t).syncNow();
          if ((await attempt(t, pick(), offline)) === 'redeemed' && offline) taken.set(t, (taken.get(t) ?? 0) + 1);
          if (!offline) await engineOf(t).syncNow();
        }
      for (const [t, n] of taken)
        if (n > opts.offlineCap) fail(`T${t.index + 1} redeemed ${n} codes in one offline period (cap ${opts.offlineCap})`);
      // (3) Healed: everything meets.
      for (const t of cut) t.partitionedUntil = 0;
      await syncAll();
    }

    // The ledger is the same everywhere; each code has at most one use made online and synced.
    type Use = { id: string; code: string; created_at: number; offline: number; terminal_code: string; order_id: string };
    const liveSql = `SELECT id, code, created_at, offline, terminal_code, order_id FROM coupon_redemptions r
                     WHERE kind = 'redeem' AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)
                     ORDER BY code, created_at, id`;
    const ledger = q<Use>(t1, liveSql);
    if (ledger.length !== cr.redemptions) fail(`T1 holds ${ledger.length} redemptions, ${cr.redemptions} were made`);
    for (const t of terms.slice(1))
      if (JSON.stringify(q<Use>(t, liveSql)) !== JSON.stringify(ledger)) fail(`T${t.index + 1}'s coupon ledger differs from T1's`);
    const byCode = new Map<string, Use[]>();
    for (const u of ledger) byCode.set(u.code, [...(byCode.get(u.code) ?? []), u]);
    const expected = new Map<string, string>();
    for (const [code, uses] of byCode) {
      if (uses.filter((u) => u.offline === 0).length > 1) fail(`code ${code} was used twice by tills that were online and synced`);
      for (const extra of uses.slice(1)) expected.set(extra.id, uses[0]!.id);
      cr.doubleUses += uses.length - 1;
    }
    // Every double use is found, attributed to both sales, and audited, on every till.
    for (const t of terms) {
      const rows = q<{ redemption_id: string; kept_id: string }>(
        t,
        'SELECT redemption_id, kept_id FROM coupon_conflicts ORDER BY redemption_id',
      );
      const got = new Map(rows.map((r) => [r.redemption_id, r.kept_id]));
      if (got.size !== expected.size) fail(`T${t.index + 1} records ${got.size} conflicts, ${expected.size} double uses happened`);
      for (const [extra, kept] of expected)
        if (got.get(extra) !== kept) fail(`T${t.index + 1} attributes the extra use ${extra} to ${got.get(extra)}, not ${kept}`);
      const audited = q<{ n: number }>(t, "SELECT COUNT(*) AS n FROM audit WHERE action = 'coupon.conflict'")[0]!.n;
      if (audited !== expected.size) fail(`T${t.index + 1} audited ${audited} conflicts, ${expected.size} happened`);
      const listed = (await call(t, 'coupons.conflicts', {})).filter((c) => c.kept.orderId && c.extra.orderId && c.amount === 50);
      if (listed.length !== expected.size) fail(`T${t.index + 1} lists ${listed.length} conflicts to managers`);
    }
    if (cr.doubleUses > cr.offlineRedemptions) fail(`${cr.doubleUses} double uses from ${cr.offlineRedemptions} offline redemptions`);
    if (cr.offlineRedemptions > opts.offlineCap * cr.offlinePeriods)
      fail(`${cr.offlineRedemptions} offline redemptions over ${cr.offlinePeriods} offline periods (cap ${opts.offlineCap})`);
    log(
      `seed ${cfg.seed} coupons: ${cr.redemptions} redeemed (${cr.offlineRedemptions} offline), ${cr.refusedUsed} refused as used, ` +
        `${cr.refusedCap} over the offline cap, ${cr.doubleUses} double uses detected over ${cr.offlinePeriods} offline periods`,
    );
    return cr;
  }

  try {
    // ---- set-up, on a perfect network --------------------------------------------------------
    const t1 = terms[0]!;
    boot(t1);
    await callRaw(t1.inc!.app, 'setup.run', {
      storeName: 'Sim Corner',
      currency: 'USD',
      priceMode: 'inclusive',
      timezone: 'UTC',
      language: 'en',
      taxRates: [
        { name: 'Standard', rateBp: 2000, isDefault: true },
        { name: 'Reduced', rateBp: 500, isDefault: false },
      ],
      admin: { name: 'Ada', pin: PIN },
      demoData: false,
    });
    await call(t1, 'settings.update', { idleLockMinutes: 240 });
    for (let k = 0; k < 6; k++) {
      const p = await call(t1, 'catalog.create', {
        sku: `BASE-${k}`,
        name: `Base item ${k}`,
        unit: k === 5 ? 'kg' : 'each',
        price: 100 + 37 * k,
        cost: 50 + 10 * k,
        barcodes: [`40000000000${String(k).padStart(2, '0')}`],
      });
      const qty = 50_000 + 1000 * opR.int(50);
      const app = t1.inc!.app;
      inTransaction(app.deps.sqlite, () =>
        recordMovement(app.deps, { productId: p.id, locationId: defaultLocationId(app.deps), qtyDelta: qty, kind: 'opening' }),
      );
      addMovement(0, p.id, qty);
    }
    await call(t1, 'sync.createOrg', { serverUrl: URL, orgName: `Sim ${cfg.seed}`, signupSecret: SIM_SIGNUP_SECRET });
    await call(t1, 'sync.cloudSignIn', { pin: PIN });
    const storeIds = [(await call(t1, 'sync.status', {})).storeId!];
    for (let s = 1; s < cfg.stores.length; s++) {
      const stores = await call(t1, 'sync.createStore', { name: `Sim Branch ${s}` });
      storeIds.push(stores.find((x) => x.name === `Sim Branch ${s}`)!.id);
    }
    for (const t of terms.slice(1)) {
      const code = await call(t1, 'sync.createCode', { storeId: storeIds[t.store]! });
      boot(t);
      const st = (await callRaw(t.inc!.app, 'sync.join', { serverUrl: URL, code: code.code })) as OutputOf<'sync.join'>;
      if (st.joining || !st.enrolled) throw new SimFailure(cfg.seed, `T${t.index + 1} did not finish joining`);
    }
    for (const t of terms) t.inc!.app.sync.engine.start();

    // Cards sold on the first till (org-wide records); its store's tills share its offline caps.
    const cardValue = new Map<string, number>();
    if (cfg.cards) {
      const c = cfg.cards;
      await call(t1, 'cards.setSettings', {
        bonusRules: [],
        expiryMonths: null,
        cnRules: 'off',
        offlineMaxPerSpend: c.maxPerSpend,
        offlineMaxTotal: c.maxTotal,
      });
      const sold = await call(t1, 'cards.issue', {
        opId: seededUuid(sched.now, opR),
        kind: 'stored_value',
        amount: c.value,
        quantity: c.count,
        payment: { cash: c.value * c.count, card: 0 },
      });
      for (const card of sold) cardValue.set(card.number, c.value);
      report.cardSpends = { online: 0, offline: 0, refused: 0 };
    }
    const cardSpend = async (t: Term): Promise<void> => {
      const app = t.inc!.app;
      const products = q<{ id: string }>(t, "SELECT id FROM products WHERE archived = 0 AND unit = 'each' ORDER BY id");
      await call(t, 'cart.addProduct', { productId: opR.pick(products).id, qty: 1000 * (1 + opR.int(3)) });
      const cart = await call(t, 'cart.get', {});
      const number = opR.pick([...cardValue.keys()]);
      const amount = Math.min(cart.priced.total, 50 + opR.int(cfg.cards!.maxPerSpend + 500));
      const input = {
        cartId: cart.id!,
        checkoutId: seededUuid(sched.now, opR),
        tenders: [
          { kind: 'stored_value' as const, cardNumber: number, amount },
          { kind: 'cash' as const, amount: cart.priced.total - amount },
        ].filter((x) => x.amount > 0),
      };
      let res = await app.router.call('sales.complete', input, 's1');
      if (!res.ok && res.error.code === 'SHIFT_REQUIRED') {
        await callRaw(app, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] });
        res = await app.router.call('sales.complete', input, 's1');
      }
      if (!res.ok) {
        if (!['DECLINED', 'INSUFFICIENT_PAYMENT', 'NOT_FOUND'].includes(res.error.code))
          throw new SimFailure(cfg.seed, `card sale on T${t.index + 1}: ${res.error.code} ${res.error.message}`);
        report.cardSpends!.refused += 1;
        await call(t, 'cart.clear', {});
        return;
      }
      const order = res.value as OutputOf<'sales.complete'>;
      orders.set(order.id, { store: t.store, payments: order.payments.map((x) => x.id) });
      for (const l of order.lines) addMovement(t.store, l.productId, -l.qty);
      report.orders += 1;
      cardValue.set(number, cardValue.get(number)! - amount);
      const offline = app.deps.sqlite.prepare('SELECT offline FROM stored_value_entries WHERE ref_id = ?').pluck().get(order.id) === 1;
      if (!offline) {
        report.cardSpends!.online += 1;
        return;
      }
      report.cardSpends!.offline += 1;
      // The caps of this till, as its own settings say (settings belong to a store).
      const policy = (await call(t, 'cards.settings', {})) as OutputOf<'cards.settings'>;
      const unsent = unsentOfflineSpends(app.deps);
      if (amount > policy.offlineMaxPerSpend || unsent > policy.offlineMaxTotal)
        throw new SimFailure(
          cfg.seed,
          `T${t.index + 1} took an offline card payment of ${amount} (${unsent} unsent) past its caps ${policy.offlineMaxPerSpend}/${policy.offlineMaxTotal}`,
        );
    };

    // ---- chaos -----------------------------------------------------------------------------------
    mode = 'chaos';
    let contested = 0;
    const ops = async (t: Term): Promise<void> => {
      if (!t.inc?.alive) {
        restart(t);
        return;
      }
      const app = t.inc.app;
      if (cfg.cards && opR.chance(0.3)) {
        await cardSpend(t);
        return;
      }
      const roll = opR();
      const products = q<{ id: string; unit: string }>(t, 'SELECT id, unit FROM products WHERE archived = 0 ORDER BY id');
      if (roll < 0.35) {
        // A sale of one to three items, paid cash.
        const n = 1 + opR.int(3);
        for (let k = 0; k < n; k++) {
          const p = opR.pick(products);
          await call(t, 'cart.addProduct', { productId: p.id, qty: p.unit === 'kg' ? 100 + opR.int(900) : 1000 * (1 + opR.int(3)) });
        }
        const cart = await call(t, 'cart.get', {});
        const order = await call(t, 'sales.complete', {
          cartId: cart.id!,
          checkoutId: seededUuid(sched.now, opR),
          tenders: [{ kind: 'cash', amount: cart.priced.total + opR.int(500) }],
        });
        orders.set(order.id, { store: t.store, payments: order.payments.map((x) => x.id) });
        for (const l of order.lines) addMovement(t.store, l.productId, -l.qty);
        report.orders += 1;
      } else if (roll < 0.43) {
        // A stock adjustment (a count, a delivery, a breakage).
        const p = opR.pick(products);
        const delta = (opR.chance(0.5) ? 1 : -1) * 1000 * (1 + opR.int(5));
        inTransaction(app.deps.sqlite, () =>
          recordMovement(app.deps, { productId: p.id, locationId: defaultLocationId(app.deps), qtyDelta: delta, kind: 'adjustment' }),
        );
        addMovement(t.store, p.id, delta);
      } else if (roll < 0.65) {
        // A price, cost or name edit (as the catalog editor writes it: row, hlc, outbox), mostly
        // of a few busy products, so edits on different tills meet.
        const p = opR.chance(0.7) ? opR.pick(products.slice(0, 3)) : opR.pick(products);
        const field = opR.pick(['price', 'cost', 'name'] as const);
        const value = field === 'name' ? `Item ${opR.int(1000)}` : 50 + opR.int(5000);
        inTransaction(app.deps.sqlite, () => {
          app.deps.sqlite
            .prepare(`UPDATE products SET ${field} = ?, updated_at = ?, hlc = ? WHERE id = ?`)
            .run(value, app.deps.clock(), app.deps.hlc.now(), p.id);
          appendOutbox(app.deps, { entity: 'product', entityId: p.id, op: 'update', payload: { [field]: value } });
        });
        // Remember the edit with the stamp it got, to check that the last edit is what remains.
        const clocks = app.deps.sqlite
          .prepare("SELECT clocks FROM sync_clocks WHERE entity = 'product' AND entity_id = ?")
          .pluck()
          .get(p.id) as string;
        const stampOf = (JSON.parse(clocks) as Record<string, string>)[field]!;
        const key = `${p.id}\u0000${field}`;
        const list = edits.get(key) ?? [];
        list.push({ stamp: stampOf, value, skewed: Math.abs(t.skew) > 60_000 });
        edits.set(key, list);
      } else if (roll < 0.72) {
        // A new product; now and then two tills create the same SKU and barcode while apart.
        const mine = opR.chance(0.6);
        const tag = mine ? `T${t.index + 1}-${t.made++}` : `C-${contested++ % 2}-${opR.int(2)}`;
        const existing = q(t, 'SELECT 1 FROM products WHERE sku = ?', `NEW-${tag}`);
        if (existing.length === 0) {
          const res = await t.inc.app.router.call(
            'catalog.create',
            {
              sku: `NEW-${tag}`,
              name: `New ${tag}`,
              unit: 'each',
              price: 199,
              cost: 99,
              barcodes: [`9${createHash('sha1').update(tag).digest('hex').replace(/\D/g, '').padEnd(12, '7').slice(0, 12)}`],
            },
            's1',
          );
          if (res.ok) report.products += 1;
          else if (res.error.code !== 'CONFLICT' && res.error.code !== 'UNAUTHENTICATED' && res.error.code !== 'SESSION_LOCKED')
            throw new SimFailure(cfg.seed, `catalog.create: ${res.error.code} ${res.error.message}`);
        }
      } else if (roll < 0.77) {
        await call(t, 'settings.update', { receiptFooter: `Footer ${opR.int(100)} from T${t.index + 1}` });
      } else if (roll < 0.79) {
        // The terminal reads the whole log again (as after the cloud was restored): nothing may double.
        inTransaction(app.deps.sqlite, () => app.deps.sqlite.prepare("UPDATE sync_state SET value = '0' WHERE key = 'cursor'").run());
        report.repulls += 1;
      } else if (roll < 0.9) {
        crash(t);
        sched.at(opR.range(50, 6000), () => restart(t));
      } else {
        t.partitionedUntil = sched.now + opR.range(1000, 20_000);
        report.partitions += 1;
      }
    };
    for (let k = 0; k < cfg.ops; k++) {
      const t = opR.pick(terms);
      sched.at(opR.range(20, 1500), async () => {
        try {
          if (t.inc?.alive) await ops(t);
          else restart(t);
        } catch (err) {
          if (err instanceof SimFailure) throw err;
          throw new SimFailure(cfg.seed, `an operation on T${t.index + 1} threw: ${err instanceof Error ? err.stack : String(err)}`);
        }
      });
      // Run the world until the next operation is due.
      await sched.runUntil(sched.now + opR.range(20, 1500));
    }

    // ---- quiescence: every terminal back, a calm network, then rounds until nothing moves ----
    mode = 'calm';
    for (const t of terms) {
      t.partitionedUntil = 0;
      restart(t);
    }
    await sched.runUntil(sched.now + 20_000);
    mode = 'direct';
    for (const t of terms) t.inc!.app.sync.engine.stop();
    // Whatever is still in flight (late duplicates) lands first.
    for (let guard = 0; guard < 100_000 && (await sched.step()); guard++);
    for (let round = 0; round < 8; round++) {
      for (const t of terms) {
        const s = await t.inc!.app.sync.engine.syncNow();
        if (s.lastError)
          throw new SimFailure(cfg.seed, `T${t.index + 1} could not sync when calm: ${s.lastError.code} ${s.lastError.message}`);
      }
      if (round >= 2 && terms.every((t) => q<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM outbox')[0]!.n === 0)) break;
    }
    // One more full round so every terminal has pulled everything every other one pushed.
    for (const t of terms) await t.inc!.app.sync.engine.syncNow();

    // ---- invariants --------------------------------------------------------------------------
    await check(cfg, terms, storeIds, orders, ledger, movementCount, report);
    if (cfg.coupons) report.coupons = await couponScenario(cfg.coupons);
    // Every till holds every card at the same balance: what was loaded minus what was spent, and
    // each running balance is the sum of its entries.
    for (const t of terms) {
      for (const [number, expected] of cardValue) {
        const row = q<{ balance: number | null; sum: number }>(
          t,
          `SELECT b.balance, (SELECT COALESCE(SUM(delta), 0) FROM stored_value_entries e WHERE e.card_id = c.id) AS sum
           FROM stored_value_cards c LEFT JOIN stored_value_balances b ON b.card_id = c.id WHERE c.number = ?`,
          number,
        )[0];
        if (!row || row.balance !== expected || row.sum !== expected)
          throw new SimFailure(
            cfg.seed,
            `T${t.index + 1} holds card ${number} at ${row?.balance} (entries ${row?.sum}), expected ${expected}`,
          );
      }
    }
    // No edit is lost: each edited field ends with the value of its latest edit (by clock stamp).
    // (Fields a fast-clocked terminal edited are left out: the cloud clamps those stamps on purpose.)
    for (const [key, list] of edits) {
      if (list.some((e) => e.skewed)) continue;
      const [id, field] = key.split('\u0000') as [string, string];
      const last = [...list].sort((a, b) => (a.stamp < b.stamp ? -1 : 1)).at(-1)!;
      const now = terms[0]!.inc!.app.deps.sqlite.prepare(`SELECT ${field} AS v FROM products WHERE id = ?`).pluck().get(id);
      if (now !== last.value)
        throw new SimFailure(cfg.seed, `product ${id} ${field} is ${String(now)}, its last edit (${last.stamp}) set ${String(last.value)}`);
    }
    report.virtualSeconds = Math.round((sched.now - started) / 1000);
    log(
      `seed ${cfg.seed}: ${report.orders} orders, ${report.movements} movements, ${report.products} new products, ${report.requests} requests ` +
        `(${report.droppedRequests} dropped, ${report.droppedAnswers} answers lost, ${report.duplicates} duplicated), ` +
        `${report.crashes} crashes, ${report.partitions} partitions, ${report.repulls} full re-pulls, ${report.rejections} rejections, ${report.virtualSeconds}s virtual`,
    );
    return report;
  } finally {
    for (const t of terms) if (t.inc?.alive) crash(t);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Where two JSON-like values first differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `at ${path || '(top)'}: ${JSON.stringify(a)?.slice(0, 400)} vs ${JSON.stringify(b)?.slice(0, 400)}`;
}

const PRODUCT_COLS = 'id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived';

async function check(
  cfg: SimConfig,
  terms: Term[],
  storeIds: string[],
  orders: Map<string, { store: number; payments: string[] }>,
  ledger: Map<string, number>[],
  movementCount: number[],
  report: SimReport,
): Promise<void> {
  const fail = (m: string): never => {
    throw new SimFailure(cfg.seed, m);
  };
  const sqliteOf = (t: Term) => t.inc!.app.deps.sqlite;
  const all = <T>(t: Term, s: string, ...a: unknown[]) =>
    sqliteOf(t)
      .prepare(s)
      .all(...a) as T[];
  const eq = (a: unknown, b: unknown, what: string) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${what} differ: ${firstDifference(a, b)}`);
  };
  const digest = createHash('sha256');
  const orgId = (sqliteOf(terms[0]!).prepare("SELECT value FROM sync_state WHERE key = 'cloud'").pluck().get() as string)
    ? (
        JSON.parse(sqliteOf(terms[0]!).prepare("SELECT value FROM sync_state WHERE key = 'cloud'").pluck().get() as string) as {
          orgId: string;
        }
      ).orgId
    : fail('T1 lost its cloud link');
  const cloudRows = await rowsOf<{
    entity: string;
    store_id: string;
    entity_id: string;
    body: string;
    qty: string | number | null;
    ref_id: string | null;
  }>(cfg.cloud.db, sql`SELECT entity, store_id, entity_id, body, qty, ref_id FROM records WHERE org_id = ${orgId}`);

  // Outboxes empty, journals intact, local levels = local ledger.
  for (const t of terms) {
    const n = all<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM outbox')[0]!.n;
    if (n !== 0) fail(`T${t.index + 1}'s outbox still holds ${n} entries`);
    const j = verifyJournal(t.inc!.app.deps);
    if (!j.ok) fail(`T${t.index + 1}'s journal is broken at ${JSON.stringify(j.firstBroken)}`);
    const bad = all(
      t,
      `SELECT l.product_id FROM stock_levels l LEFT JOIN (SELECT product_id, location_id, SUM(qty_delta) AS s FROM stock_movements GROUP BY 1, 2) m
         ON m.product_id = l.product_id AND m.location_id = l.location_id WHERE l.qty <> COALESCE(m.s, 0)`,
    );
    if (bad.length) fail(`T${t.index + 1}'s stock levels differ from its ledger for ${JSON.stringify(bad)}`);
    report.rejections += all<{ n: number }>(
      t,
      "SELECT COUNT(*) AS n FROM sync_rejections WHERE code IN ('DUPLICATE', 'DUPLICATE_RESOLVED')",
    )[0]!.n;
    // Honest tills write only what the registry's shapes allow: nothing of theirs is refused as untrusted.
    const refused = all<{ code: string; message: string }>(
      t,
      "SELECT code, message FROM sync_rejections WHERE code NOT IN ('DUPLICATE', 'DUPLICATE_RESOLVED', 'RESTORED', 'GAP_REBASED')",
    );
    if (refused.length) fail(`T${t.index + 1} holds refusals of honest records: ${JSON.stringify(refused.slice(0, 3))}`);
  }
  const cloudRefused = await rowsOf<{ code: string; message: string }>(
    cfg.cloud.db,
    sql`SELECT code, message FROM rejections WHERE org_id = ${orgId} AND code IN ('FORBIDDEN', 'INVALID', 'BAD_STAMP', 'NOT_YOURS')`,
  );
  if (cloudRefused.length) fail(`the cloud refused honest records: ${JSON.stringify(cloudRefused.slice(0, 3))}`);

  // Orders and payments: exactly the ones made, once, on every terminal of the store and in the cloud.
  for (let s = 0; s < cfg.stores.length; s++) {
    const want = [...orders]
      .filter(([, o]) => o.store === s)
      .map(([id]) => id)
      .sort();
    const wantPayments = [...orders]
      .filter(([, o]) => o.store === s)
      .flatMap(([, o]) => o.payments)
      .sort();
    for (const t of terms.filter((x) => x.store === s)) {
      eq(
        all<{ id: string }>(t, 'SELECT id FROM orders ORDER BY id').map((r) => r.id),
        want,
        `orders on T${t.index + 1}`,
      );
      eq(
        all<{ id: string }>(t, 'SELECT id FROM payments ORDER BY id').map((r) => r.id),
        wantPayments,
        `payments on T${t.index + 1}`,
      );
      const lines = all<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM order_lines')[0]!.n;
      const wantLines = all<{ n: number }>(
        terms.find((x) => x.store === s)!,
        'SELECT COUNT(*) AS n FROM order_lines',
      )[0]!.n;
      if (lines !== wantLines) fail(`order lines on T${t.index + 1}: ${lines} vs ${wantLines}`);
    }
    const cloudOrders = cloudRows.filter((r) => r.entity === 'order' && r.store_id === storeIds[s]);
    eq(cloudOrders.map((r) => r.entity_id).sort(), want, `orders in the cloud for store ${s + 1}`);
    const cloudPayments = cloudOrders
      .flatMap((r) => ((JSON.parse(r.body) as { ch?: { payments?: { id: string }[] } }).ch?.payments ?? []).map((p) => p.id))
      .sort();
    eq(cloudPayments, wantPayments, `payments in the cloud for store ${s + 1}`);

    // Stock: initial + every movement, on each terminal of the store and in the cloud.
    const expected = [...ledger[s]!].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const t of terms.filter((x) => x.store === s)) {
      const levels = all<{ p: string; q: number }>(
        t,
        'SELECT product_id AS p, SUM(qty) AS q FROM stock_levels GROUP BY product_id HAVING SUM(qty) <> 0 ORDER BY product_id',
      );
      eq(
        levels.map((r) => [r.p, r.q]),
        expected,
        `stock on T${t.index + 1}`,
      );
      const count = all<{ n: number }>(t, 'SELECT COUNT(*) AS n FROM stock_movements')[0]!.n;
      if (count !== movementCount[s]) fail(`T${t.index + 1} holds ${count} stock movements, ${movementCount[s]} were made in its store`);
    }
    const cloudLevels = new Map<string, number>();
    let cloudMoves = 0;
    for (const r of cloudRows.filter((x) => x.entity === 'stock_movement' && x.store_id === storeIds[s])) {
      cloudLevels.set(r.ref_id!, (cloudLevels.get(r.ref_id!) ?? 0) + Number(r.qty));
      cloudMoves += 1;
    }
    eq(
      [...cloudLevels].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)),
      expected,
      `stock in the cloud for store ${s + 1}`,
    );
    if (cloudMoves !== movementCount[s]) fail(`the cloud holds ${cloudMoves} movements for store ${s + 1}, ${movementCount[s]} were made`);

    // Settings of the store: identical on its terminals.
    const settingsOf = (t: Term) =>
      all<{ key: string; value: string }>(
        t,
        "SELECT key, value FROM settings WHERE key NOT IN ('terminalCode', 'printer', 'setupDone') ORDER BY key",
      );
    const st = terms.filter((x) => x.store === s);
    for (const t of st.slice(1))
      eq(settingsOf(t), settingsOf(st[0]!), `settings of store ${s + 1} on T${t.index + 1} and T${st[0]!.index + 1}`);
    for (const t of st.slice(1))
      eq(
        all(t, 'SELECT id, name, is_default FROM stock_locations ORDER BY id'),
        all(st[0]!, 'SELECT id, name, is_default FROM stock_locations ORDER BY id'),
        `stock locations of store ${s + 1}`,
      );
  }

  // The catalog (with barcodes), tax rates, categories and staff: identical everywhere, and as in the cloud.
  const catalogOf = (t: Term) => ({
    products: all(t, `SELECT ${PRODUCT_COLS} FROM products ORDER BY id`),
    barcodes: all(t, 'SELECT code, product_id FROM barcodes ORDER BY code'),
    categories: all(t, 'SELECT id, name, alt_name FROM categories ORDER BY id'),
    taxRates: all(t, 'SELECT id, name, rate_bp, is_default, archived FROM tax_rates ORDER BY id'),
    staff: all(t, 'SELECT id, name, role, pin_hash, active FROM staff ORDER BY id'),
  });
  const idsOf = (t: Term) => all<{ id: string; sku: string }>(t, 'SELECT id, sku FROM products ORDER BY id');
  for (const t of terms.slice(1)) {
    const mine = new Map(idsOf(t).map((r) => [r.id, r.sku]));
    const theirs = new Map(idsOf(terms[0]!).map((r) => [r.id, r.sku]));
    const onlyT1 = [...theirs].filter(([id]) => !mine.has(id));
    const onlyHere = [...mine].filter(([id]) => !theirs.has(id));
    if (onlyT1.length || onlyHere.length)
      fail(
        `products only on T1: ${JSON.stringify(onlyT1)}; only on T${t.index + 1}: ${JSON.stringify(onlyHere)}; in the cloud: ${JSON.stringify(
          cloudRows.filter((r) => r.entity === 'product' && [...onlyT1, ...onlyHere].some(([id]) => id === r.entity_id)).map((r) => r.body),
        )}`,
      );
  }
  const base = catalogOf(terms[0]!);
  for (const t of terms.slice(1)) eq(catalogOf(t), base, `catalogs of T1 and T${t.index + 1}`);
  const skus = (base.products as { sku: string }[]).map((p) => p.sku);
  if (new Set(skus).size !== skus.length) fail('two products share a SKU');
  const cloudProducts = cloudRows
    .filter((r) => r.entity === 'product')
    .map((r) => {
      const d = (JSON.parse(r.body) as { d: Record<string, unknown> }).d;
      return {
        id: r.entity_id,
        sku: d.sku,
        name: d.name,
        price: d.price,
        cost: d.cost,
        barcodes: [...((d.barcodes as string[]) ?? [])].sort(),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const localProducts = (base.products as { id: string; sku: string; name: string; price: number; cost: number }[]).map((p) => ({
    id: p.id,
    sku: p.sku,
    name: p.name,
    price: p.price,
    cost: p.cost,
    barcodes: (base.barcodes as { code: string; product_id: string }[]).filter((b) => b.product_id === p.id).map((b) => b.code),
  }));
  eq(localProducts, cloudProducts, 'the catalog on the terminals and in the cloud');

  for (const t of terms) {
    const { staff, ...rest } = catalogOf(t);
    digest.update(JSON.stringify(rest));
    digest.update(JSON.stringify((staff as { pin_hash: string }[]).map(({ pin_hash: _h, ...s }) => s)));
    digest.update(JSON.stringify(all(t, 'SELECT id, number, total FROM orders ORDER BY id')));
    digest.update(JSON.stringify(all(t, 'SELECT product_id, SUM(qty) FROM stock_levels GROUP BY 1 ORDER BY 1')));
  }
  report.digest = digest.digest('hex').slice(0, 16);
}
