import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { readFile } from 'node:fs/promises';

export interface DemoOptions {
  /** The real issuer's origin (`PUBLIC_URL`); the demo pages load the widget from it. */
  issuerUrl: string;
  /** Port of the demo cluster website; default 8788. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1, which `localhost` reaches too. */
  host?: string;
  /** Port of the faulty issuer that plays "forged token" and "issuer down"; default `port + 1`. */
  faultyPort?: number;
}

export interface Demo {
  /** The demo site, its gallery, and the same gallery on a foreign origin (`mismatch`). */
  urls: string[];
  close(): Promise<void>;
}

const site = new URL('./site/', import.meta.url);
const bundle = new URL('../dist/widget/cluster-label.js', import.meta.url);

/** The widget's own headers: anyone may load it, no credentials. */
const PUBLIC = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

/**
 * A strict Content-Security-Policy: scripts and requests only to the issuer, no inline code,
 * no eval. The demo pages carry it to show that the widget needs nothing more.
 */
export function demoCsp(issuer: string): string {
  return [
    "default-src 'none'",
    `script-src ${issuer}`,
    `connect-src ${issuer}`,
    "style-src 'self'",
    "img-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

async function page(c: Context, file: string, issuer: string, values: Record<string, string>): Promise<Response> {
  const template = await readFile(new URL(file, site), 'utf8');
  const html = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
  c.header('Content-Security-Policy', demoCsp(issuer));
  c.header('X-Content-Type-Options', 'nosniff');
  return c.html(html);
}

/** The fictional cluster's website and the gallery of every state. */
function demoSite(issuer: string, faulty: string, foreign: string): Hono {
  const values = { ISSUER: issuer, FAULTY: faulty, FOREIGN: foreign };
  const app = new Hono();
  app.get('/', (c) => page(c, 'index.html', issuer, values));
  app.get('/gallery', (c) => page(c, 'gallery.html', issuer, values));
  app.get('/frames/:name{forged|down}', (c) => page(c, `frame-${c.req.param('name')}.html`, faulty, values));
  // An empty answer instead of a 404 the browser would log on every page.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/demo.css', async (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(await readFile(new URL('demo.css', site), 'utf8'));
  });
  return app;
}

/**
 * An issuer that is wrong on purpose, on its own origin, so the gallery can show what the
 * widget does with it: it serves the same widget and a well-formed key set, but the token for
 * `demo-forged` is signed by a key that set does not hold, and `demo-down` answers 503.
 */
async function faultyIssuer(origin: string, demoOrigins: string[]): Promise<Hono> {
  const published = await generateKeyPair('ES256', { extractable: true });
  const forger = await generateKeyPair('ES256');
  const jwk = await exportJWK(published.publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(PUBLIC)) c.header(name, value);
  });
  app.get('/widget.js', async (c) => {
    try {
      const code = await readFile(bundle);
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(code);
    } catch {
      return c.json({ error: { code: 'widget_not_built', message: 'Run npm run build first.' } }, 503);
    }
  });
  app.get('/.well-known/jwks.json', (c) => c.json({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] }));
  app.get('/v1/clusters/demo-down/attestation', (c) =>
    c.json({ error: { code: 'service_unavailable', message: 'The demo issuer is down on purpose.' } }, 503),
  );
  app.get('/v1/clusters/demo-forged/attestation', async (c) => {
    const token = await new SignJWT({
      label: { status: 'valid', level: 'gold', awarded: '2025-01-15', validUntil: '2099-12-31' },
      cluster: { name: 'Forged Example Cluster', sites: demoOrigins },
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'cluster-label+jwt', kid })
      .setIssuer(origin)
      .setSubject('demo-forged')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('10m')
      .setJti(crypto.randomUUID())
      .sign(forger.privateKey);
    c.header('Content-Type', 'application/cluster-label+jwt');
    c.header('Cache-Control', 'no-store');
    return c.body(token);
  });
  app.get('/clusters/:id', (c) =>
    c.html('<!doctype html><html lang="en"><title>Faulty demo issuer</title><p>This is the demo’s faulty issuer. It vouches for nothing.</p></html>'),
  );
  app.notFound((c) => c.json({ error: { code: 'cluster_not_found', message: 'The faulty demo issuer knows no such cluster.' } }, 404));
  return app;
}

function listen(app: Hono, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

const close = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * Serves the demo beside the issuer: a fictional cluster's website with the contract's
 * snippet at `http://localhost:{port}`, the gallery of every state, and the faulty issuer.
 * The seeded demo clusters list `http://localhost:{port}` in their sites, so the same pages
 * reached as `http://127.0.0.1:{port}` show `mismatch`.
 *
 * @example const demo = await startDemo({ issuerUrl: 'http://localhost:8787' }); … await demo.close();
 */
export async function startDemo({ issuerUrl, port = 8788, host = '127.0.0.1', faultyPort = port + 1 }: DemoOptions): Promise<Demo> {
  const issuer = new URL(issuerUrl).origin;
  const home = `http://localhost:${port}`;
  const foreign = `http://127.0.0.1:${port}`;
  const faulty = `http://localhost:${faultyPort}`;
  const servers = [await listen(demoSite(issuer, faulty, foreign), port, host)];
  try {
    servers.push(await listen(await faultyIssuer(faulty, [home]), faultyPort, host));
  } catch (error) {
    await close(servers[0]!);
    throw error;
  }
  return {
    urls: [`${home}/`, `${home}/gallery`, `${foreign}/gallery`],
    close: async () => {
      await Promise.all(servers.map(close));
    },
  };
}
