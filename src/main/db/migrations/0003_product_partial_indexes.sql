DROP INDEX `products_category_sku_idx`;--> statement-breakpoint
DROP INDEX `products_plu_uq`;--> statement-breakpoint
DROP INDEX `products_group_idx`;--> statement-breakpoint
CREATE INDEX `products_archived_idx` ON `products` (`id`) WHERE archived = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `products_plu_uq` ON `products` (`plu`) WHERE plu IS NOT NULL;--> statement-breakpoint
CREATE INDEX `products_group_idx` ON `products` (`group_id`) WHERE group_id IS NOT NULL;