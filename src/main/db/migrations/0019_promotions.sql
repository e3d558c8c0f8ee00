-- Promotions: the definitions managers keep (JSON checked by promotionSchema on every write, paused
-- ones kept), and each sold line's share of the promotions it took, named as the receipt showed them.
CREATE TABLE `order_line_promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`promotion_id` text NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`amount` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_line_promotions_order_idx` ON `order_line_promotions` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_line_promotions_line_idx` ON `order_line_promotions` (`order_line_id`);--> statement-breakpoint
CREATE TABLE `promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`definition` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `promotions_active_idx` ON `promotions` (`active`);