import { z } from 'zod';

export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export const DEK_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** Canonical standard base64 only: a flipped padding bit must not decode to the same bytes. */
export function isCanonicalBase64(value: string): boolean {
  return Buffer.from(value, 'base64').toString('base64') === value;
}

const base64 = (bytes?: number) =>
  z
    .string()
    .refine(isCanonicalBase64, 'must be canonical base64')
    .refine((s) => bytes === undefined || Buffer.byteLength(s, 'base64') === bytes, `must decode to ${bytes} bytes`);

/**
 * An envelope-sealed secret, stored as JSON. The data is encrypted under a one-off data key
 * (iv, tag, ct); the data key is wrapped by the key-encryption key `kid` (wdek, wiv, wtag).
 */
export const sealedBoxSchema = z
  .object({
    v: z.literal(1),
    kid: z.string().regex(KID_PATTERN),
    wdek: base64(DEK_BYTES),
    wiv: base64(IV_BYTES),
    wtag: base64(TAG_BYTES),
    iv: base64(IV_BYTES),
    tag: base64(TAG_BYTES),
    ct: base64(),
  })
  .strict();

export type SealedBox = z.infer<typeof sealedBoxSchema>;
