ALTER TABLE "records" DROP CONSTRAINT IF EXISTS "records_org_id_orgs_id_fk";
