import { expect } from 'vitest';
import { Accounts } from '../../server/console/accounts.ts';
import type { TestServer } from '../support/server.ts';

/** The test issuer's origin (startTestServer sets PUBLIC_URL to it): https, so the cookies carry `__Host-`. */
export const ORIGIN = 'https://issuer.test';
export const SESSION_COOKIE = '__Host-cl_session';
export const SIGN_IN_COOKIE = '__Host-cl_signin';
export const PASSWORD = 'correct horse battery staple';

/** The value a response sets for cookie `name` (undefined when it sets none; '' when it clears it). */
export function setCookieValue(response: Response, name: string): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    if (pair!.slice(0, at) === name) return pair!.slice(at + 1);
  }
  return undefined;
}

export function setCookieLine(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** The value of the hidden CSRF field in a page. */
export function csrfIn(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1]!;
}

export function createUser(server: TestServer, email: string, role: string) {
  return new Accounts(server.database, server.keyring, server.now, server.config.console.passwordCost).create({ email, role, password: PASSWORD }, 'test');
}

export interface ConsoleClient {
  session: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, fields?: Record<string, string>, options?: { csrf?: string | null; origin?: string | null }): Promise<Response>;
}

const form = (fields: Record<string, string>) => ({ 'Content-Type': 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() });

/** Submits the sign-in form as a browser would: fetch it, then post it with its cookie and token. */
export async function submitSignIn(server: TestServer, email: string, password: string, extra: { cookie?: string; address?: string } = {}): Promise<Response> {
  const page = await server.app.request('/admin/sign-in');
  const token = setCookieValue(page, SIGN_IN_COOKIE)!;
  const { 'Content-Type': type, body } = form({ csrf: csrfIn(await page.text()), email, password });
  const cookie = [`${SIGN_IN_COOKIE}=${token}`, extra.cookie].filter(Boolean).join('; ');
  // The node server passes the socket in the env: the throttle counts per its address.
  const env = { incoming: { socket: { remoteAddress: extra.address ?? '192.0.2.1' } } };
  return server.app.request('/admin/sign-in', { method: 'POST', headers: { Origin: ORIGIN, Cookie: cookie, 'Content-Type': type }, body }, env);
}

/** A signed-in browser: its session cookie, and the CSRF token its pages carry. */
export async function signIn(server: TestServer, email: string): Promise<ConsoleClient> {
  const response = await submitSignIn(server, email, PASSWORD);
  expect(response.status).toBe(303);
  const session = setCookieValue(response, SESSION_COOKIE);
  expect(session).toBeTruthy();
  return clientFor(server, session!);
}

export async function clientFor(server: TestServer, session: string): Promise<ConsoleClient> {
  const get = async (path: string) => server.app.request(path, { headers: { Cookie: `${SESSION_COOKIE}=${session}` } });
  const dashboard = await get('/admin');
  const csrf = dashboard.status === 200 ? csrfIn(await dashboard.text()) : '';
  return {
    session,
    csrf,
    get,
    async post(path, fields = {}, options = {}) {
      const token = options.csrf === undefined ? csrf : options.csrf;
      const origin = options.origin === undefined ? ORIGIN : options.origin;
      const { 'Content-Type': type, body } = form(token === null ? fields : { csrf: token, ...fields });
      return server.app.request(path, {
        method: 'POST',
        headers: { Cookie: `${SESSION_COOKIE}=${session}`, 'Content-Type': type, ...(origin === null ? {} : { Origin: origin }) },
        body,
      });
    },
  };
}
