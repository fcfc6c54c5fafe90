-- Hosted connect: the end user consents at the provider through a single-use link (authorization
-- code + PKCE, RFC 9700), and the tokens land sealed without passing through the platform.

-- Where a connect session may send the end user back to: exact strings, per project.
ALTER TABLE "projects" ADD COLUMN "allowed_redirect_uris" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- The authorization side of an oauth2 auth config, given directly or filled from the issuer's
-- RFC 8414 / OIDC discovery metadata when the auth config is created.
ALTER TABLE "auth_configs" ADD COLUMN "issuer" TEXT;
ALTER TABLE "auth_configs" ADD COLUMN "authorization_endpoint" TEXT;
ALTER TABLE "auth_configs" ADD COLUMN "pushed_authorization_request_endpoint" TEXT;
ALTER TABLE "auth_configs" ADD COLUMN "userinfo_endpoint" TEXT;
-- RFC 9207: the server sends `iss` with every authorization response, so one without it is refused.
ALTER TABLE "auth_configs" ADD COLUMN "iss_parameter_supported" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "auth_configs" ADD COLUMN "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];
-- Extra authorize parameters (e.g. Google's access_type=offline), a flat object of strings.
ALTER TABLE "auth_configs" ADD COLUMN "authorize_params" JSONB;

-- Who the provider says the end user is (OIDC `sub`), recorded at connect time: a reconnect as
-- someone else is refused (account_mismatch).
ALTER TABLE "connected_accounts" ADD COLUMN "provider_subject" TEXT;

CREATE TYPE "connect_session_status" AS ENUM ('pending', 'authorizing', 'in_progress', 'completed', 'failed');

-- One connect link. Only hashes of its secrets are stored (the link's token, the OAuth `state`,
-- the browser binding cookie, the api-key form's CSRF token); the PKCE verifier is sealed.
-- pending -> authorizing (link opened) -> in_progress (callback claimed it) -> completed | failed,
-- each step one conditional UPDATE, so a link, a state and a callback are used exactly once.
CREATE TABLE "connect_sessions" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "auth_config_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    -- set on a reconnect: the connection whose credential is replaced (same id)
    "connected_account_id" TEXT,
    "token_hash" TEXT NOT NULL,
    "state_hash" TEXT,
    "binding_hash" TEXT,
    "csrf_hash" TEXT,
    "code_verifier_sealed" JSONB,
    "status" "connect_session_status" NOT NULL DEFAULT 'pending',
    "error_code" TEXT,
    -- the connection created (or reconnected) when completed
    "result_connected_account_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "connect_sessions_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "connect_sessions_token_hash_key" ON "connect_sessions"("token_hash");
CREATE UNIQUE INDEX "connect_sessions_state_hash_key" ON "connect_sessions"("state_hash");
CREATE INDEX "connect_sessions_project_id_id_idx" ON "connect_sessions"("project_id", "id");

ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_auth_config_id_fkey" FOREIGN KEY ("auth_config_id") REFERENCES "auth_configs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
