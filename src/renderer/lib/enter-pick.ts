import type { ProductHit } from '../../shared/api';
/**
 * What Enter adds for a query whose results the clerk may not have seen yet: the product whose SKU
 * or barcode is exactly the text (as a scanner would), else the first hit.
 */
export function pickForEnter(text: string, hits: readonly ProductHit[]): ProductHit | undefined {
  const code = text.trim().toUpperCase();
  return hits.find((h) => h.sku.toUpperCase() === code || h.barcode === text.trim()) ?? hits[0];
}
