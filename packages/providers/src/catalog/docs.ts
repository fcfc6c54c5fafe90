import type { CatalogEntry, CatalogRateLimit, CatalogRevocation } from './schema';

export const GENERATED_START = '<!-- generated from packages/providers/catalog by pnpm catalog:docs: edit the provider files, not this section -->';
export const GENERATED_END = '<!-- end of the generated section -->';

/**
 * Puts the generated catalog section into docs/providers.md between its markers (appending it
 * when the markers are missing), leaving the hand-written text around it alone.
 */
export function spliceCatalogSection(doc: string, section: string): string {
  const start = doc.indexOf(GENERATED_START);
  const end = doc.indexOf(GENERATED_END);
  const block = `${GENERATED_START}\n\n${section}\n${GENERATED_END}`;
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + GENERATED_END.length)}`;
}

/**
 * The catalog's part of docs/providers.md: one table row per toolkit, every cell linked to the
 * documentation it comes from. Pure, so a unit test can prove the committed file is current.
 */
export function renderCatalogSection(entries: readonly CatalogEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.slug.localeCompare(b.slug));
  const oauth = sorted.filter((e) => e.oauth2 !== undefined);
  const apiKey = sorted.filter((e) => e.api_key !== undefined);
  const revocable = sorted.filter((e) => revocations(e).some((r) => r.style !== 'none'));
  const unverified = sorted.reduce((n, e) => n + countFacts(e, (f) => f.verified === false), 0);
  const total = sorted.reduce((n, e) => n + countFacts(e, () => true), 0);

  const lines: string[] = [
    '## Toolkits',
    '',
    `The catalog knows **${sorted.length} toolkits**: ${oauth.length} with OAuth 2.0, ${apiKey.length} with API keys; ` +
      `${revocable.length} document a revocation call. Every fact links to the provider documentation it comes from; ` +
      `${unverified} of ${total} facts are marked *unverified* (taken from general knowledge, not re-read in the cited page ` +
      'while the entry was written) and are shown in italics below. Besides these, the `oauth2` toolkit revokes at any ' +
      'RFC 7009 server given its `revocation_endpoint`.',
    '',
    'Revocation styles: `rfc7009` is the generic RFC 7009 call (form body, client authentication as listed); every other ' +
    'style is a code adapter for a provider that departs from the RFCs; `none` means the provider cannot revoke, so the ' +
    'credential is destroyed locally and the result says `unsupported_by_provider` with the reason.',
    '',
    '### OAuth 2.0 toolkits',
    '',
    '| toolkit | revocation | token endpoint auth | access token | refresh token | published ceilings | our revoke ceiling |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...oauth.map(oauthRow),
    '',
    '### API-key toolkits',
    '',
    '| toolkit | key is sent as | revocation | published ceilings |',
    '| --- | --- | --- | --- |',
    ...apiKey.map(apiKeyRow),
    '',
    '### When the provider cannot revoke',
    '',
    'What the result reports, and what a user or admin must do instead to cut the app off.',
    '',
    '| toolkit | scheme | why nothing is called | what to do instead |',
    '| --- | --- | --- | --- |',
    ...sorted.flatMap(noneRows),
    '',
    '### Per-tenant values',
    '',
    'Endpoints with a `{placeholder}` need a value from the auth config, from each connected account, or from the credential itself.',
    '',
    '| toolkit | value | from | meaning |',
    '| --- | --- | --- | --- |',
    ...sorted.flatMap((e) => (e.parameters ?? []).map((p) => row([toolkitCell(e), `\`{${p.name}}\``, p.from.replaceAll('_', ' '), escape(p.description)]))),
    '',
    '### How each provider reports failures',
    '',
    '| toolkit | dead token | bad client | rate limited |',
    '| --- | --- | --- | --- |',
    ...sorted.map(errorRow),
    '',
    ...HOW_TO_ADD,
  ];
  return `${lines.join('\n')}\n`;
}

type AnyFact = { value: unknown; source?: string | undefined; sources?: string[] | undefined; note?: string | undefined; verified?: boolean | undefined };

function oauthRow(e: CatalogEntry): string {
  const o = e.oauth2;
  if (!o) return '';
  const rt = o.refresh_token.value;
  const refresh =
    rt.issued === 'never'
      ? 'none'
      : [rt.issued === 'on_request' ? `on request${rt.how ? ` (${rt.how})` : ''}` : 'always', rt.rotates === true ? 'rotates' : rt.rotates === false ? 'does not rotate' : 'rotation not published', `lifetime ${duration(rt.lifetime_seconds)}`, ...(rt.idle_lifetime_seconds !== undefined ? [`idle ${duration(rt.idle_lifetime_seconds)}`] : [])].join(', ');
  return row([
    toolkitCell(e),
    fact(e.revocation.oauth2 as AnyFact | undefined, revocationText),
    fact(o.token_endpoint_auth, (v) => (v as string[]).join(', ')),
    fact(o.access_token_lifetime_seconds, (v) => duration(v as number | 'never' | null)),
    fact(o.refresh_token, () => refresh),
    ceilings(e),
    e.revocation_ceiling ? fact(e.revocation_ceiling, (v) => `${(v as { per_second: number }).per_second}/s (${(v as { basis: string }).basis.replace('_', ' ')})`) : '—',
  ]);
}

function apiKeyRow(e: CatalogEntry): string {
  const k = e.api_key;
  if (!k) return '';
  return row([toolkitCell(e), fact(k.sent_as, (v) => { const s = v as { in: string; name: string; format: string }; return `${s.in === 'basic_auth' ? 'HTTP Basic' : s.in} \`${s.name}: ${s.format}\``; }), fact(e.revocation.api_key as AnyFact | undefined, revocationText), ceilings(e)]);
}

function noneRows(e: CatalogEntry): string[] {
  return (['oauth2', 'api_key'] as const).flatMap((scheme) => {
    const f = e.revocation[scheme];
    if (!f || f.value.style !== 'none') return [];
    return [row([toolkitCell(e), scheme, fact(f, () => (f.value.style === 'none' ? f.value.reason : '')), escape(f.value.style === 'none' ? f.value.instead : '')])];
  });
}

function errorRow(e: CatalogEntry): string {
  const shape = (v: unknown): string => {
    if (v === null) return 'n/a';
    const s = v as { status: number[]; codes: string[]; retry_after_header?: string | null };
    const codes = s.codes.length > 0 ? ` ${s.codes.map((c) => `\`${c}\``).join(', ')}` : '';
    const retry = s.retry_after_header === undefined ? '' : s.retry_after_header === null ? '; no Retry-After' : `; \`${s.retry_after_header}\``;
    return `${s.status.join('/')}${codes}${retry}`;
  };
  return row([toolkitCell(e), fact(e.errors.dead_token, shape), fact(e.errors.bad_client, shape), fact(e.errors.rate_limited, shape)]);
}

function revocationText(v: unknown): string {
  const r = v as CatalogRevocation;
  if (r.style === 'none') return '**none**';
  return `\`${r.style}\` ${r.method} \`${r.endpoint}\` (${r.auth.replaceAll('_', ' ')}; revokes the ${r.revokes})`;
}

function ceilings(e: CatalogEntry): string {
  if (!Array.isArray(e.rate_limits)) return fact(e.rate_limits, () => 'not published');
  return e.rate_limits.map((f) => fact(f, (v) => limitText(v as CatalogRateLimit))).join('; ');
}

function limitText(l: CatalogRateLimit): string {
  const unit = l.unit.replaceAll('_', ' ');
  if (l.kind === 'concurrency') return `${l.limit} in flight ${unit}`;
  const per: Record<number, string> = { 1: '/s', 60: '/min', 3600: '/h', 86400: '/day' };
  return `${l.limit.toLocaleString('en-US')}${per[l.window_seconds] ?? ` per ${duration(l.window_seconds)}`} ${unit}`;
}

function toolkitCell(e: CatalogEntry): string {
  return `[\`${e.slug}\`](${e.docs_url.value}) ${escape(e.display_name.value)}`;
}

/** A fact's text linked to its (first) source; unverified facts in italics; the note as a title. */
function fact(f: AnyFact | undefined, text: (value: unknown) => string): string {
  if (!f) return '—';
  const url = f.source ?? f.sources?.[0] ?? '';
  const body = f.value === null ? 'not published' : text(f.value);
  const linked = `[${escape(body)}](${url}${f.note ? ` "${f.note.replaceAll('"', "'")}"` : ''})`;
  return f.verified === false ? `*${linked}*` : linked;
}

function duration(v: number | 'never' | null): string {
  if (v === null) return 'not published';
  if (v === 'never') return 'never expires';
  const units: Array<[number, string]> = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  for (const [size, name] of units) if (v >= size && v % size === 0) return v === size && name !== 's' ? `1 ${name}` : `${v / size} ${name}`;
  return `${v} s`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function revocations(e: CatalogEntry): CatalogRevocation[] {
  return [e.revocation.oauth2?.value, e.revocation.api_key?.value].filter((r): r is CatalogRevocation => r !== undefined);
}

/** Counts the facts of an entry (objects with a value and a source) that satisfy `test`. */
export function countFacts(entry: CatalogEntry, test: (f: AnyFact) => boolean): number {
  let n = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if ('value' in record && ('source' in record || 'sources' in record)) {
      if (test(record as AnyFact)) n += 1;
      return;
    }
    Object.values(record).forEach(visit);
  };
  visit(entry);
  return n;
}

const HOW_TO_ADD = [
  '### Adding a provider',
  '',
  'A provider is one file, `packages/providers/catalog/<slug>.json`, checked against',
  '`packages/providers/src/catalog/schema.ts` when the catalog loads (every service start, every test run, and',
  '`pnpm catalog:check`). A bad file stops the load with a message naming the file and the field.',
  '',
  '1. Copy the file of a provider that works the same way (an RFC 7009 one such as `gitlab.json`, or an',
  '   API-key one such as `openai.json`) to `<slug>.json`; the slug is lower-case letters, digits and dashes and',
  '   must match the file name.',
  '2. Fill in every fact from the provider\'s **own** documentation. A fact is',
  '   `{ "value": ..., "source": "https://<provider docs page>" }` (or `"sources": [...]`), with an optional',
  '   `"note"`. Something the provider does not publish is `"value": null` with a `"note"` saying so and the',
  '   closest official page as the source. A fact you did not re-read in the cited page gets `"verified": false`.',
  '   Never cite an aggregator (Nango, Composio, blog posts): the test rejects their hosts.',
  '3. Revocation: if the provider implements RFC 7009, use `"style": "rfc7009"` with its endpoint and client',
  '   authentication, and no code is needed. If it cannot revoke, use `"style": "none"` with a `reason` (recorded',
  '   as the result\'s reason) and `instead` (what the user or admin must do). Only a provider that departs from',
  '   the RFCs needs code: a new style in `REVOCATION_STYLES`, a file in `src/adapters/`, a model of its',
  '   documented answers in `packages/devstack/src/provider-server/catalog-vendor-routes.ts` and its cases in',
  '   `src/catalog-vendor-models.integration.test.ts` (success, dead token, bad client, rate limit, quirks).',
  '4. Endpoints with a per-tenant part use `{placeholders}` declared in `parameters` (e.g. Zendesk\'s',
  '   `{subdomain}`); the schema rejects an undeclared or unused one. Auth configs of the toolkit must then',
  '   carry the value (`parameters` in `POST /api/v1/auth_configs`, a 400 when it is missing).',
  '5. Record how the provider answers a dead token, a bad client and rate limiting (`errors`), its published',
  '   ceilings (`rate_limits`, or one null fact when none is published) and, if it can revoke, the',
  '   `revocation_ceiling` the shared limiter holds revoke calls to.',
  '6. Run `pnpm catalog:docs` to regenerate this section and `pnpm catalog:check` (or the unit tests) to validate.',
  '   Nothing else changes: `GET /api/v1/toolkits` lists the new toolkit, auth configs accept its slug, and the',
  '   connect flow, refresh and revocation read its endpoints and error codes from the file.',
];
