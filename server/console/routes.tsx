import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { fail, LabelError, statusOf } from '../errors.ts';
import type { Services } from '../services.ts';
import { adminRoutes } from './admin.tsx';
import { auditRoutes } from './audit.tsx';
import { clusterRoutes } from './clusters.tsx';
import { actorOf, consoleDeps, DEFAULT_CONSOLE_OPTIONS, pageOf, type ConsoleEnv, type ConsoleOptions } from './context.ts';
import { dashboardRoutes } from './dashboard.tsx';
import { loadSession, sameOrigin, sameSecret, sessionToken, signedIn } from './guard.ts';
import { importExportRoutes, isImportUpload } from './import-export.tsx';
import { labelRoutes } from './labels.tsx';
import { reminderRoutes } from './reminders.tsx';
import { signInRoutes } from './sign-in.tsx';
import { CONSOLE_CSS } from './views/console.css.ts';
import { ConsoleErrorPage } from './views/errors.tsx';

export { DEFAULT_CONSOLE_OPTIONS, type ConsoleOptions } from './context.ts';

const MAX_FORM_BYTES = 64 * 1024;

/**
 * The programme office console, mounted at `/admin`: server-rendered pages and
 * plain forms, no script. Every route but sign-in needs a session; every POST
 * needs a same-origin `Origin` and the session's synchronizer token; roles are
 * checked by the same `requireRole` as the admin API. Each area is a module of
 * its own, mounted below in one list.
 */
export function consoleRoutes(services: Services, options: ConsoleOptions = DEFAULT_CONSOLE_OPTIONS) {
  const deps = consoleDeps(services, options);
  const app = new Hono<ConsoleEnv>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
      // Set app-wide from PUBLIC_URL (`routes/security-headers.ts`), and only over HTTPS.
      strictTransportSecurity: false,
      xContentTypeOptions: false,
    }),
  );
  app.use(async function noStore(c, next) {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  // No id, name or search holds a NUL character, and PostgreSQL refuses one in text outright.
  app.use(async function noNul(c, next) {
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
  app.use(loadSession(deps));
  app.use(sameOrigin(services.config.publicUrl));

  app.get('/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CONSOLE_CSS);
  });

  // The console's areas: one module each, mounted here.
  app.route('/', signInRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  app.route('/', clusterRoutes(deps));
  app.route('/', labelRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', reminderRoutes(deps));
  app.route('/', adminRoutes(deps));

  importExportRoutes(app, {
    services,
    signedIn,
    csrf: sessionToken,
    checkToken: (c, token) => {
      if (!sameSecret(token, c.get('session')?.csrfToken)) throw fail('csrf_token_invalid');
    },
    pageOf: (c) => pageOf(c, deps),
    actorOf,
  });

  // Anything else under /admin is the console's own "not found", in its own frame.
  app.all('*', () => {
    throw fail('not_found');
  });
  app.onError((error, c) => {
    // Anything but a refusal is a bug: the app's handler logs it by route and answers 500.
    if (!(error instanceof LabelError)) throw error;
    const status = statusOf(error);
    return c.html(<ConsoleErrorPage page={pageOf(c, deps)} status={status} message={error.message} />, status, { ...error.headers, 'Cache-Control': 'no-store' });
  });

  return app;
}
