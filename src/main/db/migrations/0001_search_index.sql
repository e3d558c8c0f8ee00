-- Search-as-you-type over name, SKU, barcodes and pinyin. Kept by the catalog code (pinyin is
-- computed in JS), keyed by the products table's rowid. Chinese characters are stored one token
-- each, so a one- or two-character query becomes a phrase and finds names that contain it.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
  `text`, `codes`, `py`,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3'
);
