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
CREATE UNIQUE INDEX "shop_receipts_key_uq" ON "shop_receipts" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "shop_receipts_buyer_idx" ON "shop_receipts" USING btree ("org_id","buyer_id","created_at");