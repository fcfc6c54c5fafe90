import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@at/common';

/**
 * Opaque, tamper-proof paging cursors bound to their caller: the HMAC covers the position and a
 * binding string (owner, resource, filter), so a forged, edited or borrowed cursor is a 400.
 */
export type CursorCodec = {
  encode(position: string, binding: string): string;
  decode(cursor: string, binding: string): string;
};

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (payload: string, binding: string) => createHmac('sha256', secret).update(`${binding}\n${payload}`).digest().subarray(0, 16);
  return {
    encode(position, binding) {
      const payload = Buffer.from(position, 'utf8').toString('base64url');
      return `${payload}.${sign(payload, binding).toString('base64url')}`;
    },
    decode(cursor, binding) {
      const invalid = () => new ValidationError('invalid cursor', [{ path: 'query.cursor', message: 'not a cursor issued for this request' }]);
      const [payload, mac, extra] = cursor.split('.');
      if (!payload || !mac || extra !== undefined || payload.length > 2048) throw invalid();
      const given = Buffer.from(mac, 'base64url');
      const expected = sign(payload, binding);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      return Buffer.from(payload, 'base64url').toString('utf8');
    },
  };
}
