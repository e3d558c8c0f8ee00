CREATE TABLE "payment_notice_keys" (
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"merchant" text NOT NULL,
	"material" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "payment_notice_keys_pk" PRIMARY KEY("store_id","provider")
);
--> statement-breakpoint
CREATE TABLE "payment_notice_rejections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid,
	"store_id" text NOT NULL,
	"provider" text NOT NULL,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"event_id" text,
	"trade_no" text,
	"body" text,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_notices" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment_notices_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"trade_no" text NOT NULL,
	"answer" text NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_trades" (
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"trade_no" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"device_id" uuid NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "payment_trades_pk" PRIMARY KEY("store_id","provider","trade_no")
);
--> statement-breakpoint
ALTER TABLE "payment_notice_keys" ADD CONSTRAINT "payment_notice_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_notice_keys" ADD CONSTRAINT "payment_notice_keys_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_notices" ADD CONSTRAINT "payment_notices_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_notices" ADD CONSTRAINT "payment_notices_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_trades" ADD CONSTRAINT "payment_trades_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_trades" ADD CONSTRAINT "payment_trades_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_notice_rejections_store_idx" ON "payment_notice_rejections" USING btree ("store_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_notices_event_uq" ON "payment_notices" USING btree ("provider","event_id");--> statement-breakpoint
CREATE INDEX "payment_notices_store_idx" ON "payment_notices" USING btree ("store_id","seq");