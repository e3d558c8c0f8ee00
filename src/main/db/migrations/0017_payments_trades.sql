-- Electronic payments: trades (one row per attempt, written before any network call), their
-- append-only events, refunds through the provider (a fixed refund number reused on retries), the
-- provider settings of this till (never a secret), and the masked buyer account on a sale's payment.
CREATE TABLE `payment_config` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trade_events` (
	`id` text PRIMARY KEY NOT NULL,
	`trade_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`from_state` text,
	`to_state` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `trade_events_trade_idx` ON `trade_events` (`trade_id`,`at`);--> statement-breakpoint
CREATE TABLE `trade_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`refund_no` text NOT NULL,
	`trade_id` text NOT NULL,
	`refund_id` text,
	`source` text NOT NULL,
	`amount` integer NOT NULL,
	`state` text NOT NULL,
	`provider_ref` text,
	`message` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trade_refunds_no_uq` ON `trade_refunds` (`refund_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `trade_refunds_auto_uq` ON `trade_refunds` (`trade_id`) WHERE source = 'auto';--> statement-breakpoint
CREATE INDEX `trade_refunds_trade_idx` ON `trade_refunds` (`trade_id`);--> statement-breakpoint
CREATE INDEX `trade_refunds_state_idx` ON `trade_refunds` (`state`);--> statement-breakpoint
CREATE TABLE `trades` (
	`id` text PRIMARY KEY NOT NULL,
	`trade_no` text NOT NULL,
	`cart_id` text NOT NULL,
	`order_id` text,
	`payment_id` text,
	`provider` text NOT NULL,
	`method` text NOT NULL,
	`mode` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`state` text NOT NULL,
	`qr` text,
	`provider_ref` text,
	`buyer` text,
	`brand` text,
	`paid_amount` integer,
	`error_code` text,
	`message` text,
	`code_hint` text,
	`deadline` integer NOT NULL,
	`staff_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trades_trade_no_uq` ON `trades` (`trade_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `trades_open_cart_uq` ON `trades` (`cart_id`) WHERE state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling');--> statement-breakpoint
CREATE INDEX `trades_cart_idx` ON `trades` (`cart_id`,`state`);--> statement-breakpoint
CREATE INDEX `trades_state_idx` ON `trades` (`state`);--> statement-breakpoint
CREATE INDEX `trades_order_idx` ON `trades` (`order_id`);--> statement-breakpoint
CREATE INDEX `trades_provider_ref_idx` ON `trades` (`provider_ref`);--> statement-breakpoint
ALTER TABLE `payments` ADD `account` text;