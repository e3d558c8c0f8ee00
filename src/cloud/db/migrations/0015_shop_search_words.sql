ALTER TABLE "shop_products" ADD COLUMN IF NOT EXISTS "search_words" text;--> statement-breakpoint
UPDATE "shop_products" p SET "search_words" = x.w
FROM (SELECT org_id, product_id, ' ' || string_agg(token, ' ') || ' ' AS w FROM "shop_search_tokens" GROUP BY org_id, product_id) x
WHERE x.org_id = p.org_id AND x.product_id = p.product_id AND p."search_words" IS NULL;
