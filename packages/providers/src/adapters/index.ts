import type { RevocationStyle } from '../catalog';
import type { RevocationAdapter } from './adapter';
import { revokeDropbox } from './dropbox';
import { revokeGithub } from './github';
import { revokeGoogle } from './google';
import { revokeNotion } from './notion';
import { revokeRfc7009 } from './oauth2';
import { revokeSlack } from './slack';

export type { AdapterContext, AdapterResult, CallOutcome, ProviderCall, RevocationAdapter } from './adapter';

/** The code behind each revocation style the catalog names; a style without one is not revoked (yet). */
export const ADAPTERS: Readonly<Partial<Record<Exclude<RevocationStyle, 'none'>, RevocationAdapter>>> = {
  rfc7009: revokeRfc7009,
  google: revokeGoogle,
  github: revokeGithub,
  slack: revokeSlack,
  notion: revokeNotion,
  dropbox: revokeDropbox,
};
