import type { ClientAuthMethod } from '../catalog';
import type { ClientConfig } from '../types';
import { misconfigured } from './outcome';

export type ClientCredentials = { id: string; secret: string };

export function clientCredentialsOf(client: ClientConfig): ClientCredentials | undefined {
  return client.clientId && client.clientSecret ? { id: client.clientId, secret: client.clientSecret } : undefined;
}

export const missingClientCredentials = misconfigured('missing_client_credentials', 'the auth config has no client id and secret, which this provider requires to revoke');

/** client_secret_basic: id and secret are form-urlencoded before base64 (RFC 6749 section 2.3.1). */
export function basicAuthorization({ id, secret }: ClientCredentials): string {
  return `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
}

/**
 * RFC 6749 section 2.3.1 client authentication as headers and body fields: Basic, or the id and
 * secret as parameters (under the provider's own field names where it has them).
 */
export function clientAuthParts(method: ClientAuthMethod, credentials: ClientCredentials, names: { client_id?: string | undefined; client_secret?: string | undefined } = {}): { headers: Record<string, string>; fields: Record<string, string> } {
  if (method === 'client_secret_basic') return { headers: { authorization: basicAuthorization(credentials) }, fields: {} };
  return { headers: {}, fields: { [names.client_id ?? 'client_id']: credentials.id, [names.client_secret ?? 'client_secret']: credentials.secret } };
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
