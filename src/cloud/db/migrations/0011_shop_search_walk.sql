DROP INDEX "shop_search_tokens_product_idx";--> statement-breakpoint
CREATE INDEX "shop_products_text_idx" ON "shop_products" USING btree ("org_id","search_text" text_pattern_ops) WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_search_tokens_product_idx" ON "shop_search_tokens" USING btree ("org_id","product_id","token" text_pattern_ops);