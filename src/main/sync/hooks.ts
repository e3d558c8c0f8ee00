/**
 * Side effects after a pulled page is written, per entity (inside the page's transaction):
 * derived data the domain code normally keeps next to its rows.
 */
import type { Deps } from '../deps';
import { searchDoc } from '../catalog/search-text';
import { invalidateSettings } from '../settings/settings';
import { stmt } from './tables';

type Hook = (deps: Pick<Deps, 'sqlite'>, ids: Set<string>) => void;

const HOOKS: Record<string, Hook> = {
  /** The search index is keyed by the product's rowid and built from its names, SKU and barcodes. */
  product(deps, ids) {
    const get = stmt(deps.sqlite, 'SELECT rowid AS r, name, alt_name AS altName, sku FROM products WHERE id = ?');
    const codes = stmt(deps.sqlite, 'SELECT code FROM barcodes WHERE product_id = ? ORDER BY code').pluck();
    const del = stmt(deps.sqlite, 'DELETE FROM products_fts WHERE rowid = ?');
    const ins = stmt(deps.sqlite, 'INSERT INTO products_fts (rowid, text, codes, py) VALUES (?, ?, ?, ?)');
    for (const id of ids) {
      const p = get.get(id) as { r: number; name: string; altName: string | null; sku: string } | undefined;
      if (!p) continue;
      const doc = searchDoc({ name: p.name, altName: p.altName, sku: p.sku, barcodes: codes.all(id) as string[] });
      del.run(p.r);
      ins.run(p.r, doc.text, doc.codes, doc.py);
    }
  },
  setting(deps) {
    invalidateSettings(deps);
  },
};

export function runAfterApply(deps: Pick<Deps, 'sqlite'>, touched: Map<string, Set<string>>): void {
  for (const [entity, ids] of touched) HOOKS[entity]?.(deps, ids);
}
