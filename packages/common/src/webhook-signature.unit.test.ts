import { newWebhookSecret, signatureHeader, signWebhook, verifyWebhook } from './webhook-signature';

// The test vector published with the Standard Webhooks reference libraries (their sign tests).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = VECTOR.timestamp * 1000;
const headersOf = (signature: string, timestamp = VECTOR.timestamp, id = VECTOR.id) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

test('signs the Standard Webhooks test vector exactly', () => {
  expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
});

test('verifies the test vector, and refuses it with any part changed', () => {
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature), VECTOR.body, { now: at })).toBe(true);
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature), `${VECTOR.body} `, { now: at })).toBe(false);
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature, VECTOR.timestamp + 1), VECTOR.body, { now: at })).toBe(false);
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature, VECTOR.timestamp, 'msg_other'), VECTOR.body, { now: at })).toBe(false);
  expect(verifyWebhook(newWebhookSecret(), headersOf(VECTOR.signature), VECTOR.body, { now: at })).toBe(false);
  expect(verifyWebhook(VECTOR.secret, headersOf('v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), VECTOR.body, { now: at })).toBe(false);
});

test('refuses a replay: a timestamp more than five minutes away from now, either way', () => {
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature), VECTOR.body, { now: at + 301_000 })).toBe(false);
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature), VECTOR.body, { now: at - 301_000 })).toBe(false);
  expect(verifyWebhook(VECTOR.secret, headersOf(VECTOR.signature), VECTOR.body, { now: at + 299_000 })).toBe(true);
});

test('during a rotation the header carries both signatures and either secret verifies it', () => {
  const previous = newWebhookSecret();
  const next = newWebhookSecret();
  const header = signatureHeader([next, previous], 'evt_1', VECTOR.timestamp, VECTOR.body);
  expect(header.split(' ')).toHaveLength(2);
  expect(verifyWebhook(previous, headersOf(header, VECTOR.timestamp, 'evt_1'), VECTOR.body, { now: at })).toBe(true);
  expect(verifyWebhook(next, headersOf(header, VECTOR.timestamp, 'evt_1'), VECTOR.body, { now: at })).toBe(true);
  expect(verifyWebhook(newWebhookSecret(), headersOf(header, VECTOR.timestamp, 'evt_1'), VECTOR.body, { now: at })).toBe(false);
});

test('new secrets are whsec_ and 32 random bytes', () => {
  const secret = newWebhookSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  expect(newWebhookSecret()).not.toBe(secret);
});
