// Baseline for the attestation benchmark: a bare Hono app on @hono/node-server that
// answers the same paths with a body of the same size from memory and the same headers,
// and 304 to an If-None-Match with its ETag.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const ETAG = '"0123456789abcdefghijkl"';
const body = 'x'.repeat(Number(process.env.BODY_SIZE ?? 740));
const app = new Hono();
app.get('/v1/clusters/:id/attestation', (c) => {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('ETag', ETAG);
  c.header('Cache-Control', 'public, max-age=300');
  if (c.req.header('If-None-Match') === ETAG) return c.body(null, 304);
  c.header('Content-Type', 'application/cluster-label+jwt');
  return c.body(body);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT) }, () => process.stdout.write('ready\n'));
