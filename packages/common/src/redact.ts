/**
 * Redaction of secrets from anything that is about to be logged or serialised for humans.
 * Keys that name a secret have their value replaced; strings that look like a bearer header
 * or a known secret format are masked wherever they appear.
 */
const SECRET_KEY =
  /(^|[_-])(token|tokens|secret|secrets|password|passphrase|authorization|cookie|credentials?|api[_-]?key|x-api-key|key|keys|client[_-]?secret|access[_-]?token|refresh[_-]?token|sealed|dek|kek)$/i;
const SECRET_KEY_CAMEL = /(Token|Secret|Password|Authorization|Credentials?|ApiKey|Sealed)$/;
const ALLOWED_KEYS = new Set(['token_type_hint', 'revoked_tokens', 'revokedTokens', 'api_key_id', 'kid', 'keyId']);
const INLINE_SECRETS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  [/([?&](?:token|access_token|refresh_token|client_secret|code|state|code_verifier)=)[^&\s"]+/gi, '$1[REDACTED]'],
  // bearer secrets apollo issues, by their prefix: API keys, org admin tokens, console sessions,
  // connect links (whose token is in the link's path, so in every request line that opens it)
  [/\b(atk|ato|acs|acl)_[A-Za-z0-9_-]{16,}/g, '$1_[REDACTED]'],
];
export const REDACTED = '[REDACTED]';

export function isSecretKey(key: string): boolean {
  if (ALLOWED_KEYS.has(key)) return false;
  return SECRET_KEY.test(key) || SECRET_KEY_CAMEL.test(key);
}

export function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of INLINE_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[TRUNCATED]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
