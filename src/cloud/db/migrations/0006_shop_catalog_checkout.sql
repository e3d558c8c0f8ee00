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
CREATE TABLE "shop_cart_lines" (
	"cart_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"qty" integer NOT NULL,
	"added_at" bigint NOT NULL,
	CONSTRAINT "shop_cart_lines_pk" PRIMARY KEY("cart_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_carts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"buyer_id" text,
	"token_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_order_lines" (
	"id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"product_id" text NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"alt_name" text,
	"unit" text NOT NULL,
	"qty" integer NOT NULL,
	"unit_price" bigint NOT NULL,
	"gross" bigint NOT NULL,
	"discount" bigint NOT NULL,
	"net" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"tax_rate_bp" integer NOT NULL,
	"total" bigint NOT NULL,
	"cost" bigint NOT NULL,
	CONSTRAINT "shop_order_lines_pk" PRIMARY KEY("order_id","position")
);
--> statement-breakpoint
CREATE TABLE "shop_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shop_number" text NOT NULL,
	"buyer_id" text,
	"access_key_hash" text NOT NULL,
	"contact_name" text NOT NULL,
	"contact_email" text,
	"contact_phone" text,
	"fulfilment" text NOT NULL,
	"address" text,
	"shipping_method" text NOT NULL,
	"shipping_amount" bigint NOT NULL,
	"subtotal" bigint NOT NULL,
	"tax_total" bigint NOT NULL,
	"total" bigint NOT NULL,
	"currency" text NOT NULL,
	"price_mode" text NOT NULL,
	"taxes" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"provider" text NOT NULL,
	"provider_ref" text,
	"payer_account" text,
	"expires_at" bigint NOT NULL,
	"paid_at" bigint,
	"pickup_code_hash" text,
	"refund_due" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_payment_notices" (
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"amount" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "shop_payment_notices_pk" PRIMARY KEY("provider","event_id")
);
--> statement-breakpoint
ALTER TABLE "shop_cart_lines" ADD CONSTRAINT "shop_cart_lines_cart_id_shop_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."shop_carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_carts" ADD CONSTRAINT "shop_carts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_carts" ADD CONSTRAINT "shop_carts_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_order_lines" ADD CONSTRAINT "shop_order_lines_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_payment_notices" ADD CONSTRAINT "shop_payment_notices_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_payment_notices" ADD CONSTRAINT "shop_payment_notices_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
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
CREATE INDEX "shop_search_tokens_product_idx" ON "shop_search_tokens" USING btree ("org_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_carts_token_uq" ON "shop_carts" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "shop_carts_buyer_idx" ON "shop_carts" USING btree ("store_id","buyer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_orders_number_uq" ON "shop_orders" USING btree ("store_id","shop_number");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_orders_idem_uq" ON "shop_orders" USING btree ("store_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "shop_orders_pending_idx" ON "shop_orders" USING btree ("state","expires_at");--> statement-breakpoint
CREATE INDEX "shop_orders_buyer_idx" ON "shop_orders" USING btree ("org_id","buyer_id","created_at");