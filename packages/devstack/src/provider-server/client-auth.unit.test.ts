import { authenticateClient } from './client-auth';

const clients = new Map([['my client', 'p@ss:word']]);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('authenticateClient', () => {
  it('accepts client_secret_basic with form-encoded credentials (RFC 6749 2.3.1)', () => {
    const header = basic(encodeURIComponent('my client'), encodeURIComponent('p@ss:word'));
    expect(authenticateClient(header, new URLSearchParams(), clients)).toEqual({ ok: true, clientId: 'my client' });
  });

  it('accepts client_secret_post', () => {
    const form = new URLSearchParams({ client_id: 'my client', client_secret: 'p@ss:word' });
    expect(authenticateClient(undefined, form, clients)).toEqual({ ok: true, clientId: 'my client' });
  });

  it.each([
    ['a wrong secret', basic('my+client', 'nope'), {}],
    ['an unknown client', basic('other', 'p%40ss%3Aword'), {}],
    ['no credentials', undefined, {}],
    ['a bearer header', 'Bearer abc', {}],
    ['a client id without secret', undefined, { client_id: 'my client' }],
  ])('rejects %s as invalid_client', (_, header, form) => {
    expect(authenticateClient(header, new URLSearchParams(form), clients)).toMatchObject({ ok: false, error: 'invalid_client' });
  });

  it('rejects two authentication methods at once as invalid_request', () => {
    const form = new URLSearchParams({ client_secret: 'p@ss:word' });
    expect(authenticateClient(basic('my+client', 'p%40ss%3Aword'), form, clients)).toMatchObject({ ok: false, error: 'invalid_request' });
  });
});
