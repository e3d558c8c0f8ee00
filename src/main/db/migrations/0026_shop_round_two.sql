CREATE TABLE `picture_uploads` (
	`product_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `picture_uploads_next_idx` ON `picture_uploads` (`next_at`);--> statement-breakpoint
CREATE TABLE `invoice_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`order_number` text NOT NULL,
	`buyer_id` text NOT NULL,
	`title` text NOT NULL,
	`tax_number` text DEFAULT '' NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`invoice_number` text DEFAULT '' NOT NULL,
	`refusal_reason` text DEFAULT '' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `invoice_requests_status_idx` ON `invoice_requests` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `invoice_requests_order_idx` ON `invoice_requests` (`order_id`);--> statement-breakpoint
CREATE TABLE `online_returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`buyer_id` text,
	`lines` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`amount` integer NOT NULL,
	`created_at` integer NOT NULL,
	`decision` text NOT NULL,
	`decision_note` text DEFAULT '' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`refund_id` text,
	`refund_state` text NOT NULL,
	`refund_message` text DEFAULT '' NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `online_returns_order_idx` ON `online_returns` (`order_id`);--> statement-breakpoint
CREATE INDEX `online_returns_decision_idx` ON `online_returns` (`decision`,`created_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `receipt_key` text;--> statement-breakpoint
CREATE INDEX `orders_online_idx` ON `orders` (`created_at`) WHERE source = 'online';--> statement-breakpoint
ALTER TABLE `online_order_events` ADD `status` text;--> statement-breakpoint
ALTER TABLE `online_order_events` ADD `location` text;--> statement-breakpoint
ALTER TABLE `online_order_events` ADD `eta` text;