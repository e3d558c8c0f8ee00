ALTER TABLE `cart_lines` ADD `sku` text;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `name` text;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `alt_name` text;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `unit` text;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `original_price` integer;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `tax_rate_id` text;--> statement-breakpoint
-- Lines already in carts (open or parked) take their product's current values.
UPDATE `cart_lines` SET `sku` = p.`sku`, `name` = p.`name`, `alt_name` = p.`alt_name`, `unit` = p.`unit`,
  `original_price` = p.`price`, `tax_rate_id` = p.`tax_rate_id`
FROM `products` p WHERE p.`id` = `cart_lines`.`product_id`;
