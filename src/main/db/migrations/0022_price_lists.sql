CREATE TABLE `customer_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customer_memberships` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`group_id` text,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_memberships_group_idx` ON `customer_memberships` (`group_id`);--> statement-breakpoint
CREATE TABLE `order_line_price_lists` (
	`order_line_id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`price_list_id` text NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`shelf_price` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_line_price_lists_order_idx` ON `order_line_price_lists` (`order_id`);--> statement-breakpoint
CREATE TABLE `price_list_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`price_list_id` text NOT NULL,
	`product_id` text NOT NULL,
	`min_qty` integer DEFAULT 0 NOT NULL,
	`price` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `price_list_entries_list_idx` ON `price_list_entries` (`price_list_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `price_list_entries_product_idx` ON `price_list_entries` (`product_id`);--> statement-breakpoint
CREATE TABLE `price_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`target_kind` text NOT NULL,
	`target_id` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
