/**
 * Payments crash safety: a till process (payments-child.ts) pays a sale through a fake Alipay that
 * lives in this process (so it outlives the kill), and is SIGKILLed at one transition: before the
 * call, after the request left (the provider charged; the answer never returns), after the answer
 * (before it was recorded), before the sale's commit, after the sale, after a refund request left.
 * It is restarted, the reconciler finishes, and the money rules are checked against the provider's
 * own ledger: no customer charged without a sale or an automatic refund, no sale without a paid
 * trade, no double charge, no refund paid twice, no trade or refund left unresolved.
 *
 * `npx tsx test/crash/payments-crash.ts [--runs 200] [--seed N] [--keep]`; a failure prints its seed.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createFakeGateway, type FakeGateway, type PayScript, type RefundScript } from '../support/fake-gateway';
import { rng } from './crash';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD = join(ROOT, 'test', 'crash', 'payments-child.ts');

export const CRASH_POINTS = ['none', 'beforeCall', 'payLeft', 'afterAnswer', 'queryLeft', 'beforeSale', 'afterSale', 'refundLeft'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
type Variant = 'sell' | 'void' | 'refund';

interface Current {
  fake: FakeGateway;
  crashAt: CrashPoint;
  /** Kills the till now (a crash point seen from the provider's side). */
  kill: (() => void) | null;
  killed: boolean;
}

export interface PaymentsCrashReport {
  seed: number;
  runs: number;
  kills: number;
  byPoint: Record<string, number>;
  charged: number;
  sold: number;
  refundedAutomatically: number;
  refundedByDocument: number;
  durationMs: number;
}

/** The fake behind a loopback HTTP endpoint: the till's gateway posts `{ method, args }`. */
function startFakeServer(current: { value: Current | null }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      const cur = current.value;
      if (!cur) {
        res.writeHead(503).end();
        return;
      }
      const { method, args } = JSON.parse(body) as { method: string; args: unknown[] };
      const fn = (cur.fake as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
      if (!fn) {
        res.writeHead(404).end();
        return;
      }
      void fn.apply(cur.fake, args).then((answer) => {
        const point = method === 'pay' ? 'payLeft' : method === 'refund' ? 'refundLeft' : method === 'query' ? 'queryLeft' : null;
        if (point && cur.crashAt === point && !cur.killed && cur.kill) {
          // The provider did the work; the till dies before the answer reaches it.
          cur.killed = true;
          cur.kill();
          res.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as { port: number };
      r({ url: `http://127.0.0.1:${addr.port}`, server });
    }),
  );
}

function runChild(
  args: string[],
  onStart: (kill: () => void) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((r) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    onStart(() => child.kill('SIGKILL'));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      r({ code, signal, out });
    });
  });
}

class MoneyRuleBroken extends Error {}

/** The money rules, from the provider's ledger and the till's file. */
function check(dataDir: string, fake: FakeGateway, variant: Variant): { charged: number; sold: number; auto: number; doc: number } {
  const db = new Database(join(dataDir, 'countertop.db'), { readonly: true });
  try {
    const fail = (msg: string): never => {
      throw new MoneyRuleBroken(msg);
    };
    const open = db
      .prepare("SELECT COUNT(*) AS n FROM trades WHERE state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling')")
      .get() as { n: number };
    if (open.n > 0) fail(`${open.n} trades left unresolved`);
    const openRefunds = db.prepare("SELECT COUNT(*) AS n FROM trade_refunds WHERE state NOT IN ('refunded')").get() as { n: number };
    if (openRefunds.n > 0) fail(`${openRefunds.n} refunds not paid`);
    const trades = db.prepare('SELECT id, trade_no AS tradeNo, state, order_id AS orderId, amount FROM trades').all() as {
      id: string;
      tradeNo: string;
      state: string;
      orderId: string | null;
      amount: number;
    }[];
    let charged = 0;
    let sold = 0;
    let auto = 0;
    let doc = 0;
    for (const ft of fake.trades.values()) {
      if (ft.charges > 1) fail(`trade ${ft.tradeNo} charged ${ft.charges} times`);
      if (ft.charges === 0) continue;
      charged++;
      const t = trades.find((x) => x.tradeNo === ft.tradeNo);
      if (!t) fail(`the provider charged ${ft.tradeNo}, unknown to the till`);
      const net = ft.amount - ft.reversed - ft.refunded;
      if (t!.orderId) {
        sold++;
        const refunded = db.prepare('SELECT COALESCE(SUM(total), 0) AS n FROM refunds WHERE order_id = ?').get(t!.orderId) as { n: number };
        if (refunded.n > 0) doc++;
        if (net !== ft.amount - refunded.n) fail(`trade ${ft.tradeNo}: the provider holds ${net}, the sale says ${ft.amount - refunded.n}`);
        if (t!.state !== 'paid') fail(`trade ${ft.tradeNo} backs a sale but is ${t!.state}`);
      } else {
        if (net !== 0) fail(`trade ${ft.tradeNo}: charged ${ft.amount} with no sale and ${net} not given back (${t!.state})`);
        if (ft.refunded > 0) auto++;
      }
    }
    // No sale without a paid trade: every provider payment row has its trade, charged once.
    const pays = db
      .prepare("SELECT p.id, t.trade_no AS tradeNo FROM payments p LEFT JOIN trades t ON t.payment_id = p.id WHERE p.kind = 'alipay'")
      .all() as {
      id: string;
      tradeNo: string | null;
    }[];
    for (const p of pays) {
      if (!p.tradeNo) fail(`payment ${p.id} has no trade`);
      if (fake.trades.get(p.tradeNo!)?.charges !== 1) fail(`payment ${p.id}: the provider never charged ${p.tradeNo}`);
    }
    if (variant === 'sell' && pays.length > 1) fail(`${pays.length} sales for one cart`);
    return { charged, sold, auto, doc };
  } finally {
    db.close();
  }
}

export async function runPaymentsCrash(opts: {
  seed: number;
  runs: number;
  keep?: boolean;
  log?: (l: string) => void;
}): Promise<PaymentsCrashReport> {
  const started = Date.now();
  const random = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const current: { value: Current | null } = { value: null };
  const { url, server } = await startFakeServer(current);
  const report: PaymentsCrashReport = {
    seed: opts.seed,
    runs: 0,
    kills: 0,
    byPoint: {},
    charged: 0,
    sold: 0,
    refundedAutomatically: 0,
    refundedByDocument: 0,
    durationMs: 0,
  };
  try {
    for (let i = 0; i < opts.runs; i++) {
      // Every crash point in turn, with a random provider behaviour and sale outcome.
      const crashAt = CRASH_POINTS[i % CRASH_POINTS.length]!;
      // Each point with the outcomes and provider behaviours that reach it.
      const variant: Variant =
        crashAt === 'refundLeft'
          ? pick(['void', 'refund'] as const)
          : crashAt === 'afterSale'
            ? pick(['sell', 'refund'] as const)
            : pick(['sell', 'sell', 'void', 'refund'] as const);
      const payScripts: (PayScript | null)[] =
        crashAt === 'queryLeft'
          ? [{ waiting: 1 + Math.floor(random() * 3) }, 'unknown', 'paidThenLost', 'lostBefore']
          : crashAt === 'none' || crashAt === 'beforeCall' || crashAt === 'payLeft'
            ? [null, null, { waiting: 1 + Math.floor(random() * 3) }, 'unknown', 'paidThenLost', 'decline', 'lostBefore']
            : [null, null, { waiting: 1 + Math.floor(random() * 3) }, 'unknown', 'paidThenLost'];
      const payScript = pick(payScripts);
      const refundScript = pick<RefundScript | null>([null, null, 'lost', 'pending']);
      const fake = createFakeGateway({ pollIntervalMs: 5 });
      if (payScript) fake.scriptPay(payScript);
      if (refundScript) fake.scriptRefund(refundScript);
      const cur: Current = { fake, crashAt, kill: null, killed: false };
      current.value = cur;
      const dir = mkdtempSync(join(tmpdir(), 'countertop-paycrash-'));
      const childCrash = ['beforeCall', 'afterAnswer', 'beforeSale', 'afterSale'].includes(crashAt) ? crashAt : 'none';
      const first = await runChild([dir, url, 'sale', childCrash, variant], (kill) => (cur.kill = kill));
      const killed = first.signal === 'SIGKILL';
      let outputs = `first: ${first.code ?? first.signal}\n${first.out}`;
      if (!killed && (first.code !== 0 || !/DONE|UNPAID/.test(first.out)))
        throw new Error(`run ${i} (${crashAt}) failed before any kill:\n${first.out}`);
      if (killed) {
        report.kills++;
        report.byPoint[crashAt] = (report.byPoint[crashAt] ?? 0) + 1;
        cur.kill = null;
        const second = await runChild([dir, url, 'recover', 'none', variant], () => undefined);
        if (second.code !== 0 || !second.out.includes('DONE')) throw new Error(`run ${i} (${crashAt}) did not recover:\n${second.out}`);
        outputs += `\nsecond: ${second.code ?? second.signal}\n${second.out}`;
      }
      try {
        const r = check(dir, fake, variant);
        report.charged += r.charged;
        report.sold += r.sold;
        report.refundedAutomatically += r.auto;
        report.refundedByDocument += r.doc;
      } catch (err) {
        if (err instanceof MoneyRuleBroken)
          throw new Error(
            `run ${i} (${crashAt}, ${variant}, pay ${JSON.stringify(payScript)}): ${err.message}; data kept in ${dir}\n${outputs}`,
            {
              cause: err,
            },
          );
        throw err;
      }
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
      report.runs++;
      opts.log?.(
        `run ${i}: ${crashAt} ${variant} pay=${JSON.stringify(payScript)} refund=${String(refundScript)} ${killed ? 'killed' : 'ran through'}`,
      );
    }
  } finally {
    server.close();
  }
  report.durationMs = Date.now() - started;
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '200' }, seed: { type: 'string' }, keep: { type: 'boolean', default: false } },
    strict: true,
  });
  const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  console.log(`seed ${seed} (replay with: npx tsx test/crash/payments-crash.ts --seed ${seed} --runs ${values.runs})`);
  runPaymentsCrash({ seed, runs: Number(values.runs), keep: values.keep, log: (l) => console.log(l) })
    .then((r) => {
      console.log(`PASS: ${JSON.stringify(r)}`);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      console.error(`FAILED with seed ${seed}`);
      process.exitCode = 1;
    });
}
