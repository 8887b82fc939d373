import { Hono } from 'hono';
import { sql } from 'kysely';
import { AppError, errorBody } from './errors.ts';
import type { Logger } from './log.ts';
import { publicRoutes } from './routes/public.ts';
import type { Services } from './services.ts';
import type { WidgetAssets } from './widget-assets.ts';

export interface AppDeps {
  services: Services;
  widget: WidgetAssets;
  logger: Logger;
}

/** Paths that answer in JSON; everything else is a page for people. */
const isApiPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/.well-known/') || path === '/healthz' || path === '/openapi.json';

/** Builds the issuer's HTTP app from its dependencies; it opens no port. */
export function createApp({ services, widget, logger }: AppDeps) {
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Path and status only: the client's address and headers stay out of the logs.
    logger.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(services.database.db);
    } catch {
      return c.json({ status: 'unavailable', ...errorBody('database_unreachable', 'The registry database cannot be reached.') }, 503);
    }
    return c.json({ status: 'ok', database: services.database.dialect, signingKey: services.keyring.currentKid ?? null });
  });

  app.route('/', publicRoutes(services, widget));

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
  return new Response(errorPage(status, message), { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function errorPage(status: number, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} — cluster-label</title></head><body><main><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/clusters">Register of labelled clusters</a></p></main></body></html>`;
}
