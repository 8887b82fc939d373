import { Hono, type Context, type Env } from 'hono';
import { routePath } from 'hono/route';
import { TrieRouter } from 'hono/router/trie-router';
import { sql } from 'kysely';
import { errorBody, fail, LabelError } from './errors.ts';
import { logRequests, RequestLog, type Logger } from './log.ts';
import { openApiDocument } from './contract/document.ts';
import { consoleRoutes } from './console/index.ts';
import { credentialRoutes } from './credentials/routes.ts';
import { reminderChannels } from './reminders/config.ts';
import { badgeRoutes } from './badge/index.ts';
import { adminRoutes } from './routes/admin.ts';
import { embedRoutes } from './routes/embed.ts';
import { openDataRoutes } from './routes/open-data.ts';
import { pageRoutes } from './routes/pages/index.tsx';
import { cachedAttestation, publicRoutes } from './routes/public.ts';
import { errorResponse } from './routes/error-response.tsx';
import { logRoutes } from './routes/log.ts';
import { widgetLocaleRoutes } from './routes/widget-locales.ts';
import { securityHeaders, setHeaders } from './routes/security-headers.ts';
import { databaseRefusal } from './registry/database.ts';
import type { Services } from './services.ts';
import type { WidgetAssets } from './widget-assets.ts';

export interface AppDeps {
  services: Services;
  widget: WidgetAssets;
  logger: Logger;
  /** Where requests are recorded; its owner writes the counts out periodically (`flush`). */
  requestLog?: RequestLog;
}

/** Builds the issuer's HTTP app from its dependencies; it opens no port. */
export function createApp({ services, widget, logger, requestLog = new RequestLog(logger) }: AppDeps) {
  const app = new Hono();
  const secure = setHeaders(securityHeaders(services.config.publicUrl));
  const answerErrors = <E extends Env>(group: Hono<E>) => {
    group.notFound((c) => errorResponse(c, services.config, fail('not_found')));
    group.onError((error, c) => {
      if (error instanceof LabelError) return errorResponse(c, services.config, error);
      // A busy or absent database is not a bug: one line says so, the caller is told when to try again.
      const unavailable = databaseRefusal(error);
      if (unavailable) {
        logger.warn(unavailable.code, { route: routePath(c), reason: error.message.slice(0, 200) });
        return errorResponse(c, services.config, unavailable);
      }
      // The route pattern, as the request log names it: the path asked for can carry a secret.
      logger.error('unhandled_error', { route: routePath(c), message: error.message, stack: error.stack });
      return errorResponse(c, services.config, fail('internal_error'));
    });
  };

  // The admin API and the console put a fixed segment beside a parameter (`/keys/rotate`
  // and `/keys/:kid/revoke`), which RegExpRouter cannot hold: in the app's own router they
  // would send every request, the public ones too, through the slower TrieRouter. So each
  // is an app of its own with that router, reached through one wildcard route, registered
  // first so that the request log below records it once, in the group's own terms. Its
  // routes are listed in `app.routes` all the same, which describes what the app answers.
  const ownApp = <E extends Env>(prefix: string, routes: Hono<E>) => {
    const group = new Hono<E>({ router: new TrieRouter() });
    group.use(logRequests(requestLog));
    group.use(secure);
    group.route(prefix, routes);
    answerErrors(group);
    app.routes.push(...group.routes.filter((route) => route.path.startsWith(prefix)));
    return (c: Context) => group.fetch(c.req.raw, c.env);
  };
  app.all('/v1/admin/*', ownApp('/v1/admin', adminRoutes(services)));
  app.all('/admin/*', ownApp('/admin', consoleRoutes(services, { ...services.config.console, reminderChannels: reminderChannels(services.config.reminders) })));

  app.use(logRequests(requestLog));
  // The public routes set the security headers themselves, so that the attestation route
  // runs behind no middleware but the request log (a token in memory not even behind that:
  // `cachedAttestation` below); every route after them gets them here.
  app.route('/', publicRoutes(services, widget));
  app.use(secure);
  app.route('/', widgetLocaleRoutes(widget));

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(services.database.db);
    } catch {
      return c.json({ status: 'unavailable', ...errorBody('database_unreachable', fail('database_unreachable').message) }, 503);
    }
    return c.json({ status: 'ok', database: services.database.dialect, signingKey: services.keyring.currentKid ?? null });
  });

  app.get('/', (c) => c.redirect('/clusters'));
  app.route('/', logRoutes(services));
  app.route('/', openDataRoutes(services));
  app.route('/', badgeRoutes(services));
  app.route('/', credentialRoutes(services));
  app.route('/', pageRoutes(services));
  app.route('/', embedRoutes(services));
  app.get('/openapi.json', (c) => c.json(openApiDocument(services.config.publicUrl, widget.version)));
  answerErrors(app);

  // A token in memory is answered before the router: the one request every badge makes.
  const cached = cachedAttestation(services, requestLog);
  const route = app.fetch;
  app.fetch = (request, env, executionCtx) => cached(request, env) ?? route(request, env, executionCtx);
  return app;
}

export type App = ReturnType<typeof createApp>;
