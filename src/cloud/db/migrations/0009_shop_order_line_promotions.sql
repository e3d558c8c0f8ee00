ALTER TABLE "shop_order_lines" ADD COLUMN "shelf_price" bigint;--> statement-breakpoint
ALTER TABLE "shop_order_lines" ADD COLUMN "price_list" text;--> statement-breakpoint
ALTER TABLE "shop_order_lines" ADD COLUMN "promotions" text;