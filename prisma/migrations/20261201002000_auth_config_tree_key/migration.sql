-- The siblings of connection_tree_key one level up. An auth config's org is its project's, and a
-- connect session's org and project are its auth config's: apollo copies them when it creates
-- the row, and until now only the project (or the auth config) was a foreign key, so nothing in
-- the database held the org to it. An auth config whose org disagreed with its project's would
-- hand the disagreement down to every connection made under it, and an org-wide revocation of
-- the project's org would not see them. Now the keys are the ids together.
CREATE UNIQUE INDEX "projects_id_org_id_key" ON "projects"("id", "org_id");
ALTER TABLE "auth_configs" DROP CONSTRAINT "auth_configs_project_id_fkey";
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_project_id_org_id_fkey" FOREIGN KEY ("project_id", "org_id") REFERENCES "projects"("id", "org_id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "connect_sessions" DROP CONSTRAINT "connect_sessions_auth_config_id_fkey";
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_auth_config_id_project_id_org_id_fkey" FOREIGN KEY ("auth_config_id", "project_id", "org_id") REFERENCES "auth_configs"("id", "project_id", "org_id") ON DELETE RESTRICT ON UPDATE CASCADE;
