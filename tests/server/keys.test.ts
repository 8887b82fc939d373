import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEK_FILE, loadKeyEncryptionKey } from '../../server/keys/kek.ts';
import { freePort } from '../support/ports.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describe('key-encryption key', () => {
  it('is generated once into a file only its owner can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-'));
    const first = loadKeyEncryptionKey({ dataDir: dir });
    expect(first.length).toBe(32);
    expect(statSync(join(dir, KEK_FILE)).mode & 0o777).toBe(0o600);
    expect(loadKeyEncryptionKey({ dataDir: dir }).equals(first)).toBe(true);
  });
});

describeEachDialect('signing keys', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-05-01' }, 'test');
  });
  afterEach(() => server.cleanup());

  const jwks = async (s = server) => (await (await s.app.request('/.well-known/jwks.json')).json()) as { keys: Array<Record<string, string>> };
  const token = async (s = server) => (await s.app.request('/v1/clusters/alpha/attestation')).text();
  const verifies = async (jwt: string, s = server) =>
    jwtVerify(jwt, createLocalJWKSet(await jwks(s)), { algorithms: ['ES256'], currentDate: clock.now() }).then(
      () => true,
      () => false,
    );

  it('publishes P-256 signing keys with their RFC 7638 thumbprint as kid, cacheable for at most an hour', async () => {
    const response = await server.app.request('/.well-known/jwks.json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control')!)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(3600);
    const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: server.keyring.currentKid });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('keeps private keys encrypted at rest', async () => {
    const rows = await server.database.db.selectFrom('signing_keys').select(['private_jwk']).execute();
    for (const row of rows) {
      expect(row.private_jwk).toMatch(/^v1\./);
      expect(row.private_jwk).not.toContain('"d"');
    }
  });

  it('refuses to start with another key-encryption key', async () => {
    await expect(
      startTestServer(dialect, { shareWith: server, env: { KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') } }),
    ).rejects.toMatchObject({ code: 'key_unreadable' });
  });

  it('rotates in two steps with zero failed verifications', async () => {
    const before = await token();
    const oldKid = server.keyring.currentKid!;
    const published = await server.keyring.rotate('test');
    expect(published.step).toBe('published');
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([oldKid, published.kid]);
    // The next key is published but does not sign yet.
    clock.advance(400);
    expect(decodeProtectedHeader(await token()).kid).toBe(oldKid);
    await expect(server.keyring.rotate('test')).resolves.toMatchObject({ step: 'activated', kid: published.kid });
    clock.advance(301);
    const after = await token();
    expect(decodeProtectedHeader(after).kid).toBe(published.kid);
    // Tokens signed before and after the switch both verify against the published set.
    expect(await verifies(after)).toBe(true);
    clock.set('2026-06-15T10:11:00Z');
    expect(await verifies(before)).toBe(false); // expired by now, not for want of a key
    expect((await jwks()).keys.map((k) => k.kid)).toContain(oldKid);
    clock.advance(3600);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([published.kid]);
  });

  it('rotates under load: 32 clients verifying without pause see zero failures', async () => {
    const port = await freePort();
    const http = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    const clusters = ['alpha', 'beta', 'gamma', 'delta'];
    for (const id of clusters.slice(1)) {
      await createTestCluster(server, id);
      await server.registry.award(id, { level: 'silver', awarded: '2026-05-01' }, 'test');
    }
    const byKid = new Map<string, number>();
    const failures: string[] = [];
    let verified = 0;
    let unknownKid = 0;

    /** One visitor's badge, as the widget checks: keys kept for their max-age, fetched again once on an unknown kid. */
    function visitor() {
      let kept: { keys: ReturnType<typeof createLocalJWKSet>; until: number } | undefined;
      const fetchKeys = async () => {
        // Fresh for max-age from when it was asked for, as an HTTP cache counts: an answer that
        // arrives late on a busy machine (after the test moved the clock) is not fresh for longer.
        const askedAt = clock.now().getTime();
        const response = await fetch(`${base}/.well-known/jwks.json`);
        const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1] ?? 0);
        const keys = createLocalJWKSet((await response.json()) as never);
        kept = { keys, until: askedAt + Math.min(maxAge, 3600) * 1000 };
        return keys;
      };
      const options = { algorithms: ['ES256'], issuer: 'https://issuer.test', typ: 'cluster-label+jwt' };
      return async (id: string) => {
        const [response, keys] = await Promise.all([fetch(`${base}/v1/clusters/${id}/attestation`), kept && clock.now().getTime() < kept.until ? kept.keys : fetchKeys()]);
        if (response.status !== 200) throw new Error(`attestation answered ${response.status}`);
        const jwt = await response.text();
        try {
          await jwtVerify(jwt, keys, { ...options, currentDate: clock.now() });
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
          unknownKid++;
          await jwtVerify(jwt, await fetchKeys(), { ...options, currentDate: clock.now() });
        }
        const kid = decodeProtectedHeader(jwt).kid!;
        byKid.set(kid, (byKid.get(kid) ?? 0) + 1);
        verified++;
      };
    }

    let running = true;
    const loops = Array.from({ length: 32 }, async (_, i) => {
      const check = visitor();
      while (running) await check(clusters[i % clusters.length]!).catch((error: Error) => void failures.push(error.message));
    });
    /** Lets the clients verify another `count` tokens. */
    const verify = async (count: number) => {
      const until = verified + count;
      while (verified < until && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const oldKid = server.keyring.currentKid!;
      await verify(100);
      const { kid: newKid } = await server.keyring.rotate('test');
      server.attestations.clear();
      await verify(100);
      clock.advance(331); // every cached key set has expired: they all know the next key now
      await verify(100);
      await expect(server.keyring.rotate('test')).resolves.toMatchObject({ step: 'activated', kid: newKid });
      server.attestations.clear();
      await verify(100);
      clock.advance(301); // tokens of the old key are re-signed
      await verify(100);
      running = false;
      await Promise.all(loops);
      console.log(`rotation under load [${dialect}]: ${verified} verifications by 32 clients, ${byKid.get(oldKid)} of old-key tokens, ${byKid.get(newKid)} of new-key tokens, ${unknownKid} unknown kids, ${failures.length} failures`);
      expect(failures).toEqual([]);
      expect(byKid.get(oldKid)).toBeGreaterThan(0);
      expect(byKid.get(newKid)).toBeGreaterThan(0);
      // The next key was published before it signed: no client met a kid its key set lacked.
      expect(unknownKid).toBe(0);
    } finally {
      running = false;
      await Promise.all(loops);
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('will not activate a next key before every cached key set can know it', async () => {
    await server.keyring.rotate('test');
    await expect(server.keyring.rotate('test')).rejects.toMatchObject({ code: 'next_key_too_new' });
    await expect(server.keyring.rotate('test', { force: true })).resolves.toMatchObject({ step: 'activated' });
  });

  it('revokes a compromised key at once: gone from the keys, its tokens no longer served', async () => {
    const compromised = server.keyring.currentKid!;
    const old = await token();
    const { signingKid } = await server.keyring.revoke(compromised, 'test');
    expect(signingKid).not.toBe(compromised);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(compromised);
    const fresh = await token();
    expect(fresh).not.toBe(old);
    expect(decodeProtectedHeader(fresh).kid).toBe(signingKid);
    expect(await verifies(fresh)).toBe(true);
    expect(await verifies(old)).toBe(false);
    await expect(server.keyring.revoke(compromised, 'test')).rejects.toMatchObject({ code: 'key_already_revoked' });
    await expect(server.keyring.revoke('no-such-kid', 'test')).rejects.toMatchObject({ code: 'key_not_found' });
  });

  it('shares one key set between instances on one registry', async () => {
    const other = await startTestServer(dialect, { now: clock.now, shareWith: server });
    try {
      expect(await jwks(other)).toEqual(await jwks());
      expect(await verifies(await token(other))).toBe(true);
      const { signingKid } = await server.keyring.revoke(server.keyring.currentKid!, 'test');
      // What the periodic refresh does; on PostgreSQL the other instance has usually heard already (instances.test.ts).
      await other.keyring.refresh();
      expect(other.keyring.currentKid).toBe(signingKid);
      expect(decodeProtectedHeader(await token(other)).kid).toBe(signingKid);
    } finally {
      await other.cleanup();
    }
  });
});
