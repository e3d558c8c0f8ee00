-- Tokens too long for an index entry stay off the row (searches probe the token index for those).
UPDATE "shop_products" SET "search_words" = '' WHERE octet_length("search_words") > 2000;--> statement-breakpoint
-- The best sellers' index carries each listing's tokens, so a search walks it alone (drizzle's
-- schema builder has no INCLUDE: catalog/schema.ts names the index without it).
DROP INDEX IF EXISTS "shop_products_best_idx";--> statement-breakpoint
CREATE INDEX "shop_products_best_idx" ON "shop_products" USING btree ("org_id", "sold_count" DESC NULLS LAST, "product_id") INCLUDE ("search_words") WHERE listed;
