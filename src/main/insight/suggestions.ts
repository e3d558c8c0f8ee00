/**
 * "Frequently bought together": association rules from basket co-occurrence. For a cart item A
 * and a candidate B: support = baskets with both / all baskets, confidence = baskets with both /
 * baskets with A, lift = confidence / (baskets with B / all baskets). Only pairs seen in at least
 * MIN_PAIR baskets, with lift above 1, that are not in the cart already, for sale by the piece.
 */
import type { Suggestion } from '../../shared/api/insight';
import type { Deps } from '../deps';
import { openCartId } from '../sales/cart';
import { DIM } from './rollups';
import type { CamelCols, Cols, SqlRow } from '../db/rows';
import type { basketItems, basketPairs, cartLines, insightKeys, products } from '../db/schema';

export const MIN_PAIR = 2;

type BasketN = SqlRow<typeof basketItems>['n'];

export function suggestionsFor(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, productIds: string[] | undefined, limit = 4): Suggestion[] {
  const db = deps.sqlite;
  let ids = productIds;
  if (!ids) {
    const cartId = openCartId(deps);
    ids = cartId
      ? (db.prepare('SELECT DISTINCT product_id FROM cart_lines WHERE cart_id = ? ORDER BY position').pluck().all(cartId) as SqlRow<
          typeof cartLines
        >['product_id'][])
      : [];
  }
  if (ids.length === 0) return [];
  const inCart = new Set(ids);
  const total = db.prepare('SELECT COALESCE(SUM(orders), 0) FROM rollup_hourly').pluck().get() as number;
  if (total === 0) return [];
  const keyOf = db.prepare(`SELECT k FROM insight_keys WHERE dim = ${DIM.product} AND ref = ?`).pluck();
  const refOf = db.prepare('SELECT ref FROM insight_keys WHERE k = ?').pluck();
  const baskets = db.prepare('SELECT n FROM basket_items WHERE k = ?').pluck();
  const asA = db.prepare('SELECT b AS other, n FROM basket_pairs WHERE a = ? AND n >= ? ORDER BY n DESC LIMIT 40');
  const asB = db.prepare('SELECT a AS other, n FROM basket_pairs WHERE b = ? AND n >= ? ORDER BY n DESC LIMIT 40');

  const best = new Map<number, { n: number; conf: number; lift: number; because: string }>();
  for (const id of ids.slice(0, 30)) {
    const ka = keyOf.get(id) as SqlRow<typeof insightKeys>['k'] | undefined;
    if (ka === undefined) continue;
    const na = (baskets.get(ka) as BasketN | undefined) ?? 0;
    if (na === 0) continue;
    const pairs = [
      ...(asA.all(ka, MIN_PAIR) as ({ other: SqlRow<typeof basketPairs>['b'] } & Cols<typeof basketPairs, 'n'>)[]),
      ...(asB.all(ka, MIN_PAIR) as ({ other: SqlRow<typeof basketPairs>['a'] } & Cols<typeof basketPairs, 'n'>)[]),
    ];
    for (const p of pairs) {
      const nb = (baskets.get(p.other) as BasketN | undefined) ?? 0;
      if (nb === 0) continue;
      const conf = p.n / na;
      const lift = conf / (nb / total);
      if (lift <= 1) continue;
      const cur = best.get(p.other);
      if (!cur || conf > cur.conf || (conf === cur.conf && lift > cur.lift)) best.set(p.other, { n: p.n, conf, lift, because: id });
    }
  }
  const product = db.prepare(
    "SELECT id, sku, name, alt_name AS altName, price, unit FROM products WHERE id = ? AND archived = 0 AND unit = 'each'",
  );
  const out: Suggestion[] = [];
  const ranked = [...best.entries()].sort((a, b) => b[1].conf - a[1].conf || b[1].lift - a[1].lift || a[0] - b[0]);
  for (const [k, s] of ranked) {
    if (out.length >= limit) break;
    const ref = refOf.get(k) as SqlRow<typeof insightKeys>['ref'] | undefined;
    if (!ref || inCart.has(ref)) continue;
    const p = product.get(ref) as
      | (CamelCols<typeof products, 'id' | 'sku' | 'name' | 'altName' | 'price'> & {
          unit: Extract<SqlRow<typeof products>['unit'], 'each'>;
        })
      | undefined;
    if (!p) continue;
    out.push({
      productId: p.id,
      sku: p.sku,
      name: p.name,
      altName: p.altName,
      price: p.price,
      unit: p.unit,
      supportBp: Math.round((s.n * 10000) / total),
      confidenceBp: Math.round(s.conf * 10000),
      lift100: Math.round(s.lift * 100),
      becauseOf: s.because,
    });
  }
  return out;
}
