export type ProviderClient = { clientId: string; clientSecret: string };

export type ClientAuth = { ok: true; clientId: string } | { ok: false; error: 'invalid_client' | 'invalid_request'; description: string };

/** RFC 6749 2.3.1: Basic credentials are form-encoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function parseBasic(header: string): { id: string; secret: string } | undefined {
  const [scheme, encoded] = header.split(' ', 2);
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

/** client_secret_basic or client_secret_post, never both (RFC 6749 2.3). */
export function authenticateClient(authorization: string | undefined, form: URLSearchParams, clients: ReadonlyMap<string, string>): ClientAuth {
  const formSecret = form.get('client_secret');
  let id: string | null;
  let secret: string | null;
  if (authorization !== undefined) {
    if (formSecret !== null) return { ok: false, error: 'invalid_request', description: 'more than one client authentication method' };
    const basic = parseBasic(authorization);
    if (!basic) return { ok: false, error: 'invalid_client', description: 'malformed Authorization header' };
    ({ id, secret } = basic);
  } else {
    id = form.get('client_id');
    secret = formSecret;
  }
  if (id === null || secret === null) return { ok: false, error: 'invalid_client', description: 'client authentication required' };
  // a test double: plain comparison is fine, timing attacks are out of scope here
  if (clients.get(id) !== secret) return { ok: false, error: 'invalid_client', description: 'client authentication failed' };
  return { ok: true, clientId: id };
}
