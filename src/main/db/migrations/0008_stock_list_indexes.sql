DROP INDEX `products_name_idx`;--> statement-breakpoint
CREATE INDEX `products_id_cover_idx` ON `products` (`id`,`archived`,`name`,`category_id`);--> statement-breakpoint
CREATE INDEX `products_name_idx` ON `products` (`name`,`archived`);--> statement-breakpoint
DROP INDEX `stock_levels_low_idx`;--> statement-breakpoint
CREATE INDEX `stock_levels_low_idx` ON `stock_levels` (`location_id`,`product_id`) WHERE reorder_point IS NOT NULL AND qty <= reorder_point;