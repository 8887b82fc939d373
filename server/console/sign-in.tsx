import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { pageOf, type ConsoleContext, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { formOf } from './forms.ts';
import { guard, sameSecret } from './guard.ts';
import type { Notice } from './views/layout.tsx';
import { SignInPage } from './views/sign-in.tsx';

/** Signing in and out. Before there is a session, the form is protected by a token in a cookie of its own (double submit) and the origin check. */
export function signInRoutes(deps: ConsoleDeps) {
  const { accounts, sessions, throttle, cookies, options } = deps;
  const app = new Hono<ConsoleEnv>();

  const render = (c: ConsoleContext, status: 200 | 401 | 403 | 429, email = '', notice?: Notice) => {
    const token = randomBytes(24).toString('base64url');
    setCookie(c, cookies.signIn, token, { ...cookies.options, maxAge: 3600 });
    return c.html(<SignInPage page={pageOf(c, deps, token)} email={email} notice={notice} />, status);
  };

  app.get('/sign-in', (c) => (c.get('session') ? c.redirect('/admin', 303) : render(c, 200)));

  app.post('/sign-in', async (c) => {
    const t = pageOf(c, deps).t;
    const form = await formOf(c);
    const email = (form.email ?? '').trim().toLowerCase().slice(0, 254);
    if (!sameSecret(form.csrf, getCookie(c, cookies.signIn))) return render(c, 403, email, { kind: 'error', text: t.signInExpired });
    const address = clientAddress(c, options.trustProxy);
    const wait = await throttle.retryAfter(email, address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return render(c, 429, email, { kind: 'error', text: t.signInWait(Math.ceil(wait / 60)) });
    }
    const user = await accounts.authenticate(email, form.password ?? '');
    if (!user) {
      await throttle.recordFailure(email, address);
      return render(c, 401, email, { kind: 'error', text: t.signInWrong });
    }
    await throttle.succeeded(email, address);
    // A new id at every sign-in: whatever session id the browser had before is dropped, never promoted.
    await sessions.destroy(getCookie(c, cookies.session));
    const session = await sessions.create(user.id);
    setCookie(c, cookies.session, session.id, { ...cookies.options, maxAge: options.sessionSeconds });
    deleteCookie(c, cookies.signIn, cookies.options);
    return c.redirect('/admin', 303);
  });

  app.post('/sign-out', ...guard('viewer'), async (c) => {
    await sessions.destroy(getCookie(c, cookies.session));
    deleteCookie(c, cookies.session, cookies.options);
    return c.redirect('/admin/sign-in', 303);
  });

  return app;
}

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
}
