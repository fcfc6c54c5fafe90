import { createCipheriv, createDecipheriv } from 'node:crypto';
import { freshRandomBytes } from '@at/common';
import { IV_BYTES, TAG_BYTES } from './sealed-box';

export type GcmSealed = { iv: Buffer; tag: Buffer; ct: Buffer };

/** AES-256-GCM with a fresh random IV (safe: every key encrypts few messages or is one-off). */
export function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): GcmSealed {
  const iv = freshRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ct };
}

/** Returns null when authentication fails; callers turn that into their own error. */
export function gcmDecrypt(key: Buffer, { iv, tag, ct }: GcmSealed, aad: Buffer): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return null;
  }
}
