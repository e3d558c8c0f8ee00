CREATE TABLE "shop_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"product_id" text NOT NULL,
	"order_id" text NOT NULL,
	"order_line_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"author" text NOT NULL,
	"rating" integer NOT NULL,
	"comment" text NOT NULL,
	"created_at" bigint NOT NULL,
	"edited_at" bigint NOT NULL,
	"hidden" boolean NOT NULL,
	"hidden_reason" text NOT NULL,
	"counted_rating" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "shop_reviews_line_uq" ON "shop_reviews" USING btree ("org_id","order_line_id");--> statement-breakpoint
CREATE INDEX "shop_reviews_product_idx" ON "shop_reviews" USING btree ("org_id","product_id","hidden","created_at");--> statement-breakpoint
CREATE INDEX "shop_reviews_order_idx" ON "shop_reviews" USING btree ("org_id","order_id");