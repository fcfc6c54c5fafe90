-- Sessions of the web console: an org admin token exchanged for an HttpOnly cookie. Only
-- hashes are stored: of the cookie's secret (the key) and of its CSRF token.
CREATE TABLE "console_sessions" (
    "id_hash" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "org_admin_token_id" TEXT NOT NULL,
    "csrf_token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id_hash")
);

CREATE INDEX "console_sessions_org_id_idx" ON "console_sessions"("org_id");
CREATE INDEX "console_sessions_org_admin_token_id_idx" ON "console_sessions"("org_admin_token_id");

ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_org_admin_token_id_fkey" FOREIGN KEY ("org_admin_token_id") REFERENCES "org_admin_tokens"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
