CREATE TABLE `offline_card_payments` (
	`intent_id` text PRIMARY KEY NOT NULL,
	`amount` integer NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `offline_card_payments_sent_idx` ON `offline_card_payments` (`sent_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `sync_clocks` (
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`clocks` text NOT NULL,
	PRIMARY KEY(`entity`, `entity_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_rejections` (
	`id` text PRIMARY KEY NOT NULL,
	`mutation_id` integer,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `sync_rejections_at_idx` ON `sync_rejections` (`at`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
