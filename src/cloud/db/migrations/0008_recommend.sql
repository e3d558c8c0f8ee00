CREATE TABLE "shop_rec_built_orgs" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"built_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_rec_customer_lines" (
	"org_id" uuid NOT NULL,
	"customer_key" text NOT NULL,
	"order_id" text NOT NULL,
	"product_id" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "shop_rec_customer_lines_pk" PRIMARY KEY("org_id","customer_key","order_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_rec_orders" (
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"order_id" text NOT NULL,
	"products" text[] NOT NULL,
	"customer_key" text,
	"at" bigint NOT NULL,
	"voided" boolean DEFAULT false NOT NULL,
	CONSTRAINT "shop_rec_orders_pk" PRIMARY KEY("org_id","store_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "shop_rec_pairs" (
	"org_id" uuid NOT NULL,
	"product_a" text NOT NULL,
	"product_b" text NOT NULL,
	"n" integer NOT NULL,
	"last_at" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "shop_rec_pairs_pk" PRIMARY KEY("org_id","product_a","product_b")
);
--> statement-breakpoint
CREATE TABLE "shop_rec_products" (
	"org_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"last_at" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "shop_rec_products_pk" PRIMARY KEY("org_id","product_id")
);
--> statement-breakpoint
CREATE INDEX "shop_rec_customer_lines_product_idx" ON "shop_rec_customer_lines" USING btree ("org_id","product_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shop_rec_customer_lines_customer_idx" ON "shop_rec_customer_lines" USING btree ("org_id","customer_key","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shop_rec_pairs_top_idx" ON "shop_rec_pairs" USING btree ("org_id","product_a","n" DESC NULLS LAST,"product_b");