import { Vault } from '@at/vault';
import type { PendingItem } from '../runs/item-store';
import { decide, pageKnowledge } from './revoke-connection';

const vault = Vault.fromSpec(`k:${Vault.generateKey()}`);

function item(overrides: Partial<PendingItem> = {}): PendingItem {
  return {
    seq: 1,
    connectedAccountId: 'ca_1',
    projectId: 'prj_1',
    connectionStatus: 'active',
    authConfigId: 'ac_1',
    toolkit: 'okta',
    authScheme: 'oauth2',
    clientId: 'client',
    clientSecretSealed: vault.sealJson('client-secret', 'ac_1'),
    revocationEndpoint: null,
    tokenEndpoint: null,
    parameters: { okta_domain: 'acme.okta.com' },
    credentialSealed: vault.sealJson({ type: 'oauth2', access_token: 'at' }, 'ca_1'),
    ...overrides,
  };
}

describe('decide', () => {
  test("the auth config's per-tenant values travel with the request's client (they fill the catalog endpoints)", () => {
    const decision = decide(item(), vault, pageKnowledge());
    expect(decision).toEqual({
      kind: 'call',
      request: { toolkit: 'okta', authScheme: 'oauth2', client: { clientId: 'client', clientSecret: 'client-secret', parameters: { okta_domain: 'acme.okta.com' } }, credential: { type: 'oauth2', access_token: 'at' } },
    });
  });

  test('an auth config without values sends none', () => {
    const decision = decide(item({ toolkit: 'google', parameters: null }), vault, pageKnowledge());
    expect(decision.kind).toBe('call');
    expect(decision.kind === 'call' ? decision.request.client : undefined).toEqual({ clientId: 'client', clientSecret: 'client-secret' });
  });
});
