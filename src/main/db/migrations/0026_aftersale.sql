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
CREATE INDEX `online_returns_decision_idx` ON `online_returns` (`decision`,`created_at`);