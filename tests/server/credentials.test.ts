import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

const ISSUER = 'https://issuer.test';
const schema = JSON.parse(readFileSync(new URL('../vendor/1edtech-ob-v3p0/ob_v3p0_achievementcredential_schema.json', import.meta.url), 'utf8')) as object;

interface Listed {
  format: string;
  mediaType: string;
  credential: string;
  download: string;
  expiresAt: string;
}

describeEachDialect('credentials and status lists', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha', { name: 'Alpha Cluster' });
  });
  afterEach(() => server.cleanup());

  const jwks = async () => (await (await server.app.request('/.well-known/jwks.json')).json()) as { keys: JWK[] };

  async function listed(id = 'alpha'): Promise<Listed[]> {
    const response = await server.app.request(`/v1/clusters/${id}/credentials`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    return ((await response.json()) as { credentials: Listed[] }).credentials;
  }
  const credentialOf = async (format: string) => (await listed()).find((c) => c.format === format)!.credential;

  async function statusListToken(list = 1) {
    const response = await server.app.request(`/v1/status-lists/${list}`);
    expect(response.status).toBe(200);
    return response.text();
  }

  const verify = async (credential: string) => {
    const response = await server.app.request('/v1/verify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential }) });
    expect(response.status).toBe(200);
    return (await response.json()) as { verdict: string; code: string; summary: string; status: { ok: boolean | null } };
  };

  it('issues both formats for a held label and lists them publicly', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const credentials = await listed();
    expect(credentials.map((c) => [c.format, c.mediaType])).toEqual([
      ['vc+jwt', 'application/vc+jwt'],
      ['dc+sd-jwt', 'application/dc+sd-jwt'],
    ]);
    expect(credentials.every((c) => c.expiresAt === '2028-03-31T23:59:59.000Z')).toBe(true);
    // Kept as issued: asking again serves the same signed forms.
    expect((await listed()).map((c) => c.credential)).toEqual(credentials.map((c) => c.credential));
    const download = await server.app.request('/v1/clusters/alpha/credentials/sd-jwt-vc');
    expect(download.headers.get('content-type')).toBe('application/dc+sd-jwt');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="alpha-label.sd-jwt"');
    expect(await download.text()).toBe(credentials[1]!.credential);
    expect((await server.app.request('/v1/clusters/nobody/credentials')).status).toBe(404);
    // The verification page offers both for download.
    const page = await (await server.app.request('/clusters/alpha')).text();
    expect(page).toContain('href="/v1/clusters/alpha/credentials/vc-jwt"');
    expect(page).toContain('href="/v1/clusters/alpha/credentials/sd-jwt-vc"');
  });

  it('signs them when first asked for after an award, not in the award’s own transaction', async () => {
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-03-02' }, 'test');
    expect(await server.database.db.selectFrom('credentials').select('format').execute()).toEqual([]);
    await listed();
    expect((await server.database.db.selectFrom('credentials').select('format').execute()).map((r) => r.format).sort()).toEqual(['dc+sd-jwt', 'vc+jwt']);
  });

  it('signs a VC-JWT that jose and jsonwebtoken verify and that the 1EdTech OB 3.0 schema accepts', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const token = await credentialOf('vc+jwt');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'vc+jwt', kid: server.keyring.currentKid });
    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwks()), { algorithms: ['ES256'], typ: 'vc+jwt', issuer: `${ISSUER}/v1/issuer`, currentDate: clock.now() });

    const jwk = (await jwks()).keys.find((k) => k.kid === server.keyring.currentKid)!;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const second = jsonwebtoken.verify(token, pem, { algorithms: ['ES256'], clockTimestamp: Math.floor(clock.now().getTime() / 1000) }) as Record<string, unknown>;
    expect(second).toEqual(payload);

    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const valid = ajv.validate(schema, payload);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(payload).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: `${ISSUER}/v1/issuer`, type: ['Profile'] },
      validUntil: '2028-03-31T23:59:59Z',
      credentialSubject: { id: `${ISSUER}/clusters/alpha`, name: 'Alpha Cluster', achievement: { id: `${ISSUER}/v1/issuer/achievements/silver`, criteria: { narrative: expect.any(String) } } },
      status: { status_list: { idx: expect.any(Number), uri: `${ISSUER}/v1/status-lists/1` } },
    });
    // What the credential names is served.
    const profile = (await (await server.app.request('/v1/issuer')).json()) as { id: string };
    expect(profile.id).toBe(`${ISSUER}/v1/issuer`);
    expect((await server.app.request('/v1/issuer/achievements/silver')).status).toBe(200);
  });

  it('signs an SD-JWT VC that @sd-jwt/sd-jwt-vc verifies, status included, and rejects once revoked', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2026-03-02' }, 'test');
    const credential = await credentialOf('dc+sd-jwt');
    const jwk = (await jwks()).keys.find((k) => k.kid === server.keyring.currentKid)!;
    const keyVerifier = await ES256.getVerifier(jwk);
    const sdjwt = new SDJwtVcInstance({
      hasher: digest,
      verifier: keyVerifier,
      statusVerifier: keyVerifier,
      statusListFetcher: async (uri) => {
        expect(uri).toBe(`${ISSUER}/v1/status-lists/1`);
        return statusListToken();
      },
    });
    const { payload, header } = await sdjwt.verify(credential, { currentDate: Math.floor(clock.now().getTime() / 1000) });
    expect(header).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt' });
    expect(payload).toMatchObject({ iss: ISSUER, vct: `${ISSUER}/v1/credential-types/label`, cluster: { id: 'alpha', name: 'Alpha Cluster' }, label: { level: 'bronze', validUntil: '2028-03-31' } });
    const type = (await (await server.app.request('/v1/credential-types/label')).json()) as { vct: string };
    expect(type.vct).toBe(payload.vct);

    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    await expect(sdjwt.verify(credential, { currentDate: Math.floor(clock.now().getTime() / 1000) })).rejects.toThrow(/[Ss]tatus/);
  });

  it('serves status list tokens as the draft describes, and a revocation shows in the next one', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const { payload: vc } = await jwtVerify(await credentialOf('vc+jwt'), createLocalJWKSet(await jwks()), { currentDate: clock.now() });
    const { idx } = (vc as { status: { status_list: { idx: number } } }).status.status_list;

    const response = await server.app.request('/v1/status-lists/1');
    expect(response.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const token = await response.text();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks()), { typ: 'statuslist+jwt', currentDate: clock.now() });
    expect(protectedHeader.alg).toBe('ES256');
    const iat = Math.floor(clock.now().getTime() / 1000);
    expect(payload).toMatchObject({ sub: `${ISSUER}/v1/status-lists/1`, iat, exp: iat + 86_400, ttl: 300, status_list: { bits: 1, lst: expect.any(String), aggregation_uri: `${ISSUER}/v1/status-lists` } });
    expect(await (await server.app.request('/v1/status-lists')).json()).toEqual({ status_lists: [`${ISSUER}/v1/status-lists/1`] });
    const before = getListFromStatusListJWT(token);
    expect(before.getBitsPerStatus()).toBe(1);
    expect(before.statusList.length).toBe(100_000);
    expect(before.getStatus(idx)).toBe(0);

    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    // No clock moves: the served list changes with the revocation itself.
    const after = getListFromStatusListJWT(await statusListToken());
    expect(after.getStatus(idx)).toBe(1);
    expect(after.statusList.filter((s) => s !== 0)).toEqual([1]);
    // A copy is served at most ttl seconds: a change this instance did not hear of shows by then.
    const signedAt = async () => (decodeJwt(await statusListToken()) as { iat: number }).iat;
    const first = await signedAt();
    clock.advance(299);
    expect(await signedAt()).toBe(first);
    clock.advance(2);
    expect(await signedAt()).toBe(first + 301);
    expect((await server.app.request('/v1/status-lists/2')).status).toBe(404);
    expect((await server.app.request('/v1/status-lists/abc')).status).toBe(404);
  });

  it('marks a replaced level invalid and gives the new one its own random index', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2026-03-02' }, 'test');
    const bronze = await credentialOf('vc+jwt');
    await server.registry.upgrade('alpha', { level: 'silver', awarded: '2026-05-04' }, 'test');
    const silver = await credentialOf('vc+jwt');
    expect(silver).not.toBe(bronze);
    expect((await verify(bronze)).code).toBe('status_invalid');
    expect((await verify(silver)).code).toBe('valid');
    const indices = await server.database.db.selectFrom('status_entries').select('idx').execute();
    expect(new Set(indices.map((r) => r.idx)).size).toBe(2);
  });

  it('allocates indices that do not follow the order of awards', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await createTestCluster(server, id);
      await server.registry.award(id, { level: 'bronze', awarded: '2026-03-02' }, 'test');
      await server.credentials.credentials.current(id);
    }
    const rows = await server.database.db.selectFrom('status_entries').select(['label_id', 'idx', 'list']).orderBy('label_id').execute();
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.list === 1 && r.idx >= 0 && r.idx < 100_000)).toBe(true);
    expect(new Set(rows.map((r) => r.idx)).size).toBe(12);
    const ascending = rows.every((r, i) => i === 0 || r.idx > rows[i - 1]!.idx);
    // Twelve random draws in ascending order: one chance in 12! (about 2 × 10⁻⁹).
    expect(ascending).toBe(false);
  });

  it('renews: a new credential to the new end, the old one still verifies until its own end', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2025-03-02' }, 'test');
    const first = await credentialOf('dc+sd-jwt');
    await server.registry.renew('alpha', {}, 'test');
    const renewed = await listed();
    expect(renewed[0]!.expiresAt).toBe('2030-03-31T23:59:59.000Z');
    expect(renewed[1]!.credential).not.toBe(first);
    expect((await verify(first)).code).toBe('valid');
  });

  it('keeps a retired key published while a credential it signed is valid', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const credential = await credentialOf('vc+jwt');
    const oldKid = server.keyring.currentKid!;
    await server.keyring.rotate('test');
    clock.advance(3600);
    await server.keyring.rotate('test');
    expect(server.keyring.currentKid).not.toBe(oldKid);
    // A year on, far past the attestations' retirement window.
    clock.advance(365 * 86_400);
    expect((await jwks()).keys.map((k) => k.kid)).toContain(oldKid);
    await jwtVerify(credential, createLocalJWKSet(await jwks()), { currentDate: clock.now() });
    // The credential is still the one served: it was not re-signed by the new key.
    expect(await credentialOf('vc+jwt')).toBe(credential);
    // After its end, the key leaves the key set.
    clock.set('2028-04-02T00:00:00Z');
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
  });

  it('re-issues credentials whose key was revoked', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const credential = await credentialOf('vc+jwt');
    await server.keyring.revoke(server.keyring.currentKid!, 'test');
    expect((await verify(credential)).code).toBe('key_unknown');
    const fresh = await credentialOf('vc+jwt');
    expect(fresh).not.toBe(credential);
    expect((await verify(fresh)).code).toBe('valid');
  });

  it.runIf(dialect === 'postgres')('shows a revocation made on another instance in this one’s list within seconds', async () => {
    const other = await startTestServer(dialect, { now: clock.now, shareWith: server });
    try {
      await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
      await server.credentials.credentials.current('alpha');
      const { idx } = await server.database.db.selectFrom('status_entries').select('idx').executeTakeFirstOrThrow();
      const seen = async () => getListFromStatusListJWT(await (await other.app.request('/v1/status-lists/1')).text()).getStatus(idx);
      expect(await seen()).toBe(0);
      const started = performance.now();
      await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
      await expect.poll(seen, { timeout: 5_000, interval: 10 }).toBe(1);
      console.log(`revocation seen in the other instance's status list after ${Math.round(performance.now() - started)} ms`);
    } finally {
      await other.cleanup();
    }
  });

  it('has no current credentials for an expired or revoked label', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    expect(await listed()).toEqual([]);
    expect((await server.app.request('/v1/clusters/alpha/credentials/vc-jwt')).status).toBe(404);
    expect(await (await server.app.request('/clusters/alpha')).text()).not.toContain('/credentials/vc-jwt');
  });

  it('refuses a token whose typ is not one it signs, names inherited from Object included', async () => {
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const typ of ['toString', '__proto__', 'constructor', 'jwt']) {
      const token = `${segment({ alg: 'ES256', typ })}.${segment({})}.${'A'.repeat(86)}`;
      const response = await server.app.request('/v1/verify', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: token });
      expect(response.status, typ).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code, typ).toBe('token_type_unsupported');
    }
  });
});
