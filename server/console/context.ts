import type { Context } from 'hono';
import { ApiTokens, type Principal } from '../auth/index.ts';
import { Outbox } from '../reminders/outbox.ts';
import type { Services } from '../services.ts';
import type { Lang } from './i18n.ts';
import { Accounts, userActor } from './accounts.ts';
import { consoleMessages } from './i18n.ts';
import { Sessions, type Session } from './sessions.ts';
import { SignInThrottle, type ThrottleLimits } from './throttle.ts';
import type { Notice, PageContext } from './views/layout.tsx';

export interface ConsoleOptions {
  /** How long a session lasts from sign-in, in seconds. */
  sessionSeconds: number;
  /** Take the client address from the last `X-Forwarded-For` entry (set by our own proxy), not the socket. */
  trustProxy: boolean;
  throttle?: ThrottleLimits;
  /** What the reminder worker sends, to say so on the reminders page. */
  reminderChannels?: string[];
}

export const DEFAULT_CONSOLE_OPTIONS: ConsoleOptions = { sessionSeconds: 8 * 3600, trustProxy: false };

export type ConsoleEnv = { Variables: { principal: Principal | undefined; session: Session | undefined; lang: Lang } };
export type ConsoleContext = Context<ConsoleEnv>;

/** What every area of the console works with, made once per app. */
export interface ConsoleDeps {
  services: Services;
  options: ConsoleOptions;
  accounts: Accounts;
  sessions: Sessions;
  throttle: SignInThrottle;
  tokens: ApiTokens;
  outbox: Outbox;
  cookies: { session: string; signIn: string; options: { httpOnly: true; secure: boolean; sameSite: 'Strict'; path: string } };
}

export function consoleDeps(services: Services, options: ConsoleOptions): ConsoleDeps {
  const { database, keyring, now, config } = services;
  const secure = config.publicUrl.startsWith('https:');
  return {
    services,
    options,
    accounts: new Accounts(database, keyring, now, config.console.passwordCost),
    sessions: new Sessions(database, { now, lifetimeSeconds: options.sessionSeconds }),
    throttle: new SignInThrottle(database, now, options.throttle),
    tokens: new ApiTokens(database, keyring, now),
    outbox: new Outbox(database, now),
    // `__Host-` pins the cookie to this exact origin over HTTPS: no sibling subdomain can plant one (fixation).
    cookies: {
      session: secure ? '__Host-cl_session' : 'cl_session',
      signIn: secure ? '__Host-cl_signin' : 'cl_signin',
      options: { httpOnly: true, secure, sameSite: 'Strict', path: secure ? '/' : '/admin' },
    },
  };
}

/** What a page's frame needs: who is signed in, the CSRF token, the language and where the switch leads. */
export function pageOf(c: ConsoleContext, deps: ConsoleDeps, csrfToken?: string): PageContext {
  const session = c.get('session');
  // A refusal before the session is read (a NUL in the address, a body too large) is in English.
  const lang = c.get('lang') ?? 'en';
  const url = new URL(c.req.url);
  return {
    user: session?.user,
    csrfToken: csrfToken ?? session?.csrfToken ?? '',
    programmeName: deps.services.config.programmeName,
    lang,
    t: consoleMessages[lang],
    // A page reached by POST switches language on its GET address (the cluster, the form).
    here: c.req.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname.replace(/\/(award|renew|upgrade|revoke|withdraw)$/, ''),
  };
}

export const actorOf = (c: ConsoleContext) => c.get('principal')!.actor;

/** The success notice a redirect asks for by code: a fixed text, so nothing from the address is echoed. */
export function noticeOf(c: ConsoleContext): Notice | undefined {
  const text = consoleMessages[c.get('lang') ?? 'en'].done[c.req.query('done') ?? ''];
  return text ? { kind: 'success', text } : undefined;
}

/** Actor ids (`user:…`) as the e-mail addresses people know. */
export async function actorNames(deps: ConsoleDeps): Promise<(actor: string) => string> {
  const names = new Map((await deps.accounts.list()).map((u) => [userActor(u), u.email]));
  return (actor: string) => names.get(actor) ?? actor;
}
