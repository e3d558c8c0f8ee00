-- A listing's rank among the best sellers, from its thousandths sold: the bit length and the three
-- bits after the leading one (eight ranks to each doubling of sales), 0 unsold, -1 not listed. It
-- changes when sales grow by an eighth or so, so the copy each search token keeps is rarely rewritten.
CREATE FUNCTION shop_search_rank(listed boolean, sold bigint) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN NOT listed THEN -1 WHEN sold <= 0 THEN 0
  ELSE (SELECT b * 8 + ((CASE WHEN b >= 4 THEN sold >> (b - 4) ELSE sold << (4 - b) END) & 7)::int
        FROM (SELECT 65 - position('1' in sold::bit(64)::text) AS b) x) END $$;--> statement-breakpoint
CREATE TABLE "shop_search_ranks" (
	"rank" integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
INSERT INTO "shop_search_ranks" SELECT generate_series(-1, 511);--> statement-breakpoint
ALTER TABLE "shop_search_tokens" ADD COLUMN "rank" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "shop_search_tokens" t SET "rank" = shop_search_rank(p.listed, p.sold_count)
  FROM "shop_products" p
  WHERE p.org_id = t.org_id AND p.product_id = t.product_id AND shop_search_rank(p.listed, p.sold_count) <> 0;--> statement-breakpoint
-- drizzle's schema builder has no INCLUDE: catalog/schema.ts names the index without it.
CREATE INDEX "shop_search_tokens_rank_idx" ON "shop_search_tokens" USING btree ("org_id","rank","token" text_pattern_ops) INCLUDE ("product_id");--> statement-breakpoint
-- Whatever changes a listing's rank (a sale, a return, a listing flipped) moves its tokens with it.
CREATE FUNCTION shop_products_keep_rank() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN
  UPDATE shop_search_tokens SET rank = shop_search_rank(NEW.listed, NEW.sold_count)
    WHERE org_id = NEW.org_id AND product_id COLLATE "C" = NEW.product_id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER shop_products_keep_rank AFTER UPDATE ON shop_products FOR EACH ROW
  WHEN (shop_search_rank(OLD.listed, OLD.sold_count) IS DISTINCT FROM shop_search_rank(NEW.listed, NEW.sold_count))
  EXECUTE FUNCTION shop_products_keep_rank();
