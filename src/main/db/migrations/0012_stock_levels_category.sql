-- A level row carries its product's category (see the schema), kept by triggers so that every
-- writer (sales, receipts, imports, counts, sync) keeps it without knowing. A statement that can
-- fire a trigger opens a savepoint, and FTS5 flushes its pending terms at each one: bulk writers
-- write search entries after their other rows (as the CSV import and sync pull do).
ALTER TABLE `stock_levels` ADD `category_id` text;--> statement-breakpoint
UPDATE `stock_levels` SET `category_id` = p.`category_id` FROM `products` p WHERE p.`id` = `stock_levels`.`product_id` AND p.`category_id` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `stock_levels_category_qty_idx` ON `stock_levels` (`location_id`,`category_id`,`qty`);--> statement-breakpoint
CREATE TRIGGER `stock_levels_category_on_insert` AFTER INSERT ON `stock_levels`
WHEN NEW.`category_id` IS NOT (SELECT `category_id` FROM `products` WHERE `id` = NEW.`product_id`)
BEGIN
  UPDATE `stock_levels` SET `category_id` = (SELECT `category_id` FROM `products` WHERE `id` = NEW.`product_id`)
  WHERE `product_id` = NEW.`product_id` AND `location_id` = NEW.`location_id`;
END;--> statement-breakpoint
CREATE TRIGGER `stock_levels_category_on_product` AFTER UPDATE OF `category_id` ON `products`
WHEN OLD.`category_id` IS NOT NEW.`category_id`
BEGIN
  UPDATE `stock_levels` SET `category_id` = NEW.`category_id` WHERE `product_id` = NEW.`id`;
END;
--> statement-breakpoint
-- A sync pull may bring a product's levels before the product itself.
CREATE TRIGGER `stock_levels_category_on_new_product` AFTER INSERT ON `products`
WHEN NEW.`category_id` IS NOT NULL
BEGIN
  UPDATE `stock_levels` SET `category_id` = NEW.`category_id` WHERE `product_id` = NEW.`id`;
END;
