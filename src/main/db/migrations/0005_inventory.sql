CREATE TABLE `product_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`alt_name` text,
	`category_id` text,
	`attributes` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_groups_name_uq` ON `product_groups` (`name`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contact` text,
	`email` text,
	`phone` text,
	`notes` text,
	`archived` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppliers_name_uq` ON `suppliers` (`name`);--> statement-breakpoint
CREATE INDEX `suppliers_archived_name_idx` ON `suppliers` (`archived`,`name`);--> statement-breakpoint
CREATE TABLE `count_lines` (
	`session_id` text NOT NULL,
	`product_id` text NOT NULL,
	`counted` integer NOT NULL,
	`expected` integer NOT NULL,
	`counted_by` text,
	`counted_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `product_id`),
	FOREIGN KEY (`session_id`) REFERENCES `count_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `count_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`location_id` text NOT NULL,
	`category_id` text,
	`blind` integer NOT NULL,
	`status` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`submitted_at` integer,
	`approved_by` text,
	`approved_at` integer,
	`hlc` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `stock_locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approved_by`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `count_sessions_status_idx` ON `count_sessions` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `po_receipts` (
	`id` text PRIMARY KEY NOT NULL,
	`po_id` text NOT NULL,
	`line_id` text NOT NULL,
	`product_id` text NOT NULL,
	`kind` text NOT NULL,
	`qty` integer NOT NULL,
	`over_qty` integer DEFAULT 0 NOT NULL,
	`unit_cost` integer NOT NULL,
	`staff_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`po_id`) REFERENCES `purchase_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`line_id`) REFERENCES `purchase_order_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `po_receipts_po_idx` ON `po_receipts` (`po_id`,`at`);--> statement-breakpoint
CREATE TABLE `purchase_order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`po_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`qty_ordered` integer NOT NULL,
	`unit_cost` integer NOT NULL,
	`qty_received` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`po_id`) REFERENCES `purchase_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_order_lines_po_product_uq` ON `purchase_order_lines` (`po_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `purchase_order_lines_po_idx` ON `purchase_order_lines` (`po_id`,`position`);--> statement-breakpoint
CREATE INDEX `purchase_order_lines_product_idx` ON `purchase_order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`supplier_id` text NOT NULL,
	`location_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`closed_at` integer,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL,
	FOREIGN KEY (`supplier_id`) REFERENCES `suppliers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `stock_locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_orders_number_uq` ON `purchase_orders` (`number`);--> statement-breakpoint
CREATE INDEX `purchase_orders_status_idx` ON `purchase_orders` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier_idx` ON `purchase_orders` (`supplier_id`,`created_at`);--> statement-breakpoint
DROP INDEX `products_plu_uq`;--> statement-breakpoint
ALTER TABLE `products` ADD `group_id` text REFERENCES product_groups(id);--> statement-breakpoint
ALTER TABLE `products` ADD `variant` text;--> statement-breakpoint
ALTER TABLE `products` ADD `image` text;--> statement-breakpoint
ALTER TABLE `products` ADD `supplier_id` text REFERENCES suppliers(id);--> statement-breakpoint
CREATE INDEX `products_name_idx` ON `products` (`name`);--> statement-breakpoint
CREATE INDEX `products_group_idx` ON `products` (`group_id`) WHERE group_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `products_archived_idx` ON `products` (`id`) WHERE archived = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `products_plu_uq` ON `products` (`plu`) WHERE plu IS NOT NULL;--> statement-breakpoint
ALTER TABLE `categories` ADD `archived` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `reorder_point` integer;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `reorder_qty` integer;--> statement-breakpoint
CREATE INDEX `stock_levels_location_qty_idx` ON `stock_levels` (`location_id`,`qty`);--> statement-breakpoint
CREATE INDEX `stock_levels_negative_idx` ON `stock_levels` (`qty`) WHERE qty < 0;--> statement-breakpoint
CREATE INDEX `stock_levels_low_idx` ON `stock_levels` (`location_id`) WHERE reorder_point IS NOT NULL AND qty <= reorder_point;--> statement-breakpoint
ALTER TABLE `stock_locations` ADD `archived` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `unit_cost` integer;--> statement-breakpoint
CREATE INDEX `stock_movements_location_at_idx` ON `stock_movements` (`location_id`,`at`);--> statement-breakpoint
CREATE INDEX `stock_movements_kind_at_idx` ON `stock_movements` (`kind`,`at`);--> statement-breakpoint
CREATE INDEX `stock_movements_at_idx` ON `stock_movements` (`at`);--> statement-breakpoint
CREATE INDEX `audit_target_idx` ON `audit` (`target`,`at`);--> statement-breakpoint
-- Every product is listed at the default location from the day it exists: a 0 level (the sum of
-- no movements) where none was recorded yet.
INSERT INTO `stock_levels` (`product_id`, `location_id`, `qty`)
  SELECT p.`id`, l.`id`, 0 FROM `products` p JOIN `stock_locations` l ON l.`is_default` = 1
  WHERE NOT EXISTS (SELECT 1 FROM `stock_levels` s WHERE s.`product_id` = p.`id` AND s.`location_id` = l.`id`);