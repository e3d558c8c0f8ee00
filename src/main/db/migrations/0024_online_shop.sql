CREATE TABLE `online_listings` (
	`product_id` text PRIMARY KEY NOT NULL,
	`sold_online` integer DEFAULT false NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`safety_buffer` integer,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `online_order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`carrier` text,
	`tracking` text,
	`note` text DEFAULT '' NOT NULL,
	`terminal_code` text,
	`staff_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `online_order_events_order_idx` ON `online_order_events` (`order_id`,`at`);--> statement-breakpoint
CREATE TABLE `online_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_number` text NOT NULL,
	`buyer_id` text,
	`contact_name` text NOT NULL,
	`contact_phone` text,
	`contact_email` text,
	`fulfilment` text NOT NULL,
	`address` text,
	`shipping_method` text,
	`shipping_amount` integer NOT NULL,
	`pickup_code_hash` text,
	`buyer_note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `online_orders_created_idx` ON `online_orders` (`created_at`);--> statement-breakpoint
CREATE TABLE `stock_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`order_id` text NOT NULL,
	`qty` integer NOT NULL,
	`state` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_reservations_product_idx` ON `stock_reservations` (`product_id`,`state`);