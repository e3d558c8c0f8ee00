import { isoToDay, tzOffsetMs, weekdayOf } from '../business-day';
import { allocate, discountAmount, lineGross, mulDivRound, type Discount } from '../pricing';
import type { Unit } from '../units';
import type { Promotion, PromotionRule } from './schema';

/**
 * The promotion engine: pure, the same at the till and online. It works on each line's amount
 * after the clerk's manual discount, and says per line what each promotion takes off, so the
 * cart, the receipt and the order can print "第二件半价 −¥5.00" under the lines it touched.
 *
 * Choosing among promotions (best for the customer, bounded):
 * 1. Candidates come from the index (by product, by category, and the all-scope list), and those
 *    whose conditions fail (time window in the store's time zone, member, group, store) are
 *    dropped before any pricing work. Each remaining one is priced alone on the cart; one that
 *    gives nothing alone is dropped too (it cannot give anything on fewer lines or smaller
 *    amounts: too few pieces, a spend under every tier or sets worth less than their price stay so).
 * 2. The base plan applies every stackable promotion in priority order (higher first, then id),
 *    each on what the earlier ones left, so the discounts on a line never pass its amount.
 * 3. Exclusive promotions, best alone first, are tried one at a time on top of the plan: an
 *    exclusive one claims the lines it uses (nothing else applies to them) and the stackable ones
 *    re-run on the other lines; it is kept only if the plan's total discount grows. At most
 *    `MAX_EXCLUSIVE_TRIALS` are considered, and one is not tried when the lines it would claim
 *    already carry at least its discount in the best plan so far (it would gain nothing there,
 *    and taking lines from the others seldom makes them give more). A cart thus costs pricing
 *    each candidate once plus at most that many partial re-runs of the stackable ones.
 * 4. Finally each promotion alone is a plan too, so the answer is never worse for the customer
 *    than the best single promotion (stacking in priority order can make an earlier percent off
 *    push the spend under a later threshold).
 * Rounding (integer minor units throughout): a percent is taken per line, half-up; k of a line's
 * n pieces are worth round(amount × k ÷ n), half-up; a discount earned by several lines together
 * (a tier, a set, a pair) is spread over them in proportion to their amounts with `allocate`
 * (largest remainder, ties to the earlier line), so the shares add up exactly and none passes its line.
 * Cost: pricing one promotion is linear in the cart lines it can touch (plus a sort for piece
 * rules), so a cart costs about the sum, over the promotions it triggers, of their lines: product
 * and category promotions stay cheap however many exist; each all-scope one costs the whole cart.
 * Limits: this is greedy, not a full search: two exclusive promotions that are each beaten by the
 * stackable ones but together beat them are not found, nor is an order of stackable promotions
 * other than priority order. Ties keep the earlier plan (the base plan, then priority order).
 */
export const MAX_EXCLUSIVE_TRIALS = 8;

export interface PromotionLine {
  id: string;
  productId: string;
  categoryId: string | null;
  /** Minor units per unit (per piece, or per kg/lb/斤 of a weighed line). */
  unitPrice: number;
  /** Thousandths of the unit. */
  qty: number;
  unit: Unit;
  /** The clerk's discount already on the line: promotions apply to what it leaves. */
  manualDiscount?: Discount | null;
  /** A scale label that carries the price fixes the line amount. */
  fixedAmount?: number | null;
}

export interface PromotionCustomer {
  member: boolean;
  groupId?: string | null;
}

export interface PromotionContext {
  /** Epoch ms of the sale. */
  now: number;
  /** The store's IANA time zone: windows are read on its wall clock. */
  timeZone: string;
  storeId: string;
  customer?: PromotionCustomer | null;
}

export interface LinePromotionShare {
  promotionId: string;
  amount: number;
}

export interface PromotedLine {
  lineId: string;
  /** The line amount after its manual discount, before promotions. */
  amount: number;
  /** What promotions take off the line in all, 0 ≤ discount ≤ amount. */
  discount: number;
  /** The same, per promotion, in the order they applied. */
  promotions: LinePromotionShare[];
}

export interface AppliedPromotion {
  promotionId: string;
  name: string;
  nameZh?: string;
  /** Total discount of this promotion on the cart. */
  amount: number;
  /** The lines that carry a share of it, in cart order. */
  lineIds: string[];
}

export interface PromotionResult {
  lines: PromotedLine[];
  applied: AppliedPromotion[];
  discountTotal: number;
}

// ---------------------------------------------------------------------------------------------
// The index: promotions compiled once (sets for scopes, day numbers and minutes for windows) and
// filed by product, by category and all-scope, so a cart only looks at the promotions its
// products and categories can trigger.

interface Window {
  startDay: number | null;
  endDay: number | null;
  /** Bit n set: ISO weekday n + 1 allowed; 0x7f = every day. */
  weekdays: number;
  /** [from, to) in local minutes; to < from wraps past midnight. Empty: all day. */
  hours: [number, number][];
}

export interface CompiledPromotion {
  promotion: Promotion;
  /** Position in priority order (higher priority first, then id). */
  rank: number;
  window: Window;
  /** Threshold tiers, highest minimum first. */
  tiers: { minSpend: number; off: Discount }[];
  /** Bundle pieces per product. */
  bundle: Map<string, number>;
  /** null: any store, any customer group. */
  stores: Set<string> | null;
  groups: Set<string> | null;
}

export interface PromotionIndex {
  readonly size: number;
  readonly byProduct: ReadonlyMap<string, readonly CompiledPromotion[]>;
  readonly byCategory: ReadonlyMap<string, readonly CompiledPromotion[]>;
  readonly allScope: readonly CompiledPromotion[];
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function compile(p: Promotion, rank: number): CompiledPromotion {
  const k = p.conditions ?? {};
  const weekdays = k.daysOfWeek ? k.daysOfWeek.reduce((m, d) => m | (1 << (d - 1)), 0) : 0x7f;
  return {
    promotion: p,
    rank,
    window: {
      startDay: k.startDate ? isoToDay(k.startDate) : null,
      endDay: k.endDate ? isoToDay(k.endDate) : null,
      weekdays,
      hours: (k.hours ?? []).map((h) => [minutes(h.from), minutes(h.to)]),
    },
    tiers: p.rule.kind === 'threshold' ? [...p.rule.tiers].sort((a, b) => b.minSpend - a.minSpend) : [],
    bundle: new Map(p.rule.kind === 'bundle' ? p.rule.items.map((i) => [i.productId, i.qty]) : []),
    stores: k.storeIds ? new Set(k.storeIds) : null,
    groups: k.customerGroupIds ? new Set(k.customerGroupIds) : null,
  };
}

function file(map: Map<string, CompiledPromotion[]>, key: string, c: CompiledPromotion) {
  const list = map.get(key);
  if (!list) map.set(key, [c]);
  else if (list[list.length - 1] !== c) list.push(c);
}

/**
 * Build once when the promotions change (the till keeps it); `applyPromotions` only reads it.
 * The promotions are as `promotionSchema` accepts them (the router and sync validate them).
 */
export function buildPromotionIndex(promotions: readonly Promotion[]): PromotionIndex {
  const sorted = [...promotions].sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byProduct = new Map<string, CompiledPromotion[]>();
  const byCategory = new Map<string, CompiledPromotion[]>();
  const allScope: CompiledPromotion[] = [];
  sorted.forEach((p, rank) => {
    const c = compile(p, rank);
    if (p.rule.kind === 'bundle') {
      for (const id of c.bundle.keys()) file(byProduct, id, c);
      return;
    }
    const scope = p.rule.scope;
    if (scope.kind === 'all') allScope.push(c);
    else if (scope.kind === 'products') for (const id of new Set(scope.productIds)) file(byProduct, id, c);
    else for (const id of new Set(scope.categoryIds)) file(byCategory, id, c);
  });
  return { size: sorted.length, byProduct, byCategory, allScope };
}

// ---------------------------------------------------------------------------------------------
// Conditions.

interface LocalTime {
  day: number;
  /** ISO weekday 1–7. */
  weekday: number;
  minute: number;
}

const DAY_MS = 86_400_000;

function localTime(now: number, timeZone: string): LocalTime {
  const local = now + tzOffsetMs(now, timeZone);
  const day = Math.floor(local / DAY_MS);
  return { day, weekday: weekdayOf(day) + 1, minute: Math.floor((local - day * DAY_MS) / 60_000) };
}

function inWindow(w: Window, t: LocalTime): boolean {
  if (w.startDay !== null && t.day < w.startDay) return false;
  if (w.endDay !== null && t.day > w.endDay) return false;
  if ((w.weekdays & (1 << (t.weekday - 1))) === 0) return false;
  if (w.hours.length === 0) return true;
  return w.hours.some(([from, to]) => (from < to ? t.minute >= from && t.minute < to : t.minute >= from || t.minute < to));
}

function conditionsHold(c: CompiledPromotion, t: LocalTime, ctx: PromotionContext): boolean {
  if (c.stores && !c.stores.has(ctx.storeId)) return false;
  if (c.promotion.conditions?.memberOnly && !ctx.customer?.member) return false;
  if (c.groups) {
    const group = ctx.customer?.groupId;
    if (!group || !c.groups.has(group)) return false;
  }
  return inWindow(c.window, t);
}

/** Whether a promotion's time window and customer and store conditions hold (the engine's own test). */
export function promotionApplies(promotion: Promotion, ctx: PromotionContext): boolean {
  return conditionsHold(compile(promotion, 0), localTime(ctx.now, ctx.timeZone), ctx);
}

// ---------------------------------------------------------------------------------------------
// Pricing one promotion on the lines still open to it.

interface Work {
  lines: readonly PromotionLine[];
  /** Whole pieces of each line; 0 for weighed lines (and any fractional count). */
  pieces: readonly number[];
  /** What is left of each line. */
  rem: number[];
  /** False once an exclusive promotion has claimed the line. */
  open: boolean[];
}

interface Outcome {
  total: number;
  /** Lines discounted (ascending) and the amount off each (> 0), side by side. */
  at: number[];
  off: number[];
  /** Lines the promotion used (discounted or qualifying): an exclusive one claims them. */
  used: number[];
}

interface Candidate {
  c: CompiledPromotion;
  /** Lines in its scope (for a bundle: lines of its products). */
  scope: number[];
  alone: Outcome;
}

/** Spread `total` over lines in proportion to `weights` (largest remainder: parts ≤ weights when total ≤ their sum). */
function spread(total: number, idx: number[], weights: number[], used: number[]): Outcome | null {
  if (total <= 0) return null;
  const shares = allocate(total, weights);
  const at: number[] = [];
  const off: number[] = [];
  idx.forEach((i, k) => {
    if (shares[k]! > 0) {
      at.push(i);
      off.push(shares[k]!);
    }
  });
  return { total, at, off, used };
}

/** Value of `k` of a line's `n` pieces, half-up: the pieces of a line share its amount evenly. */
const piecesValue = (w: Work, i: number, k: number) => (k === w.pieces[i]! ? w.rem[i]! : mulDivRound(w.rem[i]!, k, w.pieces[i]!));
const pieceValue = (w: Work, i: number) => w.rem[i]! / w.pieces[i]!;

/** Takes `count` pieces from the lines in the given order: [line, pieces] pairs. */
function take(w: Work, order: number[], count: number): [number, number][] {
  const out: [number, number][] = [];
  let left = count;
  for (const i of order) {
    if (left <= 0) break;
    const k = Math.min(left, w.pieces[i]!);
    out.push([i, k]);
    left -= k;
  }
  return out;
}

/** Value (in floating point, for decisions only) of the first `count` pieces in `order`. */
function prefixValue(w: Work, order: number[], count: number): number {
  let v = 0;
  let left = count;
  for (const i of order) {
    if (left <= 0) break;
    const k = Math.min(left, w.pieces[i]!);
    v += k === w.pieces[i] ? w.rem[i]! : pieceValue(w, i) * k;
    left -= k;
  }
  return v;
}

/** Largest n in [0, max] with ok(n) true, for ok true at 0 and monotone (true then false). */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Fixed-price sets: the taken pieces cost `sets × price` in all, the discount spread over them by value. */
function fixedPrice(w: Work, taken: [number, number][], sets: number, price: number): Outcome | null {
  const merged = new Map<number, number>();
  for (const [i, k] of taken) merged.set(i, (merged.get(i) ?? 0) + k);
  const idx = [...merged.keys()].sort((a, b) => a - b);
  const values = idx.map((i) => piecesValue(w, i, merged.get(i)!));
  const total = values.reduce((s, v) => s + v, 0) - sets * price;
  return spread(total, idx, values, idx);
}

const byValueDesc = (w: Work) => (a: number, b: number) => pieceValue(w, b) - pieceValue(w, a) || a - b;
const byValueAsc = (w: Work) => (a: number, b: number) => pieceValue(w, a) - pieceValue(w, b) || a - b;

function evaluate(cand: { c: CompiledPromotion; scope: number[] }, w: Work): Outcome | null {
  const rule: PromotionRule = cand.c.promotion.rule;
  const idx = cand.scope.filter((i) => w.open[i] && w.rem[i]! > 0);
  if (idx.length === 0) return null;
  switch (rule.kind) {
    case 'percent_off':
    case 'amount_off': {
      const at: number[] = [];
      const off: number[] = [];
      let total = 0;
      for (const i of idx) {
        const rem = w.rem[i]!;
        const d =
          rule.kind === 'percent_off'
            ? discountAmount(rem, { kind: 'percent', bp: rule.bp })
            : Math.min(rem, mulDivRound(rule.minorPerUnit, w.lines[i]!.qty, 1000));
        if (d > 0) {
          at.push(i);
          off.push(d);
          total += d;
        }
      }
      return total > 0 ? { total, at, off, used: idx } : null;
    }
    case 'threshold': {
      // The spend is what is left of the lines in scope; the discount is spread over them in
      // proportion to it (largest remainder, ties to the earlier line), so each line's share is
      // at most its amount and the shares add up exactly.
      const weights = idx.map((i) => w.rem[i]!);
      const spend = weights.reduce((s, v) => s + v, 0);
      const tier = cand.c.tiers.find((t) => t.minSpend <= spend);
      if (!tier) return null;
      return spread(discountAmount(spend, tier.off), idx, weights, idx);
    }
    case 'buy_x_get_y': {
      // The cheapest pieces are the discounted ones, the next cheapest qualify, so a customer
      // never gets the dearer item off by buying a cheap one. The discount is then spread over
      // all the pieces that took part, by value, so returning either item gives back its share.
      const counted = idx.filter((i) => w.pieces[i]! > 0).sort(byValueAsc(w));
      const all = counted.reduce((s, i) => s + w.pieces[i]!, 0);
      const group = rule.buyQty + rule.getQty;
      const sets = Math.min(Math.floor(all / group), rule.maxApplications ?? Infinity);
      if (sets === 0) return null;
      const discounted = take(w, counted, sets * rule.getQty);
      const total = discounted.reduce((s, [i, k]) => s + mulDivRound(piecesValue(w, i, k), rule.getBp, 10000), 0);
      const part = take(w, counted, sets * group).sort((a, b) => a[0] - b[0]);
      const lines = part.map(([i]) => i);
      return spread(
        total,
        lines,
        part.map(([i, k]) => piecesValue(w, i, k)),
        lines,
      );
    }
    case 'mix_match': {
      // The dearest pieces make the sets (the most off for the customer); a set is made only
      // while its pieces are worth more than the price. Set values fall as the sets go down the
      // sorted pieces, so the number of sets is found by bisection, not by walking every piece.
      const counted = idx.filter((i) => w.pieces[i]! > 0).sort(byValueDesc(w));
      const all = counted.reduce((s, i) => s + w.pieces[i]!, 0);
      const max = Math.min(Math.floor(all / rule.qty), rule.maxApplications ?? Infinity);
      const setValue = (n: number) => prefixValue(w, counted, n * rule.qty) - prefixValue(w, counted, (n - 1) * rule.qty);
      const sets = largest(max, (n) => n === 0 || setValue(n) > rule.price);
      if (sets === 0) return null;
      return fixedPrice(w, take(w, counted, sets * rule.qty), sets, rule.price);
    }
    case 'bundle': {
      const items = [...cand.c.bundle].map(([productId, qty]) => ({
        qty,
        order: idx.filter((i) => w.pieces[i]! > 0 && w.lines[i]!.productId === productId).sort(byValueDesc(w)),
      }));
      const max = Math.min(
        ...items.map((it) => Math.floor(it.order.reduce((s, i) => s + w.pieces[i]!, 0) / it.qty)),
        rule.maxApplications ?? Infinity,
      );
      const setValue = (n: number) =>
        items.reduce((s, it) => s + prefixValue(w, it.order, n * it.qty) - prefixValue(w, it.order, (n - 1) * it.qty), 0);
      const sets = largest(max, (n) => n === 0 || setValue(n) > rule.price);
      if (sets === 0) return null;
      return fixedPrice(
        w,
        items.flatMap((it) => take(w, it.order, sets * it.qty)),
        sets,
        rule.price,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plans.

interface Plan {
  total: number;
  steps: { c: CompiledPromotion; outcome: Outcome }[];
  /** Each stackable promotion's outcome in this plan, by position (null: it gave nothing). */
  stacked: (Outcome | null)[];
  /** What the plan takes off each line, once asked. */
  perLine?: Float64Array;
}

function apply(w: Work, o: Outcome) {
  o.at.forEach((i, k) => (w.rem[i] = w.rem[i]! - o.off[k]!));
}

/** Marks the lines where two outcomes of the same promotion differ. */
function markChanged(dirty: Uint8Array, a: Outcome | null, b: Outcome | null) {
  const amounts = new Map<number, number>();
  a?.at.forEach((i, k) => amounts.set(i, a.off[k]!));
  b?.at.forEach((i, k) => {
    if (amounts.get(i) !== b.off[k]) dirty[i] = 1;
    amounts.delete(i);
  });
  for (const i of amounts.keys()) dirty[i] = 1;
}

/**
 * Exclusive promotions first (each claims the lines it uses), then the stackable ones in priority
 * order on what is left. A promotion's outcome depends only on the amounts and claims of the
 * lines in its scope, so one whose lines are as in a reference is not priced again: without `ref`
 * the reference is the untouched cart (its outcome alone), with `ref` the plan without these
 * exclusive ones. A plan thus re-prices only what earlier discounts and claims ripple into.
 */
function runPlan(base: Work, exclusives: Candidate[], stackables: Candidate[], ref?: Plan): Plan {
  const w: Work = { ...base, rem: base.rem.slice(), open: base.open.slice() };
  const dirty = new Uint8Array(w.rem.length);
  const steps: Plan['steps'] = [];
  const stacked: Plan['stacked'] = [];
  let total = 0;
  for (const e of exclusives) {
    const o = evaluate(e, w);
    if (!o) continue;
    apply(w, o);
    for (const i of o.used) w.open[i] = false;
    for (const i of o.used) dirty[i] = 1;
    for (const i of o.at) dirty[i] = 1;
    steps.push({ c: e.c, outcome: o });
    total += o.total;
  }
  stackables.forEach((s, k) => {
    const before = ref ? (ref.stacked[k] ?? null) : s.alone;
    const o = !s.scope.some((i) => dirty[i] === 1) ? before : evaluate(s, w);
    if (!ref) for (const i of o?.at ?? []) dirty[i] = 1;
    else if (o !== before) markChanged(dirty, before, o);
    stacked.push(o);
    if (!o) return;
    apply(w, o);
    steps.push({ c: s.c, outcome: o });
    total += o.total;
  });
  return { total, steps, stacked };
}

/** What a plan already takes off the given lines. */
function carried(plan: Plan, used: number[], n: number): number {
  if (!plan.perLine) {
    plan.perLine = new Float64Array(n);
    for (const { outcome } of plan.steps) outcome.at.forEach((i, k) => (plan.perLine![i]! += outcome.off[k]!));
  }
  return used.reduce((s, i) => s + plan.perLine![i]!, 0);
}

function candidates(
  lines: readonly PromotionLine[],
  index: PromotionIndex,
  ctx: PromotionContext,
): { c: CompiledPromotion; scope: number[] }[] {
  const t = localTime(ctx.now, ctx.timeZone);
  // null: its conditions failed (checked once per promotion, before any pricing).
  const found = new Map<CompiledPromotion, number[] | null>();
  const add = (c: CompiledPromotion, i: number) => {
    let scope = found.get(c);
    if (scope === undefined) {
      scope = conditionsHold(c, t, ctx) ? [] : null;
      found.set(c, scope);
    }
    if (scope && scope[scope.length - 1] !== i) scope.push(i);
  };
  lines.forEach((line, i) => {
    for (const c of index.byProduct.get(line.productId) ?? []) add(c, i);
    if (line.categoryId !== null) for (const c of index.byCategory.get(line.categoryId) ?? []) add(c, i);
  });
  if (lines.length > 0) {
    const every = lines.map((_, i) => i);
    for (const c of index.allScope) if (conditionsHold(c, t, ctx)) found.set(c, every);
  }
  const out: { c: CompiledPromotion; scope: number[] }[] = [];
  for (const [c, scope] of found) if (scope) out.push({ c, scope });
  return out.sort((a, b) => a.c.rank - b.c.rank);
}

/** Applies the promotions of `index` that hold in `ctx` to the cart, best for the customer (see above). */
export function applyPromotions(lines: readonly PromotionLine[], index: PromotionIndex, ctx: PromotionContext): PromotionResult {
  const amounts = lines.map((l) => {
    const gross = Math.max(0, lineGross(l));
    return gross - discountAmount(gross, l.manualDiscount);
  });
  const base: Work = {
    lines,
    pieces: lines.map((l) => (l.unit === 'each' && l.qty > 0 && l.qty % 1000 === 0 ? l.qty / 1000 : 0)),
    rem: amounts.slice(),
    open: lines.map(() => true),
  };

  const live: Candidate[] = [];
  for (const cand of candidates(lines, index, ctx)) {
    const alone = evaluate(cand, base);
    if (alone) live.push({ ...cand, alone });
  }
  const stackables = live.filter((x) => x.c.promotion.stacking === 'stackable');
  const exclusives = live
    .filter((x) => x.c.promotion.stacking === 'exclusive')
    .sort((a, b) => b.alone.total - a.alone.total || a.c.rank - b.c.rank)
    .slice(0, MAX_EXCLUSIVE_TRIALS);

  const stackedOnly = runPlan(base, [], stackables);
  let best = stackedOnly;
  const chosen: Candidate[] = [];
  for (const e of exclusives) {
    if (e.alone.total <= carried(best, e.alone.used, lines.length)) continue;
    const trial = runPlan(base, [...chosen, e], stackables, stackedOnly);
    if (trial.total > best.total) {
      best = trial;
      chosen.push(e);
    }
  }
  for (const x of live) if (x.alone.total > best.total) best = { total: x.alone.total, steps: [{ c: x.c, outcome: x.alone }], stacked: [] };

  return explain(lines, amounts, best);
}

function explain(lines: readonly PromotionLine[], amounts: number[], plan: Plan): PromotionResult {
  const out: PromotedLine[] = lines.map((l, i) => ({ lineId: l.id, amount: amounts[i]!, discount: 0, promotions: [] }));
  const applied: AppliedPromotion[] = [];
  for (const { c, outcome } of plan.steps) {
    const p = c.promotion;
    outcome.at.forEach((i, k) => {
      const d = outcome.off[k]!;
      const line = out[i]!;
      line.discount += d;
      line.promotions.push({ promotionId: p.id, amount: d });
    });
    applied.push({
      promotionId: p.id,
      name: p.name,
      ...(p.nameZh !== undefined ? { nameZh: p.nameZh } : {}),
      amount: outcome.total,
      lineIds: outcome.at.map((i) => lines[i]!.id),
    });
  }
  return { lines: out, applied, discountTotal: plan.total };
}
