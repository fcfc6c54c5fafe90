-- Token lifecycle: vend with refresh on read, refresh ahead of expiry, needs_reauth, health.

-- How the auth config's app authenticates at its token endpoint (RFC 6749 section 2.3.1).
CREATE TYPE "token_endpoint_auth_method" AS ENUM ('client_secret_basic', 'client_secret_post');

-- Where refresh tokens are exchanged: required for toolkit oauth2 when connections carry a
-- refresh token; catalog toolkits have theirs built in (this overrides it).
ALTER TABLE "auth_configs" ADD COLUMN "token_endpoint" TEXT;
ALTER TABLE "auth_configs" ADD COLUMN "token_endpoint_auth_method" "token_endpoint_auth_method" NOT NULL DEFAULT 'client_secret_basic';

-- Health of a connection: why it needs re-authorisation (the provider's error code), and when a
-- refresh last succeeded and last failed (with the failure's code).
ALTER TABLE "connected_accounts" ADD COLUMN "status_reason" TEXT;
ALTER TABLE "connected_accounts" ADD COLUMN "last_refreshed_at" TIMESTAMPTZ(3);
ALTER TABLE "connected_accounts" ADD COLUMN "last_refresh_error_at" TIMESTAMPTZ(3);
ALTER TABLE "connected_accounts" ADD COLUMN "last_refresh_error" TEXT;

-- The refresh lease (single flight across processes) and a fencing counter: a refresh writes its
-- result back only while it still holds the lease and the credential is the version it read.
ALTER TABLE "credentials" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "credentials" ADD COLUMN "refresh_lease_owner" TEXT;
ALTER TABLE "credentials" ADD COLUMN "refresh_lease_until" TIMESTAMPTZ(3);

-- When a refresh of ours issued the stored access token (null: stored by the platform, lifetime
-- unknown): a token is due within the lead or half its lifetime, whichever is shorter.
ALTER TABLE "credentials" ADD COLUMN "issued_at" TIMESTAMPTZ(3);

-- Whether refresh ahead should look at the credential: it holds a refresh token and an expiry and
-- its connection can still be refreshed. Rows sealed before this migration may hold a refresh
-- token (the flag cannot be read from the sealed JSON here): they start true, and the first
-- refresh-ahead pass that opens one without a refresh token clears it.
ALTER TABLE "credentials" ADD COLUMN "refreshable" BOOLEAN NOT NULL DEFAULT false;
UPDATE "credentials" SET "refreshable" = true WHERE "sealed" IS NOT NULL AND "expires_at" IS NOT NULL;

-- Back-off of refresh ahead after failed attempts (consecutive failures, next attempt not before).
ALTER TABLE "credentials" ADD COLUMN "refresh_failures" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "credentials" ADD COLUMN "refresh_retry_at" TIMESTAMPTZ(3);

-- Refresh ahead's scan: refreshable credentials by expiry.
CREATE INDEX "credentials_refreshable_expires_at_idx" ON "credentials"("refreshable", "expires_at");

-- Lists and health filtered by end user.
CREATE INDEX "connected_accounts_project_id_user_id_idx" ON "connected_accounts"("project_id", "user_id");
