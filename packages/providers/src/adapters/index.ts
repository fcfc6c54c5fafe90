import type { RevocationStyle } from '../catalog';
import type { ApiKeyRevocationAdapter, RevocationAdapter } from './adapter';
import { revokeDropbox } from './dropbox';
import { revokeGithub } from './github';
import { revokeGoogle } from './google';
import { revokeIntuit } from './intuit';
import { revokeLinear } from './linear';
import { revokeMiro } from './miro';
import { revokeNotion } from './notion';
import { revokeRfc7009 } from './oauth2';
import { revokeSendgrid, sendgridKeyParameters } from './sendgrid';
import { revokeShopify } from './shopify';
import { revokeSlack } from './slack';
import { revokeStrava } from './strava';
import { revokeStripeConnect } from './stripe-connect';
import { revokeZendesk } from './zendesk';
import { revokeZoho } from './zoho';

export type { ApiKeyRevocationAdapter, AdapterContext, AdapterResult, CallOutcome, ProviderCall, RevocationAdapter } from './adapter';

/** The code behind each revocation style the catalog names; a style without one is not revoked (yet). */
export const ADAPTERS: Readonly<Partial<Record<Exclude<RevocationStyle, 'none'>, RevocationAdapter>>> = {
  rfc7009: revokeRfc7009,
  google: revokeGoogle,
  github: revokeGithub,
  slack: revokeSlack,
  notion: revokeNotion,
  dropbox: revokeDropbox,
  linear: revokeLinear,
  zendesk: revokeZendesk,
  shopify: revokeShopify,
  stripe_connect: revokeStripeConnect,
  intuit: revokeIntuit,
  miro: revokeMiro,
  zoho: revokeZoho,
  strava: revokeStrava,
};

/** Code for API keys that can be revoked upstream: the endpoint values the key itself holds, and the call. */
export type ApiKeyAdapter = { parameters(apiKey: string): Record<string, string> | undefined; revoke: ApiKeyRevocationAdapter };

export const API_KEY_ADAPTERS: Readonly<Partial<Record<Exclude<RevocationStyle, 'none'>, ApiKeyAdapter>>> = {
  sendgrid: { parameters: sendgridKeyParameters, revoke: revokeSendgrid },
};
