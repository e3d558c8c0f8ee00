ALTER TABLE `online_order_events` ADD `status` text;--> statement-breakpoint
ALTER TABLE `online_order_events` ADD `location` text;--> statement-breakpoint
ALTER TABLE `online_order_events` ADD `eta` text;