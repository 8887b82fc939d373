import type { MiddlewareHandler } from 'hono';

/** One year: browsers keep to HTTPS for the issuer's host that long after each answer. */
const HSTS_MAX_AGE = 31536000;

/**
 * What every answer carries, whatever route gave it: no content sniffing, and, when the
 * issuer is served over HTTPS, Strict-Transport-Security, so that a browser that has
 * been here once never again asks over plain HTTP. Made once from PUBLIC_URL.
 */
export function securityHeaders(publicUrl: string): Readonly<Record<string, string>> {
  return {
    'X-Content-Type-Options': 'nosniff',
    ...(publicUrl.startsWith('https://') ? { 'Strict-Transport-Security': `max-age=${HSTS_MAX_AGE}` } : {}),
  };
}

/** Middleware that sets `headers` on the answer, error answers included. */
export function setHeaders(headers: Readonly<Record<string, string>>): MiddlewareHandler {
  return async function setHeadersAfter(c, next) {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
