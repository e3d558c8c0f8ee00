CREATE TABLE `cash_movements` (
	`id` text PRIMARY KEY NOT NULL,
	`shift_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`staff_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`shift_id`) REFERENCES `shifts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cash_movements_shift_idx` ON `cash_movements` (`shift_id`,`at`);--> statement-breakpoint
CREATE TABLE `shift_closes` (
	`shift_id` text PRIMARY KEY NOT NULL,
	`closed_by` text NOT NULL,
	`closed_at` integer NOT NULL,
	`counted_cash` integer NOT NULL,
	`counted_counts` text NOT NULL,
	`expected_cash` integer NOT NULL,
	`over_short` integer NOT NULL,
	`report` text NOT NULL,
	FOREIGN KEY (`shift_id`) REFERENCES `shifts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `shift_tallies` (
	`shift_id` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`shift_id`, `kind`, `key`)
);
--> statement-breakpoint
CREATE TABLE `shifts` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`terminal_code` text NOT NULL,
	`currency` text NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` integer NOT NULL,
	`opening_float` integer NOT NULL,
	`opening_counts` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shifts_number_uq` ON `shifts` (`number`);--> statement-breakpoint
CREATE INDEX `shifts_terminal_opened_idx` ON `shifts` (`terminal_code`,`opened_at`);--> statement-breakpoint
CREATE TABLE `basket_items` (
	`k` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `basket_pairs` (
	`a` integer NOT NULL,
	`b` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`a`, `b`)
);
--> statement-breakpoint
CREATE INDEX `basket_pairs_b_idx` ON `basket_pairs` (`b`,`n`);--> statement-breakpoint
CREATE TABLE `insight_keys` (
	`k` integer PRIMARY KEY NOT NULL,
	`dim` integer NOT NULL,
	`ref` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `insight_keys_dim_ref_uq` ON `insight_keys` (`dim`,`ref`);--> statement-breakpoint
CREATE TABLE `insight_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rollup_customers` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`orders` integer NOT NULL,
	`sales` integer NOT NULL,
	`refunds` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rollup_customers_last_idx` ON `rollup_customers` (`last_at`);--> statement-breakpoint
CREATE TABLE `rollup_hourly` (
	`day` integer NOT NULL,
	`hour` integer NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	`sales` integer DEFAULT 0 NOT NULL,
	`net` integer DEFAULT 0 NOT NULL,
	`tax` integer DEFAULT 0 NOT NULL,
	`discount` integer DEFAULT 0 NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`r_count` integer DEFAULT 0 NOT NULL,
	`r_units` integer DEFAULT 0 NOT NULL,
	`r_amount` integer DEFAULT 0 NOT NULL,
	`r_net` integer DEFAULT 0 NOT NULL,
	`r_cost` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `rollup_keyed` (
	`dim` integer NOT NULL,
	`level` integer NOT NULL,
	`bucket` integer NOT NULL,
	`k` integer NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	`sales` integer DEFAULT 0 NOT NULL,
	`net` integer DEFAULT 0 NOT NULL,
	`tax` integer DEFAULT 0 NOT NULL,
	`discount` integer DEFAULT 0 NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`r_count` integer DEFAULT 0 NOT NULL,
	`r_units` integer DEFAULT 0 NOT NULL,
	`r_amount` integer DEFAULT 0 NOT NULL,
	`r_net` integer DEFAULT 0 NOT NULL,
	`r_cost` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`dim`, `level`, `bucket`, `k`)
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `shift_id` text;--> statement-breakpoint
CREATE INDEX `orders_shift_idx` ON `orders` (`shift_id`);