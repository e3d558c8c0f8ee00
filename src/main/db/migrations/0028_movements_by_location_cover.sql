DROP INDEX `stock_movements_location_at_idx`;--> statement-breakpoint
CREATE INDEX `stock_movements_location_at_idx` ON `stock_movements` (`location_id`,`at`,`kind`,`product_id`,`qty_delta`);