import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { VerifyInput } from '../contract/credentials.ts';
import { isClusterId } from '../domain/clusters.ts';
import { isLevel } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { publicResource } from '../routes/public.ts';
import type { Services } from '../services.ts';
import { CREDENTIAL_FORMATS, FORMATS } from './credentials.ts';
import { achievement, credentialType, issuerProfile } from './statement.ts';
import { STATUS_LIST_MEDIA_TYPE, STATUS_LIST_TTL } from './status-lists.ts';
import { MAX_VERIFY_BYTES } from './verify.ts';

/** Media types `POST /v1/verify` reads as the token itself. */
const TOKEN_MEDIA_TYPES = new Set(['text/plain', 'application/jwt', 'application/cluster-label+jwt', STATUS_LIST_MEDIA_TYPE, ...Object.values(CREDENTIAL_FORMATS).map((f) => f.mediaType)]);

/** Room for the largest token plus a JSON envelope or a form's parts. */
export const MAX_VERIFY_BODY = MAX_VERIFY_BYTES + 4096;

export const verifyBodyLimit = bodyLimit({
  maxSize: MAX_VERIFY_BODY,
  onError: () => {
    throw fail('payload_too_large', { what: 'body', kib: Math.floor(MAX_VERIFY_BODY / 1024) });
  },
});

/**
 * Status lists, credentials and what they name (issuer profile, achievements,
 * credential type), and `POST /v1/verify`. Everything but the verification is a
 * public resource other sites and wallets load.
 */
export function credentialRoutes(services: Services) {
  const { statusLists, credentials, verifier } = services.credentials;
  const { config } = services;
  const app = new Hono();
  for (const path of ['/v1/status-lists', '/v1/status-lists/*', '/v1/clusters/:id/credentials', '/v1/clusters/:id/credentials/*', '/v1/issuer', '/v1/issuer/*', '/v1/credential-types/*', '/.well-known/jwt-vc-issuer']) {
    app.use(path, publicResource);
  }

  app.get('/v1/status-lists', async (c) => {
    c.header('Cache-Control', `public, max-age=${STATUS_LIST_TTL}`);
    return c.json({ status_lists: await statusLists.all() });
  });

  app.get('/v1/status-lists/:list', async (c) => {
    const list = statusLists.listOf(`${config.publicUrl}/v1/status-lists/${c.req.param('list')}`);
    const signed = list === undefined ? undefined : await statusLists.signed(list);
    if (!signed) throw fail('status_list_not_found');
    c.header('Content-Type', STATUS_LIST_MEDIA_TYPE);
    c.header('Cache-Control', `public, max-age=${STATUS_LIST_TTL}`);
    return c.body(signed.token);
  });

  const currentCredentials = async (c: Context) => {
    const id = c.req.param('id') ?? '';
    const issued = isClusterId(id) ? await credentials.current(id) : undefined;
    if (!issued) throw fail('cluster_not_found');
    return { id, issued };
  };

  app.get('/v1/clusters/:id/credentials', async (c) => {
    const { id, issued } = await currentCredentials(c);
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({
      cluster: id,
      credentials: issued.map((credential) => ({
        format: credential.format,
        mediaType: credential.mediaType,
        name: CREDENTIAL_FORMATS[credential.format].name,
        expiresAt: credential.expiresAt,
        download: `${config.publicUrl}/v1/clusters/${id}/credentials/${CREDENTIAL_FORMATS[credential.format].download}`,
        credential: credential.credential,
      })),
    });
  });

  app.get('/v1/clusters/:id/credentials/:format', async (c) => {
    const format = FORMATS.find((f) => CREDENTIAL_FORMATS[f].download === c.req.param('format'));
    if (!format) throw fail('credential_format_not_found');
    const { id, issued } = await currentCredentials(c);
    const credential = issued.find((item) => item.format === format);
    if (!credential) throw fail('credential_not_found');
    c.header('Content-Type', credential.mediaType);
    c.header('Content-Disposition', `attachment; filename="${id}-label.${CREDENTIAL_FORMATS[format].extension}"`);
    c.header('Cache-Control', 'public, max-age=60');
    return c.body(credential.credential);
  });

  const issuer = { url: config.publicUrl, name: config.issuerName };
  app.get('/v1/issuer', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(issuerProfile(issuer));
  });
  app.get('/v1/issuer/achievements/:level', (c) => {
    const level = c.req.param('level');
    if (!isLevel(level)) throw fail('achievement_not_found');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({ '@context': issuerProfile(issuer)['@context'], ...achievement(config.publicUrl, config.programmeName, level) });
  });
  app.get('/v1/credential-types/label', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(credentialType(config.publicUrl, config.programmeName));
  });
  // SD-JWT VC issuer metadata: where a wallet finds the keys for `iss`.
  app.get('/.well-known/jwt-vc-issuer', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({ issuer: config.publicUrl, jwks_uri: `${config.publicUrl}/.well-known/jwks.json` });
  });

  app.post('/v1/verify', verifyBodyLimit, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await verifier.verify(await tokenFromBody(c)));
  });

  return app;
}

async function tokenFromBody(c: Context): Promise<string> {
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw fail('body_invalid');
    }
    const input = VerifyInput.safeParse(body);
    if (!input.success) throw fail('body_invalid');
    return input.data.credential;
  }
  if (TOKEN_MEDIA_TYPES.has(mediaType)) return c.req.text();
  throw fail('unsupported_media_type', { sent: mediaType, accepted: 'text/plain (or the token\'s own media type), or {"credential": "…"} as application/json' });
}
