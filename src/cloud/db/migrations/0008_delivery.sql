CREATE TABLE "shop_order_progress" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" text NOT NULL,
	"delivered_at" bigint,
	"received_at" bigint,
	"received_automatically" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shop_orders" ADD COLUMN "transit_min_days" integer;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD COLUMN "transit_max_days" integer;--> statement-breakpoint
CREATE INDEX "shop_order_progress_due_idx" ON "shop_order_progress" USING btree ("delivered_at") WHERE received_at IS NULL AND delivered_at IS NOT NULL;