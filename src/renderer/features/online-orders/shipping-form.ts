/**
 * The delivery methods as the manager types them, and back to what the shop reads: text fields
 * checked one by one, so each wrong entry says what is wrong in the manager's language.
 */
import type { TFunction } from 'i18next';
import { parseMoney } from '../../../shared/money';
import type { ShippingMethod } from '../../../shared/online-shipping';
import { minorToInput } from '../../lib/format';

export type Kind = ShippingMethod['kind'];

/** One method as typed: text fields until saved; `id` null for a method not saved yet. */
export interface Draft {
  key: number;
  id: string | null;
  name: string;
  nameZh: string;
  kind: Kind;
  amount: string;
  perKg: string;
  itemGrams: string;
  freeAbove: string;
  countries: string;
  minDays: string;
  maxDays: string;
}

export type Problems = Partial<Record<'name' | 'nameZh' | 'amount' | 'perKg' | 'itemGrams' | 'freeAbove' | 'countries' | 'days', string>>;

let nextKey = 1;

export function toDraft(m: ShippingMethod, digits: number): Draft {
  return {
    key: nextKey++,
    id: m.id,
    name: m.name,
    nameZh: m.nameZh ?? '',
    kind: m.kind,
    amount: minorToInput(m.amount, digits),
    perKg: minorToInput(m.perKg, digits),
    itemGrams: String(m.itemGrams),
    freeAbove: m.freeAbove === null ? '' : minorToInput(m.freeAbove, digits),
    countries: (m.countries ?? []).join(', '),
    minDays: m.minDays === null ? '' : String(m.minDays),
    maxDays: m.maxDays === null ? '' : String(m.maxDays),
  };
}

export const blank = (): Draft => ({
  key: nextKey++,
  id: null,
  name: '',
  nameZh: '',
  kind: 'flat',
  amount: '',
  perKg: '0',
  itemGrams: '500',
  freeAbove: '',
  countries: '',
  minDays: '',
  maxDays: '',
});

export const wholeNumber = (s: string, max: number): number | null => (/^\d{1,7}$/.test(s.trim()) && Number(s) <= max ? Number(s) : null);

/** A stable id for a new method, from its English name; the shop keeps it on orders. */
function newId(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'method';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The typed methods as the shop reads them, or what is wrong with each. */
export function readDrafts(drafts: Draft[], currency: string, t: TFunction) {
  const problems: Record<number, Problems> = {};
  const taken = new Set(drafts.flatMap((d) => (d.id ? [d.id] : [])));
  const methods: ShippingMethod[] = [];
  const money = (s: string) => {
    const v = parseMoney(s, currency);
    return v !== null && v <= 1_000_000_000 ? v : null;
  };
  for (const d of drafts) {
    const p: Problems = {};
    const name = d.name.trim();
    const nameZh = d.nameZh.trim();
    if (!name || name.length > 60) p.name = t('online.settings.err.name');
    if (nameZh.length > 60) p.nameZh = t('online.settings.err.name');
    const pickup = d.kind === 'pickup';
    const amount = pickup ? 0 : money(d.amount);
    if (amount === null) p.amount = t('online.settings.err.money');
    const perKg = d.kind === 'weight' ? money(d.perKg) : 0;
    if (perKg === null) p.perKg = t('online.settings.err.money');
    const itemGrams = d.kind === 'weight' ? wholeNumber(d.itemGrams, 1_000_000) : pickup ? 0 : 500;
    if (itemGrams === null) p.itemGrams = t('online.settings.err.grams');
    const freeAbove = pickup || !d.freeAbove.trim() ? null : money(d.freeAbove);
    if (!pickup && d.freeAbove.trim() && freeAbove === null) p.freeAbove = t('online.settings.err.money');
    const codes = d.countries
      .split(/[\s,，]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    if (codes.some((c) => !/^[A-Z]{2}$/.test(c)) || codes.length > 50) p.countries = t('online.settings.err.countries');
    const minDays = d.minDays.trim() ? wholeNumber(d.minDays, 60) : null;
    const maxDays = d.maxDays.trim() ? wholeNumber(d.maxDays, 60) : null;
    if ((d.minDays.trim() && minDays === null) || (d.maxDays.trim() && maxDays === null)) p.days = t('online.settings.err.days');
    else if (minDays !== null && maxDays !== null && minDays > maxDays) p.days = t('online.settings.err.daysOrder');
    if (Object.keys(p).length > 0) {
      problems[d.key] = p;
      continue;
    }
    methods.push({
      id: d.id ?? newId(name, taken),
      name,
      nameZh: nameZh || null,
      kind: d.kind,
      amount: amount!,
      perKg: perKg!,
      itemGrams: itemGrams!,
      freeAbove,
      countries: codes.length > 0 && !pickup ? codes : null,
      minDays,
      maxDays,
    });
  }
  return { problems, methods };
}
