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
