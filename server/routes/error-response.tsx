import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { errorBody, statusOf, type LabelError } from '../errors.ts';
import { ErrorPage } from './pages/errors.tsx';
import { PAGE_HEADERS, pageContext } from './pages/index.tsx';

/** Paths that answer in JSON; everything else is a page for people. */
const isApiPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/log/') || path.startsWith('/.well-known/') || path.startsWith('/widget') || path === '/healthz' || path === '/openapi.json';

/**
 * The one answer to a refusal: its catalogue status, the headers it carries, and
 * its code and message as JSON for the API or as a page in the register's frame.
 * Nobody caches an error.
 */
export function errorResponse(c: Context, config: Config, error: LabelError): Response | Promise<Response> {
  const status = statusOf(error);
  const headers = { ...error.headers, 'Cache-Control': 'no-store' };
  if (isApiPath(c.req.path)) return c.json(errorBody(error.code, error.message), status, headers);
  // The language switch leads to the register: an address that failed is not repeated (it may hold anything).
  return c.html(<ErrorPage page={pageContext(c, config, '/clusters')} status={status} message={error.message} />, status, { ...headers, ...PAGE_HEADERS });
}
