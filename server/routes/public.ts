import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Attestation } from '../attest/attestations.ts';
import { isClusterId } from '../domain/clusters.ts';
import { errorBody, fail, LabelError, statusOf } from '../errors.ts';
import { JWKS_MAX_AGE } from '../keys/keyring.ts';
import type { RequestLog } from '../log.ts';
import type { Services } from '../services.ts';
import type { WidgetAssets } from '../widget-assets.ts';
import { securityHeaders, setHeaders } from './security-headers.ts';

/** What lets other sites load a resource: any origin may read it, without credentials. */
const PUBLIC_HEADERS = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' } as const;

/** Other sites load these: any origin may read them, without credentials. */
export const publicResource: MiddlewareHandler = setHeaders(PUBLIC_HEADERS);

export const ATTESTATION_CONTENT_TYPE = 'application/cluster-label+jwt';

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

/**
 * A request header. Under the Node server it is read from the request Node parsed
 * (`env.incoming`): asking the Fetch API request for one header builds a `Headers` of all of them.
 */
function requestHeader(request: Request, env: unknown, name: Lowercase<string>): string | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return request.headers.get(name) ?? undefined;
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

interface PreparedHeaders {
  maxAge: number;
  ok: Record<string, string>;
  notModified: Record<string, string>;
}

/**
 * The headers of an attestation's answers, made once per token (and again only
 * should its `max-age` change, which a fresh token's does not for the default
 * lifetime): the route that every badge on every page view asks for does no more
 * per request than look them up. `base` is what every answer of the route carries.
 */
function attestationHeaders(base: Readonly<Record<string, string>>) {
  const prepared = new WeakMap<Attestation, PreparedHeaders>();
  return (attestation: Attestation, maxAge: number): PreparedHeaders => {
    const known = prepared.get(attestation);
    if (known?.maxAge === maxAge) return known;
    const notModified = { ...base, ETag: attestation.etag, 'Cache-Control': `public, max-age=${maxAge}` };
    const headers = { maxAge, notModified, ok: { ...notModified, 'Content-Type': ATTESTATION_CONTENT_TYPE } };
    prepared.set(attestation, headers);
    return headers;
  };
}

/** An error any site may read, like the answers of the route it came from. */
function publicError(base: Readonly<Record<string, string>>, error: LabelError): Response {
  return new Response(JSON.stringify(errorBody(error.code, error.message)), {
    status: statusOf(error),
    headers: { ...base, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** What every answer of the public routes carries, and the attestation's answers made from it. */
function publicAnswers(services: Services) {
  const headers = { ...PUBLIC_HEADERS, ...securityHeaders(services.config.publicUrl) };
  const headersOf = attestationHeaders(headers);
  /** The answer with `attestation`: 304 when `ifNoneMatch` names it. */
  const respond = (attestation: Attestation, ifNoneMatch: string | undefined) => {
    const prepared = headersOf(attestation, services.attestations.cacheSeconds(attestation));
    if (matchesEtag(ifNoneMatch, attestation.etag)) return new Response(null, { status: 304, headers: prepared.notModified });
    return new Response(attestation.token, { status: 200, headers: prepared.ok });
  };
  return { headers, respond };
}
const answersOf = new WeakMap<Services, ReturnType<typeof publicAnswers>>();
const answers = (services: Services) => {
  let made = answersOf.get(services);
  if (!made) answersOf.set(services, (made = publicAnswers(services)));
  return made;
};

export const ATTESTATION_ROUTE = '/v1/clusters/:id/attestation';
const ATTESTATION_PATH = /^\/v1\/clusters\/([^/?#]+)\/attestation$/;

/**
 * The answer to a plain `GET` of an attestation held in memory, made before the app's
 * router sees the request; undefined for every other request, which the app answers.
 * It is what nearly every request is (each badge on each page view asks), and so it
 * costs no more than a bare Hono route: no router, no middleware, no promise. The
 * request log still counts it, by its route. Cold tokens, refusals and anything else
 * go through the route (`publicRoutes`) as usual.
 */
export function cachedAttestation(services: Services, requestLog: RequestLog): (request: Request, env: unknown) => Response | undefined {
  const { respond } = answers(services);
  return (request, env) => {
    if (request.method !== 'GET') return undefined;
    const { url } = request;
    const path = ATTESTATION_PATH.exec(url.slice(url.indexOf('/', url.indexOf('//') + 2)));
    const id = path?.[1];
    if (!id || !isClusterId(id)) return undefined;
    const started = performance.now();
    try {
      const cached = services.attestations.cached(id);
      if (!cached) return undefined;
      const response = respond(cached, requestHeader(request, env, 'if-none-match'));
      requestLog.record('GET', ATTESTATION_ROUTE, response.status, performance.now() - started);
      return response;
    } catch {
      // The route meets the same failure and answers it as every failure is answered.
      return undefined;
    }
  };
}

/** Keys, attestations, the audit head, the schemes and the widget: what cluster websites and verifiers fetch. */
export function publicRoutes(services: Services, widget: WidgetAssets) {
  const app = new Hono();
  // The attestation route sets these headers itself: without a middleware around it, a
  // token in memory is answered without waiting for anything. The app's own security
  // headers (`createApp`) wrap none of these routes, for the same reason, so they are here.
  const { headers, respond: answer } = answers(services);
  for (const path of ['/.well-known/jwks.json', '/v1/audit/head', '/v1/schemes', '/v1/widget', '/widget.js', '/widget/:version/cluster-label.js']) {
    app.use(path, setHeaders(headers));
  }

  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE}`);
    return c.json(services.keyring.jwks());
  });

  const respond = (c: Context, attestation: Attestation) => answer(attestation, requestHeader(c.req.raw, c.env, 'if-none-match'));
  /**
   * A refusal any site may read. A failure nobody foresaw goes on to the app's `onError`
   * (logged, `internal_error`), with this route's headers set first, so that even its
   * 500 can be read by the page that asked.
   */
  const failed = (c: Context, error: unknown) => {
    if (error instanceof LabelError) return publicError(headers, error);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    throw error;
  };
  const signAndRespond = async (c: Context, id: string) => {
    try {
      return respond(c, await services.attestations.get(id));
    } catch (error) {
      return failed(c, error);
    }
  };
  app.get(ATTESTATION_ROUTE, (c) => {
    try {
      const id = c.req.param('id');
      if (!isClusterId(id)) return publicError(headers, fail('cluster_not_found'));
      const cached = services.attestations.cached(id);
      return cached ? respond(c, cached) : signAndRespond(c, id);
    } catch (error) {
      return failed(c, error);
    }
  });

  app.get('/v1/audit/head', async (c) => {
    const head = await services.registry.auditHead();
    if (!head) throw fail('audit_log_empty');
    c.header('Cache-Control', 'no-cache');
    return c.json(head);
  });

  // Schemes change seldom, by an admin's hand or a deployment's settings: a few minutes' staleness is harmless.
  app.get('/v1/schemes', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ schemes: await services.registry.schemes.list() });
  });

  const serveWidget = (immutable: boolean) => (c: Context) => {
    if (!widget.code) throw fail('widget_not_built');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('ETag', widget.etag);
    // The evergreen address follows releases within the major version; a versioned one never changes.
    c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (matchesEtag(c.req.header('If-None-Match'), widget.etag)) return c.body(null, 304);
    return c.body(widget.code);
  };
  app.get('/widget.js', serveWidget(false));
  // What a site needs to pin this version with Subresource Integrity.
  app.get('/v1/widget', (c) => {
    if (!widget.code) throw fail('widget_not_built');
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ version: widget.version, evergreen: `${services.config.publicUrl}/widget.js`, pinned: `${services.config.publicUrl}/widget/${widget.version}/cluster-label.js`, integrity: widget.integrity });
  });
  app.get('/widget/:version/cluster-label.js', (c) => {
    if (c.req.param('version') !== widget.version) {
      throw fail('widget_version_not_found', { version: widget.version });
    }
    return serveWidget(true)(c);
  });

  return app;
}
