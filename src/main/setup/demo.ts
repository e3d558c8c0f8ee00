import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '../../shared/api/types';
import type { Deps } from '../deps';
import { createCategory, createProduct } from '../catalog/products';
import type { Unit } from '../../shared/units';
import type { CamelCols } from '../db/rows';
import type { taxRates } from '../db/schema';

interface DemoCatalog {
  categories: { key: string; en: string; zh: string }[];
  products: {
    sku: string;
    en: string;
    zh: string;
    category: string;
    unit: Unit;
    price: number;
    cost: number;
    tax: 'standard' | 'reduced';
    barcodes: string[];
    plu: string | null;
    stock: number;
  }[];
}

export function readDemoCatalog(resourcesDir: string): DemoCatalog {
  return JSON.parse(readFileSync(join(resourcesDir, 'demo', 'catalog.json'), 'utf8')) as DemoCatalog;
}

/**
 * Loads the bilingual demo catalog (inside the caller's transaction). The store's language picks
 * which name is primary; the other becomes the alternative name, and both are searchable.
 */
export function loadDemoCatalog(deps: Deps, language: Language, staffId: string | null): number {
  const demo = readDemoCatalog(deps.resourcesDir);
  const primary = (x: { en: string; zh: string }) => (language === 'zh-CN' ? x.zh : x.en);
  const alt = (x: { en: string; zh: string }) => (language === 'zh-CN' ? x.en : x.zh);
  const rates = deps.sqlite
    .prepare('SELECT id, rate_bp AS rateBp, is_default AS isDefault FROM tax_rates WHERE archived = 0')
    .all() as CamelCols<typeof taxRates, 'id' | 'rateBp' | 'isDefault'>[];
  const standard = rates.find((r) => r.isDefault) ?? rates[0]!;
  const reduced = rates.filter((r) => r.id !== standard.id).sort((a, b) => a.rateBp - b.rateBp)[0] ?? standard;
  const categoryIds = new Map<string, string>();
  for (const c of demo.categories) categoryIds.set(c.key, createCategory(deps, { name: primary(c), altName: alt(c) }).id);
  for (const p of demo.products) {
    createProduct(
      deps,
      {
        sku: p.sku,
        name: primary(p),
        altName: alt(p),
        categoryId: categoryIds.get(p.category) ?? null,
        unit: p.unit,
        price: p.price,
        cost: p.cost,
        taxRateId: p.tax === 'reduced' ? reduced.id : standard.id,
        barcodes: p.barcodes,
        plu: p.plu,
        openingStock: p.stock,
      },
      staffId,
    );
  }
  return demo.products.length;
}
