import type { TFunction } from 'i18next';
import type { Formatters } from '../../lib/format';

/**
 * Items sold as pieces and weight apart ("12 items · 3.500 kg"): kilograms added to a piece count
 * mean nothing. Weights of every unit (lb, 斤…) come totalled in grams and are shown in kg, as the
 * Z report shows them.
 */
export function itemsText(t: TFunction, fmt: Pick<Formatters, 'mass'>, pieces: number, grams: number): string {
  const parts: string[] = [];
  if (pieces !== 0 || grams === 0) parts.push(t('dashboard.kpi.pieces', { count: pieces / 1000 }));
  if (grams !== 0) parts.push(fmt.mass(grams));
  return parts.join(' · ');
}
