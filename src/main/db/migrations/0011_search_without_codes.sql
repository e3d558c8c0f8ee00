-- The search index drops its `codes` column (SKU and barcodes). Those tokens are nearly all
-- distinct, so with six prefix indexes they were about 40% of the cost of building the index (CSV
-- import, first sync pull). Codes are found from the B-tree indexes on products.sku and
-- barcodes.code instead: exactly, and by prefix range as the clerk types. FTS5 cannot drop a
-- column in place: the index is rebuilt into a new table (same tokenizer and prefixes), which then
-- takes the old one's name (rowids kept).
CREATE VIRTUAL TABLE `products_fts_new` USING fts5(
  `text`, `py`,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3 4 5 6'
);
--> statement-breakpoint
INSERT INTO `products_fts_new` (rowid, `text`, `py`) SELECT rowid, `text`, `py` FROM `products_fts`;
--> statement-breakpoint
DROP TABLE `products_fts`;
--> statement-breakpoint
ALTER TABLE `products_fts_new` RENAME TO `products_fts`;
