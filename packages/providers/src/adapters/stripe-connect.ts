import type { RevocationAdapter } from './adapter';
import { FORM, clientCredentialsOf, formBody, missingClientCredentials } from './client-auth';
import { failure, heldTokens } from './outcome';

// The description Stripe gives when the account is no longer connected to the platform
// (catalog/stripe-connect.json): the one thing that tells it from a bad platform key or client id.
const NOT_CONNECTED = /is not connected to stripe account/i;

/**
 * POST https://connect.stripe.com/oauth/deauthorize disconnects one connected account: the
 * platform's secret key (the auth config's client secret) authenticates it, the form names the
 * platform's client id and the account (`stripe_user_id`, a value of each connected account).
 * Stripe answers `invalid_client` both for an account already disconnected and for a wrong client
 * id: only "is not connected to stripe account" in the description makes it already_revoked;
 * any other invalid_client fails the whole auth config.
 */
export const revokeStripeConnect: RevocationAdapter = async (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  const account = ctx.parameters['stripe_user_id'];
  if (!account) return { outcome: 'failed', errorCode: 'missing_parameter', errorMessage: 'Stripe Connect deauthorizes by connected account id (stripe_user_id), which this connection does not carry', providerWide: false };
  const outcome = await ctx.send({
    method: 'POST',
    url: ctx.revocationUrl,
    headers: { authorization: `Bearer ${credentials.secret}`, 'content-type': FORM },
    body: formBody({ client_id: credentials.id, stripe_user_id: account }),
    classify: { auth: 'client' },
  });
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: heldTokens(ctx.credential) };
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  if (outcome.errorCode === 'invalid_client' && NOT_CONNECTED.test(outcome.errorMessage)) return { outcome: 'already_revoked', revokedTokens: [] };
  return failure(outcome);
};
