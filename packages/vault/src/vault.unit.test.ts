import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { parseEnv } from '@at/common';
import { rotateEnvSchema } from './cli/env';
import { VaultConfigError, VaultIntegrityError, VaultKeyNotFoundError } from './errors';
import { sealedBoxSchema, type SealedBox } from './sealed-box';
import { Vault } from './vault';

const keyA = Vault.generateKey();
const keyB = Vault.generateKey();
const vaultA = Vault.fromSpec(`a:${keyA}`);
const vaultAB = Vault.fromSpec(`a:${keyA},b:${keyB}`);
const vaultB = Vault.fromSpec(`b:${keyB}`);

const AAD = 'ca_01TESTROW';

/** Returns a copy of the box with one byte of the base64 field flipped. */
function flipByte(box: SealedBox, field: 'ct' | 'tag' | 'iv' | 'wdek' | 'wtag' | 'wiv', index = 0): SealedBox {
  const bytes = Buffer.from(box[field], 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return { ...box, [field]: bytes.toString('base64') };
}

describe('seal and open', () => {
  test('round-trips a string', () => {
    expect(vaultA.open(vaultA.seal('s3cr3t-tøken', AAD), AAD).toString('utf8')).toBe('s3cr3t-tøken');
  });

  test('round-trips a Buffer of arbitrary bytes', () => {
    const bytes = randomBytes(77);
    expect(vaultA.open(vaultA.seal(bytes, AAD), AAD).equals(bytes)).toBe(true);
  });

  test('round-trips JSON', () => {
    const tokens = { access_token: 'at', refresh_token: 'rt', expires_in: 3600, scopes: ['a', 'b'], nested: { x: null } };
    expect(vaultA.openJson<typeof tokens>(vaultA.sealJson(tokens, AAD), AAD)).toEqual(tokens);
  });

  test('round-trips an empty plaintext', () => {
    const box = vaultA.seal('', AAD);
    expect(box.ct).toBe('');
    expect(vaultA.open(box, AAD).length).toBe(0);
  });

  test('round-trips 1 MiB', () => {
    const big = randomBytes(1024 * 1024);
    expect(vaultA.open(vaultA.seal(big, AAD), AAD).equals(big)).toBe(true);
  });

  test('the box is plain JSON that survives serialisation and matches the schema', () => {
    const box = vaultA.seal('x', AAD);
    expect(Object.keys(box)).toEqual(['v', 'kid', 'wdek', 'wiv', 'wtag', 'iv', 'tag', 'ct']);
    expect(box.v).toBe(1);
    expect(box.kid).toBe('a');
    expect(sealedBoxSchema.parse(JSON.parse(JSON.stringify(box)))).toEqual(box);
  });

  test('two seals of the same plaintext differ in every random part', () => {
    const one = vaultA.seal('same', AAD);
    const two = vaultA.seal('same', AAD);
    for (const field of ['wdek', 'wiv', 'iv', 'ct'] as const) expect(one[field]).not.toBe(two[field]);
  });

  test('the box does not contain the plaintext', () => {
    expect(JSON.stringify(vaultA.seal('plain-marker-123', AAD))).not.toContain('plain-marker-123');
  });

  test('seals with the active key and opens boxes of every configured key', () => {
    const old = vaultA.seal('old', AAD);
    expect(vaultAB.activeKeyId).toBe('b');
    expect(vaultAB.seal('new', AAD).kid).toBe('b');
    expect(vaultAB.open(old, AAD).toString()).toBe('old');
  });

  test('sealJson refuses a value JSON cannot represent', () => {
    expect(() => vaultA.sealJson(undefined, AAD)).toThrow(TypeError);
  });

  test('openJson of non-JSON content is an integrity error that does not quote the content', () => {
    const box = vaultA.seal('not json: secret-xyz', AAD);
    expect(() => vaultA.openJson(box, AAD)).toThrow(VaultIntegrityError);
    expect(() => vaultA.openJson(box, AAD)).not.toThrow(/secret-xyz/);
  });
});

describe('integrity', () => {
  const box = vaultAB.seal('tamper me', AAD);

  test('a different AAD is an integrity error', () => {
    expect(() => vaultAB.open(box, 'ca_OTHERROW')).toThrow(VaultIntegrityError);
    expect(() => vaultAB.open(box, '')).toThrow(VaultIntegrityError);
  });

  test.each(['ct', 'tag', 'iv', 'wdek', 'wtag', 'wiv'] as const)('a flipped byte in %s is an integrity error', (field) => {
    expect(() => vaultAB.open(flipByte(box, field), AAD)).toThrow(VaultIntegrityError);
  });

  test('a flipped last byte of ct is an integrity error', () => {
    const bytes = Buffer.from(box.ct, 'base64');
    expect(() => vaultAB.open(flipByte(box, 'ct', bytes.length - 1), AAD)).toThrow(VaultIntegrityError);
  });

  test('relabelling the box with another configured kid is an integrity error', () => {
    expect(() => vaultAB.open({ ...box, kid: 'a' }, AAD)).toThrow(VaultIntegrityError);
  });

  test('a wrapped key moved from another box is an integrity error', () => {
    const other = vaultAB.seal('other', AAD);
    expect(() => vaultAB.open({ ...box, wdek: other.wdek, wiv: other.wiv, wtag: other.wtag }, AAD)).toThrow(VaultIntegrityError);
  });

  test('an unknown kid is a key-not-found error', () => {
    expect(() => vaultA.open(box, AAD)).toThrow(VaultKeyNotFoundError);
    expect(() => vaultA.open({ ...box, kid: 'zz' }, AAD)).toThrow(VaultKeyNotFoundError);
  });

  test.each([
    ['null', null],
    ['a string', 'box'],
    ['an empty object', {}],
    ['another version', { ...box, v: 2 }],
    ['a missing field', { ...box, tag: undefined }],
    ['an extra field', { ...box, extra: 'x' }],
    ['a truncated tag', { ...box, tag: Buffer.from(box.tag, 'base64').subarray(0, 12).toString('base64') }],
    ['a short iv', { ...box, iv: Buffer.alloc(8).toString('base64') }],
    ['non-base64 ct', { ...box, ct: '!!!!' }],
    ['non-canonical base64', { ...box, iv: `${box.iv.slice(0, -1)}${box.iv.endsWith('A') ? 'B' : 'A'}` }],
    ['an invalid kid', { ...box, kid: 'bad kid' }],
  ])('a malformed box (%s) is an integrity error', (_label, malformed) => {
    expect(() => vaultAB.open(malformed, AAD)).toThrow(VaultIntegrityError);
  });

  test('error messages carry neither plaintext nor key material', () => {
    const secretBox = vaultAB.seal('plaintext-marker', AAD);
    const failures = [
      () => vaultAB.open(secretBox, 'wrong'),
      () => vaultAB.open(flipByte(secretBox, 'ct'), AAD),
      () => vaultB.open(vaultA.seal('plaintext-marker', AAD), AAD),
      () => vaultAB.openJson(secretBox, AAD),
    ];
    for (const fail of failures) {
      const message = captureMessage(fail);
      for (const secret of ['plaintext-marker', keyA, keyB]) expect(message).not.toContain(secret);
    }
  });
});

describe('rewrap', () => {
  test('moves a box to the active key and keeps the data and its plaintext', () => {
    const old = vaultA.seal('rotate me', AAD);
    expect(vaultAB.needsRewrap(old)).toBe(true);
    const rewrapped = vaultAB.rewrap(old);
    expect(rewrapped.kid).toBe('b');
    expect(vaultAB.needsRewrap(rewrapped)).toBe(false);
    expect({ iv: rewrapped.iv, tag: rewrapped.tag, ct: rewrapped.ct }).toEqual({ iv: old.iv, tag: old.tag, ct: old.ct });
    expect(rewrapped.wdek).not.toBe(old.wdek);
    expect(vaultB.open(rewrapped, AAD).toString()).toBe('rotate me');
  });

  test('leaves a box already under the active key as it is', () => {
    const current = vaultAB.seal('x', AAD);
    expect(vaultAB.rewrap(current)).toEqual(current);
  });

  test('needs the old key', () => {
    expect(() => vaultB.rewrap(vaultA.seal('x', AAD))).toThrow(VaultKeyNotFoundError);
  });

  test('refuses a tampered wrapped key', () => {
    expect(() => vaultAB.rewrap(flipByte(vaultA.seal('x', AAD), 'wdek'))).toThrow(VaultIntegrityError);
  });
});

describe('fromSpec', () => {
  test('the active key defaults to the last one and can be chosen', () => {
    expect(Vault.fromSpec(`a:${keyA},b:${keyB}`).activeKeyId).toBe('b');
    expect(Vault.fromSpec(` a:${keyA} , b:${keyB} `, 'a').activeKeyId).toBe('a');
  });

  test('generateKey returns 32 random bytes in base64', () => {
    expect(Buffer.from(Vault.generateKey(), 'base64')).toHaveLength(32);
    expect(Vault.generateKey()).not.toBe(Vault.generateKey());
  });

  const short = randomBytes(16).toString('base64');
  const long = randomBytes(33).toString('base64');
  test.each([
    ['an empty spec', '', undefined, /empty/],
    ['an empty entry', `a:${keyA},,b:${keyB}`, undefined, /empty/],
    ['an entry without a colon', keyA, undefined, /#1 is not of the form/],
    ['an invalid kid', `a:${keyA},bad kid!:${keyB}`, undefined, /#2 has an invalid key id/],
    ['a kid that is too long', `${'k'.repeat(33)}:${keyA}`, undefined, /#1 has an invalid key id/],
    ['a key that is not base64', `a:${keyA.slice(0, -2)}$$`, undefined, /"a" is not valid base64/],
    ['a 16-byte key', `a:${short}`, undefined, /"a" must decode to exactly 32 bytes/],
    ['a 33-byte key', `a:${long}`, undefined, /"a" must decode to exactly 32 bytes/],
    ['a duplicate kid', `a:${keyA},a:${keyB}`, undefined, /"a" is listed twice/],
    ['an unknown active key', `a:${keyA}`, 'b', /active key id "b" is not in the key spec/],
    ['an active key id that is key material', `a:${keyA}`, keyB, /active key id is not a valid key id/],
  ])('rejects %s without echoing any key', (_label, spec, active, message) => {
    const error = captureError(() => Vault.fromSpec(spec, active));
    expect(error).toBeInstanceOf(VaultConfigError);
    expect((error as Error).message).toMatch(message);
    for (const secret of [keyA, keyB, short, long, keyA.slice(0, -2)]) expect((error as Error).message).not.toContain(secret);
  });

  test('inspecting or serialising a vault shows no key material', () => {
    const shown = `${inspect(vaultAB, { showHidden: true, depth: 10 })}${JSON.stringify(vaultAB)}`;
    expect(shown).not.toContain(keyA);
    expect(shown).not.toContain(keyB);
    expect(shown).not.toContain(Buffer.from(keyA, 'base64').toString('hex').slice(0, 16));
  });
});

describe('rotate CLI environment', () => {
  const url = 'postgresql://u:p@127.0.0.1:5432/db';

  test('builds the vault from VAULT_KEYS and VAULT_ACTIVE_KEY_ID', () => {
    const env = parseEnv(rotateEnvSchema, { DATABASE_URL: url, VAULT_KEYS: `a:${keyA},b:${keyB}`, VAULT_ACTIVE_KEY_ID: 'a' });
    expect(env.databaseUrl).toBe(url);
    expect(env.vault.activeKeyId).toBe('a');
  });

  test('names the variable at fault and never echoes a key', () => {
    const message = captureMessage(() => parseEnv(rotateEnvSchema, { DATABASE_URL: 'http://x', VAULT_KEYS: `a:${keyA.slice(0, 20)}` }));
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/VAULT_KEYS: key "a" must decode to exactly 32 bytes/);
    expect(message).not.toContain(keyA.slice(0, 20));
    expect(captureMessage(() => parseEnv(rotateEnvSchema, { DATABASE_URL: url, VAULT_KEYS: `a:${keyA}`, VAULT_ACTIVE_KEY_ID: 'b' }))).toMatch(/VAULT_ACTIVE_KEY_ID/);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function captureMessage(fn: () => unknown): string {
  const error = captureError(fn);
  return error instanceof Error ? error.message : String(error);
}
