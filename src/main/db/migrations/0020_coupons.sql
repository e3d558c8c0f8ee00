CREATE TABLE `cart_coupons` (
	`cart_id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`code` text NOT NULL,
	`staff_id` text,
	`added_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coupon_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`reward` text NOT NULL,
	`conditions` text NOT NULL,
	`mode` text NOT NULL,
	`max_uses` integer,
	`code_count` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coupon_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coupon_codes_campaign_idx` ON `coupon_codes` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `coupon_conflicts` (
	`redemption_id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`kept_id` text NOT NULL,
	`detected_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coupon_conflicts_code_idx` ON `coupon_conflicts` (`code`);--> statement-breakpoint
CREATE TABLE `coupon_redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`reverses_id` text,
	`order_id` text NOT NULL,
	`customer_id` text,
	`terminal_code` text NOT NULL,
	`staff_id` text,
	`amount` integer NOT NULL,
	`offline` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coupon_redemptions_code_idx` ON `coupon_redemptions` (`code`);--> statement-breakpoint
CREATE INDEX `coupon_redemptions_customer_idx` ON `coupon_redemptions` (`campaign_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `coupon_redemptions_order_idx` ON `coupon_redemptions` (`order_id`);--> statement-breakpoint
CREATE INDEX `coupon_redemptions_reverses_idx` ON `coupon_redemptions` (`reverses_id`);