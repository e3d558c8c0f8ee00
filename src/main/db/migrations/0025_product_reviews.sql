CREATE TABLE `product_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`author` text DEFAULT '' NOT NULL,
	`rating` integer NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`hidden_reason` text DEFAULT '' NOT NULL,
	`hidden_by` text,
	`hidden_at` integer,
	`counted_rating` integer DEFAULT 0 NOT NULL,
	`hlc` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `product_reviews_created_idx` ON `product_reviews` (`created_at`);--> statement-breakpoint
CREATE INDEX `product_reviews_product_idx` ON `product_reviews` (`product_id`);