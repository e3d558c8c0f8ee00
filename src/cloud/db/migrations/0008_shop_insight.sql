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
CREATE INDEX "shop_events_store_day_idx" ON "shop_events" USING btree ("store_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_events_visit_uq" ON "shop_events" USING btree ("store_id","day","visitor") WHERE kind = 'visit';--> statement-breakpoint
CREATE UNIQUE INDEX "shop_events_paid_uq" ON "shop_events" USING btree ("store_id","order_id") WHERE kind = 'paid';