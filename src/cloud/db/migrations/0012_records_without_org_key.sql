ALTER TABLE "records" DROP CONSTRAINT "records_org_id_orgs_id_fk";
