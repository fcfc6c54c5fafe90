import { z } from 'zod';
import type { Credential } from '@at/providers';
import { instant, oauthSecret, opaqueSecret } from '../../../schemas';

/** The credential a connection is created with, and replaced by (PUT .../credentials). */
const OAUTH_FIELDS = ['access_token', 'refresh_token', 'expires_at'] as const;

// One object rather than a union of two, so an unknown or misplaced field is named in the error.
export const credentialsBody = z
  .strictObject({
    access_token: oauthSecret(8192).optional(),
    refresh_token: oauthSecret(8192).optional(),
    expires_at: instant('when the access token expires').optional(),
    api_key: opaqueSecret(4096).optional(),
  })
  .superRefine((value, check) => {
    if (value.api_key !== undefined) {
      for (const field of OAUTH_FIELDS) {
        if (value[field] !== undefined) check.addIssue({ code: 'custom', path: [field], message: 'not allowed with api_key' });
      }
    } else if (value.access_token === undefined) {
      check.addIssue({ code: 'custom', path: ['access_token'], message: 'required (or api_key for an api_key auth config)' });
    }
  })
  .describe('either {access_token, refresh_token?, expires_at?} (auth_scheme oauth2) or {api_key} (auth_scheme api_key); stored sealed, never returned');

export function toCredential(body: z.output<typeof credentialsBody>): Credential {
  if (body.api_key !== undefined) return { type: 'api_key', api_key: body.api_key };
  return {
    type: 'oauth2',
    access_token: body.access_token ?? '',
    ...(body.refresh_token === undefined ? {} : { refresh_token: body.refresh_token }),
    ...(body.expires_at === undefined ? {} : { expires_at: new Date(body.expires_at).toISOString() }),
  };
}

