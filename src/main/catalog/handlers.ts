import type { catalogContract } from '../../shared/api/catalog';
import type { taxRatesContract } from '../../shared/api/tax-rates';
import { staffOf, type HandlersFor } from '../router';
import * as catalog from './products';
import { createTaxRate, listTaxRates, updateTaxRate } from './tax-rates';
import { clearProductImage, productImage, setProductImage, thumbnails } from './images';
import { searchProducts } from './search';
import { getOnlineListing, setOnlineListing, setStoreSafetyBuffer } from './online-listing';
import type { CamelCols } from '../db/rows';
import type { taxRates } from '../db/schema';

export const taxRatesHandlers: HandlersFor<typeof taxRatesContract> = {
  'taxRates.manage': (_i, { deps }) => listTaxRates(deps),
  'taxRates.create': (input, ctx) => createTaxRate(ctx.deps, input, staffOf(ctx).id),
  'taxRates.update': (input, ctx) => updateTaxRate(ctx.deps, input, staffOf(ctx).id),
  'taxRates.list': (_i, { deps }) =>
    (
      deps.sqlite
        .prepare('SELECT id, name, rate_bp AS rateBp, is_default AS isDefault FROM tax_rates WHERE archived = 0 ORDER BY rate_bp')
        .all() as CamelCols<typeof taxRates, 'id' | 'name' | 'rateBp' | 'isDefault'>[]
    ).map((r) => ({ ...r, isDefault: r.isDefault === 1 })),
};

/** Products, categories, variants and pictures; search at the counter. */
export const catalogHandlers: HandlersFor<typeof catalogContract> = {
  'catalog.search': (input, { deps }) => searchProducts(deps, input.q, input.limit ?? 20),
  'catalog.browse': (input, { deps }) => catalog.browseProducts(deps, input),
  'catalog.categories': (_i, { deps }) => catalog.listCategories(deps),
  'catalog.get': (input, { deps }) => catalog.getProduct(deps, input.id),
  'catalog.create': (input, ctx) => catalog.createProduct(ctx.deps, input, staffOf(ctx).id),
  'catalog.update': (input, ctx) => catalog.updateProduct(ctx.deps, input, staffOf(ctx).id),
  'catalog.archive': (input, ctx) => catalog.archiveProduct(ctx.deps, input.id, input.archived, staffOf(ctx).id),
  'catalog.priceHistory': (input, { deps }) => catalog.priceHistory(deps, input.id),
  'catalog.categoryList': (_i, { deps }) => catalog.categoryInfo(deps),
  'catalog.categoryCreate': (input, { deps }) => catalog.createCategory(deps, input),
  'catalog.categoryUpdate': (input, ctx) => catalog.updateCategory(ctx.deps, input, staffOf(ctx).id),
  'catalog.groupCreate': (input, ctx) => catalog.createGroup(ctx.deps, input, staffOf(ctx).id),
  'catalog.groupGet': (input, { deps }) => catalog.getGroup(deps, input.id),
  'catalog.variantAdd': (input, ctx) => catalog.addVariant(ctx.deps, input, staffOf(ctx).id),
  'catalog.setImage': (input, { deps }) => setProductImage(deps, input.id, input.image, input.thumb),
  'catalog.clearImage': (input, { deps }) => clearProductImage(deps, input.id),
  'catalog.thumbs': (input, { deps }) => thumbnails(deps, input.images),
  'catalog.image': (input, { deps }) => productImage(deps, input.id),
  'catalog.onlineListing': (input, { deps }) => getOnlineListing(deps, input.productId),
  'catalog.setOnlineListing': (input, ctx) => setOnlineListing(ctx.deps, input, staffOf(ctx).id),
  'catalog.setOnlineSafetyBuffer': (input, ctx) => setStoreSafetyBuffer(ctx.deps, input.qty, staffOf(ctx).id),
};
