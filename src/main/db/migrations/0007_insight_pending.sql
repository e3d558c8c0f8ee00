CREATE TABLE `insight_pending` (
	`seq` integer PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL
);
