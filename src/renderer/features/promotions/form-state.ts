import type { PromotionDraft } from '../../../shared/api/promotions';
import type { Promotion, PromotionConditions, PromotionKind, PromotionRule, PromotionScope } from '../../../shared/promotions/schema';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { parsePercentBp } from '../../lib/format';

/**
 * The promotion form as typed (numbers as text, so half-typed values stay as they are), and its
 * conversion to the definition main checks again. Errors are message keys by field path.
 */
export interface TierText {
  min: string;
  offKind: 'amount' | 'percent';
  off: string;
}

export interface FormState {
  id?: string;
  name: string;
  nameZh: string;
  kind: PromotionKind;
  scopeKind: PromotionScope['kind'];
  productIds: string[];
  categoryIds: string[];
  percent: string;
  amount: string;
  buyQty: string;
  getQty: string;
  getPercent: string;
  maxApplications: string;
  mixQty: string;
  price: string;
  tiers: TierText[];
  bundle: { productId: string; qty: string }[];
  startDate: string;
  endDate: string;
  weekdays: number[];
  hours: { from: string; to: string }[];
  memberOnly: boolean;
  stacking: Promotion['stacking'];
  priority: string;
  active: boolean;
  /** Conditions the form does not edit (customer groups, stores): kept as they were. */
  kept: Pick<PromotionConditions, 'customerGroupIds' | 'storeIds'>;
}

export const KINDS: PromotionKind[] = ['percent_off', 'amount_off', 'buy_x_get_y', 'mix_match', 'threshold', 'bundle'];

export function moneyText(minor: number, currency: string): string {
  const d = currencyDigits(currency);
  return (minor / 10 ** d).toFixed(d);
}

const pctText = (bp: number) => String(bp / 100);

export function emptyForm(): FormState {
  return {
    name: '',
    nameZh: '',
    kind: 'percent_off',
    scopeKind: 'all',
    productIds: [],
    categoryIds: [],
    percent: '',
    amount: '',
    buyQty: '1',
    getQty: '1',
    getPercent: '50',
    maxApplications: '',
    mixQty: '3',
    price: '',
    tiers: [{ min: '', offKind: 'amount', off: '' }],
    bundle: [],
    startDate: '',
    endDate: '',
    weekdays: [],
    hours: [],
    memberOnly: false,
    stacking: 'stackable',
    priority: '0',
    active: true,
    kept: {},
  };
}

export function formOf(p: Promotion, active: boolean, currency: string): FormState {
  const f = emptyForm();
  const r = p.rule;
  const k = p.conditions ?? {};
  Object.assign(f, {
    id: p.id,
    name: p.name,
    nameZh: p.nameZh ?? '',
    kind: r.kind,
    stacking: p.stacking,
    priority: String(p.priority),
    active,
    startDate: k.startDate ?? '',
    endDate: k.endDate ?? '',
    weekdays: k.daysOfWeek ?? [],
    hours: k.hours ?? [],
    memberOnly: k.memberOnly === true,
    kept: { customerGroupIds: k.customerGroupIds, storeIds: k.storeIds },
  });
  if (r.kind !== 'bundle') {
    f.scopeKind = r.scope.kind;
    if (r.scope.kind === 'products') f.productIds = r.scope.productIds;
    if (r.scope.kind === 'categories') f.categoryIds = r.scope.categoryIds;
  }
  if ('maxApplications' in r && r.maxApplications !== undefined) f.maxApplications = String(r.maxApplications);
  if (r.kind === 'percent_off') f.percent = pctText(r.bp);
  if (r.kind === 'amount_off') f.amount = moneyText(r.minorPerUnit, currency);
  if (r.kind === 'buy_x_get_y') Object.assign(f, { buyQty: String(r.buyQty), getQty: String(r.getQty), getPercent: pctText(r.getBp) });
  if (r.kind === 'mix_match') Object.assign(f, { mixQty: String(r.qty), price: moneyText(r.price, currency) });
  if (r.kind === 'threshold')
    f.tiers = r.tiers.map((t) => ({
      min: moneyText(t.minSpend, currency),
      offKind: t.off.kind,
      off: t.off.kind === 'amount' ? moneyText(t.off.minor, currency) : pctText(t.off.bp),
    }));
  if (r.kind === 'bundle') {
    f.bundle = r.items.map((i) => ({ productId: i.productId, qty: String(i.qty) }));
    f.price = moneyText(r.price, currency);
  }
  return f;
}

export type FieldErrors = Record<string, string>;

function pieces(text: string): number | null {
  if (!/^\d{1,4}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 1 && n <= 1000 ? n : null;
}

/** The definition the form describes, or the fields to fix (message keys by path). */
export function draftOf(f: FormState, currency: string): { draft: (PromotionDraft & { id?: string }) | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const need = <T>(value: T | null, path: string, key: string): T => {
    if (value === null) errors[path] = key;
    return value as T;
  };
  const name = f.name.trim();
  if (!name) errors.name = 'promotions.err.required';
  const nameZh = f.nameZh.trim();

  const scope = ((): PromotionScope => {
    if (f.scopeKind === 'products') {
      if (f.productIds.length === 0) errors['rule.scope'] = 'promotions.err.pickProducts';
      return { kind: 'products', productIds: f.productIds };
    }
    if (f.scopeKind === 'categories') {
      if (f.categoryIds.length === 0) errors['rule.scope'] = 'promotions.err.pickCategories';
      return { kind: 'categories', categoryIds: f.categoryIds };
    }
    return { kind: 'all' };
  })();
  const positiveMoney = (text: string, path: string): number => {
    const m = parseMoney(text, currency);
    if (m === null) errors[path] = 'promotions.err.amount';
    else if (m <= 0) errors[path] = 'promotions.err.positiveAmount';
    return m ?? 0;
  };
  const percent = (text: string, path: string): number => {
    const bp = parsePercentBp(text);
    return need(bp !== null && bp >= 1 ? bp : null, path, 'promotions.err.percent');
  };
  const maxApplications = f.maxApplications.trim()
    ? need(pieces(f.maxApplications), 'rule.maxApplications', 'promotions.err.pieces')
    : undefined;
  const withMax = <T extends object>(r: T) => (maxApplications !== undefined ? { ...r, maxApplications } : r);

  let rule: PromotionRule;
  switch (f.kind) {
    case 'percent_off':
      rule = { kind: 'percent_off', scope, bp: percent(f.percent, 'rule.bp') };
      break;
    case 'amount_off':
      rule = { kind: 'amount_off', scope, minorPerUnit: positiveMoney(f.amount, 'rule.minorPerUnit') };
      break;
    case 'buy_x_get_y':
      rule = withMax({
        kind: 'buy_x_get_y' as const,
        scope,
        buyQty: need(pieces(f.buyQty), 'rule.buyQty', 'promotions.err.pieces'),
        getQty: need(pieces(f.getQty), 'rule.getQty', 'promotions.err.pieces'),
        getBp: percent(f.getPercent, 'rule.getBp'),
      });
      break;
    case 'mix_match':
      rule = withMax({
        kind: 'mix_match' as const,
        scope,
        qty: need(pieces(f.mixQty), 'rule.qty', 'promotions.err.pieces'),
        price: positiveMoney(f.price, 'rule.price'),
      });
      break;
    case 'threshold': {
      const tiers = f.tiers.map((t) => {
        const minSpend = parseMoney(t.min, currency);
        const off =
          t.offKind === 'amount'
            ? ((m) => (m !== null && m > 0 ? { kind: 'amount' as const, minor: m } : null))(parseMoney(t.off, currency))
            : ((bp) => (bp !== null && bp >= 1 ? { kind: 'percent' as const, bp } : null))(parsePercentBp(t.off));
        return minSpend !== null && off ? { minSpend, off } : null;
      });
      if (tiers.length === 0 || tiers.some((t) => t === null)) errors['rule.tiers'] = 'promotions.err.tiers';
      else if (new Set(tiers.map((t) => t!.minSpend)).size !== tiers.length) errors['rule.tiers'] = 'promotions.err.tiersDistinct';
      rule = { kind: 'threshold', scope, tiers: tiers.filter((t) => t !== null) };
      break;
    }
    case 'bundle': {
      if (f.bundle.length === 0) errors['rule.items'] = 'promotions.err.bundleItems';
      const items = f.bundle.map((i, n) => ({
        productId: i.productId,
        qty: need(pieces(i.qty), `rule.items.${n}.qty`, 'promotions.err.pieces'),
      }));
      rule = withMax({ kind: 'bundle' as const, items, price: positiveMoney(f.price, 'rule.price') });
      break;
    }
  }

  if (f.startDate && f.endDate && f.endDate < f.startDate) errors['conditions.endDate'] = 'promotions.err.endBeforeStart';
  if (f.hours.some((h) => !/^\d\d:\d\d$/.test(h.from) || !/^\d\d:\d\d$/.test(h.to) || h.from === h.to))
    errors['conditions.hours'] = 'promotions.err.hours';
  const conditions: PromotionConditions = {
    ...(f.startDate ? { startDate: f.startDate } : {}),
    ...(f.endDate ? { endDate: f.endDate } : {}),
    ...(f.weekdays.length > 0 && f.weekdays.length < 7 ? { daysOfWeek: [...f.weekdays].sort() } : {}),
    ...(f.hours.length > 0 ? { hours: f.hours } : {}),
    ...(f.memberOnly ? { memberOnly: true } : {}),
    ...(f.kept.customerGroupIds ? { customerGroupIds: f.kept.customerGroupIds } : {}),
    ...(f.kept.storeIds ? { storeIds: f.kept.storeIds } : {}),
  };
  const priority = /^\d{1,4}$/.test(f.priority.trim()) ? Number(f.priority.trim()) : null;
  need(priority !== null && priority <= 1000 ? priority : null, 'priority', 'promotions.err.priority');

  if (Object.keys(errors).length > 0) return { draft: null, errors };
  return {
    draft: {
      ...(f.id ? { id: f.id } : {}),
      name,
      ...(nameZh ? { nameZh } : {}),
      rule,
      stacking: f.stacking,
      priority: priority!,
      ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
    },
    errors,
  };
}
