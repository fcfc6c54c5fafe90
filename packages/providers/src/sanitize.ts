import { REDACTED, redactString } from '@at/common';

export const MAX_MESSAGE_LENGTH = 200;
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Makes provider-supplied text safe to store and show: the secrets we sent are masked before
 * truncation (so no prefix of one survives a cut), then bearer/basic/query-string secrets.
 */
export function sanitizeMessage(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join(REDACTED);
  out = redactString(out.replace(/\s+/g, ' ').trim());
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : out;
}

/** A provider's error code, if it looks like one (never free text that could carry a token). */
export function sanitizeErrorCode(code: unknown, secrets: readonly string[] = []): string | undefined {
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) return undefined;
  return secrets.some((s) => s.length > 0 && code.includes(s)) ? undefined : code;
}
