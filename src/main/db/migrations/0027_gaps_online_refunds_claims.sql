CREATE TABLE `online_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`cause` text NOT NULL,
	`return_id` text,
	`request_no` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`state` text NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_retry_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `online_refunds_state_idx` ON `online_refunds` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `online_refunds_order_idx` ON `online_refunds` (`order_id`);--> statement-breakpoint
CREATE TABLE `receipt_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`contact` text NOT NULL,
	`claimed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `receipt_claims_order_idx` ON `receipt_claims` (`order_id`);