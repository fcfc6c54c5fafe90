import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks verification in a few lines: HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed
 * by the base64 after `whsec_`, compared with each `v1,` signature of the header; a timestamp
 * more than five minutes away is refused (a replay). `body` is the raw request body.
 */
export function verify(secret: string, headers: Record<string, string | undefined>, body: string, now = Date.now()): boolean {
  const [id, timestamp, signatures] = [headers['webhook-id'], headers['webhook-timestamp'], headers['webhook-signature']];
  if (!id || !timestamp || !signatures || Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((s) => {
    const given = Buffer.from(s.replace(/^v1,/, ''), 'base64');
    return s.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
