import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { sql } from 'kysely';
import { AppError, errorBody } from './errors.ts';
import { RequestLog, type Logger } from './log.ts';
import { openApiDocument } from './openapi.ts';
import { consoleRoutes } from './console/index.ts';
import { reminderChannels } from './reminders/config.ts';
import { badgeRoutes } from './badge/index.ts';
import { adminRoutes } from './routes/admin.ts';
import { openDataRoutes } from './routes/open-data.ts';
import { pageRoutes } from './routes/pages/index.tsx';
import { publicRoutes } from './routes/public.ts';
import { logRoutes } from './routes/log.ts';
import type { Services } from './services.ts';
import type { WidgetAssets } from './widget-assets.ts';

export interface AppDeps {
  services: Services;
  widget: WidgetAssets;
  logger: Logger;
  /** Where requests are recorded; its owner writes the counts out periodically (`flush`). */
  requestLog?: RequestLog;
}

/** Paths that answer in JSON; everything else is a page for people. */
const isApiPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/log/') || path.startsWith('/.well-known/') || path.startsWith('/widget') || path === '/healthz' || path === '/openapi.json';

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
      return c.json({ status: 'unavailable', ...errorBody('database_unreachable', 'The registry database cannot be reached.') }, 503);
    }
    return c.json({ status: 'ok', database: services.database.dialect, signingKey: services.keyring.currentKid ?? null });
  });

  app.get('/', (c) => c.redirect('/clusters'));
  app.route('/', publicRoutes(services, widget));
  app.route('/', logRoutes(services));
  app.route('/', openDataRoutes(services));
  app.route('/', badgeRoutes(services));
  app.route('/', pageRoutes(services));
  app.route('/v1/admin', adminRoutes(services));
  app.route('/admin', consoleRoutes(services, { ...services.config.console, reminderChannels: reminderChannels(services.config.reminders) }));
  app.get('/openapi.json', (c) => c.json(openApiDocument(services.config.publicUrl, widget.version)));

  app.notFound((c) => respondError(c.req.path, 404, 'not_found', 'There is nothing at this address.'));

  app.onError((error, c) => {
    if (error instanceof AppError) return respondError(c.req.path, error.status, error.code, error.message);
    logger.error('unhandled_error', { path: c.req.path, message: error.message, stack: error.stack });
    return respondError(c.req.path, 500, 'internal_error', 'Something went wrong on the server. The error has been logged.');
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

function respondError(path: string, status: number, code: string, message: string): Response {
  if (isApiPath(path)) {
    return new Response(JSON.stringify(errorBody(code, message)), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });
  }
  return new Response(errorPage(status, message), {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function errorPage(status: number, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} — cluster-label</title></head><body><main><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/clusters">Register of labelled clusters</a></p></main></body></html>`;
}
