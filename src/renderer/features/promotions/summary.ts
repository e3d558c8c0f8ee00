import type { TFunction } from 'i18next';
import type { PromotionRecord } from '../../../shared/api/promotions';
import { promotionApplies, type Promotion, type PromotionRule, type PromotionScope } from '../../../shared/promotions';
import { currencyDigits } from '../../../shared/money';
import { bpToPercentText } from '../../lib/format';

export type PromotionState = 'running' | 'paused' | 'scheduled' | 'ended';

/** The store's calendar day at `now` (yyyy-mm-dd in its time zone). */
export function storeDay(now: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}

/**
 * Paused when switched off; ended after its last day and scheduled before its first, on the
 * store's clock; scheduled too while outside its weekdays or hours (it runs again later).
 * Member, group and store limits are about the sale, not the time, so they do not count here.
 */
export function promotionState(record: PromotionRecord, now: number, timeZone: string): PromotionState {
  if (!record.active) return 'paused';
  const k = record.promotion.conditions;
  const today = storeDay(now, timeZone);
  if (k?.endDate && today > k.endDate) return 'ended';
  if (k?.startDate && today < k.startDate) return 'scheduled';
  const timeOnly: Promotion = {
    ...record.promotion,
    conditions: { ...k, memberOnly: undefined, customerGroupIds: undefined, storeIds: undefined },
  };
  return promotionApplies(timeOnly, { now, timeZone, storeId: '', customer: { member: true } }) ? 'running' : 'scheduled';
}

/** Chinese shops write a discount as what is paid: 20% off is 8折, 15% off 8.5折. */
export function zhe(bpOff: number): string {
  const paid = (10000 - bpOff) / 1000;
  return String(Number(paid.toFixed(2)));
}

/** Money without cents when whole ("$100", "¥20"); in Chinese wording of tiers, the bare number ("满100减20"). */
export function compactMoney(minor: number, currency: string, locale: string, bare = false): string {
  const digits = currencyDigits(currency);
  const whole = minor % 10 ** digits === 0;
  const major = minor / 10 ** digits;
  if (bare) return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, useGrouping: false }).format(major);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${currency} ${major.toFixed(digits)}`;
  }
}

function scopeText(t: TFunction, scope: PromotionScope): string {
  if (scope.kind === 'all') return t('promotions.summary.all');
  if (scope.kind === 'products') return t('promotions.summary.products', { count: scope.productIds.length });
  return t('promotions.summary.categories', { count: scope.categoryIds.length });
}

/** A short human summary of a rule: "Second at 50% off", "满100减20", "Any 3 for $10". */
export function ruleSummary(t: TFunction, rule: PromotionRule, currency: string, locale: string): string {
  const zh = locale.startsWith('zh');
  const money = (m: number) => compactMoney(m, currency, locale);
  switch (rule.kind) {
    case 'percent_off':
      return t('promotions.summary.percentOff', { pct: bpToPercentText(rule.bp), zhe: zhe(rule.bp), scope: scopeText(t, rule.scope) });
    case 'amount_off':
      return t('promotions.summary.amountOff', { amount: money(rule.minorPerUnit), scope: scopeText(t, rule.scope) });
    case 'buy_x_get_y':
      if (rule.buyQty === 1 && rule.getQty === 1) {
        if (rule.getBp === 10000) return t('promotions.summary.secondFree');
        if (rule.getBp === 5000) return t('promotions.summary.secondHalf');
        return t('promotions.summary.secondAt', { pct: bpToPercentText(rule.getBp), zhe: zhe(rule.getBp) });
      }
      if (rule.getBp === 10000) return t('promotions.summary.buyGetFree', { buy: rule.buyQty, get: rule.getQty });
      return t('promotions.summary.buyGet', { buy: rule.buyQty, get: rule.getQty, pct: bpToPercentText(rule.getBp), zhe: zhe(rule.getBp) });
    case 'mix_match':
      return t('promotions.summary.mixMatch', { qty: rule.qty, price: money(rule.price) });
    case 'threshold':
      return [...rule.tiers]
        .sort((a, b) => a.minSpend - b.minSpend)
        .map((tier) => {
          const min = compactMoney(tier.minSpend, currency, locale, zh);
          return tier.off.kind === 'amount'
            ? t('promotions.summary.tierAmount', { min, off: compactMoney(tier.off.minor, currency, locale, zh) })
            : t('promotions.summary.tierPercent', { min, pct: bpToPercentText(tier.off.bp), zhe: zhe(tier.off.bp) });
        })
        .join(zh ? '，' : ', ');
    case 'bundle':
      return t('promotions.summary.bundle', { count: rule.items.reduce((s, i) => s + i.qty, 0), price: money(rule.price) });
  }
}

/** The rule's summary and, after it, who and when ("members only", "until 2026-12-31"). */
export function promotionSummary(t: TFunction, p: Promotion, currency: string, locale: string): string {
  const parts = [ruleSummary(t, p.rule, currency, locale)];
  const k = p.conditions;
  if (k?.memberOnly) parts.push(t('promotions.summary.memberOnly'));
  if (k?.startDate) parts.push(t('promotions.summary.from', { date: k.startDate }));
  if (k?.endDate) parts.push(t('promotions.summary.until', { date: k.endDate }));
  return parts.join(locale.startsWith('zh') ? '，' : ' · ');
}

/** A promotion's name in the screen's language. */
export function promotionName(p: { name: string; nameZh?: string | null }, locale: string): string {
  return locale.startsWith('zh') && p.nameZh ? p.nameZh : p.name;
}
