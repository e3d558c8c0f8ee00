import { call } from './call';

/** The catalog: products, search, labels and tax rates. */
export const catalogData = {
  archive: call('catalog.archive'),
  categories: call('catalog.categories'),
  categoryCreate: call('catalog.categoryCreate'),
  categoryList: call('catalog.categoryList'),
  categoryUpdate: call('catalog.categoryUpdate'),
  clearImage: call('catalog.clearImage'),
  create: call('catalog.create'),
  get: call('catalog.get'),
  groupCreate: call('catalog.groupCreate'),
  image: call('catalog.image'),
  onlineListing: call('catalog.onlineListing'),
  priceHistory: call('catalog.priceHistory'),
  search: call('catalog.search'),
  setImage: call('catalog.setImage'),
  setOnlineListing: call('catalog.setOnlineListing'),
  setOnlineSafetyBuffer: call('catalog.setOnlineSafetyBuffer'),
  update: call('catalog.update'),
};

export const labelsData = {
  pdf: call('labels.pdf'),
};

export const taxRatesData = {
  create: call('taxRates.create'),
  manage: call('taxRates.manage'),
  update: call('taxRates.update'),
};
