import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { etag } from 'hono/etag';
import type * as z from 'zod';
import { verifyChain } from '../audit/log.ts';
import { ApiTokens, authenticate, bearerToken, principalOf, requireRole, type AuthEnv } from '../auth/index.ts';
import { ADMIN } from '../contract/admin.ts';
import { MAX_BODY_BYTES, readJson } from '../contract/json-body.ts';
import type { Operation } from '../contract/operation.ts';
import { readQuery } from '../contract/query.ts';
import { parseWith } from '../contract/refusals.ts';
import { isClusterId } from '../domain/clusters.ts';
import { ECEI, effectiveStatus, levelOf } from '../domain/schemes.ts';
import type { Cluster, Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { versionOf } from '../registry/version.ts';
import type { Services } from '../services.ts';

const PREFIX = '/v1/admin';

/** What a handler is given: the query and the body as their schemas shaped them, and the version in `If-Match`. */
interface Input<O extends Operation> {
  query: O['query'] extends z.ZodObject ? z.output<O['query']> : undefined;
  body: O['body'] extends { content: { 'application/json': infer S extends z.core.$ZodType } } ? z.output<S> : undefined;
  /** The version named in `If-Match`; `undefined` without one (or with `*`). */
  ifMatch: string | undefined;
}

/**
 * The admin API, mounted at `/v1/admin`: clusters, labels, schemes, the audit log and
 * the signing keys, for API tokens. Reading needs `viewer`, changing clusters and
 * labels `officer`, changing schemes and keys `admin`. Each route is built from its operation in
 * contract/admin.ts: its path, its role, and the schemas its query and body are
 * checked with, here at the edge, before anything is written.
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
  // Every answer to a read carries an ETag (a digest of its body, unless the route sets
  // the resource's version), and `If-None-Match` with it is answered 304.
  admin.use(etag());

  /** Registers `operation` with the role it names; `handler` gets its checked input. */
  function route<O extends Operation>(operation: O, handler: (c: Context<AuthEnv>, input: Input<O>) => Promise<Response>) {
    const path = operation.path.slice(PREFIX.length).replace(/\{(\w+)\}/g, ':$1');
    admin.on(operation.method.toUpperCase(), path, requireRole(operation.role ?? 'viewer'), async (c) => {
      const query = operation.query && readQuery(operation.query, c.req.url);
      const schema = operation.body?.content['application/json'];
      const body = typeof schema === 'object' ? parseWith(schema, (await readJson(c)) ?? {}) : undefined;
      return handler(c, { query, body, ifMatch: ifMatchOf(c) } as Input<O>);
    });
  }

  const labelView = (label: Label) => ({ ...label, status: effectiveStatus(label, services.now()) });
  /** A cluster with its current ECEI label (`label`, as always) and its current label in every scheme (`labels`, sorted by scheme). */
  const clusterView = (cluster: Cluster, current: readonly Label[]) => {
    const ecei = current.find((label) => label.scheme === ECEI);
    return { ...cluster, label: ecei ? labelView(ecei) : null, currentLabels: current.map(labelView) };
  };
  const tagged = (version: string) => ({ ETag: `"${version}"` });

  // ── clusters ─────────────────────────────────────────────────────────────

  route(ADMIN.listClusters, async (c, { query: { page, pageSize } }) => {
    const { items, total } = await registry.listClusters({ offset: (page - 1) * pageSize, limit: pageSize });
    return c.json({ items: items.map(({ cluster, labels }) => clusterView(cluster, labels)), total, page, pageSize });
  });

  route(ADMIN.createCluster, async (c, { body }) => {
    const cluster = await registry.createCluster(body, principalOf(c).actor);
    return c.json(clusterView(cluster, []), 201, { Location: `${PREFIX}/clusters/${cluster.id}`, ...tagged(versionOf(cluster, [])) });
  });

  route(ADMIN.getCluster, async (c) => {
    const id = clusterIdParam(c.req.param('id'));
    const cluster = await registry.getCluster(id);
    if (!cluster) throw fail('cluster_not_found');
    const [labels, current] = await Promise.all([registry.getLabels(id), registry.getCurrentLabels(id)]);
    return c.json({ ...clusterView(cluster, current), labels: labels.map(labelView) }, 200, tagged(versionOf(cluster, current)));
  });

  route(ADMIN.patchCluster, async (c, { body, ifMatch }) => {
    const id = clusterIdParam(c.req.param('id'));
    const cluster = await registry.updateCluster(id, body, principalOf(c).actor, ifMatch);
    const current = await registry.getCurrentLabels(id);
    return c.json(clusterView(cluster, current), 200, tagged(versionOf(cluster, current)));
  });

  // ── labels ───────────────────────────────────────────────────────────────

  /** A level its scheme does not have is refused as the request's fault, before the cluster is looked up. */
  const knownLevel = async (input: { scheme?: string | undefined; level: string }) => levelOf(await registry.schemes.get(input.scheme ?? ECEI), input.level);

  route(ADMIN.award, async (c, { body, ifMatch }) => {
    await knownLevel(body);
    return c.json(labelView(await registry.award(clusterIdParam(c.req.param('id')), body, principalOf(c).actor, ifMatch)), 201);
  });
  route(ADMIN.upgrade, async (c, { body, ifMatch }) => {
    await knownLevel(body);
    return c.json(labelView(await registry.upgrade(clusterIdParam(c.req.param('id')), body, principalOf(c).actor, ifMatch)), 201);
  });
  route(ADMIN.renew, async (c, { body, ifMatch }) => c.json(labelView(await registry.renew(clusterIdParam(c.req.param('id')), body, principalOf(c).actor, ifMatch))));
  route(ADMIN.revoke, async (c, { body, ifMatch }) => c.json(labelView(await registry.revoke(clusterIdParam(c.req.param('id')), body, principalOf(c).actor, ifMatch))));
  route(ADMIN.withdraw, async (c, { body, ifMatch }) => c.json(labelView(await registry.withdraw(clusterIdParam(c.req.param('id')), principalOf(c).actor, ifMatch, body))));

  route(ADMIN.expiring, async (c, { query: { days } }) => {
    const items = await registry.expiringWithin(days);
    return c.json({ days, items: items.map(({ cluster, label }) => ({ cluster, label: labelView(label) })) });
  });

  route(ADMIN.awaitingWithdrawal, async (c) => {
    const items = await registry.awaitingWithdrawal();
    return c.json({ items: items.map(({ cluster, label, graceEnded }) => ({ cluster, label: labelView(label), graceEnded })) });
  });

  // ── schemes ──────────────────────────────────────────────────────────────

  route(ADMIN.listSchemes, async (c) => c.json({ schemes: await registry.schemes.list() }));

  route(ADMIN.putScheme, async (c, { body }) => {
    const id = c.req.param('id') ?? '';
    if (body.id !== id) throw fail('scheme_id_mismatch', { path: id.slice(0, 40), body: body.id });
    const { scheme, outcome } = await registry.schemes.put(body, principalOf(c).actor);
    return outcome === 'created' ? c.json(scheme, 201, { Location: `${PREFIX}/schemes/${scheme.id}` }) : c.json(scheme, 200);
  });

  // ── audit log ────────────────────────────────────────────────────────────

  route(ADMIN.audit, async (c, { query: { subject, action, before, limit } }) => {
    // One more than asked tells whether another page follows.
    const entries = await registry.audit({ subject, action, before, limit: limit + 1 });
    const items = entries.slice(0, limit);
    return c.json({ items, nextBefore: entries.length > limit ? (items.at(-1)?.seq ?? null) : null });
  });

  route(ADMIN.verifyAudit, async (c) => {
    // Another instance may have added a key since this one last looked.
    await keyring.refresh();
    const report = await verifyChain(services.database.db, keyring.allPublicKeys());
    return c.json({ ...report, head: (await registry.auditHead()) ?? null });
  });

  // ── signing keys ─────────────────────────────────────────────────────────

  /** The key list, and its version: what `If-Match` names for the key operations. */
  const keyList = async () => {
    await keyring.refresh();
    const list = { signingKid: keyring.currentKid ?? null, keys: keyring.list() };
    return { list, version: createHash('sha256').update(JSON.stringify(list)).digest('base64url').slice(0, 22) };
  };
  /**
   * Keys change seldom, and by admins only: the version is compared just before the
   * change, outside its transaction (the keyring's), which narrows the race to moments.
   */
  const keysUnchanged = async (ifMatch: string | undefined) => {
    if (ifMatch !== undefined && (await keyList()).version !== ifMatch) throw fail('precondition_failed');
  };

  route(ADMIN.keys, async (c) => {
    const { list, version } = await keyList();
    return c.json(list, 200, tagged(version));
  });

  route(ADMIN.rotateKey, async (c, { body: { force }, ifMatch }) => {
    await keysUnchanged(ifMatch);
    return c.json(await keyring.rotate(principalOf(c).actor, { force: force === true }));
  });

  route(ADMIN.revokeKey, async (c, { ifMatch }) => {
    const kid = c.req.param('kid') ?? '';
    // Key ids are JWK thumbprints; anything else names no key and never reaches the database.
    if (!/^[\w-]{43}$/.test(kid)) throw fail('key_not_found');
    await keysUnchanged(ifMatch);
    return c.json(await keyring.revoke(kid, principalOf(c).actor));
  });

  return admin;
}

/** The `:id` of the path; an id that cannot exist is as unknown as one that does not. */
function clusterIdParam(id: string | undefined): string {
  if (!isClusterId(id)) throw fail('cluster_not_found');
  return id;
}

/**
 * The version `If-Match` names: one strong entity tag, as the `ETag` of a read gave it.
 * `*` asks only that the resource exists, which every write checks anyway. Anything else
 * (a weak tag, a list, a malformed value) can match no version: an empty one never does.
 */
function ifMatchOf(c: Context): string | undefined {
  const header = c.req.header('If-Match')?.trim();
  if (header === undefined || header === '*') return undefined;
  return /^"([\x21\x23-\x7e]*)"$/.exec(header)?.[1] ?? '';
}
