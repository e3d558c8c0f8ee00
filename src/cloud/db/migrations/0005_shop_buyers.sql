CREATE TABLE "shop_addresses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"company" text,
	"line1" text NOT NULL,
	"line2" text,
	"city" text NOT NULL,
	"region" text,
	"postal_code" text NOT NULL,
	"country" text NOT NULL,
	"phone" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_buyer_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"store_id" uuid,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"last_seen" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_buyer_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"email" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "shop_buyers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text,
	"phone" text,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"email_verified_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_sign_in_failures" (
	"org_id" uuid NOT NULL,
	"identifier" text NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"first_failed_at" bigint NOT NULL,
	"locked_until" bigint,
	CONSTRAINT "shop_sign_in_failures_pk" PRIMARY KEY("org_id","identifier")
);
--> statement-breakpoint
ALTER TABLE "shop_addresses" ADD CONSTRAINT "shop_addresses_buyer_id_shop_buyers_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."shop_buyers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_buyer_sessions" ADD CONSTRAINT "shop_buyer_sessions_buyer_id_shop_buyers_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."shop_buyers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_buyer_sessions" ADD CONSTRAINT "shop_buyer_sessions_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_buyer_tokens" ADD CONSTRAINT "shop_buyer_tokens_buyer_id_shop_buyers_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."shop_buyers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_buyers" ADD CONSTRAINT "shop_buyers_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_sign_in_failures" ADD CONSTRAINT "shop_sign_in_failures_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shop_addresses_buyer_idx" ON "shop_addresses" USING btree ("buyer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_addresses_default_uq" ON "shop_addresses" USING btree ("buyer_id") WHERE "shop_addresses"."is_default";--> statement-breakpoint
CREATE INDEX "shop_buyer_sessions_buyer_idx" ON "shop_buyer_sessions" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "shop_buyer_sessions_expiry_idx" ON "shop_buyer_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "shop_buyer_tokens_buyer_idx" ON "shop_buyer_tokens" USING btree ("buyer_id","purpose");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_buyers_email_uq" ON "shop_buyers" USING btree ("org_id","email") WHERE "shop_buyers"."email" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_buyers_phone_uq" ON "shop_buyers" USING btree ("org_id","phone") WHERE "shop_buyers"."phone" IS NOT NULL;