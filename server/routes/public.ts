import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { isClusterId } from '../domain/clusters.ts';
import { fail } from '../errors.ts';
import { JWKS_MAX_AGE } from '../keys/keyring.ts';
import type { Services } from '../services.ts';
import type { WidgetAssets } from '../widget-assets.ts';

/** Other sites load these: any origin may read them, without credentials. */
export const publicResource: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Access-Control-Allow-Origin', '*');
  c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
};

export const ATTESTATION_CONTENT_TYPE = 'application/cluster-label+jwt';

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

/** Keys, attestations, the audit head and the widget: what cluster websites and verifiers fetch. */
export function publicRoutes(services: Services, widget: WidgetAssets) {
  const app = new Hono();
  for (const path of ['/.well-known/jwks.json', '/v1/clusters/:id/attestation', '/v1/audit/head', '/v1/widget', '/widget.js', '/widget/:version/cluster-label.js']) {
    app.use(path, publicResource);
  }

  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE}`);
    return c.json(services.keyring.jwks());
  });

  app.get('/v1/clusters/:id/attestation', async (c) => {
    const id = c.req.param('id');
    if (!isClusterId(id)) throw fail('cluster_not_found');
    const attestation = await services.attestations.get(id);
    c.header('ETag', attestation.etag);
    c.header('Cache-Control', `public, max-age=${services.attestations.cacheSeconds(attestation)}`);
    if (matchesEtag(c.req.header('If-None-Match'), attestation.etag)) return c.body(null, 304);
    c.header('Content-Type', ATTESTATION_CONTENT_TYPE);
    return c.body(attestation.token);
  });

  app.get('/v1/audit/head', async (c) => {
    const head = await services.registry.auditHead();
    if (!head) throw fail('audit_log_empty');
    c.header('Cache-Control', 'no-cache');
    return c.json(head);
  });

  const serveWidget = (immutable: boolean) => (c: Context) => {
    if (!widget.code) throw fail('widget_not_built');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('ETag', widget.etag!);
    // The evergreen address follows releases within the major version; a versioned one never changes.
    c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (matchesEtag(c.req.header('If-None-Match'), widget.etag!)) return c.body(null, 304);
    return c.body(widget.code as Uint8Array<ArrayBuffer>);
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
