import { randomBytes } from 'node:crypto';
import { freshRandomBytes } from '@at/common';
import { gcmDecrypt, gcmEncrypt } from './aes-gcm';
import { VaultIntegrityError, VaultKeyNotFoundError } from './errors';
import { parseKeySpec } from './key-spec';
import { DEK_BYTES, sealedBoxSchema, type SealedBox } from './sealed-box';

type WrappedKey = Pick<SealedBox, 'kid' | 'wdek' | 'wiv' | 'wtag'>;

// Domain-separated AAD: a wrapped data key can never pass for data, and the wrapped key is bound
// to its kid so a box relabelled with another kid fails authentication.
const dataAad = (aad: string) => Buffer.from(`at-vault/v1/data\0${aad}`, 'utf8');
const wrapAad = (kid: string) => Buffer.from(`at-vault/v1/dek\0${kid}`, 'utf8');

const b64 = (bytes: Buffer) => bytes.toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64');

function parseBox(box: unknown): SealedBox {
  const parsed = sealedBoxSchema.safeParse(box);
  if (!parsed.success) throw new VaultIntegrityError('sealed box is malformed');
  return parsed.data;
}

/**
 * Envelope encryption of secrets at rest: every seal uses a fresh AES-256-GCM data key, wrapped
 * by the active key-encryption key. Old keys stay configured to open (and rewrap) older boxes.
 */
export class Vault {
  // a private field keeps key material out of util.inspect, JSON.stringify and error dumps
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  private constructor(keys: ReadonlyMap<string, Buffer>, activeKeyId: string) {
    this.#keys = keys;
    this.activeKeyId = activeKeyId;
  }

  /** `keysSpec` is `"kid1:base64key,kid2:base64key"`; the active key defaults to the last one. */
  static fromSpec(keysSpec: string, activeKeyId?: string): Vault {
    const ring = parseKeySpec(keysSpec, activeKeyId);
    return new Vault(ring.keys, ring.activeKeyId);
  }

  /** A new random key-encryption key, base64, for tooling and key spec entries. */
  static generateKey(): string {
    return b64(randomBytes(DEK_BYTES));
  }

  /** Seals `plaintext` for the context `aad` (e.g. the row id): opening needs the same aad. */
  seal(plaintext: string | Buffer, aad: string): SealedBox {
    const dek = freshRandomBytes(DEK_BYTES);
    try {
      const data = gcmEncrypt(dek, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, dataAad(aad));
      return { v: 1, ...this.#wrap(dek), iv: b64(data.iv), tag: b64(data.tag), ct: b64(data.ct) };
    } finally {
      dek.fill(0);
    }
  }

  /** Opens a box (validated here, so raw JSON from the database is fine). */
  open(box: unknown, aad: string): Buffer {
    const parsed = parseBox(box);
    const dek = this.#unwrap(parsed);
    try {
      const plaintext = gcmDecrypt(dek, { iv: unb64(parsed.iv), tag: unb64(parsed.tag), ct: unb64(parsed.ct) }, dataAad(aad));
      if (!plaintext) throw new VaultIntegrityError();
      return plaintext;
    } finally {
      dek.fill(0);
    }
  }

  sealJson(value: unknown, aad: string): SealedBox {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('value is not JSON-serialisable');
    return this.seal(json, aad);
  }

  openJson<T>(box: unknown, aad: string): T {
    const plaintext = this.open(box, aad);
    try {
      return JSON.parse(plaintext.toString('utf8')) as T;
    } catch {
      // JSON.parse's message quotes the input: never let it out
      throw new VaultIntegrityError('sealed content is not JSON');
    } finally {
      plaintext.fill(0);
    }
  }

  /** Re-wraps the data key under the active key; the encrypted data itself is unchanged. */
  rewrap(box: unknown): SealedBox {
    const parsed = parseBox(box);
    if (parsed.kid === this.activeKeyId) return parsed;
    const dek = this.#unwrap(parsed);
    try {
      return { ...parsed, ...this.#wrap(dek) };
    } finally {
      dek.fill(0);
    }
  }

  needsRewrap(box: unknown): boolean {
    return parseBox(box).kid !== this.activeKeyId;
  }

  #key(kid: string): Buffer {
    const key = this.#keys.get(kid);
    if (!key) throw new VaultKeyNotFoundError(kid);
    return key;
  }

  #wrap(dek: Buffer): WrappedKey {
    const kid = this.activeKeyId;
    const wrapped = gcmEncrypt(this.#key(kid), dek, wrapAad(kid));
    return { kid, wdek: b64(wrapped.ct), wiv: b64(wrapped.iv), wtag: b64(wrapped.tag) };
  }

  #unwrap(box: SealedBox): Buffer {
    const dek = gcmDecrypt(this.#key(box.kid), { iv: unb64(box.wiv), tag: unb64(box.wtag), ct: unb64(box.wdek) }, wrapAad(box.kid));
    if (!dek) throw new VaultIntegrityError();
    return dek;
  }
}
