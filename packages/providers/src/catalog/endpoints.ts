/**
 * Catalog endpoints are templates: `https://{shop}.myshopify.com/...`, `.../applications/{client_id}/grant`.
 * A value filling the host must be host name characters only (so it can add labels but never
 * change the scheme, add credentials, a port or a path), a value in the path is one encoded
 * segment. Pure, shared by the revoker, the refresh path and apollo's validation.
 */

export type EndpointValues = Readonly<Record<string, string | undefined>>;

export type FilledEndpoint = { ok: true; url: string } | { ok: false; problem: 'missing' | 'invalid'; name: string; message: string };

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_VALUE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const MAX_PATH_VALUE = 512;

/** The `{placeholders}` of a template, in order of appearance. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Whether the placeholder sits in the template's host (before the first `/` after `https://`). */
export function isHostPlaceholder(template: string, name: string): boolean {
  const afterScheme = template.indexOf('://') + 3;
  const pathStart = template.indexOf('/', afterScheme);
  const authority = template.slice(afterScheme, pathStart === -1 ? undefined : pathStart);
  return authority.includes(`{${name}}`);
}

/** Why `value` cannot fill `{name}` in `template`, or null when it can. */
export function placeholderValueProblem(template: string, name: string, value: string): string | null {
  if (isHostPlaceholder(template, name)) {
    return HOST_VALUE.test(value) ? null : 'must be a host name or label: letters, digits, dashes and dots, no scheme, port or path';
  }
  if (value === '' || value.length > MAX_PATH_VALUE) return `must be 1 to ${MAX_PATH_VALUE} characters`;
  return /[\u0000-\u001f\u007f]/.test(value) ? 'must not contain control characters' : null;
}

/**
 * Fills a template with `values`, then (when given) moves it onto `base`: the base's origin and
 * path prefix replace the endpoint's scheme and host (tests and proxies), the endpoint's path
 * and query are kept.
 */
export function fillEndpoint(template: string, values: EndpointValues, base?: string): FilledEndpoint {
  let url = template;
  for (const name of placeholdersOf(template)) {
    const value = values[name];
    if (value === undefined || value === '') return { ok: false, problem: 'missing', name, message: `no value for {${name}}` };
    const problem = placeholderValueProblem(template, name, value);
    if (problem) return { ok: false, problem: 'invalid', name, message: `{${name}} ${problem}` };
    url = url.replace(`{${name}}`, isHostPlaceholder(template, name) ? value.toLowerCase() : encodeURIComponent(value));
  }
  if (!URL.canParse(url)) return { ok: false, problem: 'invalid', name: '', message: 'the endpoint is not a URL' };
  if (base === undefined) return { ok: true, url };
  const parsed = new URL(url);
  return { ok: true, url: `${base.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}` };
}
