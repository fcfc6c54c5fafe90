import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_END, GENERATED_START, renderCatalogSection, spliceCatalogSection } from './docs';
import { PROVIDERS_DOC } from './docs-file';
import { CATALOG_DIR, CatalogError, loadCatalog, loadCatalogFrom } from './load';
import { type CatalogEntry, REVOCATION_STYLES } from './schema';

// This suite is the catalog's build-time check (scripts/test.sh also runs pnpm catalog:check).
const catalog = loadCatalog();
const entries = [...catalog.values()];

// Where a fact may not come from: aggregators and third-party write-ups, however useful to cross-check.
const NOT_PROVIDER_DOCS = ['nango.dev', 'composio.dev', 'workos.com', 'gitguardian.com', 'skills.sh', 'apidog.com', 'docs.rs', 'stackoverflow.com', 'medium.com', 'arcticjs.dev', 'pipedream.com', 'api-evangelist'];

describe('the provider catalog', () => {
  test('every file validates, and the slug is the file name', () => {
    expect(entries.length).toBeGreaterThanOrEqual(50);
    for (const [slug, entry] of catalog) expect(entry.slug).toBe(slug);
  });

  test('holds at least 40 OAuth providers, including those platforms connect most', () => {
    const oauth = entries.filter((e) => e.auth_schemes.value.includes('oauth2'));
    expect(oauth.length).toBeGreaterThanOrEqual(40);
    const required = ['google', 'microsoft', 'github', 'github-app', 'gitlab', 'bitbucket', 'slack', 'discord', 'notion', 'dropbox', 'box', 'atlassian', 'linear', 'asana', 'hubspot', 'salesforce', 'zoom', 'intercom', 'zendesk', 'shopify', 'stripe-connect', 'quickbooks', 'xero', 'airtable', 'figma', 'calendly', 'docusign', 'linkedin', 'x', 'spotify'];
    for (const slug of required) expect({ slug, oauth2: catalog.get(slug)?.oauth2 !== undefined }).toEqual({ slug, oauth2: true });
  });

  test('API-key services are toolkits of their own, each saying how its keys are revoked or why they cannot be', () => {
    for (const slug of ['openai', 'anthropic', 'stripe', 'twilio', 'sendgrid', 'mailchimp']) {
      const entry = catalog.get(slug);
      expect({ slug, apiKey: entry?.api_key !== undefined, revocation: entry?.revocation.api_key !== undefined }).toEqual({ slug, apiKey: true, revocation: true });
    }
  });

  test('GitHub OAuth app tokens do not expire; GitHub App user tokens expire in 8 hours with 6-month refresh tokens', () => {
    expect(catalog.get('github')?.oauth2?.access_token_lifetime_seconds.value).toBe('never');
    expect(catalog.get('github')?.oauth2?.refresh_token.value.issued).toBe('never');
    expect(catalog.get('github-app')?.oauth2?.access_token_lifetime_seconds.value).toBe(8 * 3600);
    expect(catalog.get('github-app')?.oauth2?.refresh_token.value).toMatchObject({ issued: 'always', rotates: true, lifetime_seconds: 15_811_200 });
  });

  test('no fact cites an aggregator or a third-party write-up', () => {
    const offenders = entries.flatMap((e) => sourcesOf(e).filter((url) => NOT_PROVIDER_DOCS.some((host) => url.includes(host))).map((url) => `${e.slug}: ${url}`));
    expect(offenders).toEqual([]);
  });

  test('every revocation style is used by some provider (no adapter without data, no style without a provider)', () => {
    const used = new Set(entries.flatMap((e) => [e.revocation.oauth2?.value.style, e.revocation.api_key?.value.style]));
    expect(REVOCATION_STYLES.filter((style) => !used.has(style))).toEqual([]);
  });

  test('our revoke ceiling never exceeds a published per-app ceiling', () => {
    for (const e of entries) {
      if (!e.revocation_ceiling || !Array.isArray(e.rate_limits)) continue;
      for (const { value } of e.rate_limits) {
        if (value.kind === 'concurrency' || value.unit !== 'per_app') continue;
        expect({ slug: e.slug, within: e.revocation_ceiling.value.per_second <= value.limit / value.window_seconds }).toEqual({ slug: e.slug, within: true });
      }
    }
  });

  test('a provider without revocation says why and what a user must do instead', () => {
    const none = entries.flatMap((e) => [e.revocation.oauth2?.value, e.revocation.api_key?.value]).filter((r) => r?.style === 'none');
    expect(none.length).toBeGreaterThan(10);
    for (const r of none) if (r?.style === 'none') expect(r.instead).not.toBe(r.reason);
  });

  test('docs/providers.md holds the section generated from the current catalog (run pnpm catalog:docs)', () => {
    const doc = readFileSync(PROVIDERS_DOC, 'utf8');
    expect(doc).toContain(GENERATED_START);
    expect(doc).toBe(spliceCatalogSection(doc, renderCatalogSection(entries)));
  });

  test('regenerating replaces only the generated section', () => {
    const doc = `# Title\n\nhand-written\n\n${GENERATED_START}\nstale\n${GENERATED_END}\n\nafter\n`;
    expect(spliceCatalogSection(doc, 'fresh\n')).toBe(`# Title\n\nhand-written\n\n${GENERATED_START}\n\nfresh\n\n${GENERATED_END}\n\nafter\n`);
    expect(spliceCatalogSection('# Title\n', 'fresh\n')).toBe(`# Title\n\n${GENERATED_START}\n\nfresh\n\n${GENERATED_END}\n`);
  });

  test('the loaded catalog is frozen', () => {
    const google = catalog.get('google');
    expect(Object.isFrozen(google)).toBe(true);
    expect(Object.isFrozen(google?.oauth2?.token_endpoint)).toBe(true);
  });
});

describe('loadCatalogFrom', () => {
  let dir: string;
  const gitlab = JSON.parse(readFileSync(join(CATALOG_DIR, 'gitlab.json'), 'utf8')) as Record<string, unknown>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const errorOf = (): string => {
    try {
      loadCatalogFrom(dir);
    } catch (error) {
      if (error instanceof CatalogError) return error.message;
      throw error;
    }
    throw new Error('expected the catalog to be rejected');
  };

  test('accepts a valid file', () => {
    writeFileSync(join(dir, 'gitlab.json'), JSON.stringify(gitlab));
    expect(loadCatalogFrom(dir).get('gitlab')?.display_name.value).toBe('GitLab');
  });

  test('a fact without a source is rejected, naming the file and the field', () => {
    writeFileSync(join(dir, 'gitlab.json'), JSON.stringify({ ...gitlab, display_name: { value: 'GitLab' } }));
    expect(errorOf()).toContain('gitlab.json: display_name.source: needs exactly one of "source" or "sources"');
  });

  test('a missing fact is rejected', () => {
    const { oauth2, ...rest } = gitlab as { oauth2: Record<string, unknown> };
    const { token_endpoint: _dropped, ...partial } = oauth2;
    writeFileSync(join(dir, 'gitlab.json'), JSON.stringify({ ...rest, oauth2: partial }));
    expect(errorOf()).toContain('gitlab.json: oauth2.token_endpoint');
  });

  test('an unknown value without a note, a non-https source, an undeclared placeholder and a mismatched slug are each named', () => {
    const oauth2 = gitlab.oauth2 as Record<string, unknown>;
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ ...gitlab, slug: 'a', oauth2: { ...oauth2, pkce: { value: null, source: 'https://docs.gitlab.com/api/oauth2/' } } }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...gitlab, slug: 'b', docs_url: { value: 'https://docs.gitlab.com/', source: 'http://docs.gitlab.com/' } }));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ ...gitlab, slug: 'c', oauth2: { ...oauth2, token_endpoint: { value: 'https://{host}/oauth/token', source: 'https://docs.gitlab.com/api/oauth2/' } } }));
    writeFileSync(join(dir, 'd.json'), JSON.stringify(gitlab));
    writeFileSync(join(dir, 'e.json'), '{ not json');
    const message = errorOf();
    expect(message).toContain('a.json: oauth2.pkce.note: a null value needs a note');
    expect(message).toContain('b.json: docs_url.source: must be an https URL');
    expect(message).toContain('c.json: parameters: endpoint placeholder {host} is not declared');
    expect(message).toContain('d.json: slug: is "gitlab" but the file is named for "d"');
    expect(message).toContain('e.json: not valid JSON');
  });

  test('a revocable provider without its dead-token answer or revoke ceiling is rejected', () => {
    const { revocation_ceiling: _ceiling, ...rest } = gitlab;
    writeFileSync(join(dir, 'gitlab.json'), JSON.stringify(rest));
    expect(errorOf()).toContain('gitlab.json: revocation_ceiling: a provider that can revoke needs revocation_ceiling');
  });
});

function sourcesOf(entry: CatalogEntry): string[] {
  const urls: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.source === 'string') urls.push(record.source);
    if (Array.isArray(record.sources)) urls.push(...record.sources.filter((s): s is string => typeof s === 'string'));
    Object.values(record).forEach(visit);
  };
  visit(entry);
  return urls;
}
