import type { AuditName, AuditRow } from '../../../shared/api';
import type { Formatters } from '../../lib/format';
import { localizedName } from '../../lib/names';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keys that are always money (minor units in the store currency). */
const MONEY = new Set(['float', 'total', 'amount', 'expected', 'counted', 'overShort', 'totalValue', 'price', 'cost']);
/** Keys that are always quantities (thousandths). */
const QTY = new Set(['qty', 'totalVariance']);
/** Actions whose from/to/delta are money, and those whose from/to/delta are stock quantities. */
const MONEY_CHANGE = new Set(['product.price', 'product.cost', 'price.override', 'credit.adjust']);
const QTY_CHANGE = new Set(['stock.adjust']);
/** Bookkeeping ids a person has no use for (a cart line, a cart). */
const HIDDEN = new Set(['lineId', 'cartId']);

export interface DescribeContext {
  t: Translate;
  fmt: Formatters;
  language: string;
  names: Record<string, AuditName>;
}

/** An id's name, in the screen's language; null when the record is not known here. */
export function nameOf(ctx: DescribeContext, id: string): string | null {
  const n = ctx.names[id];
  return n ? localizedName(n.name, n.altName, ctx.language).primary : null;
}

/** An action's label: its localized name, or the key when a newer till logged something this one does not know. */
export function actionLabel(t: Translate, action: string): string {
  const known = (a: string) => t(`audit.actions.${a}`, { defaultValue: '' });
  const direct = known(action);
  if (direct) return direct;
  const failed = /^(.*)\.approvalFailed$/.exec(action);
  if (failed) return `${known(failed[1]!) || failed[1]} — ${t('audit.approvalFailed')}`;
  return action;
}

function value(ctx: DescribeContext, action: string, key: string, v: unknown): string | null {
  const { t, fmt } = ctx;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return t(v ? 'audit.yes' : 'audit.no');
  if (typeof v === 'string') {
    if (ID.test(v)) return nameOf(ctx, v);
    if (key === 'role' || action === 'staff.role') return t(`roles.${v}`, { defaultValue: v });
    if (key === 'method' || key === 'methods' || key === 'kind')
      return t(`audit.kinds.${v}`, { defaultValue: t(`tender.${v}`, { defaultValue: v }) });
    return v;
  }
  if (typeof v === 'number') {
    if (key.endsWith('Bp')) return fmt.percent(v);
    if (MONEY.has(key) || ((key === 'from' || key === 'to' || key === 'delta') && MONEY_CHANGE.has(action))) {
      return key === 'delta' && v > 0 ? `+${fmt.money(v)}` : fmt.money(v);
    }
    if (QTY.has(key) || ((key === 'from' || key === 'to' || key === 'delta') && QTY_CHANGE.has(action))) {
      const q = fmt.qty(Math.abs(v), 'each');
      return v < 0 ? `−${q}` : key === 'delta' ? `+${q}` : q;
    }
    return String(v);
  }
  if (Array.isArray(v)) {
    const parts = v.map((x) => value(ctx, action, key, x)).filter((x): x is string => Boolean(x));
    return key === 'lines' && v.some((x) => typeof x === 'object') ? String(v.length) : parts.join(', ');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // A discount: percent in basis points or an amount in minor units.
    if (o.kind === 'percent' && typeof o.bp === 'number') return `${fmt.percent(o.bp)}`;
    if (o.kind === 'amount' && typeof o.minor === 'number') return fmt.money(o.minor);
    return describeDetails(ctx, action, o);
  }
  return String(v);
}

function keyLabel(t: Translate, key: string): string {
  return t(`audit.keys.${key}`, { defaultValue: key });
}

/** Details as people read them: "Opening float: ¥150.00", "¥0.99 → ¥0.50", "Discount: 15%". */
export function describeDetails(ctx: DescribeContext, action: string, details: unknown, shown: string | null = null): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object' || Array.isArray(details)) return value(ctx, action, '', details) ?? '';
  const o = details as Record<string, unknown>;
  const parts: string[] = [];
  const hasChange = 'from' in o && 'to' in o;
  if (hasChange) {
    const from = value(ctx, action, 'from', o.from) ?? '—';
    const to = value(ctx, action, 'to', o.to) ?? '—';
    parts.push(`${from} → ${to}`);
  }
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN.has(k) || (hasChange && (k === 'from' || k === 'to'))) continue;
    // A settings change lists each setting as { from, to }.
    if (v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v) {
      const c = v as { from: unknown; to: unknown };
      parts.push(`${keyLabel(ctx.t, k)}: ${value(ctx, action, k, c.from) ?? '—'} → ${value(ctx, action, k, c.to) ?? '—'}`);
      continue;
    }
    const text = value(ctx, action, k, v);
    // Already said as the entry's record (a shift's number, say).
    if (text === null || text === '' || text === shown) continue;
    parts.push(`${keyLabel(ctx.t, k)}: ${text}`);
  }
  return parts.join(' · ');
}

/** The record an entry is about, then its details; ids nobody could read are left out. */
export function describeRow(ctx: DescribeContext, row: Pick<AuditRow, 'action' | 'target' | 'details'>): string {
  const target = row.target ? (ID.test(row.target) ? nameOf(ctx, row.target) : row.target) : null;
  return [target, describeDetails(ctx, row.action, row.details, target)].filter(Boolean).join(' · ');
}
