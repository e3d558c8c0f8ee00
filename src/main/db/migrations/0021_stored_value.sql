CREATE TABLE `stored_value_balances` (
	`card_id` text PRIMARY KEY NOT NULL,
	`balance` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stored_value_cards` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`holder_name` text,
	`holder_mobile` text,
	`status` text NOT NULL,
	`replaced_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stored_value_cards_number_uq` ON `stored_value_cards` (`number`);--> statement-breakpoint
CREATE INDEX `stored_value_cards_mobile_idx` ON `stored_value_cards` (`holder_mobile`);--> statement-breakpoint
CREATE TABLE `stored_value_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`card_id` text NOT NULL,
	`delta` integer NOT NULL,
	`kind` text NOT NULL,
	`op_id` text NOT NULL,
	`ref_id` text,
	`terminal_code` text NOT NULL,
	`staff_id` text,
	`offline` integer DEFAULT false NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stored_value_entries_card_idx` ON `stored_value_entries` (`card_id`,`at`);--> statement-breakpoint
CREATE INDEX `stored_value_entries_op_idx` ON `stored_value_entries` (`op_id`);--> statement-breakpoint
CREATE INDEX `stored_value_entries_ref_idx` ON `stored_value_entries` (`ref_id`);--> statement-breakpoint
CREATE TABLE `stored_value_sales` (
	`id` text PRIMARY KEY NOT NULL,
	`op_id` text NOT NULL,
	`kind` text NOT NULL,
	`shift_id` text,
	`terminal_code` text NOT NULL,
	`staff_id` text NOT NULL,
	`amount` integer NOT NULL,
	`cash` integer NOT NULL,
	`card` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stored_value_sales_op_uq` ON `stored_value_sales` (`op_id`);--> statement-breakpoint
CREATE INDEX `stored_value_sales_shift_idx` ON `stored_value_sales` (`shift_id`);