import { REDACTED, redactString } from '@at/common';

export const MAX_MESSAGE_LENGTH = 200;
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

// Postgres text and jsonb refuse NUL; the other C0/C1 controls and DEL forge log lines and
// terminal output; these format characters reorder or hide text shown to a person.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/g;
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// a surrogate without its other half: jsonb rejects its \u escape (JSON.stringify writes one)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes provider-supplied text safe to store and show: well-formed UTF-16, no control or
 * invisible characters, the secrets we sent masked (after the characters that could split one
 * are gone, before truncation so no prefix of one survives a cut), then bearer/basic/query-string
 * secrets, whitespace collapsed and the length capped without splitting a character.
 */
export function sanitizeMessage(text: string, secrets: readonly string[] = [], maxLength = MAX_MESSAGE_LENGTH): string {
  let out = text.replace(LONE_SURROGATE, '\ufffd').replace(LINE_BREAKS, ' ').replace(CONTROLS, '').replace(INVISIBLE, '');
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join(REDACTED);
  out = redactString(out.replace(/\s+/g, ' ').trim());
  return truncate(out, maxLength);
}

/** A provider's error code, if it looks like one (never free text that could carry a token). */
export function sanitizeErrorCode(code: unknown, secrets: readonly string[] = []): string | undefined {
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) return undefined;
  return secrets.some((s) => s.length > 0 && code.includes(s)) ? undefined : code;
}

/** True when `code` is what sanitizeErrorCode lets through. */
export function isSafeErrorCode(code: string): boolean {
  return ERROR_CODE.test(code);
}

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let cut = maxLength - 1;
  // never leave half of a surrogate pair at the cut
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
