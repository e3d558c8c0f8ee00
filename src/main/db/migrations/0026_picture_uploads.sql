CREATE TABLE `picture_uploads` (
	`product_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `picture_uploads_next_idx` ON `picture_uploads` (`next_at`);