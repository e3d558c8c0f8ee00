ALTER TABLE `cart_lines` ADD `category_id` text;--> statement-breakpoint
UPDATE `cart_lines` SET `category_id` = (SELECT `category_id` FROM `products` WHERE `products`.`id` = `cart_lines`.`product_id`) WHERE `cart_id` IN (SELECT `id` FROM `carts` WHERE `status` IN ('open', 'parked'));
