CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"name" text NOT NULL,
	"terminal_code" text NOT NULL,
	"token_hash" text NOT NULL,
	"last_mutation_id" bigint DEFAULT 0 NOT NULL,
	"epoch" text,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "enrolment_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"replaces_device_id" uuid,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"used_by" uuid
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"change_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"store_id" text NOT NULL,
	"entity_id" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"uniq" text[],
	"ref_id" text,
	"qty" bigint,
	"amount" bigint,
	"at" bigint,
	"seq" bigint NOT NULL,
	"device_id" uuid,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "records_pk" PRIMARY KEY("org_id","entity","store_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "rejections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid,
	"device_id" uuid,
	"mutation_id" bigint NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"body" text,
	"created_at" bigint NOT NULL,
	"resolved_at" bigint,
	"resolved_by" text
);
--> statement-breakpoint
CREATE TABLE "staff_lockouts" (
	"org_id" uuid NOT NULL,
	"staff_id" text NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"locked_until" bigint,
	CONSTRAINT "staff_lockouts_pk" PRIMARY KEY("org_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"staff_id" text NOT NULL,
	"device_id" uuid NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_codes" ADD CONSTRAINT "enrolment_codes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_codes" ADD CONSTRAINT "enrolment_codes_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rejections" ADD CONSTRAINT "rejections_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_lockouts" ADD CONSTRAINT "staff_lockouts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_token_uq" ON "devices" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_code_uq" ON "devices" USING btree ("org_id","terminal_code") WHERE "devices"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "devices_org_idx" ON "devices" USING btree ("org_id","store_id");--> statement-breakpoint
CREATE INDEX "records_seq_idx" ON "records" USING btree ("org_id","seq");--> statement-breakpoint
CREATE INDEX "records_uniq_idx" ON "records" USING gin ("uniq");--> statement-breakpoint
CREATE INDEX "records_ref_idx" ON "records" USING btree ("org_id","store_id","entity","ref_id");--> statement-breakpoint
CREATE INDEX "rejections_org_idx" ON "rejections" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "rejections_device_idx" ON "rejections" USING btree ("device_id","mutation_id");--> statement-breakpoint
CREATE INDEX "staff_sessions_org_idx" ON "staff_sessions" USING btree ("org_id","staff_id");--> statement-breakpoint
CREATE INDEX "stores_org_idx" ON "stores" USING btree ("org_id");