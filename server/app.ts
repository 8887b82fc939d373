import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { sql } from 'kysely';
import { errorBody, fail, LabelError } from './errors.ts';
import { RequestLog, type Logger } from './log.ts';
import { openApiDocument } from './openapi.ts';
import { consoleRoutes } from './console/index.ts';
import { reminderChannels } from './reminders/config.ts';
import { badgeRoutes } from './badge/index.ts';
import { adminRoutes } from './routes/admin.ts';
import { openDataRoutes } from './routes/open-data.ts';
import { pageRoutes } from './routes/pages/index.tsx';
import { publicRoutes } from './routes/public.ts';
import { errorResponse } from './routes/error-response.tsx';
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

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The route that answered and the status only: no path, no address, no header.
    requestLog.record(c.req.method, routePath(c), c.res.status, performance.now() - started);
  });

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(services.database.db);
    } catch {
      return c.json({ status: 'unavailable', ...errorBody('database_unreachable', fail('database_unreachable').message) }, 503);
    }
    return c.json({ status: 'ok', database: services.database.dialect, signingKey: services.keyring.currentKid ?? null });
  });

  app.get('/', (c) => c.redirect('/clusters'));
  app.route('/', publicRoutes(services, widget));
  app.route('/', openDataRoutes(services));
  app.route('/', badgeRoutes(services));
  app.route('/', pageRoutes(services));
  app.route('/v1/admin', adminRoutes(services));
  app.route('/admin', consoleRoutes(services, { ...services.config.console, reminderChannels: reminderChannels(services.config.reminders) }));
  app.get('/openapi.json', (c) => c.json(openApiDocument(services.config.publicUrl, widget.version)));

  app.notFound((c) => errorResponse(c, services.config, fail('not_found')));

  app.onError((error, c) => {
    if (error instanceof LabelError) return errorResponse(c, services.config, error);
    logger.error('unhandled_error', { path: c.req.path, message: error.message, stack: error.stack });
    return errorResponse(c, services.config, fail('internal_error'));
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
