-- A webhook endpoint belongs to a project, and its org is the project's: apollo writes both from
-- the project that creates it, and until now nothing in the database held them (an endpoint
-- could name a project that never existed, or another org than its project's, and the relay
-- would fan that org's events out to it). The key is the two together, as for auth configs.
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_project_id_org_id_fkey" FOREIGN KEY ("project_id", "org_id") REFERENCES "projects"("id", "org_id") ON DELETE RESTRICT ON UPDATE CASCADE;
