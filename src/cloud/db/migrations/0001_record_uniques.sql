CREATE TABLE "record_uniques" (
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"value" text NOT NULL,
	"entity_id" text NOT NULL,
	CONSTRAINT "record_uniques_pk" PRIMARY KEY("org_id","entity","value")
);
--> statement-breakpoint
DROP INDEX "records_uniq_idx";--> statement-breakpoint
-- Claims for the records already there (one holder per value, as the GIN lookup found one).
INSERT INTO "record_uniques" ("org_id", "entity", "value", "entity_id")
SELECT r."org_id", r."entity", u."value", r."entity_id" FROM "records" r CROSS JOIN LATERAL unnest(r."uniq") AS u("value")
WHERE r."uniq" IS NOT NULL
ON CONFLICT DO NOTHING;
