import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { verifyChain } from '../audit/log.ts';
import { ApiTokens, authenticate, bearerToken, principalOf, requireRole, type AuthEnv } from '../auth/index.ts';
import { isClusterId, parseClusterInput, parseClusterPatch, parseRevocation } from '../domain/clusters.ts';
import { effectiveStatus, parseAwardInput, parseRenewalInput } from '../domain/labels.ts';
import type { Cluster, Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import type { Services } from '../services.ts';

export const MAX_BODY_BYTES = 64 * 1024;
/** Deeper than any body this API accepts; checked before parsing, so a hostile body costs one pass. */
const MAX_JSON_DEPTH = 8;

const CLUSTER_FIELDS = ['id', 'name', 'organisation', 'country', 'portfolio', 'sites', 'contactEmail'] as const;
const AWARD_FIELDS = ['level', 'awarded', 'validUntil', 'assessmentRef'] as const;
const RENEWAL_FIELDS = ['validUntil', 'assessmentRef'] as const;
const REVOCATION_FIELDS = ['reason', 'note'] as const;

/**
 * The admin API, mounted at `/v1/admin`: clusters, labels, the audit log and the
 * signing keys, for API tokens. Reading needs `viewer`, changing clusters and
 * labels `officer`, changing keys `admin`. Every body is checked here, at the
 * edge, before anything is written.
 */
export function adminRoutes(services: Services) {
  const { registry, keyring } = services;
  const tokens = new ApiTokens(services.database, keyring, services.now);
  const admin = new Hono<AuthEnv>();

  admin.use(authenticate(bearerToken(tokens)), requireRole('viewer'));
  admin.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw fail('payload_too_large', { what: 'body', kib: MAX_BODY_BYTES / 1024 });
      },
    }),
  );
  admin.use(async (c, next) => {
    await next();
    // Answers for one token holder: no shared cache may keep them.
    c.header('Cache-Control', 'no-store');
  });

  const labelView = (label: Label) => ({ ...label, status: effectiveStatus(label, services.now()) });
  const clusterView = (cluster: Cluster, label: Label | undefined) => ({ ...cluster, label: label ? labelView(label) : null });

  // ── clusters ─────────────────────────────────────────────────────────────

  admin.get('/clusters', async (c) => {
    const page = integerQuery(c, 'page', 1, 1, 1_000_000);
    const pageSize = integerQuery(c, 'pageSize', 50, 1, 200);
    const { items, total } = await registry.listClusters({ offset: (page - 1) * pageSize, limit: pageSize });
    return c.json({ items: items.map(({ cluster, label }) => clusterView(cluster, label)), total, page, pageSize });
  });

  admin.post('/clusters', requireRole('officer'), async (c) => {
    const input = parseClusterInput(await jsonBody(c, CLUSTER_FIELDS));
    const cluster = await registry.createCluster(input, principalOf(c).actor);
    c.header('Location', `/v1/admin/clusters/${cluster.id}`);
    return c.json(clusterView(cluster, undefined), 201);
  });

  admin.get('/clusters/:id', async (c) => {
    const id = clusterIdParam(c.req.param('id'));
    const cluster = await registry.getCluster(id);
    if (!cluster) throw fail('cluster_not_found');
    const labels = await registry.getLabels(id);
    return c.json({ ...clusterView(cluster, labels.at(-1)), labels: labels.map(labelView) });
  });

  admin.patch('/clusters/:id', requireRole('officer'), async (c) => {
    const id = clusterIdParam(c.req.param('id'));
    const patch = parseClusterPatch(await jsonBody(c, CLUSTER_FIELDS));
    const cluster = await registry.updateCluster(id, patch, principalOf(c).actor);
    return c.json(clusterView(cluster, await registry.getCurrentLabel(id)));
  });

  // ── labels ───────────────────────────────────────────────────────────────

  admin.post('/clusters/:id/labels/award', requireRole('officer'), async (c) => {
    const input = parseAwardInput(await jsonBody(c, AWARD_FIELDS));
    return c.json(labelView(await registry.award(clusterIdParam(c.req.param('id')), input, principalOf(c).actor)), 201);
  });

  admin.post('/clusters/:id/labels/upgrade', requireRole('officer'), async (c) => {
    const input = parseAwardInput(await jsonBody(c, AWARD_FIELDS));
    return c.json(labelView(await registry.upgrade(clusterIdParam(c.req.param('id')), input, principalOf(c).actor)), 201);
  });

  admin.post('/clusters/:id/labels/renew', requireRole('officer'), async (c) => {
    const input = parseRenewalInput(await jsonBody(c, RENEWAL_FIELDS));
    return c.json(labelView(await registry.renew(clusterIdParam(c.req.param('id')), input, principalOf(c).actor)));
  });

  admin.post('/clusters/:id/labels/revoke', requireRole('officer'), async (c) => {
    const input = parseRevocation(await jsonBody(c, REVOCATION_FIELDS));
    return c.json(labelView(await registry.revoke(clusterIdParam(c.req.param('id')), input, principalOf(c).actor)));
  });

  admin.post('/clusters/:id/labels/withdraw', requireRole('officer'), async (c) => {
    await jsonBody(c, []);
    return c.json(labelView(await registry.withdraw(clusterIdParam(c.req.param('id')), principalOf(c).actor)));
  });

  admin.get('/labels/expiring', async (c) => {
    const days = integerQuery(c, 'days', 30, 0, 3660);
    const items = await registry.expiringWithin(days);
    return c.json({ days, items: items.map(({ cluster, label }) => ({ cluster, label: labelView(label) })) });
  });

  admin.get('/labels/awaiting-withdrawal', async (c) => {
    const items = await registry.awaitingWithdrawal();
    return c.json({ items: items.map(({ cluster, label, graceEnded }) => ({ cluster, label: labelView(label), graceEnded })) });
  });

  // ── audit log ────────────────────────────────────────────────────────────

  admin.get('/audit', async (c) => {
    const limit = integerQuery(c, 'limit', 50, 1, 200);
    const before = integerQuery(c, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
    // One more than asked tells whether another page follows.
    const entries = await registry.audit({ subject: textQuery(c, 'subject'), action: textQuery(c, 'action'), before, limit: limit + 1 });
    const items = entries.slice(0, limit);
    return c.json({ items, nextBefore: entries.length > limit ? items.at(-1)!.seq : null });
  });

  admin.get('/audit/verify', async (c) => {
    // Another instance may have added a key since this one last looked.
    await keyring.refresh();
    const report = await verifyChain(services.database.db, keyring.allPublicKeys());
    return c.json({ ...report, head: (await registry.auditHead()) ?? null });
  });

  // ── signing keys ─────────────────────────────────────────────────────────

  admin.get('/keys', async (c) => {
    await keyring.refresh();
    return c.json({ signingKid: keyring.currentKid ?? null, keys: keyring.list() });
  });

  admin.post('/keys/rotate', requireRole('admin'), async (c) => {
    const { force } = await jsonBody(c, ['force']);
    if (force !== undefined && typeof force !== 'boolean') throw fail('invalid_field', { field: 'force', rule: 'must be true or false' });
    return c.json(await keyring.rotate(principalOf(c).actor, { force: force === true }));
  });

  admin.post('/keys/:kid/revoke', requireRole('admin'), async (c) => {
    await jsonBody(c, []);
    const kid = c.req.param('kid');
    // Key ids are JWK thumbprints; anything else names no key and never reaches the database.
    if (!/^[\w-]{43}$/.test(kid)) throw fail('key_not_found');
    return c.json(await keyring.revoke(kid, principalOf(c).actor));
  });

  return admin;
}

/** The request body as a JSON object with only `allowed` fields; an empty body reads as `{}`. */
async function jsonBody(c: Context, allowed: readonly string[]): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw fail('unsupported_media_type', { sent: type });
  }
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw fail('json_too_deep', { depth: MAX_JSON_DEPTH });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw fail('malformed_json', { reason: error instanceof Error ? error.message : String(error) });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw fail('invalid_body');
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw fail('unknown_field', { fields: unknown, allowed });
  return body as Record<string, unknown>;
}

/** Whether brackets outside strings nest deeper than `limit`. */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (++depth > limit) return true;
    } else if (ch === '}' || ch === ']') depth--;
  }
  return false;
}


/** The `:id` of the path; an id that cannot exist is as unknown as one that does not. */
function clusterIdParam(id: string): string {
  if (!isClusterId(id)) throw fail('cluster_not_found');
  return id;
}

function integerQuery<T extends number | undefined>(c: Context, name: string, fallback: T, min: number, max: number): number | T {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || value < min || value > max) {
    throw fail('invalid_query', { parameter: name, rule: `must be a whole number from ${min} to ${max}; it is "${raw.slice(0, 40)}"` });
  }
  return value;
}

function textQuery(c: Context, name: string): string | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > 200) throw fail('invalid_query', { parameter: name, rule: 'is longer than 200 characters' });
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw fail('invalid_query', { parameter: name, rule: 'contains a control character' });
  return raw;
}
