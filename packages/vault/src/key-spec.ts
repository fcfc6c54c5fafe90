import { VaultConfigError } from './errors';
import { DEK_BYTES, KID_PATTERN, isCanonicalBase64 } from './sealed-box';

export type KeyRing = { keys: Map<string, Buffer>; activeKeyId: string };

// Errors name the entry by position (and its kid once the kid is known valid), never its text:
// a malformed entry may well be key material pasted in the wrong place.
function parseEntry(entry: string, position: number): [string, Buffer] {
  const colon = entry.indexOf(':');
  if (colon < 0) throw new VaultConfigError('keys', `key entry #${position} is not of the form kid:base64key`);
  const kid = entry.slice(0, colon).trim();
  const encoded = entry.slice(colon + 1).trim();
  if (!KID_PATTERN.test(kid)) throw new VaultConfigError('keys', `key entry #${position} has an invalid key id (expected ${KID_PATTERN.source})`);
  if (!isCanonicalBase64(encoded)) throw new VaultConfigError('keys', `key "${kid}" is not valid base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== DEK_BYTES) throw new VaultConfigError('keys', `key "${kid}" must decode to exactly ${DEK_BYTES} bytes`);
  return [kid, key];
}

/** Parses `"kid1:base64key,kid2:base64key"`; the active key defaults to the last one listed. */
export function parseKeySpec(spec: string, activeKeyId?: string): KeyRing {
  const entries = spec.split(',').map((e) => e.trim());
  if (spec.trim() === '' || entries.some((e) => e === '')) throw new VaultConfigError('keys', 'key spec is empty or has an empty entry');
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const [kid, key] = parseEntry(entry, i + 1);
    if (keys.has(kid)) throw new VaultConfigError('keys', `key id "${kid}" is listed twice`);
    keys.set(kid, key);
  });
  const active = activeKeyId ?? [...keys.keys()].at(-1);
  if (active === undefined || !KID_PATTERN.test(active)) throw new VaultConfigError('activeKeyId', 'active key id is not a valid key id');
  if (!keys.has(active)) throw new VaultConfigError('activeKeyId', `active key id "${active}" is not in the key spec`);
  return { keys, activeKeyId: active };
}
