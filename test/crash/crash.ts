/**
 * Crash safety: the headless host as a child process, checkouts driven over its HTTP API, SIGKILL at
 * random moments, restart, and a check of the store after every kill:
 * - every sale acknowledged before a kill is present and complete (lines, payments, stock movements,
 *   journal entry), and a checkout whose answer was lost completes exactly once when retried;
 * - no sale is half-written; order numbers have no gaps;
 * - `PRAGMA integrity_check` is ok; every stock level equals the sum of its movements;
 * - the journal's hash chain verifies; every finished backup file is whole.
 * Randomness comes from one printed seed, so a failing run can be replayed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Cart, Order } from '../../src/shared/api';
import type { Result } from '../../src/shared/errors';
import { verifyStoreJournal } from '../../src/main/journal/verify';
import { fileSecretStore, secretsFileIn } from '../../src/main/secrets/secrets';
import { parseBackupName } from '../../src/main/backup/files';
import { RESOURCES_DIR } from '../../src/main/host/paths';
import { openConnection, type Sqlite } from '../../src/main/db/open';
import { killAllHosts, startHostProcess, type HostProcess, type HostSession } from './host-process';

export interface CrashOptions {
  seed: number;
  kills: number;
  checkouts: number;
  /** Parent folder of the data folder (default: the OS temp folder). */
  dir?: string;
  /** Keep the data folder afterwards (it is always kept when a check fails). */
  keep?: boolean;
  /** Ask for a manual backup about once every this many checkouts (0: never). */
  backupEvery?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  kills: number;
  /** Checkouts whose sale was acknowledged by the host. */
  acknowledged: number;
  /** Checkouts cut off by a kill while completing, retried after the restart. */
  retried: number;
  /** Of those, how many had already been committed before the kill. */
  retriedFoundCommitted: number;
  /** Kills that landed while a request was in flight (rather than between requests). */
  killsMidRequest: number;
  orders: number;
  backups: number;
  restartMs: { p50: number; max: number };
  durationMs: number;
  dataDir: string;
}

/** mulberry32: small, fast, good enough to pick barcodes and moments. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class CrashCheckFailed extends Error {}

function must<T>(res: Result<T>, what: string): T {
  if (!res.ok) throw new Error(`${what}: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.details ?? '')}`);
  return res.value;
}

interface Acked {
  checkoutId: string;
  orderId: string;
  number: string;
  total: number;
  lines: { productId: string; qty: number }[];
}

/** A checkout cut off by a kill. */
interface Pending {
  checkoutId: string;
  cartId: string | null;
  /** The cart as the last acknowledged scan left it. */
  lastCart: Cart | null;
  /** Barcode of a scan sent but not answered (it may or may not have been applied). */
  inFlightScan: string | null;
  completing: boolean;
}

const PIN = '2580';

function newId(): string {
  return globalThis.crypto.randomUUID();
}

export async function runCrashTest(opts: CrashOptions): Promise<CrashReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const random = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const started = Date.now();
  const dataDir = mkdtempSync(join(opts.dir ?? tmpdir(), 'countertop-crash-'));
  log(`crash test: seed ${opts.seed}, ${opts.kills} kills, ${opts.checkouts} checkouts, data ${dataDir}`);

  const catalog = JSON.parse(readFileSync(join(RESOURCES_DIR, 'demo', 'catalog.json'), 'utf8')) as {
    products: { unit: string; barcodes: string[] }[];
  };
  const barcodes = catalog.products.filter((p) => p.unit === 'each' && p.barcodes.length > 0).map((p) => p.barcodes[0]!);
  if (barcodes.length < 20) throw new Error('the demo catalog has too few barcodes');

  const acked = new Map<string, Acked>();
  const attempted = new Set<string>();
  let pending: Pending | null = null;
  let kills = 0;
  let killsMidRequest = 0;
  let retried = 0;
  let retriedFoundCommitted = 0;
  const restartMs: number[] = [];
  let adminId: string | null = null;
  let inFlight = 0;
  let killAtComplete: (() => void) | null = null;
  let completeMs = 5;
  let ok = false;

  const segment = opts.checkouts / (opts.kills + 1);

  try {
    for (let life = 0; ; life++) {
      const t0 = Date.now();
      const host = await startHostProcess(dataDir);
      const s = await host.session();
      if (life === 0) {
        must(
          await s.call('setup.run', {
            storeName: 'Crash Test Market',
            currency: 'USD',
            priceMode: 'inclusive',
            timezone: 'UTC',
            language: 'en',
            taxRates: [
              { name: 'Standard', rateBp: 2000, isDefault: true },
              { name: 'Reduced', rateBp: 500, isDefault: false },
            ],
            admin: { name: 'Admin', pin: PIN },
            demoData: true,
          }),
          'setup',
        );
      }
      // The app starts after a crash without manual repair: not in recovery, still set up.
      const status = must(await s.call<{ setupDone: boolean; recovery?: unknown }>('app.status', {}), 'status');
      if (!status.setupDone || status.recovery) throw new CrashCheckFailed(`after restart ${life}: ${JSON.stringify(status)}`);
      adminId ??= must(await s.call<{ id: string; name: string }[]>('staff.list', {}), 'staff').find((x) => x.name === 'Admin')!.id;
      must(await s.call('staff.signIn', { staffId: adminId, pin: PIN }), 'sign in');
      // Selling needs an open shift; after a restart the shift opened before is still open.
      const shift = await s.call('shifts.open', { counts: [] });
      if (!shift.ok && shift.error.code !== 'CONFLICT') throw new CrashCheckFailed(`open shift: ${JSON.stringify(shift.error)}`);
      if (life > 0) restartMs.push(Date.now() - t0);

      if (pending) await resolvePending(s, pending);
      pending = null;

      const killNow = kills < opts.kills;
      const target = killNow ? Math.max(1, Math.floor(segment * (0.5 + random()))) : opts.checkouts - acked.size;
      const done = await drive(host, s, target, killNow);
      if (done === 'finished') {
        // A clean stop: the shutdown backup runs, then the process exits 0.
        host.kill('SIGTERM');
        const exit = await host.exited;
        if (exit.code !== 0) throw new CrashCheckFailed(`clean stop exited with ${exit.code ?? exit.signal}:\n${host.output()}`);
        checkStore(`after the clean stop`);
        if (!backupFiles().some((n) => parseBackupName(n)?.reason === 'shutdown')) throw new CrashCheckFailed('no backup at shutdown');
        break;
      }
      kills++;
      checkStore(`after kill ${kills}`);
      if (kills % Math.max(1, Math.floor(opts.kills / 10)) === 0 || kills === opts.kills)
        log(
          `  kill ${kills}/${opts.kills}: ${acked.size} sales acknowledged, ${retried} retried, ${Math.round((Date.now() - started) / 1000)} s`,
        );
    }

    // One more start: the store opens, every sale is there, the newest is listed first.
    const last = await startHostProcess(dataDir);
    const s = await last.session();
    must(await s.call('staff.signIn', { staffId: adminId, pin: PIN }), 'final sign in');
    const recent = must(await s.call<{ number: string }[]>('sales.recent', { limit: 1 }), 'recent');
    const newest = [...acked.values()].sort((a, b) => (a.number < b.number ? 1 : -1))[0];
    if (newest && recent[0]?.number !== newest.number)
      throw new CrashCheckFailed(`newest sale ${newest.number} not listed first (${recent[0]?.number})`);
    last.kill('SIGKILL');
    await last.exited;

    const report: CrashReport = {
      seed: opts.seed,
      kills,
      acknowledged: acked.size,
      retried,
      retriedFoundCommitted,
      killsMidRequest,
      orders: countOrders(),
      backups: backupFiles().length,
      restartMs: {
        p50: [...restartMs].sort((a, b) => a - b)[Math.floor(restartMs.length / 2)] ?? 0,
        max: Math.max(0, ...restartMs),
      },
      durationMs: Date.now() - started,
      dataDir,
    };
    ok = true;
    return report;
  } finally {
    killAllHosts(); // a failed run leaves no host behind
    if (!ok) log(`crash test FAILED (seed ${opts.seed}); data kept in ${dataDir}`);
    else if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
  }

  /**
   * Sells `target` checkouts, then (when `kill`) SIGKILLs the host a random few milliseconds later,
   * whatever it is doing, and stops at the first request the kill cuts off.
   */
  async function drive(host: HostProcess, s: HostSession, target: number, kill: boolean): Promise<'killed' | 'finished'> {
    let sold = 0;
    let armed = false;
    const backupEvery = opts.backupEvery ?? 0;
    try {
      for (;;) {
        if (!kill && acked.size >= opts.checkouts) return 'finished';
        if (kill && sold >= target && !armed) {
          armed = true;
          // Half the kills at any moment, half aimed at a sale being committed.
          const aimed = random() < 0.5;
          // Aimed: somewhere within a typical commit (its latency as measured so far).
          const delay = random() * (aimed ? completeMs : 8);
          const fire = () =>
            setTimeout(() => {
              if (inFlight > 0) killsMidRequest++;
              host.kill('SIGKILL');
            }, delay);
          if (aimed) killAtComplete = fire;
          else fire();
        }
        if (backupEvery > 0 && random() < 1 / backupEvery) void s.call('backup.create', {}).catch(() => undefined);
        await checkout(s);
        sold++;
      }
    } catch (err) {
      if (err instanceof CrashCheckFailed) throw err;
      if (!armed) throw new Error(`the host failed without being killed: ${String(err)}\n${host.output()}`, { cause: err });
      await host.exited;
      return 'killed';
    }
  }

  async function send<T>(s: HostSession, channel: string, input: unknown): Promise<Result<T>> {
    inFlight++;
    try {
      return await s.call<T>(channel, input);
    } finally {
      inFlight--;
    }
  }

  async function checkout(s: HostSession): Promise<void> {
    const checkoutId = newId();
    attempted.add(checkoutId);
    const p: Pending = { checkoutId, cartId: null, lastCart: null, inFlightScan: null, completing: false };
    pending = p;
    const scans = 1 + Math.floor(random() * 5);
    let lastCode = '';
    for (let i = 0; i < scans; i++) {
      // Now and then the same item again (the line's quantity goes up).
      const code = i > 0 && random() < 0.2 ? lastCode : pick(barcodes);
      lastCode = code;
      p.inFlightScan = code;
      p.lastCart = must(await send<Cart>(s, 'cart.scan', { code }), `scan ${code}`);
      p.inFlightScan = null;
      p.cartId = p.lastCart.id;
    }
    await complete(s, p);
  }

  async function complete(s: HostSession, p: Pending): Promise<void> {
    const cart = p.lastCart!;
    const cash = Math.ceil((cart.priced.total + 1) / 100) * 100 + Math.floor(random() * 3) * 500;
    p.completing = true;
    killAtComplete?.();
    killAtComplete = null;
    const t0 = performance.now();
    const order = must(
      await send<Order>(s, 'sales.complete', { cartId: p.cartId, checkoutId: p.checkoutId, tenders: [{ kind: 'cash', amount: cash }] }),
      'complete',
    );
    completeMs = completeMs * 0.9 + (performance.now() - t0) * 0.1;
    record(p, order, cart);
  }

  function record(p: Pending, order: Order, cart: Cart): void {
    const lines = cart.lines.map((l) => ({ productId: l.productId, qty: l.qty }));
    const got = order.lines.map((l) => ({ productId: l.productId, qty: l.qty }));
    if (JSON.stringify(got) !== JSON.stringify(lines) || order.total !== cart.priced.total)
      throw new CrashCheckFailed(`sale ${order.number} does not match its cart: ${JSON.stringify({ got, lines })}`);
    acked.set(p.checkoutId, { checkoutId: p.checkoutId, orderId: order.id, number: order.number, total: order.total, lines });
    pending = null;
  }

  /** After a restart: finish the checkout the kill interrupted, as a clerk would. */
  async function resolvePending(s: HostSession, p: Pending): Promise<void> {
    const cart = must(await s.call<Cart>('cart.get', {}), 'cart after restart');
    if (p.completing) {
      retried++;
      // The answer was lost: sending the same checkout again completes it exactly once.
      const before = countOrdersFor(p.checkoutId);
      const order = must(
        await s.call<Order>('sales.complete', {
          cartId: p.cartId,
          checkoutId: p.checkoutId,
          tenders: [{ kind: 'cash', amount: Math.ceil((p.lastCart!.priced.total + 1) / 100) * 100 }],
        }),
        'retry after restart',
      );
      if (before === 1) retriedFoundCommitted++;
      record(p, order, p.lastCart!);
      if (countOrdersFor(p.checkoutId) !== 1)
        throw new CrashCheckFailed(`checkout ${p.checkoutId} made ${countOrdersFor(p.checkoutId)} sales`);
      return;
    }
    // Killed while scanning: the open cart holds every acknowledged scan, plus at most the one in flight.
    const want = new Map((p.lastCart?.lines ?? []).map((l) => [l.productId, l.qty]));
    const have = new Map(cart.lines.map((l) => [l.productId, l.qty]));
    let extra = 0;
    for (const [id, q] of have) {
      const w = want.get(id) ?? 0;
      if (q < w) throw new CrashCheckFailed(`an acknowledged scan was lost: ${id} ${q} < ${w}`);
      if (q > w) extra += Math.round((q - w) / 1000);
    }
    for (const id of want.keys()) if (!have.has(id)) throw new CrashCheckFailed(`an acknowledged line vanished: ${id}`);
    if (extra > (p.inFlightScan ? 1 : 0)) throw new CrashCheckFailed(`the cart gained ${extra} items nobody scanned`);
    if (cart.lines.length === 0) return; // nothing to sell yet: start afresh
    p.lastCart = cart;
    p.cartId = cart.id;
    await complete(s, p);
  }

  function withDb<T>(fn: (db: Sqlite) => T): T {
    const db = openConnection(join(dataDir, 'countertop.db'), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return fn(db);
    } finally {
      db.close();
    }
  }

  function countOrders(): number {
    return withDb((db) => (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n);
  }

  function countOrdersFor(checkoutId: string): number {
    return withDb((db) => (db.prepare('SELECT COUNT(*) AS n FROM orders WHERE checkout_id = ?').get(checkoutId) as { n: number }).n);
  }

  function backupFiles(): string[] {
    const dir = join(dataDir, 'backups');
    return existsSync(dir) ? readdirSync(dir).filter((n) => parseBackupName(n)) : [];
  }

  /** Everything the issue asks, read straight from the file the killed process left. */
  function checkStore(when: string): void {
    const fail = (what: string) => {
      throw new CrashCheckFailed(`${when}: ${what} (seed ${opts.seed}, data ${dataDir})`);
    };
    withDb((db) => {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') fail(`integrity_check says ${String(integrity)}`);

      // Every acknowledged sale is present and complete.
      const order = db.prepare('SELECT id, number, total FROM orders WHERE checkout_id = ?');
      const lines = db.prepare('SELECT product_id AS productId, qty FROM order_lines WHERE order_id = ? ORDER BY position');
      for (const a of acked.values()) {
        const o = order.get(a.checkoutId) as { id: string; number: string; total: number } | undefined;
        if (!o) fail(`acknowledged sale ${a.number} is missing`);
        if (o!.id !== a.orderId || o!.number !== a.number || o!.total !== a.total) fail(`sale ${a.number} changed: ${JSON.stringify(o)}`);
        if (JSON.stringify(lines.all(o!.id)) !== JSON.stringify(a.lines)) fail(`sale ${a.number} has other lines than acknowledged`);
      }

      // No sale is half-written: each has lines, payments covering its total, one stock movement per
      // line with the line's quantity, a completed cart, an outbox change and one journal entry.
      const broken = db
        .prepare(
          `WITH l AS (SELECT order_id, COUNT(*) AS n, SUM(qty) AS q FROM order_lines GROUP BY order_id),
                p AS (SELECT order_id, SUM(amount) AS s FROM payments GROUP BY order_id),
                m AS (SELECT ref_id, COUNT(*) AS n, SUM(-qty_delta) AS q FROM stock_movements WHERE kind = 'sale' GROUP BY ref_id),
                x AS (SELECT entity_id, COUNT(*) AS n FROM outbox WHERE entity = 'order' GROUP BY entity_id),
                j AS (SELECT ref_id, COUNT(*) AS n FROM journal WHERE kind = 'sale' GROUP BY ref_id)
           SELECT o.number, o.total, COALESCE(l.n, 0) AS lines, COALESCE(l.q, 0) AS qty, COALESCE(p.s, 0) AS paid,
                  COALESCE(m.n, 0) AS moves, COALESCE(m.q, 0) AS moved, c.status AS cart, COALESCE(x.n, 0) AS outbox,
                  COALESCE(j.n, 0) AS journal
           FROM orders o LEFT JOIN l ON l.order_id = o.id LEFT JOIN p ON p.order_id = o.id LEFT JOIN m ON m.ref_id = o.id
                LEFT JOIN carts c ON c.id = o.cart_id LEFT JOIN x ON x.entity_id = o.id LEFT JOIN j ON j.ref_id = o.id`,
        )
        .all() as {
        number: string;
        lines: number;
        paid: number;
        moves: number;
        moved: number;
        qty: number;
        cart: string;
        outbox: number;
        journal: number;
        total: number;
      }[];
      for (const b of broken) {
        if (
          b.lines < 1 ||
          b.paid !== b.total ||
          b.moves !== b.lines ||
          b.moved !== b.qty ||
          b.cart !== 'completed' ||
          b.outbox !== 1 ||
          b.journal !== 1
        )
          fail(`half-written sale ${b.number}: ${JSON.stringify(b)}`);
      }
      // Nothing of a sale exists without its order.
      const orphans = db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM stock_movements m WHERE m.kind = 'sale' AND m.ref_id NOT IN (SELECT id FROM orders)) +
                  (SELECT COUNT(*) FROM journal j WHERE j.kind = 'sale' AND j.ref_id NOT IN (SELECT id FROM orders)) +
                  (SELECT COUNT(*) FROM carts c WHERE c.status = 'completed' AND c.id NOT IN (SELECT cart_id FROM orders)) AS n`,
        )
        .get() as { n: number };
      if (orphans.n !== 0) fail(`${orphans.n} pieces of sales without their order`);
      // Every order comes from a checkout we attempted, once; numbers run without gaps.
      const ids = db.prepare('SELECT checkout_id AS c, number FROM orders ORDER BY number').all() as { c: string; number: string }[];
      const seen = new Set<string>();
      ids.forEach((r, i) => {
        if (!attempted.has(r.c)) fail(`order ${r.number} from an unknown checkout`);
        if (seen.has(r.c)) fail(`checkout ${r.c} made two sales`);
        seen.add(r.c);
        if (r.number !== `T1-${String(i + 1).padStart(6, '0')}`) fail(`order numbers have a gap at ${r.number}`);
      });

      // Stock levels equal the ledger.
      const drift = db
        .prepare(
          `WITH m AS (SELECT product_id, location_id, SUM(qty_delta) AS s FROM stock_movements GROUP BY product_id, location_id)
           SELECT COUNT(*) AS n FROM m FULL OUTER JOIN stock_levels l ON l.product_id = m.product_id AND l.location_id = m.location_id
           WHERE COALESCE(m.s, 0) != COALESCE(l.qty, 0)`,
        )
        .get() as { n: number };
      if (drift.n !== 0) fail(`${drift.n} stock levels differ from the sum of their movements`);

      // The journal's chain verifies, and every journaled sale matches its rows.
      const journal = verifyStoreJournal({ sqlite: db, secrets: fileSecretStore(secretsFileIn(dataDir)) });
      if (!journal.ok) fail(`journal broken at ${JSON.stringify(journal.firstBroken)}`);
      if (journal.entries !== ids.length) fail(`journal has ${journal.entries} entries for ${ids.length} sales`);
    });
    // A backup killed half-way never looks like a backup: every finished one is whole.
    for (const name of backupFiles()) {
      const b = new Database(join(dataDir, 'backups', name), { readonly: true, fileMustExist: true });
      try {
        if (b.pragma('quick_check', { simple: true }) !== 'ok') fail(`backup ${name} is damaged`);
      } finally {
        b.close();
      }
    }
  }
}
