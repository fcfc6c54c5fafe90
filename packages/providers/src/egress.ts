import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where thermos may send a credential. Tenants choose revocation endpoints, so by default only
 * https to public addresses is allowed: no loopback, private, link-local (the cloud metadata
 * service), CGNAT, multicast or reserved ranges. The check runs on the resolved addresses at
 * every call (DNS can change between create and call), and the connection goes to the vetted
 * address (a rebinding between check and connect is impossible), keeping SNI and Host.
 */
export type EgressPolicy = {
  /** Hosts (`name` or `name:port`, IPv6 in brackets) that may resolve to non-public addresses. */
  allowedHosts?: readonly string[];
  /** Local development and tests: plain http and loopback addresses are allowed. Off by default. */
  allowInsecureLoopback?: boolean;
};

export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'shared' | 'multicast' | 'unspecified' | 'reserved';

export class EgressDeniedError extends Error {
  override readonly name = 'EgressDeniedError';
  readonly code = 'egress_denied';
}

type Range = [string, number, AddressClass];

const V4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // CGNAT (RFC 6598), also Alibaba's metadata address
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'], // includes 169.254.169.254, the cloud metadata service
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (Oracle's metadata is 192.0.0.192)
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255 (broadcast)
];

const V6_RANGES: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'reserved'], // documentation
  ['2001::', 32, 'reserved'], // Teredo: tunnels to an IPv4 address we cannot vet
  ['fc00::', 7, 'private'], // unique local, includes AWS's fd00:ec2::254 metadata address
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];

function blockListOf(): Map<AddressClass, BlockList> {
  const lists = new Map<AddressClass, BlockList>();
  for (const [ranges, type] of [
    [V4_RANGES, 'ipv4'],
    [V6_RANGES, 'ipv6'],
  ] as const) {
    for (const [network, prefix, kind] of ranges) {
      const list = lists.get(kind) ?? new BlockList();
      list.addSubnet(network, prefix, type);
      lists.set(kind, list);
    }
  }
  return lists;
}
const BLOCK_LISTS = blockListOf();

function classifyV4(address: string): AddressClass {
  for (const [kind, list] of BLOCK_LISTS) if (list.check(address, 'ipv4')) return kind;
  return 'public';
}

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(words: number[]): string | undefined {
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6] as number, words[7] as number); // ::ffff:a.b.c.d
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6] as number, words[7] as number); // 64:ff9b::/96
  if (words[0] === 0x64 && words[1] === 0xff9b && words[2] === 1) return v4(words[6] as number, words[7] as number); // 64:ff9b:1::/48
  if (words[0] === 0x2002) return v4(words[1] as number, words[2] as number); // 6to4
  return undefined;
}

/** Expands an IPv6 address (any textual form, `%zone` allowed) into its eight 16-bit words. */
function v6Words(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = (dotted[1] as string).split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${(((parts[0] as number) << 8) | (parts[1] as number)).toString(16)}:${(((parts[2] as number) << 8) | (parts[3] as number)).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split('::');
  if (rest.length > 0) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...Array<number>(Math.max(0, fill)).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

// A run vets every request's address, and a few addresses take millions of requests: a verdict
// is a pure function of the text, so it is remembered (bounded; the oldest goes first).
const CLASS_CACHE_ENTRIES = 4096;
const classes = new Map<string, AddressClass>();

/** What kind of address `ip` is (v4 or v6 literal); anything unparseable counts as reserved. */
export function classifyAddress(ip: string): AddressClass {
  const known = classes.get(ip);
  if (known !== undefined) return known;
  const kind = classifyText(ip);
  if (classes.size >= CLASS_CACHE_ENTRIES) classes.delete(classes.keys().next().value as string);
  classes.set(ip, kind);
  return kind;
}

function classifyText(ip: string): AddressClass {
  const address = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 4) return classifyV4(address);
  if (family !== 6) return 'reserved';
  const words = v6Words(address);
  if (!words) return 'reserved';
  const compatible = words.slice(0, 6).every((w) => w === 0);
  // :: and ::1 are the v6 unspecified and loopback addresses; other ::a.b.c.d (deprecated) are not used
  if (compatible && !(words[6] === 0 && (words[7] === 0 || words[7] === 1))) return 'reserved';
  const v4 = compatible ? undefined : embeddedV4(words);
  if (v4 !== undefined) return classifyV4(v4);
  const canonical = words.map((w) => w.toString(16)).join(':');
  for (const [kind, list] of BLOCK_LISTS) if (list.check(canonical, 'ipv6')) return kind;
  return 'public';
}

function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Whether the operator allowlisted this URL's host (with any port, or this port). */
export function isAllowedHost(url: URL, allowedHosts: readonly string[] = []): boolean {
  const host = hostOf(url);
  const port = defaultPort(url);
  return allowedHosts.some((entry) => {
    const normalized = entry.trim().toLowerCase().replace(/\.$/, '');
    if (normalized === '') return false;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(normalized);
    if (bracketed) return bracketed[1] === host && (bracketed[2] === undefined || bracketed[2] === port);
    const colon = normalized.lastIndexOf(':');
    // a bare IPv6 address has colons but no port
    if (colon > 0 && isIP(normalized) !== 6) return normalized.slice(0, colon) === host && normalized.slice(colon + 1) === port;
    return normalized === host;
  });
}

/**
 * The parts of the policy that need no DNS: scheme, credentials in the URL, and a literal
 * address's class. Returns why the URL is refused, or null.
 */
export function egressRefusalOf(url: URL, policy: EgressPolicy = {}): string | null {
  if (url.username || url.password) return 'the URL carries credentials';
  const allowed = isAllowedHost(url, policy.allowedHosts);
  const host = hostOf(url);
  const literal = isIP(host) !== 0;
  const literalClass = literal ? classifyAddress(host) : undefined;
  if (url.protocol !== 'https:') {
    const loopbackHttp = url.protocol === 'http:' && policy.allowInsecureLoopback === true && (literalClass === 'loopback' || (!literal && isLoopbackName(host)));
    if (!loopbackHttp) return url.protocol === 'http:' ? 'only https is allowed' : `the scheme ${url.protocol.replace(/:$/, '')} is not allowed`;
  }
  if (literalClass !== undefined && !allowed) return refusalOfClass(literalClass, policy);
  return null;
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function refusalOfClass(kind: AddressClass, policy: EgressPolicy): string | null {
  if (kind === 'public') return null;
  if (kind === 'loopback' && policy.allowInsecureLoopback === true) return null;
  return `it points at a ${kind.replace('_', '-')} address`;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/**
 * Remembers answers for `ttlMs`: a run sends millions of requests to a few hosts, and a
 * getaddrinfo per request would queue on libuv's four threads. Only answers are cached, never
 * verdicts: every call still vets what it connects to. Failures are not cached.
 */
export function cachingResolver(resolver: Resolver, ttlMs = 30_000, maxEntries = 1024, now: () => number = Date.now): Resolver {
  const cache = new Map<string, { addresses: LookupAddress[]; until: number }>();
  return async (hostname) => {
    const hit = cache.get(hostname);
    if (hit && hit.until > now()) return hit.addresses;
    const addresses = await resolver(hostname);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(hostname, { addresses, until: now() + ttlMs });
    return addresses;
  };
}

/**
 * Resolves the URL's host and vets every address it answers (one bad address refuses the
 * host: a mixed answer is how rebinding is done). Throws EgressDeniedError, or the resolver's
 * error (ENOTFOUND, EAI_AGAIN: transient for the caller). Returns the vetted addresses.
 */
export async function vetDestination(url: URL, policy: EgressPolicy = {}, resolver: Resolver = systemResolver): Promise<LookupAddress[]> {
  const refusal = egressRefusalOf(url, policy);
  if (refusal) throw new EgressDeniedError(`egress policy refused the endpoint: ${refusal}`);
  const host = hostOf(url);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await resolver(host);
  if (addresses.length === 0) throw Object.assign(new Error('the host has no address'), { code: 'ENOTFOUND' });
  const allowed = isAllowedHost(url, policy.allowedHosts);
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    const reason = allowed ? null : refusalOfClass(kind, policy);
    if (reason) throw new EgressDeniedError(`egress policy refused the endpoint: its host resolves to a ${kind.replace('_', '-')} address`);
    // plain http only ever reaches this machine
    if (url.protocol === 'http:' && kind !== 'loopback') throw new EgressDeniedError('egress policy refused the endpoint: only https is allowed');
  }
  return addresses;
}

/** A `lookup` for node:http that answers only the vetted addresses: the socket goes where we checked. */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const matching = addresses.filter((a) => family === 0 || a.family === family);
    const list = matching.length > 0 ? matching : addresses;
    const first = list[0] as LookupAddress;
    if (options.all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, list.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, first.address, first.family);
  };
}
