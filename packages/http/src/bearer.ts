import type { Request } from 'express';

/** The token of an `Authorization: Bearer <token>` header, if that is what the request carries. */
export function bearerToken(req: Request): string | undefined {
  return req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
}
