-- Products in the order of a Chinese screen: a pinyin key per product (see catalog/sort-key.ts),
-- under the product's rowid and indexed, so Chinese lists page in SQL in pinyin order. Kept in a
-- table of its own: it is derived from the names, so writing it must not look like a product
-- edit to sync. The app fills it for products already in the store when it opens.
CREATE TABLE `product_sort_keys` (
  `rowid` integer PRIMARY KEY NOT NULL,
  `zh` text NOT NULL
);--> statement-breakpoint
CREATE INDEX `product_sort_keys_zh_idx` ON `product_sort_keys` (`zh`);
