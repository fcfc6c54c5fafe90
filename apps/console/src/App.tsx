import { useEffect, useRef, useState } from 'preact/hooks';
import { whenSessionEnds } from './api/client';
import { currentSession, signOut, type ConsoleSession } from './api/session';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { NewRevokePage } from './pages/NewRevokePage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { SignInPage } from './pages/SignInPage';
import { AuditPage } from './pages/AuditPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { useRoute, type Route } from './router';

function Page({ route, session }: { route: Route; session: ConsoleSession }) {
  switch (route.page) {
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage projectId={route.projectId} />;
    case 'webhooks':
      return <WebhooksPage projectId={route.projectId} />;
    case 'audit':
      return <AuditPage />;
    case 'jobs':
      return <JobsPage />;
    case 'job':
      return <JobPage jobRef={{ id: route.jobId, projectId: route.projectId }} session={session} />;
    case 'new-revoke':
      // a new link to this page starts over with its own scope
      return <NewRevokePage key={`${route.scope ?? ''}:${route.id ?? ''}`} session={session} initialScope={route.scope} initialId={route.id} />;
    case 'not-found':
      return <h1 tabIndex={-1}>Page not found</h1>;
  }
}

export function App() {
  // undefined while we ask apollo whether this browser's cookie is still good
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    whenSessionEnds(() => {
      setSession(null);
      setNotice('Your session has ended. Sign in again.');
    });
    currentSession().then(setSession, () => setSession(null));
    return () => whenSessionEnds(null);
  }, []);

  // keyboard and screen-reader users land on the new page's heading
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route, session === null]);

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignInPage notice={notice} onSignedIn={(s) => (setNotice(null), setSession(s))} />;

  const current = route.page === 'project' || route.page === 'projects' || route.page === 'webhooks' ? 'projects' : route.page === 'audit' ? 'audit' : route.page === 'new-revoke' ? 'revoke' : route.page === 'job' || route.page === 'jobs' ? 'jobs' : '';
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.querySelector<HTMLElement>('h1')?.focus())}>
        Skip to content
      </a>
      <header>
        <span class="brand">Apollo console</span>
        <nav aria-label="Main">
          <a href="#/projects" aria-current={current === 'projects' ? 'page' : undefined}>
            Projects
          </a>
          <a href="#/jobs" aria-current={current === 'jobs' ? 'page' : undefined}>
            Revoke jobs
          </a>
          <a href="#/revoke" aria-current={current === 'revoke' ? 'page' : undefined}>
            Start a revoke
          </a>
          <a href="#/audit" aria-current={current === 'audit' ? 'page' : undefined}>
            Audit log
          </a>
        </nav>
        <span class="org" title={session.org_id}>
          {session.org_name}
        </span>
        <button
          type="button"
          onClick={() =>
            void signOut().finally(() => {
              setNotice('You are signed out.');
              setSession(null);
            })
          }
        >
          Sign out
        </button>
      </header>
      <main id="main" ref={main}>
        <Page route={route} session={session} />
      </main>
    </>
  );
}
