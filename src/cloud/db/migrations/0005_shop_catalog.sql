CREATE TABLE "shop_categories" (
	"org_id" uuid NOT NULL,
	"category_id" text NOT NULL,
	"name" text NOT NULL,
	"alt_name" text,
	"archived" boolean DEFAULT false NOT NULL,
	CONSTRAINT "shop_categories_pk" PRIMARY KEY("org_id","category_id")
);
--> statement-breakpoint
CREATE TABLE "shop_products" (
	"org_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"name" text,
	"sku" text DEFAULT '' NOT NULL,
	"alt_name" text,
	"unit" text DEFAULT 'each' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price" bigint DEFAULT 0 NOT NULL,
	"tax_rate_id" text,
	"tax_rate_bp" integer DEFAULT 0 NOT NULL,
	"category_id" text,
	"image" text,
	"sold_online" boolean DEFAULT false NOT NULL,
	"safety_buffer" bigint,
	"archived" boolean DEFAULT false NOT NULL,
	"listed" boolean GENERATED ALWAYS AS (sold_online AND NOT archived AND name IS NOT NULL) STORED NOT NULL,
	"created_at" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint DEFAULT 0 NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"sold_count" bigint DEFAULT 0 NOT NULL,
	"rating_sum" bigint DEFAULT 0 NOT NULL,
	"rating_count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "shop_products_pk" PRIMARY KEY("org_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_projected_orgs" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"built_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"product_id" text NOT NULL,
	"order_id" text NOT NULL,
	"qty" bigint NOT NULL,
	"state" text NOT NULL,
	"settled" boolean DEFAULT false NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_search_tokens" (
	"org_id" uuid NOT NULL,
	"token" text NOT NULL,
	"product_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_stock" (
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"product_id" text NOT NULL,
	"on_hand" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "shop_stock_pk" PRIMARY KEY("org_id","store_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_store_settings" (
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "shop_store_settings_pk" PRIMARY KEY("org_id","store_id","key")
);
--> statement-breakpoint
CREATE TABLE "shop_tax_rates" (
	"org_id" uuid NOT NULL,
	"tax_rate_id" text NOT NULL,
	"rate_bp" integer NOT NULL,
	CONSTRAINT "shop_tax_rates_pk" PRIMARY KEY("org_id","tax_rate_id")
);
--> statement-breakpoint
CREATE INDEX "shop_products_new_idx" ON "shop_products" USING btree ("org_id","created_at","product_id") WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_products_best_idx" ON "shop_products" USING btree ("org_id","sold_count" DESC NULLS LAST,"product_id") WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_products_price_idx" ON "shop_products" USING btree ("org_id","price","product_id") WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_products_rating_idx" ON "shop_products" USING btree ("org_id",(CASE WHEN rating_count > 0 THEN rating_sum::float8 / rating_count ELSE 0 END) DESC,"rating_count" DESC NULLS LAST,"product_id") WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_products_cat_idx" ON "shop_products" USING btree ("org_id","category_id","sold_count" DESC NULLS LAST,"product_id") WHERE listed;--> statement-breakpoint
CREATE INDEX "shop_products_tax_idx" ON "shop_products" USING btree ("org_id","tax_rate_id");--> statement-breakpoint
CREATE INDEX "shop_reservations_order_idx" ON "shop_reservations" USING btree ("org_id","order_id");--> statement-breakpoint
CREATE INDEX "shop_reservations_open_idx" ON "shop_reservations" USING btree ("org_id","store_id","product_id") WHERE NOT settled;--> statement-breakpoint
CREATE INDEX "shop_reservations_expiry_idx" ON "shop_reservations" USING btree ("expires_at") WHERE state = 'held';--> statement-breakpoint
CREATE UNIQUE INDEX "shop_search_tokens_uq" ON "shop_search_tokens" USING btree ("org_id","token" text_pattern_ops,"product_id");--> statement-breakpoint
CREATE INDEX "shop_search_tokens_product_idx" ON "shop_search_tokens" USING btree ("org_id","product_id");