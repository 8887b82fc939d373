import { timingSafeEqual, randomBytes, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { verifyChain } from '../audit/log.ts';
import { ApiTokens, requireRole, type Principal, type Role } from '../auth/index.ts';
import { isClusterId, parseClusterInput, parseClusterPatch, parseRevocation } from '../domain/clusters.ts';
import { utcDate } from '../domain/dates.ts';
import { parseAwardInput, parseRenewalInput } from '../domain/labels.ts';
import type { Cluster } from '../domain/types.ts';
import { fail, LabelError, statusOf } from '../errors.ts';
import { Outbox } from '../reminders/outbox.ts';
import type { Services } from '../services.ts';
import { Accounts, userActor } from './accounts.ts';
import { importExportRoutes, isImportUpload } from './import-export.tsx';
import { clustersWithCurrentLabel, loadOverview } from './overview.ts';
import { Sessions, type Session } from './sessions.ts';
import { SignInThrottle, type ThrottleLimits } from './throttle.ts';
import { UsersPage, KeysPage } from './views/accounts.tsx';
import { AuditPage } from './views/audit.tsx';
import { ClusterFormPage, ClusterListPage, ClusterPage, ConfirmPage, snippet, type ClusterDetail } from './views/clusters.tsx';
import { CONSOLE_CSS } from './views/console.css.ts';
import { DashboardPage } from './views/dashboard.tsx';
import type { Notice, PageContext } from './views/layout.tsx';
import { RemindersPage } from './views/reminders.tsx';
import { SignInPage } from './views/sign-in.tsx';
import { TokensPage } from './views/tokens.tsx';

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

type ConsoleEnv = { Variables: { principal: Principal | undefined; session: Session | undefined } };

const MAX_FORM_BYTES = 64 * 1024;

/** Success messages, by the code a redirect carries: a fixed text, so nothing from the address is echoed. */
const DONE: Record<string, string> = {
  cluster_created: 'The cluster is registered.',
  cluster_updated: 'The changes are saved.',
  awarded: 'The label is awarded.',
  renewed: 'The label is renewed.',
  upgraded: 'The label is upgraded; the previous one is kept in the history as superseded.',
  revoked: 'The label is revoked. Badges show it within the attestation lifetime.',
  withdrawn: 'The label is withdrawn.',
  user_created: 'The account is created.',
  user_disabled: 'The account is disabled and its sessions are ended.',
  token_revoked: 'The API token is revoked.',
  key_published: 'A next key is published. Activate it once every cached key set has it.',
  key_activated: 'The next key signs from now on; the previous one is retired.',
  key_revoked: 'The key is revoked and a replacement signs.',
};

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The programme office console, mounted at `/admin`: server-rendered pages and
 * plain forms, no script. Every route but sign-in needs a session; every POST
 * needs the session's CSRF token and a same-origin `Origin`; roles are checked
 * by the same `requireRole` as the admin API.
 */
export function consoleRoutes(services: Services, options: ConsoleOptions = DEFAULT_CONSOLE_OPTIONS) {
  const { registry, keyring, config } = services;
  const accounts = new Accounts(services.database, keyring, services.now, config.console.passwordCost);
  const sessions = new Sessions(services.database, { now: services.now, lifetimeSeconds: options.sessionSeconds });
  const throttle = new SignInThrottle(services.database, services.now, options.throttle);
  const tokens = new ApiTokens(services.database, keyring, services.now);
  const outbox = new Outbox(services.database, services.now);
  const secure = config.publicUrl.startsWith('https:');
  // `__Host-` pins the cookie to this exact origin over HTTPS: no sibling subdomain can plant one (fixation).
  const sessionCookie = secure ? '__Host-cl_session' : 'cl_session';
  const signInCookie = secure ? '__Host-cl_signin' : 'cl_signin';
  const cookieOptions = { httpOnly: true, secure, sameSite: 'Strict' as const, path: secure ? '/' : '/admin' };

  const app = new Hono<ConsoleEnv>();

  app.use(async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CSP);
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  // No id, name or search holds a NUL character, and PostgreSQL refuses one in text outright.
  app.use(async (c, next) => {
    if (c.req.url.includes('%00')) throw fail('invalid_address');
    await next();
  });
  const formLimit = bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: () => {
      throw fail('payload_too_large', { what: 'form', kib: MAX_FORM_BYTES / 1024 });
    },
  });
  // The register upload streams its body under a limit of its own (import-export.tsx).
  app.use((c, next) => (isImportUpload(c) ? next() : formLimit(c, next)));
  app.use(async (c, next) => {
    const session = await sessions.find(getCookie(c, sessionCookie));
    c.set('session', session);
    c.set('principal', session && { actor: userActor(session.user), role: session.user.role });
    await next();
  });

  // ── guards ─────────────────────────────────────────────────────────────

  const signedIn: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (!c.get('session')) return c.redirect('/admin/sign-in', 303);
    await next();
  };

  /** A POST must come from a page of this issuer, carrying the token of this session. */
  const csrf: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (c.req.method === 'POST') {
      checkOrigin(c, config.publicUrl);
      const form = await formOf(c);
      if (!sameSecret(form.csrf, c.get('session')!.csrfToken)) {
        throw fail('csrf_token_invalid');
      }
    }
    await next();
  };

  /** Signed in, CSRF-checked, and holding at least `role`. */
  const guard = (role: Role) => [signedIn, csrf, requireRole(role) as unknown as MiddlewareHandler<ConsoleEnv>] as const;

  const pageOf = (c: Context<ConsoleEnv>): PageContext => {
    const session = c.get('session');
    return { user: session?.user, csrfToken: session?.csrfToken ?? '', programmeName: config.programmeName };
  };
  const actorOf = (c: Context<ConsoleEnv>) => c.get('principal')!.actor;
  const noticeOf = (c: Context<ConsoleEnv>): Notice | undefined => {
    const text = DONE[c.req.query('done') ?? ''];
    return text ? { kind: 'success', text } : undefined;
  };
  const actorNames = async () => {
    const names = new Map((await accounts.list()).map((u) => [userActor(u), u.email]));
    return (actor: string) => names.get(actor) ?? actor;
  };

  // ── sign-in and sign-out ───────────────────────────────────────────────

  app.get('/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CONSOLE_CSS);
  });

  // Before there is a session, the sign-in form is protected by a token in a cookie of its own (double submit) and the Origin check.
  const renderSignIn = (c: Context<ConsoleEnv>, status: 200 | 401 | 403 | 429, email = '', notice?: Notice) => {
    const token = randomBytes(24).toString('base64url');
    setCookie(c, signInCookie, token, { ...cookieOptions, maxAge: 3600 });
    return c.html(<SignInPage page={{ user: undefined, csrfToken: token, programmeName: config.programmeName }} email={email} notice={notice} />, status);
  };

  app.get('/sign-in', (c) => (c.get('session') ? c.redirect('/admin', 303) : renderSignIn(c, 200)));

  app.post('/sign-in', async (c) => {
    checkOrigin(c, config.publicUrl);
    const form = await formOf(c);
    const email = (form.email ?? '').trim().toLowerCase().slice(0, 254);
    if (!sameSecret(form.csrf, getCookie(c, signInCookie))) {
      return renderSignIn(c, 403, email, { kind: 'error', text: 'The sign-in form had expired. Please sign in again.' });
    }
    const address = clientAddress(c, options.trustProxy);
    const wait = await throttle.retryAfter(email, address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return renderSignIn(c, 429, email, { kind: 'error', text: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minutes.` });
    }
    const user = await accounts.authenticate(email, form.password ?? '');
    if (!user) {
      await throttle.recordFailure(email, address);
      return renderSignIn(c, 401, email, { kind: 'error', text: 'The e-mail address or the password is wrong, or the account is disabled.' });
    }
    await throttle.succeeded(email, address);
    // A new id at every sign-in: whatever session id the browser had before is dropped, never promoted.
    await sessions.destroy(getCookie(c, sessionCookie));
    const session = await sessions.create(user.id);
    setCookie(c, sessionCookie, session.id, { ...cookieOptions, maxAge: options.sessionSeconds });
    deleteCookie(c, signInCookie, cookieOptions);
    return c.redirect('/admin', 303);
  });

  app.post('/sign-out', signedIn, csrf, async (c) => {
    await sessions.destroy(getCookie(c, sessionCookie));
    deleteCookie(c, sessionCookie, cookieOptions);
    return c.redirect('/admin/sign-in', 303);
  });

  // ── dashboard and clusters ─────────────────────────────────────────────

  app.get('/', ...guard('viewer'), async (c) => {
    const overview = await loadOverview(registry, services.now());
    return c.html(<DashboardPage page={pageOf(c)} overview={overview} actorName={await actorNames()} notice={noticeOf(c)} />);
  });

  app.get('/clusters', ...guard('viewer'), async (c) => {
    const search = (c.req.query('q') ?? '').slice(0, 200);
    const rows = await clustersWithCurrentLabel(registry, { search, limit: 200 });
    return c.html(<ClusterListPage page={pageOf(c)} search={search} rows={rows} now={services.now()} />);
  });

  app.get('/clusters/new', ...guard('officer'), (c) => c.html(<ClusterFormPage page={pageOf(c)} mode="new" values={{}} />));

  app.post('/clusters', ...guard('officer'), async (c) => {
    const form = await formOf(c);
    try {
      const cluster = await registry.createCluster(parseClusterInput({ ...form, sites: sitesOf(form.sites) }), actorOf(c));
      return c.redirect(`/admin/clusters/${cluster.id}?done=cluster_created`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return c.html(<ClusterFormPage page={pageOf(c)} mode="new" values={form} notice={notice} />, status);
    }
  });

  const loadDetail = async (id: string): Promise<{ cluster: Cluster; detail: ClusterDetail }> => {
    const cluster = isClusterId(id) ? await registry.getCluster(id) : undefined;
    if (!cluster) throw fail('cluster_not_found');
    const now = services.now();
    const [labels, audit, deliveries] = await Promise.all([
      registry.getLabels(id),
      registry.audit({ subject: id, limit: 50 }),
      outbox.list({ clusterId: id, limit: 50 }),
    ]);
    return { cluster, detail: { cluster, labels, audit, deliveries, snippet: snippet(config.publicUrl, id, config.programmeName), now, today: utcDate(now) } };
  };

  const renderDetail = async (c: Context<ConsoleEnv>, id: string, extra: { status?: ContentfulStatusCode; notice?: Notice | undefined; failedForm?: string; values?: Record<string, string> } = {}) => {
    const { detail } = await loadDetail(id);
    return c.html(
      <ClusterPage page={pageOf(c)} detail={detail} actorName={await actorNames()} notice={extra.notice ?? noticeOf(c)} failedForm={extra.failedForm} values={extra.values} />,
      extra.status ?? 200,
    );
  };

  app.get('/clusters/:id', ...guard('viewer'), (c) => renderDetail(c, c.req.param('id')));

  app.get('/clusters/:id/edit', ...guard('officer'), async (c) => {
    const { cluster } = await loadDetail(c.req.param('id'));
    return c.html(<ClusterFormPage page={pageOf(c)} mode="edit" clusterId={cluster.id} values={clusterValues(cluster)} />);
  });

  app.post('/clusters/:id', ...guard('officer'), async (c) => {
    const { cluster } = await loadDetail(c.req.param('id'));
    const form = await formOf(c);
    try {
      const { id: _, csrf: __, ...fields } = form;
      // An absent field stays as it is; only a sent, empty list of websites clears them.
      const patch = parseClusterPatch({ ...fields, sites: form.sites === undefined ? undefined : sitesOf(form.sites) });
      await registry.updateCluster(cluster.id, patch, actorOf(c));
      return c.redirect(`/admin/clusters/${cluster.id}?done=cluster_updated`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return c.html(<ClusterFormPage page={pageOf(c)} mode="edit" clusterId={cluster.id} values={form} notice={notice} />, status);
    }
  });

  /** A label action: do it and redirect with a success code, or show the cluster again with the error and what was typed. */
  const labelAction = (name: string, done: string, act: (id: string, form: Record<string, string>, actor: string) => Promise<unknown>) =>
    app.post(`/clusters/:id/${name}`, ...guard('officer'), async (c) => {
      const { cluster } = await loadDetail(c.req.param('id'));
      const form = await formOf(c);
      try {
        await act(cluster.id, form, actorOf(c));
        return c.redirect(`/admin/clusters/${cluster.id}?done=${done}`, 303);
      } catch (error) {
        const { status, notice } = failure(error);
        return renderDetail(c, cluster.id, { status, notice, failedForm: name, values: form });
      }
    });

  labelAction('award', 'awarded', (id, form, actor) => registry.award(id, parseAwardInput(form), actor));
  labelAction('upgrade', 'upgraded', (id, form, actor) => registry.upgrade(id, parseAwardInput(form), actor));
  labelAction('renew', 'renewed', (id, form, actor) =>
    registry.renew(id, parseRenewalInput(form), actor),
  );

  // Revoking and withdrawing take two steps: the first shows what will happen, the second (confirm=yes) does it.
  const confirmStep = async (c: Context<ConsoleEnv>, action: 'revoke' | 'withdraw', form: Record<string, string>) => {
    const { cluster } = await loadDetail(c.req.param('id')!);
    return c.html(<ConfirmPage page={pageOf(c)} cluster={cluster} action={action} values={form} />);
  };
  app.post('/clusters/:id/revoke', ...guard('officer'), async (c) => {
    const { cluster } = await loadDetail(c.req.param('id'));
    const form = await formOf(c);
    try {
      const revocation = parseRevocation(form);
      if (form.confirm !== 'yes') return confirmStep(c, 'revoke', form);
      await registry.revoke(cluster.id, revocation, actorOf(c));
      return c.redirect(`/admin/clusters/${cluster.id}?done=revoked`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderDetail(c, cluster.id, { status, notice, failedForm: 'revoke', values: form });
    }
  });
  app.post('/clusters/:id/withdraw', ...guard('officer'), async (c) => {
    const { cluster } = await loadDetail(c.req.param('id'));
    const form = await formOf(c);
    if (form.confirm !== 'yes') return confirmStep(c, 'withdraw', form);
    try {
      await registry.withdraw(cluster.id, actorOf(c));
      return c.redirect(`/admin/clusters/${cluster.id}?done=withdrawn`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderDetail(c, cluster.id, { status, notice, failedForm: 'withdraw', values: form });
    }
  });

  // ── audit, reminders ───────────────────────────────────────────────────

  app.get('/audit', ...guard('viewer'), async (c) => {
    const subject = (c.req.query('subject') ?? '').trim().slice(0, 200);
    const action = (c.req.query('action') ?? '').trim().slice(0, 100);
    const beforeRaw = Number(c.req.query('before'));
    const before = Number.isInteger(beforeRaw) && beforeRaw > 0 ? beforeRaw : undefined;
    const limit = 100;
    const [entries, chain, head] = await Promise.all([
      registry.audit({ subject: subject || undefined, action: action || undefined, before, limit }),
      verifyChain(registry.db, keyring.allPublicKeys()),
      registry.auditHead(),
    ]);
    const nextBefore = entries.length === limit ? entries[entries.length - 1]!.seq : undefined;
    return c.html(<AuditPage page={pageOf(c)} entries={entries} filters={{ subject, action }} chain={chain} head={head} nextBefore={nextBefore} actorName={await actorNames()} />);
  });

  app.get('/reminders', ...guard('viewer'), async (c) => {
    const [deliveries, counts] = await Promise.all([outbox.list({ limit: 200 }), outbox.counts()]);
    return c.html(<RemindersPage page={pageOf(c)} deliveries={deliveries} counts={counts} channels={options.reminderChannels} />);
  });

  // ── accounts, API tokens, keys (admin) ─────────────────────────────────

  const renderUsers = async (c: Context<ConsoleEnv>, status: ContentfulStatusCode = 200, notice?: Notice, values: Record<string, string> = {}) =>
    c.html(<UsersPage page={pageOf(c)} users={await accounts.list()} values={values} notice={notice ?? noticeOf(c)} />, status);

  app.get('/users', ...guard('admin'), (c) => renderUsers(c));
  app.post('/users', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      await accounts.create({ email: form.email ?? '', role: form.role ?? '', password: form.password ?? '' }, actorOf(c));
      return c.redirect('/admin/users?done=user_created', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      // The password is not sent back into the page.
      return renderUsers(c, status, notice, { email: form.email ?? '', role: form.role ?? '' });
    }
  });
  app.post('/users/:id/disable', ...guard('admin'), async (c) => {
    try {
      if (c.req.param('id') === c.get('session')!.user.id) throw fail('cannot_disable_self');
      await accounts.disable(c.req.param('id'), actorOf(c));
      return c.redirect('/admin/users?done=user_disabled', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderUsers(c, status, notice);
    }
  });

  const renderTokens = async (c: Context<ConsoleEnv>, status: ContentfulStatusCode = 200, notice?: Notice, extra: { values?: Record<string, string>; secret?: { name: string; value: string } } = {}) =>
    c.html(<TokensPage page={pageOf(c)} tokens={await tokens.list()} values={extra.values ?? {}} secret={extra.secret} notice={notice ?? noticeOf(c)} />, status);

  app.get('/tokens', ...guard('admin'), (c) => renderTokens(c));
  app.post('/tokens', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      const { token, secret } = await tokens.create((form.name ?? '').trim(), form.role ?? '', actorOf(c));
      // Shown once, on this page, never stored: the registry keeps only its hash.
      return renderTokens(c, 201, { kind: 'success', text: `The token "${token.name}" is created. Copy it now: it is not shown again.` }, { secret: { name: token.name, value: secret } });
    } catch (error) {
      const { status, notice } = failure(error);
      return renderTokens(c, status, notice, { values: form });
    }
  });
  app.post('/tokens/:name/revoke', ...guard('admin'), async (c) => {
    try {
      await tokens.revoke(c.req.param('name'), actorOf(c));
      return c.redirect('/admin/tokens?done=token_revoked', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderTokens(c, status, notice);
    }
  });

  const renderKeys = async (c: Context<ConsoleEnv>, status: ContentfulStatusCode = 200, notice?: Notice) => {
    await keyring.refresh();
    return c.html(<KeysPage page={pageOf(c)} keys={keyring.list()} notice={notice ?? noticeOf(c)} />, status);
  };
  app.get('/keys', ...guard('admin'), (c) => renderKeys(c));
  app.post('/keys/rotate', ...guard('admin'), async (c) => {
    try {
      const result = await keyring.rotate(actorOf(c));
      return c.redirect(`/admin/keys?done=${result.step === 'published' ? 'key_published' : 'key_activated'}`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderKeys(c, status, notice);
    }
  });
  app.post('/keys/:kid/revoke', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      if (form.confirm !== 'yes') throw fail('confirmation_required');
      await keyring.revoke(c.req.param('kid'), actorOf(c));
      return c.redirect('/admin/keys?done=key_revoked', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderKeys(c, status, notice);
    }
  });

  importExportRoutes(app, {
    services,
    signedIn,
    csrf,
    checkOrigin: (c) => checkOrigin(c, config.publicUrl),
    checkToken: (c, token) => {
      if (!sameSecret(token, c.get('session')?.csrfToken)) throw fail('csrf_token_invalid');
    },
    pageOf,
    actorOf,
  });

  return app;
}

// ── helpers ──────────────────────────────────────────────────────────────

/**
 * The string fields of a urlencoded or multipart form (files are ignored). A field
 * sent twice is refused rather than one copy silently winning, and so is text that
 * is not UTF-8, rather than stored with replacement characters.
 */
async function formOf(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return {};
  let data: FormData;
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer());
      // Throws on a cut-off escape or escaped bytes that are not UTF-8 (such as a lone surrogate).
      for (const part of text.split('&')) decodeURIComponent(part.replaceAll('+', ' '));
    }
    data = await c.req.formData();
  } catch (error) {
    // A body over the size limit keeps its own answer.
    throw error instanceof LabelError ? error : fail('malformed_form');
  }
  // Entries, not assignments: a field named `__proto__` must stay a field.
  const fields = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of data.entries()) {
    if (seen.has(name)) throw fail('duplicate_field', { field: name });
    if (typeof value === 'string' && value.includes('\u0000')) throw fail('invalid_field', { field: name.slice(0, 40), rule: 'contains a NUL character, which no field accepts' });
    seen.add(name);
    if (typeof value === 'string') fields.set(name, value);
  }
  return Object.fromEntries(fields);
}

/** Browsers send `Origin` with every POST; one that is missing or foreign is refused. */
function checkOrigin(c: Context, publicUrl: string) {
  if (c.req.header('Origin') !== publicUrl) {
    throw fail('csrf_origin_mismatch');
  }
}

/** Constant-time equality of two secrets; false when either is missing. */
function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  // Hashing first gives equal lengths, so the comparison itself leaks nothing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** A LabelError becomes the page's error notice with its status; anything else is a bug for the app's error handler. */
function failure(error: unknown): { status: 400 | 404 | 409 | 413; notice: Notice } {
  if (!(error instanceof LabelError)) throw error;
  const status = ([400, 404, 409, 413] as const).find((s) => s === statusOf(error)) ?? 400;
  return { status, notice: { kind: 'error', text: error.message } };
}

const sitesOf = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean);

function clusterValues(cluster: Cluster): Record<string, string> {
  return {
    name: cluster.name,
    organisation: cluster.organisation,
    country: cluster.country,
    portfolio: cluster.portfolio,
    sites: cluster.sites.join('\n'),
    contactEmail: cluster.contactEmail ?? '',
  };
}

