/**
 * Promotions and price lists on the hot path.
 *
 * `scan_to_cart_promotions`: cart.scan through the router with 1,000 active promotions and 10,000
 * price-list entries on the store and a member (in a customer group) attached, beside the plain
 * scan (nothing active, no customer) measured in the same run: blocks of 50 scans alternate
 * between the two, switched in memory (the compiled forms a till holds between changes, or empty
 * ones), so both arms see the same disk and the same cache warmth.
 *
 * `price_cart_50_lines`: cart.get of a 50-line cart with a member attached (all of pricing: price
 * lists, promotions, tax), beside the same cart with nothing compiled.
 *
 * The promotions and lists are seeded with SQL (definitions checked by the engine's schema) and
 * removed at the end, so the other cases measure the store as it was.
 */
import { uuidv7 } from '../../src/shared/ids';
import { promotionSchema, type Promotion } from '../../src/shared/promotions/schema';
import { activePromotions, createPromotionsState, invalidatePromotions } from '../../src/main/promotions/state';
import { buildPromotionIndex } from '../../src/shared/promotions/engine';
import { activePriceLists, createPriceListsState, invalidatePriceLists } from '../../src/main/price-lists/state';
import type { App } from '../../src/main/app';
import { CLERK_SESSION, call, type BenchContext, type BenchResult } from '../context';
import { msSince, rng, summarize } from '../stats';
import type { BenchCase } from './types';
import { watchTail, type TailWatch } from '../tail-watch';

const PROMOTIONS = 1000;
const ENTRIES = 10_000;
const BLOCK = 50;

interface Seeded {
  promotionIds: string[];
  listIds: string[];
  groupId: string;
  customerId: string;
}

function promotionsFor(productIds: string[], categoryIds: string[], groupId: string, seed: number): Promotion[] {
  const rand = rng(seed);
  const some = (n: number) => Array.from({ length: n }, () => productIds[Math.floor(rand() * productIds.length)]!);
  const scope = () => ({ kind: 'products' as const, productIds: [...new Set(some(8))] });
  const out: Promotion[] = [];
  for (let i = 0; i < PROMOTIONS; i++) {
    let rule: Promotion['rule'];
    if (i % 100 === 0)
      rule = { kind: 'threshold', scope: { kind: 'all' }, tiers: [{ minSpend: 10_000 + i * 100, off: { kind: 'amount', minor: 500 } }] };
    else if (i % 50 === 1 && categoryIds.length > 0)
      rule = { kind: 'percent_off', scope: { kind: 'categories', categoryIds: [categoryIds[i % categoryIds.length]!] }, bp: 500 };
    else if (i % 5 === 0) rule = { kind: 'buy_x_get_y', scope: scope(), buyQty: 2, getQty: 1, getBp: 10_000 };
    else if (i % 5 === 1) rule = { kind: 'mix_match', scope: scope(), qty: 3, price: 1000 };
    else if (i % 5 === 2) rule = { kind: 'amount_off', scope: scope(), minorPerUnit: 10 };
    else if (i % 5 === 3) rule = { kind: 'bundle', items: [...new Set(some(2))].map((productId) => ({ productId, qty: 1 })), price: 500 };
    else rule = { kind: 'percent_off', scope: scope(), bp: 1000 };
    const conditions =
      i % 7 === 0
        ? { customerGroupIds: [groupId] }
        : i % 3 === 0
          ? { memberOnly: true }
          : i % 11 === 0
            ? { daysOfWeek: [1, 2, 3, 4, 5, 6, 7] }
            : undefined;
    out.push(
      promotionSchema.parse({
        id: uuidv7(),
        name: `Bench promotion ${i}`,
        rule,
        stacking: i % 4 === 0 ? 'exclusive' : 'stackable',
        priority: i % 100,
        ...(conditions ? { conditions } : {}),
      }),
    );
  }
  return out;
}

/** 1,000 promotions, three lists (members, the group with quantity breaks, another store) with 10,000 entries, a member. */
async function seed(ctx: BenchContext): Promise<Seeded> {
  const { app } = ctx;
  const { sqlite } = app.deps;
  const now = Date.now();
  const productIds = ctx.sampleColumn('products', 'id', ENTRIES, 907);
  const categoryIds = sqlite.prepare('SELECT id FROM categories LIMIT 20').pluck().all() as string[];
  const groupId = uuidv7();
  const customer = await call(app, 'customers.create', { name: `Bench member ${now}` }, CLERK_SESSION);
  const promotions = promotionsFor(productIds, categoryIds, groupId, 911);
  const lists = [
    { id: uuidv7(), kind: 'members', target: null as string | null, share: 0.5 },
    { id: uuidv7(), kind: 'group', target: groupId, share: 0.4 },
    { id: uuidv7(), kind: 'store', target: uuidv7(), share: 0.1 },
  ];
  sqlite.transaction(() => {
    const hlc = app.deps.hlc.now();
    sqlite
      .prepare('INSERT INTO customer_groups (id, name, name_zh, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?)')
      .run(groupId, 'Bench wholesale', '批发', now, now, hlc);
    sqlite
      .prepare('INSERT INTO customer_memberships (customer_id, group_id, updated_at, hlc) VALUES (?, ?, ?, ?)')
      .run(customer.id, groupId, now, hlc);
    const insPromo = sqlite.prepare(
      'INSERT INTO promotions (id, definition, active, created_at, updated_at, hlc) VALUES (?, ?, 1, ?, ?, ?)',
    );
    for (const p of promotions) insPromo.run(p.id, JSON.stringify(p), now, now, hlc);
    const insList = sqlite.prepare(
      'INSERT INTO price_lists (id, name, name_zh, target_kind, target_id, active, created_at, updated_at, hlc) VALUES (?, ?, NULL, ?, ?, 1, ?, ?, ?)',
    );
    const insEntry = sqlite.prepare(
      'INSERT INTO price_list_entries (id, price_list_id, product_id, min_qty, price, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const priceOf = sqlite.prepare('SELECT price FROM products WHERE id = ?').pluck();
    let k = 0;
    for (const l of lists) {
      insList.run(l.id, `Bench ${l.kind}`, l.kind, l.target, now, now, hlc);
      const n = Math.round(ENTRIES * l.share);
      for (let j = 0; j < n; j++, k++) {
        const productId = productIds[k % productIds.length]!;
        const base = priceOf.get(productId) as number;
        // The group's list: every other entry is a quantity break (from 6 pieces).
        const minQty = l.kind === 'group' && j % 2 === 1 ? 6000 : 0;
        insEntry.run(uuidv7(), l.id, productId, minQty, Math.floor(base * 0.9), now, hlc);
      }
    }
  })();
  invalidatePromotions(app.deps);
  invalidatePriceLists(app.deps);
  return { promotionIds: promotions.map((p) => p.id), listIds: lists.map((l) => l.id), groupId, customerId: customer.id };
}

/**
 * Switches between the arms in memory: the seeded rows stay active and compiled once (as a till
 * holds them between changes), and the plain arm gets empty compiled forms. Pausing and resuming
 * a thousand rows between blocks wrote a log that was copied back while the next block committed,
 * which put the same milliseconds into both arms' tails.
 */
interface Arms {
  on: Pick<App['deps'], 'promotions' | 'priceLists'>;
  off: Pick<App['deps'], 'promotions' | 'priceLists'>;
}

function compileArms(app: App): Arms {
  invalidatePromotions(app.deps);
  invalidatePriceLists(app.deps);
  activePromotions(app.deps);
  activePriceLists(app.deps);
  const on = { promotions: app.deps.promotions, priceLists: app.deps.priceLists };
  const off = {
    promotions: { index: buildPromotionIndex([]), storeLimited: false },
    priceLists: { byProduct: new Map(), storeLimited: false },
  };
  return { on, off };
}

function setActive(app: App, arms: Arms, on: boolean): void {
  const arm = on ? arms.on : arms.off;
  app.deps.promotions = arm.promotions;
  app.deps.priceLists = arm.priceLists;
}

function unseed(app: App, s: Seeded): void {
  const { sqlite } = app.deps;
  app.deps.promotions = createPromotionsState();
  app.deps.priceLists = createPriceListsState();
  sqlite.transaction(() => {
    const ids = (xs: string[]) => JSON.stringify(xs);
    sqlite.prepare('DELETE FROM promotions WHERE id IN (SELECT value FROM json_each(?))').run(ids(s.promotionIds));
    sqlite.prepare('DELETE FROM price_list_entries WHERE price_list_id IN (SELECT value FROM json_each(?))').run(ids(s.listIds));
    sqlite.prepare('DELETE FROM price_lists WHERE id IN (SELECT value FROM json_each(?))').run(ids(s.listIds));
    sqlite.prepare('DELETE FROM customer_memberships WHERE customer_id = ?').run(s.customerId);
    sqlite.prepare('DELETE FROM customer_groups WHERE id = ?').run(s.groupId);
  })();
  invalidatePromotions(app.deps);
  invalidatePriceLists(app.deps);
}

/** A fresh cart for the next block: the member attached for the seeded arm, the rows' state set, compiled outside the timing. */
async function startBlock(app: App, s: Seeded, arms: Arms, seeded: boolean, customer: boolean): Promise<void> {
  await call(app, 'cart.clear', {}, CLERK_SESSION);
  setActive(app, arms, seeded);
  if (customer) await call(app, 'cart.setCustomer', { customerId: s.customerId }, CLERK_SESSION);
  await call(app, 'cart.get', {}, CLERK_SESSION);
}

async function timed(
  app: App,
  channel: 'cart.scan' | 'cart.get',
  input: { code: string } | Record<string, never>,
  watch?: TailWatch,
): Promise<number> {
  const run = () => app.router.call(channel, input as never, CLERK_SESSION);
  let res: Awaited<ReturnType<typeof run>>;
  let ms: number;
  if (watch) ({ value: res, ms } = await watch.time(run));
  else {
    const t0 = process.hrtime.bigint();
    res = await run();
    ms = msSince(t0);
  }
  if (!res.ok) throw new Error(`${channel}: ${res.error.code} ${res.error.message}`);
  await new Promise<void>((r) => setImmediate(r));
  return ms;
}

export const scanToCartPromotions: BenchCase = {
  id: 'scan_to_cart_promotions',
  title: 'cart.scan with 1,000 active promotions, 10,000 price-list entries and a member attached, beside the plain scan',
  budget: 1,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    await ctx.signInClerk();
    const s = await seed(ctx);
    const arms = compileArms(app);
    try {
      // The first 20 blocks (1,000 scans, half of them with promotions) warm the process up: the
      // engine's code is still being optimised by V8 there, and those scans are logged apart. A
      // till reaches that state within its first few hundred scans of the day.
      const blocks = ctx.quick ? 24 : 78;
      const warmBlocks = ctx.quick ? 2 : 20;
      const codes = ctx.sampleColumn('barcodes', 'code', blocks * BLOCK, 917);
      const withMs: number[] = [];
      const plainMs: number[] = [];
      // Diagnostic: which of the slowest scans with promotions overlapped a garbage collection.
      const tail = watchTail();
      const warmMs: number[] = [];
      for (let b = 0; b < blocks; b++) {
        // Each pair of blocks runs the same codes, seeded then plain (or the other way round).
        const pair = Math.floor(b / 2);
        const seeded = (b + pair) % 2 === 0;
        await startBlock(app, s, arms, seeded, seeded);
        for (const code of codes.slice(pair * BLOCK * 2, pair * BLOCK * 2 + BLOCK)) {
          const ms = await timed(app, 'cart.scan', { code }, seeded && b >= warmBlocks ? tail : undefined);
          if (b >= warmBlocks) (seeded ? withMs : plainMs).push(ms);
          else if (seeded) warmMs.push(ms);
        }
      }
      const r = summarize(withMs);
      const p = summarize(plainMs);
      ctx.log(`  promotions+lists: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, max ${r.max.toFixed(2)} ms (${r.n} scans)`);
      ctx.log(`  plain scan:       p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, max ${p.max.toFixed(2)} ms (${p.n} scans)`);
      ctx.log(`  diagnostic: ${await tail.stop()}`);
      const w = summarize(warmMs);
      ctx.log(
        `  diagnostic, the warm-up's scans with promotions (not the result): p50 ${w.p50.toFixed(3)} ms, p99 ${w.p99.toFixed(3)} ms (${w.n})`,
      );
      return {
        id: 'scan_to_cart_promotions',
        unit: 'ms',
        n: r.n,
        p50: r.p50,
        p99: r.p99,
        budget: this.budget,
        baseline: { name: 'the plain scan (no promotions, no lists, no customer), same codes, interleaved', p50: p.p50, p99: p.p99 },
      };
    } finally {
      await call(app, 'cart.clear', {}, CLERK_SESSION);
      unseed(app, s);
    }
  },
};

export const priceCart50Lines: BenchCase = {
  id: 'price_cart_50_lines',
  title: 'cart.get of a 50-line cart with a member attached, 1,000 promotions and 10,000 list entries, beside none',
  budget: 2,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    await ctx.signInClerk();
    const s = await seed(ctx);
    const arms = compileArms(app);
    try {
      // Products with a list entry first, so the cart has list prices, promotions and plain lines.
      const listed = app.deps.sqlite
        .prepare(
          `SELECT b.code FROM price_list_entries e JOIN barcodes b ON b.product_id = e.product_id
           WHERE e.price_list_id IN (SELECT value FROM json_each(?)) GROUP BY e.product_id LIMIT 30`,
        )
        .pluck()
        .all(JSON.stringify(s.listIds)) as string[];
      const codes = [...listed, ...ctx.sampleColumn('barcodes', 'code', 20, 919)];
      await call(app, 'cart.clear', {}, CLERK_SESSION);
      await call(app, 'cart.setCustomer', { customerId: s.customerId }, CLERK_SESSION);
      let cart = await call(app, 'cart.get', {}, CLERK_SESSION);
      for (const code of codes) cart = await call(app, 'cart.scan', { code }, CLERK_SESSION);
      ctx.log(
        `  cart: ${cart.lines.length} lines, ${cart.lines.filter((l) => l.priceList).length} list-priced, ${cart.applied.length} promotions applied`,
      );
      const blocks = ctx.quick ? 20 : 60;
      const withMs: number[] = [];
      const plainMs: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const seeded = b % 2 === 0;
        setActive(app, arms, seeded);
        await call(app, 'cart.get', {}, CLERK_SESSION);
        for (let i = 0; i < BLOCK; i++) {
          const ms = await timed(app, 'cart.get', {});
          if (b >= 2) (seeded ? withMs : plainMs).push(ms);
        }
      }
      const r = summarize(withMs);
      const p = summarize(plainMs);
      ctx.log(`  promotions+lists: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, max ${r.max.toFixed(2)} ms (${r.n})`);
      ctx.log(`  none active:      p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, max ${p.max.toFixed(2)} ms (${p.n})`);
      return {
        id: 'price_cart_50_lines',
        unit: 'ms',
        n: r.n,
        p50: r.p50,
        p99: r.p99,
        budget: this.budget,
        baseline: { name: 'the same cart and member, promotions and lists paused, interleaved', p50: p.p50, p99: p.p99 },
      };
    } finally {
      await call(app, 'cart.clear', {}, CLERK_SESSION);
      unseed(app, s);
    }
  },
};
