CREATE TABLE "shop_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"cause" text NOT NULL,
	"cause_id" text NOT NULL,
	"provider" text NOT NULL,
	"request_no" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	"message" text,
	"provider_ref" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"refunded_at" bigint
);
--> statement-breakpoint
CREATE TABLE "shop_order_progress" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"delivered_at" bigint,
	"received_at" bigint,
	"received_automatically" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shop_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"day" integer NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"visitor" text,
	"product_id" text,
	"query" text,
	"results" integer,
	"order_id" text
);
--> statement-breakpoint
CREATE TABLE "shop_payment_starts" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"ref" text NOT NULL,
	"url" text,
	"created_at" bigint NOT NULL,
	"checked_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_pictures" (
	"org_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"name" text NOT NULL,
	"full_data" "bytea" NOT NULL,
	"full_type" text NOT NULL,
	"full_width" integer NOT NULL,
	"full_height" integer NOT NULL,
	"full_etag" text NOT NULL,
	"thumb_data" "bytea" NOT NULL,
	"thumb_type" text NOT NULL,
	"thumb_width" integer NOT NULL,
	"thumb_height" integer NOT NULL,
	"thumb_etag" text NOT NULL,
	"device_id" uuid NOT NULL,
	"uploaded_at" bigint NOT NULL,
	CONSTRAINT "shop_pictures_pk" PRIMARY KEY("org_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_receipts" (
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"order_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"buyer_id" text,
	"claimed_at" bigint,
	"invoice_id" text,
	CONSTRAINT "shop_receipts_pk" PRIMARY KEY("org_id","order_id")
);
--> statement-breakpoint
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
ALTER TABLE "shop_orders" ADD COLUMN "transit_min_days" integer;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD COLUMN "transit_max_days" integer;--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_payment_starts" ADD CONSTRAINT "shop_payment_starts_order_id_shop_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."shop_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_refunds_cause_uq" ON "shop_refunds" USING btree ("order_id","cause_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_refunds_request_uq" ON "shop_refunds" USING btree ("store_id","request_no");--> statement-breakpoint
CREATE INDEX "shop_refunds_due_idx" ON "shop_refunds" USING btree ("state","next_at");--> statement-breakpoint
CREATE INDEX "shop_order_progress_due_idx" ON "shop_order_progress" USING btree ("delivered_at") WHERE received_at IS NULL AND delivered_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "shop_events_store_day_idx" ON "shop_events" USING btree ("store_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_events_visit_uq" ON "shop_events" USING btree ("store_id","day","visitor") WHERE kind = 'visit';--> statement-breakpoint
CREATE UNIQUE INDEX "shop_events_paid_uq" ON "shop_events" USING btree ("store_id","order_id") WHERE kind = 'paid';--> statement-breakpoint
CREATE UNIQUE INDEX "shop_receipts_key_uq" ON "shop_receipts" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "shop_receipts_buyer_idx" ON "shop_receipts" USING btree ("org_id","buyer_id","created_at");--> statement-breakpoint
CREATE INDEX "shop_rec_customer_lines_product_idx" ON "shop_rec_customer_lines" USING btree ("org_id","product_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shop_rec_customer_lines_customer_idx" ON "shop_rec_customer_lines" USING btree ("org_id","customer_key","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shop_rec_pairs_top_idx" ON "shop_rec_pairs" USING btree ("org_id","product_a","n" DESC NULLS LAST,"product_b");