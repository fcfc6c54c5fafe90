import type { LookupAddress } from 'node:dns';
import { cachingResolver, classifyAddress, EgressDeniedError, egressRefusalOf, isAllowedHost, pinnedLookup, vetDestination, type Resolver } from './egress';

describe('classifyAddress', () => {
  test.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.100.100.200', 'shared'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['169.254.0.1', 'link_local'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.0.0.192', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
  ])('IPv4 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  test.each([
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:82a::200e', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['100::1', 'reserved'],
    // an IPv4 address inside IPv6 is judged as that IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::a00:1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
  ])('IPv6 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  test.each(['', 'localhost', '999.1.1.1', '1.2.3', '::g', '1:2:3:4:5:6:7:8:9'])('%j is not an address: reserved', (text) => {
    expect(classifyAddress(text)).toBe('reserved');
  });
});

describe('egressRefusalOf (no DNS)', () => {
  const refusal = (url: string, policy = {}) => egressRefusalOf(new URL(url), policy);

  test('https to a name or a public address passes; everything else needs a reason', () => {
    expect(refusal('https://idp.example.com/revoke')).toBeNull();
    expect(refusal('https://8.8.8.8/revoke')).toBeNull();
    expect(refusal('http://idp.example.com/revoke')).toBe('only https is allowed');
    expect(refusal('ftp://idp.example.com/revoke')).toBe('the scheme ftp is not allowed');
    expect(refusal('https://u:p@idp.example.com/revoke')).toBe('the URL carries credentials');
    expect(refusal('https://127.0.0.1/revoke')).toBe('it points at a loopback address');
    expect(refusal('https://[::1]/revoke')).toBe('it points at a loopback address');
    expect(refusal('https://169.254.169.254/latest/meta-data')).toBe('it points at a link-local address');
    expect(refusal('https://[::ffff:169.254.169.254]/')).toBe('it points at a link-local address');
    expect(refusal('https://10.1.2.3/')).toBe('it points at a private address');
    // the URL parser normalises decimal, octal and hex forms before we see them
    expect(refusal('https://2130706433/')).toBe('it points at a loopback address');
    expect(refusal('https://0x7f.1/')).toBe('it points at a loopback address');
    expect(refusal('https://0177.0.0.1/')).toBe('it points at a loopback address');
  });

  test('the insecure-loopback switch opens http and loopback, nothing else', () => {
    const dev = { allowInsecureLoopback: true };
    expect(refusal('http://127.0.0.1:9000/revoke', dev)).toBeNull();
    expect(refusal('http://localhost:9000/revoke', dev)).toBeNull();
    expect(refusal('http://[::1]:9000/revoke', dev)).toBeNull();
    expect(refusal('https://127.0.0.1/revoke', dev)).toBeNull();
    expect(refusal('http://idp.example.com/revoke', dev)).toBe('only https is allowed');
    expect(refusal('http://10.0.0.1/revoke', dev)).toBe('only https is allowed');
    expect(refusal('https://10.0.0.1/revoke', dev)).toBe('it points at a private address');
    expect(refusal('https://169.254.169.254/', dev)).toBe('it points at a link-local address');
  });

  test('an allowlisted host may be private, but still needs https', () => {
    const policy = { allowedHosts: ['10.0.0.5', 'idp.internal:8443', '[fd00::5]'] };
    expect(refusal('https://10.0.0.5/revoke', policy)).toBeNull();
    expect(refusal('https://[fd00::5]/revoke', policy)).toBeNull();
    expect(refusal('http://10.0.0.5/revoke', policy)).toBe('only https is allowed');
    expect(refusal('https://10.0.0.6/revoke', policy)).toBe('it points at a private address');
  });
});

describe('isAllowedHost', () => {
  const allowed = (url: string, hosts: string[]) => isAllowedHost(new URL(url), hosts);
  test('a bare host allows any port, host:port only that port; case and a trailing dot do not matter', () => {
    expect(allowed('https://IDP.internal./x', ['idp.internal'])).toBe(true);
    expect(allowed('https://idp.internal:8443/x', ['idp.internal'])).toBe(true);
    expect(allowed('https://idp.internal:8443/x', ['idp.internal:8443'])).toBe(true);
    expect(allowed('https://idp.internal/x', ['idp.internal:8443'])).toBe(false);
    expect(allowed('https://idp.internal/x', ['idp.internal:443'])).toBe(true);
    expect(allowed('https://evil-idp.internal/x', ['idp.internal'])).toBe(false);
    expect(allowed('https://idp.internal.evil.com/x', ['idp.internal'])).toBe(false);
    expect(allowed('https://[fd00::5]:8443/x', ['[fd00::5]:8443'])).toBe(true);
    expect(allowed('https://[fd00::5]/x', ['fd00::5'])).toBe(true);
    expect(allowed('https://x/x', ['', ' '])).toBe(false);
  });
});

describe('vetDestination (call time, on the resolved addresses)', () => {
  const resolving =
    (...addresses: string[]): Resolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  test('a name resolving to loopback, the metadata service or a private address is refused', async () => {
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '10.0.0.8', '::ffff:192.168.0.1', 'fd00:ec2::254']) {
      await expect(vetDestination(new URL('https://rebind.example.com/revoke'), {}, resolving(address))).rejects.toThrow(EgressDeniedError);
    }
  });

  test('one bad address among good ones refuses the host', async () => {
    await expect(vetDestination(new URL('https://mixed.example.com/'), {}, resolving('8.8.8.8', '127.0.0.1'))).rejects.toThrow(/loopback/);
  });

  test('public addresses pass and are returned for pinning', async () => {
    await expect(vetDestination(new URL('https://idp.example.com/'), {}, resolving('8.8.8.8', '2606:4700::1'))).resolves.toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
  });

  test('the real resolver: localhost is loopback, refused without the switch, allowed with it', async () => {
    await expect(vetDestination(new URL('https://localhost:1/revoke'))).rejects.toThrow(EgressDeniedError);
    await expect(vetDestination(new URL('http://localhost:1/revoke'), { allowInsecureLoopback: true })).resolves.not.toHaveLength(0);
  });

  test('an allowlisted name may resolve privately; the switch does not open private addresses', async () => {
    await expect(vetDestination(new URL('https://idp.internal/'), { allowedHosts: ['idp.internal'] }, resolving('10.0.0.5'))).resolves.toHaveLength(1);
    await expect(vetDestination(new URL('https://idp.internal/'), { allowInsecureLoopback: true }, resolving('10.0.0.5'))).rejects.toThrow(/private/);
  });

  test('resolver errors pass through (the caller retries them as transient)', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(vetDestination(new URL('https://nowhere.invalid/'), {}, failing)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('pinnedLookup', () => {
  const addresses: LookupAddress[] = [
    { address: '8.8.8.8', family: 4 },
    { address: '2606:4700::1', family: 6 },
  ];
  test('answers only the vetted addresses, in both callback forms', () => {
    const lookup = pinnedLookup(addresses);
    const calls: unknown[][] = [];
    lookup('ignored.example.com', { all: true }, (...args) => calls.push(args));
    lookup('ignored.example.com', { family: 6 }, (...args) => calls.push(args));
    lookup('ignored.example.com', { family: 4 }, (...args) => calls.push(args));
    expect(calls).toEqual([
      [null, addresses],
      [null, '2606:4700::1', 6],
      [null, '8.8.8.8', 4],
    ]);
  });
});

describe('cachingResolver', () => {
  test('answers from memory within the TTL, asks again after it, and never caches a failure', async () => {
    let clock = 0;
    const calls: string[] = [];
    let fail = true;
    const resolver = cachingResolver(
      async (host) => {
        calls.push(host);
        if (fail) throw Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' });
        return [{ address: '8.8.8.8', family: 4 }];
      },
      1000,
      2,
      () => clock,
    );
    await expect(resolver('a.example.com')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
    fail = false;
    await resolver('a.example.com');
    await resolver('a.example.com');
    clock = 1001;
    await resolver('a.example.com');
    expect(calls).toEqual(['a.example.com', 'a.example.com', 'a.example.com']);
    // bounded: the oldest entry goes first
    await resolver('b.example.com');
    await resolver('c.example.com');
    await resolver('a.example.com');
    expect(calls.filter((h) => h === 'a.example.com')).toHaveLength(4);
  });
});
