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
ALTER TABLE `orders` ADD `receipt_key` text;