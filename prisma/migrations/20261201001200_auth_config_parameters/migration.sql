-- Per-tenant values of an auth config (issue 14): what fills the `{placeholders}` of its
-- toolkit's catalog endpoints (an Okta or Auth0 domain, a Shopify shop, a Zendesk subdomain).
-- A flat JSON object of strings, validated against the catalog by apollo; NULL when none.
ALTER TABLE "auth_configs" ADD COLUMN "parameters" JSONB;
