-- A connection's org and project are its auth config's: apollo copies them from the auth config
-- when it creates or imports a connection. Until now only the auth config was a foreign key, so
-- nothing in the database held the other two to it. Now the key is the three together, and a
-- scope's auth configs are known from auth_configs alone: a run's first step lists a project's
-- (or an org's) sources there and counts each one's connections only up to a page, instead of
-- counting every connection of the scope before its first item (a second at a million).
-- The check per inserted connection is the same one lookup, in the new unique index instead of
-- the primary key.
CREATE UNIQUE INDEX "auth_configs_id_project_id_org_id_key" ON "auth_configs"("id", "project_id", "org_id");
ALTER TABLE "connected_accounts" DROP CONSTRAINT "connected_accounts_auth_config_id_fkey";
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_config_id_project_id_org_id_fkey" FOREIGN KEY ("auth_config_id", "project_id", "org_id") REFERENCES "auth_configs"("id", "project_id", "org_id") ON DELETE RESTRICT ON UPDATE CASCADE;
