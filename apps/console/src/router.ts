import { useEffect, useState } from 'preact/hooks';

/** Hash routes: the console is one static page, so apollo needs no fallback route for it. */
export type Route =
  | { page: 'projects' }
  | { page: 'project'; projectId: string }
  | { page: 'webhooks'; projectId: string }
  | { page: 'audit' }
  | { page: 'jobs' }
  | { page: 'job'; jobId: string; projectId?: string }
  | { page: 'new-revoke'; scope?: string; id?: string }
  | { page: 'not-found' };

const ID = '([a-z]{2,3}_[0-9A-Z]{26})';

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  let m: RegExpMatchArray | null;
  if (path === '' || path === '/' || path === '/projects') return { page: 'projects' };
  if ((m = path.match(new RegExp(`^/projects/${ID}$`)))) return { page: 'project', projectId: m[1] as string };
  if ((m = path.match(new RegExp(`^/projects/${ID}/webhooks$`)))) return { page: 'webhooks', projectId: m[1] as string };
  if (path === '/audit') return { page: 'audit' };
  if ((m = path.match(new RegExp(`^/projects/${ID}/jobs/${ID}$`)))) return { page: 'job', projectId: m[1] as string, jobId: m[2] as string };
  if (path === '/jobs') return { page: 'jobs' };
  if ((m = path.match(new RegExp(`^/jobs/${ID}$`)))) return { page: 'job', jobId: m[1] as string };
  if (path === '/revoke') {
    const scope = query.get('scope');
    const id = query.get('id');
    return { page: 'new-revoke', ...(scope ? { scope } : {}), ...(id ? { id } : {}) };
  }
  return { page: 'not-found' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const navigate = (href: string) => {
  window.location.hash = href.replace(/^#/, '');
};
