import { z } from 'zod';
import { freshRandomBytes } from './random';

/** Every id prefix in the system. Ids are `<prefix>_<26 Crockford base32 chars>`, time-ordered. */
export const ID_PREFIXES = {
  org: 'org',
  orgAdminToken: 'oat',
  project: 'prj',
  apiKey: 'key',
  authConfig: 'ac',
  connectedAccount: 'ca',
  orgJob: 'oj',
  projectJob: 'pj',
  revokeIntent: 'ri',
  connectSession: 'cs',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'wd',
  auditEvent: 'aud',
} as const;

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i += 1) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(): string {
  const bytes = freshRandomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i += 1) out += ALPHABET[(bytes[i] ?? 0) % 32];
  return out;
}

/** A new id: 48-bit millisecond time then 80 random bits, so ids sort by creation time. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${encodeTime(Date.now())}${encodeRandom()}`;
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && BODY.test(value.slice(prefix.length + 1));
}

export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
}

/** The one schema of an id of one kind (path parameters, body fields, scopes): a 400 names the kind. */
export function idSchema(prefix: IdPrefix, label: string) {
  const article = /^[aeiou]/i.test(label) ? 'an' : 'a';
  return z.string().regex(idPattern(prefix), `must be ${article} ${label} id (${prefix}_...)`);
}
