import { serve, type ServerType } from '@hono/node-server';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRegister } from '../../server/import/index.ts';
import { freePort } from '../support/ports.ts';
import { createTestCluster, dialects, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Far below the attestation lifetime (600 s), whose half is how long a token not told of a change
 * is kept; generous, so that a loaded machine does not fail it (the time taken is printed).
 */
const HEARD_WITHIN_MS = 30_000;

interface Instance {
  server: TestServer;
  http: ServerType;
  base: string;
}

async function listen(server: TestServer): Promise<Instance> {
  const port = await freePort();
  const http = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
  return { server, http, base: `http://127.0.0.1:${port}` };
}

async function token(instance: Instance, id = 'alpha'): Promise<string> {
  const response = await fetch(`${instance.base}/v1/clusters/${id}/attestation`);
  expect(response.status).toBe(200);
  return response.text();
}

async function keys(instance: Instance) {
  return (await (await fetch(`${instance.base}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
}

/** The token's label claim, after checking its signature against the instance's own key set. */
async function verifiedLabel(instance: Instance, jwt: string) {
  const { payload } = await jwtVerify(jwt, createLocalJWKSet((await keys(instance)) as never), { algorithms: ['ES256'], issuer: 'https://issuer.test', typ: 'cluster-label+jwt' });
  return payload.label as { status: string; level?: string };
}

/** Asks `check` until it holds, and returns how many milliseconds that took; fails after {@link HEARD_WITHIN_MS}. */
async function msUntil(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > HEARD_WITHIN_MS) throw new Error(`not seen within ${HEARD_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Math.round(performance.now() - started);
}

if (!dialects.includes('postgres')) {
  describe('instances on one PostgreSQL', () => it.skip('skipped: TEST_DATABASE_URL is not set', () => {}));
} else {
  describe('instances on one PostgreSQL', () => {
    let a: Instance;
    let b: Instance;

    beforeAll(async () => {
      a = await listen(await startTestServer('postgres'));
      b = await listen(await startTestServer('postgres', { shareWith: a.server }));
    });
    afterAll(async () => {
      for (const instance of [b, a]) {
        if (!instance) continue;
        await new Promise((resolve) => instance.http.close(resolve));
        await instance.server.cleanup();
      }
    });

    it('a revocation on one instance reaches the tokens the other serves at once', async () => {
      await createTestCluster(a.server, 'alpha');
      await a.server.registry.award('alpha', { level: 'silver' }, 'test');
      expect(await verifiedLabel(a, await token(a))).toMatchObject({ status: 'valid', level: 'silver' });
      // B has heard the award (else hearing it would drop the token it is about to keep) …
      await b.server.registry.database.changes.read();
      await b.server.registry.database.changes.read();
      // … then signs and keeps its token: without being told, it would serve it for five minutes.
      const kept = await token(b);
      expect(await verifiedLabel(b, kept)).toMatchObject({ status: 'valid', level: 'silver' });
      expect(await token(b)).toBe(kept);

      await a.server.registry.revoke('alpha', { reason: 'Evidence withdrawn.', note: null }, 'test');
      const ms = await msUntil(async () => (await verifiedLabel(b, await token(b))).status === 'revoked');
      console.log(`instances: B served "revoked" ${ms} ms after A committed the revocation`);
      expect(ms).toBeLessThan(HEARD_WITHIN_MS);
    });

    it('an upgrade on the other instance is seen on the first', async () => {
      await createTestCluster(a.server, 'beta');
      await a.server.registry.award('beta', { level: 'bronze' }, 'test');
      expect(await verifiedLabel(a, await token(a, 'beta'))).toMatchObject({ level: 'bronze' });
      await b.server.registry.upgrade('beta', { level: 'gold' }, 'test');
      const ms = await msUntil(async () => (await verifiedLabel(a, await token(a, 'beta'))).level === 'gold');
      console.log(`instances: A served the upgrade ${ms} ms after B committed it`);
      expect(ms).toBeLessThan(HEARD_WITHIN_MS);
    });

    it('a key revoked on one instance: the other stops serving tokens it signed and drops it from its keys', async () => {
      await createTestCluster(a.server, 'gamma');
      const compromised = decodeProtectedHeader(await token(b, 'gamma')).kid!;
      expect((await keys(b)).keys.map((k) => k.kid)).toContain(compromised);

      const { signingKid } = await a.server.keyring.revoke(compromised, 'test');
      const ms = await msUntil(async () => decodeProtectedHeader(await token(b, 'gamma')).kid === signingKid);
      console.log(`instances: B signed with the replacement key ${ms} ms after A revoked the old one`);
      expect(ms).toBeLessThan(HEARD_WITHIN_MS);
      expect((await keys(b)).keys.map((k) => k.kid)).not.toContain(compromised);
      expect(await verifiedLabel(b, await token(b, 'gamma'))).toEqual({ status: 'none' });
    });

    it('an import on one instance reaches the tokens the other serves at once', async () => {
      await createTestCluster(a.server, 'epsilon');
      expect((await verifiedLabel(b, await token(b, 'epsilon'))).status).toBe('none');
      const csv = ['Id;Name;Country;Level;Label valid until', 'epsilon;Epsilon Test Cluster;DE;gold;2099-12-31'].join('\n');
      const report = await importRegister(a.server.database, a.server.keyring, csv, { actor: 'cli:test', scheme: a.server.registry.scheme, now: new Date() });
      expect(report).toMatchObject({ applied: true, labelled: ['epsilon'] });
      const ms = await msUntil(async () => (await verifiedLabel(b, await token(b, 'epsilon'))).level === 'gold');
      console.log(`instances: B served the imported label ${ms} ms after A committed the import`);
    });
  });
}
