import type { RevocationAdapter } from './adapter';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/**
 * DELETE https://{shop}.myshopify.com/admin/api_permissions/current.json uninstalls the app from
 * the store; the token goes in X-Shopify-Access-Token, not Authorization (catalog/shopify.json).
 * A dead token is a 401 whose `errors` is text, so the status decides. Expiring offline tokens
 * are refreshed first when expired or refused.
 */
export const revokeShopify: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({ method: 'DELETE', url: ctx.revocationUrl, headers: { 'x-shopify-access-token': accessToken }, classify: { auth: 'token' } }),
    killed: () => heldTokens(ctx.credential),
  });
