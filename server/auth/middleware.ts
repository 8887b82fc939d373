import type { Context, MiddlewareHandler } from 'hono';
import { fail } from '../errors.ts';
import { isRole, roleAllows, type AuthEnv, type Principal, type Role } from './roles.ts';
import type { ApiTokens } from './tokens.ts';

/**
 * One way of telling who makes a request: the principal, or undefined when the
 * request carries no credentials this authenticator accepts.
 */
export type Authenticator = (c: Context) => Promise<Principal | undefined>;

/** `Authorization: Bearer <secret>` with an API token. */
export function bearerToken(tokens: ApiTokens): Authenticator {
  return async function bearerToken(c) {
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header('Authorization') ?? '');
    return match ? tokens.authenticate(match[1]!) : undefined;
  };
}

/**
 * Puts the request's principal in the context (`c.get('principal')`): the first
 * authenticator that recognises the request wins. It refuses nothing itself, so
 * several sign-in methods (API tokens, console sessions) can share the same
 * `requireRole` checks.
 */
export function authenticate(...authenticators: Authenticator[]): MiddlewareHandler<AuthEnv> {
  if (authenticators.length === 0) throw new TypeError('authenticate() needs at least one authenticator.');
  return async function authenticate(c, next) {
    let principal: Principal | undefined;
    for (const authenticator of authenticators) {
      principal = await authenticator(c);
      if (principal) break;
    }
    c.set('principal', principal);
    await next();
  };
}

/**
 * Lets the request through when its principal holds `minimum` or a higher role.
 * Without a principal: `401 unauthorized` with `WWW-Authenticate: Bearer`; with
 * too low a role: `403 forbidden`.
 *
 * @example
 * admin.use(authenticate(bearerToken(tokens)), requireRole('viewer'));
 * admin.post('/keys/rotate', requireRole('admin'), rotate);
 */
export function requireRole(minimum: Role): MiddlewareHandler<AuthEnv> {
  if (!isRole(minimum)) throw new TypeError(`requireRole: unknown role "${String(minimum)}".`);
  return async function requireRole(c, next) {
    const principal = c.get('principal');
    if (!principal) {
      const presented = c.req.header('Authorization') !== undefined;
      throw fail('unauthorized', { presented }).withHeaders({
        'WWW-Authenticate': presented ? 'Bearer realm="cluster-label", error="invalid_token"' : 'Bearer realm="cluster-label"',
      });
    }
    if (!roleAllows(principal.role, minimum)) throw fail('forbidden', { minimum, actor: principal.actor, role: principal.role });
    await next();
  };
}

/** The principal of a request that passed `requireRole`. */
export function principalOf(c: Context<AuthEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new Error('principalOf() called on a route without requireRole().');
  return principal;
}
