import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { requireRole, type Role } from '../auth/index.ts';
import { fail } from '../errors.ts';
import { chooseLanguage, isLang } from '../routes/pages/i18n.ts';
import { consoleLanguage } from './i18n.ts';
import { userActor } from './accounts.ts';
import type { ConsoleDeps, ConsoleEnv } from './context.ts';
import { formOf } from './forms.ts';

/** The public pages' language cookie: one choice for the register and the console. */
const LANG_COOKIE = 'lang';

/**
 * The session, if any, and the language of every console request: `?lang=` switches
 * it (remembered in the register's cookie), else the cookie, else `Accept-Language`.
 */
export function loadSession(deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  return async function consoleSession(c, next) {
    const asked = c.req.query('lang');
    if (isLang(asked)) setCookie(c, LANG_COOKIE, asked, { path: '/', maxAge: 365 * 86_400, sameSite: 'Lax', httpOnly: true, secure: deps.cookies.options.secure });
    c.set('lang', consoleLanguage(isLang(asked) ? asked : chooseLanguage(getCookie(c, LANG_COOKIE), c.req.header('Accept-Language'))));
    const session = await deps.sessions.find(getCookie(c, deps.cookies.session));
    c.set('session', session);
    c.set('principal', session && { actor: userActor(session.user), role: session.user.role });
    await next();
  };
}

/** Pages for the signed-in: anyone else is sent to sign in. */
export const signedIn: MiddlewareHandler<ConsoleEnv> = async function signedIn(c, next) {
  if (!c.get('session')) return c.redirect('/admin/sign-in', 303);
  await next();
};

/**
 * A POST must come from a page of this issuer: Hono's origin check (the `Origin`, or a
 * same-origin `Sec-Fetch-Site`), answered with the catalogue's code. It looks at form
 * bodies only; any other body carries no synchronizer token and is refused by that.
 */
export function sameOrigin(publicUrl: string): MiddlewareHandler<ConsoleEnv> {
  const check = csrf({ origin: publicUrl, secFetchSite: 'same-origin' });
  return async function consoleOrigin(c, next) {
    try {
      await check(c, next);
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) throw fail('csrf_origin_mismatch');
      throw error;
    }
  };
}

/** ...and carry the synchronizer token of this session (bound to it in the database). */
export const sessionToken: MiddlewareHandler<ConsoleEnv> = async function sessionToken(c, next) {
  if (c.req.method === 'POST') {
    const form = await formOf(c);
    if (!sameSecret(form.csrf, c.get('session')?.csrfToken)) throw fail('csrf_token_invalid');
  }
  await next();
};

/** Signed in, CSRF-checked, and holding at least `role`: the guard of every console route but sign-in. */
export function guard(role: Role) {
  return [signedIn, sessionToken, requireRole(role) as unknown as MiddlewareHandler<ConsoleEnv>] as const;
}

/** Constant-time equality of two secrets; false when either is missing. */
export function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  // Hashing first gives equal lengths, so the comparison itself leaks nothing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
