import { api, setCsrfToken, unwrap, type Answer } from './client';

export type ConsoleSession = Answer<'/console/api/session', 'get', 200>;

/** The session of this browser, if its cookie is still good; null when signed out. */
export async function currentSession(): Promise<ConsoleSession | null> {
  const { data, response } = await api.GET('/console/api/session');
  if (response.status === 401) return null;
  if (!data) throw new Error(`apollo answered ${response.status}`);
  setCsrfToken(data.csrf_token);
  return data;
}

export async function signIn(token: string): Promise<ConsoleSession> {
  const session = await unwrap(api.POST('/console/api/session', { body: { token } }));
  setCsrfToken(session.csrf_token);
  return session;
}

export async function signOut(): Promise<void> {
  await unwrap(api.DELETE('/console/api/session'));
  setCsrfToken(null);
}
