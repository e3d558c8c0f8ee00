import { call } from './call';

/** Stock: levels, movements, imports and exports of the catalog and stock. */
export const exportsData = {
  csv: call('exports.csv'),
};

export const importsData = {
  begin: call('imports.begin'),
  chunk: call('imports.chunk'),
  commit: call('imports.commit'),
  preview: call('imports.preview'),
};

export const stockData = {
  adjust: call('stock.adjust'),
  count: call('stock.count'),
  flagged: call('stock.flagged'),
  item: call('stock.item'),
  list: call('stock.list'),
  locationCreate: call('stock.locationCreate'),
  locationUpdate: call('stock.locationUpdate'),
  lowStock: call('stock.lowStock'),
  movements: call('stock.movements'),
  setReorder: call('stock.setReorder'),
  transfer: call('stock.transfer'),
  valuation: call('stock.valuation'),
  writeOff: call('stock.writeOff'),
};
