import type { RevocationStyle } from '../catalog';
import type { RevocationAdapter } from './adapter';
import { revokeDropbox } from './dropbox';
import { revokeGithub } from './github';
import { revokeGoogle } from './google';
import { revokeIntuit } from './intuit';
import { revokeLinear } from './linear';
import { revokeMiro } from './miro';
import { revokeNotion } from './notion';
import { revokeRfc7009 } from './oauth2';
import { revokeShopify } from './shopify';
import { revokeSlack } from './slack';
import { revokeStrava } from './strava';
import { revokeStripeConnect } from './stripe-connect';
import { revokeZendesk } from './zendesk';
import { revokeZoho } from './zoho';

export type { AdapterContext, AdapterResult, CallOutcome, ProviderCall, RevocationAdapter } from './adapter';

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
