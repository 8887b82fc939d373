import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

/** Structured logs: one JSON object a line. Visitors' IP addresses are never logged. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (event: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

interface RouteTally {
  method: string;
  route: string;
  status: number;
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * The request log. Successful reads of the public routes — every page view of every
 * cluster website ends at one — are counted per route and status and written as one
 * `requests` line per period: a line of their own would cost as much as serving them.
 * Every other request (a change, a refusal, an error, anything under the admin paths)
 * gets a line of its own at once. Requests are named by their route pattern
 * (`/v1/clusters/:id/attestation`), never by the path asked for: a path can carry what a
 * caller should not have put there.
 */
export class RequestLog {
  readonly #logger: Logger;
  #tallies = new Map<string, RouteTally>();
  #since = Date.now();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  record(method: string, route: string, status: number, ms: number): void {
    if (!isPublicRead(method, route, status)) {
      this.#logger.info('request', { method, route, status, ms: Math.round(ms) });
      return;
    }
    const key = `${method} ${status} ${route}`;
    const tally = this.#tallies.get(key);
    if (tally) {
      tally.count++;
      tally.totalMs += ms;
      if (ms > tally.maxMs) tally.maxMs = ms;
    } else {
      this.#tallies.set(key, { method, route, status, count: 1, totalMs: ms, maxMs: ms });
    }
  }

  /** Writes the counts since the last call, if there were any, and starts a new period. */
  flush(): void {
    const now = Date.now();
    const tallies = [...this.#tallies.values()];
    const seconds = Math.round((now - this.#since) / 1000);
    this.#tallies = new Map();
    this.#since = now;
    if (!tallies.length) return;
    this.#logger.info('requests', {
      seconds,
      routes: tallies.map(({ method, route, status, count, totalMs, maxMs }) => ({ method, route, status, count, meanMs: Math.round((totalMs / count) * 10) / 10, maxMs: Math.round(maxMs) })),
    });
  }
}

const isPublicRead = (method: string, route: string, status: number) =>
  (method === 'GET' || method === 'HEAD') && status < 400 && !route.startsWith('/v1/admin') && !route.startsWith('/admin');

/** Middleware that records each request in `log`: the route that answered and the status only, no path, no address, no header. */
export function logRequests(log: RequestLog): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    log.record(c.req.method, routePath(c), c.res.status, performance.now() - started);
  };
}
