import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkCluster } from '../../widget/check.ts';
import { b64u, FakeIssuer, makeKey, signEs256, type Route } from './fake-issuer.ts';

const CLUSTER = 'demo-silver';

async function setup() {
  const issuer = await FakeIssuer.create();
  await issuer.publish(CLUSTER);
  return issuer;
}

/** An issuer that never answers; only the request's own time limit ends the wait. */
const hang: Route = (_url, init) =>
  new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));

describe('checkCluster', () => {
  test('a correct attestation on a listed site is valid, with its claims and key id', async () => {
    const issuer = await setup();
    const verdict = await checkCluster(issuer.env(), CLUSTER);
    expect(verdict).toMatchObject({ state: 'valid', code: null, kid: issuer.key.jwk.kid, checkedAt: issuer.now });
    expect(verdict.claims?.cluster.name).toBe('Nordlicht Photonics Cluster');
  });

  test('requests go only to the issuer, without credentials, referrer or redirects', async () => {
    const issuer = await setup();
    await checkCluster(issuer.env(), CLUSTER);
    expect(issuer.requests.map((r) => r.url).sort()).toEqual([
      `${issuer.origin}/.well-known/jwks.json`,
      `${issuer.origin}/v1/clusters/${CLUSTER}/attestation`,
      `${issuer.origin}/v1/log`,
    ]);
    for (const { init } of issuer.requests) {
      expect(init).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error' });
      expect(init.signal).toBeInstanceOf(AbortSignal);
    }
  });

  test('the cluster id is one path segment, whatever it contains', async () => {
    const issuer = await setup();
    await checkCluster(issuer.env(), '../admin?x=1#y');
    expect(issuer.requests.map((r) => r.url)).toContain(`${issuer.origin}/v1/clusters/..%2Fadmin%3Fx%3D1%23y/attestation`);
  });

  test('keys are fetched alongside the token, once, and shared by later checks', async () => {
    const issuer = await setup();
    const serveKeys = issuer.jwksRoute;
    let tokenAskedFirst = false;
    issuer.jwksRoute = async (url, init) => {
      // Both requests are out before either answer arrives.
      await new Promise((resolve) => setTimeout(resolve, 20));
      tokenAskedFirst = issuer.requests.some((r) => r.url.endsWith('/attestation'));
      return serveKeys(url, init);
    };
    const env = issuer.env();
    await checkCluster(env, CLUSTER);
    await checkCluster(env, CLUSTER);
    expect(tokenAskedFirst).toBe(true);
    expect(issuer.requests.filter((r) => r.url.endsWith('jwks.json'))).toHaveLength(1);
  });

  test('keys are kept as long as their Cache-Control max-age allows, then fetched again', async () => {
    const issuer = await setup();
    const serveKeys = issuer.jwksRoute;
    issuer.jwksRoute = async (url, init) => new Response((await serveKeys(url, init)).body, { headers: { 'Cache-Control': 'public, max-age=300' } });
    const env = issuer.env();
    const keyFetches = () => issuer.requests.filter((r) => r.url.endsWith('jwks.json')).length;
    await checkCluster(env, CLUSTER);
    issuer.now += 299_000;
    expect((await checkCluster(env, CLUSTER)).state).toBe('valid');
    expect(keyFetches()).toBe(1);
    issuer.now += 1_000;
    expect((await checkCluster(env, CLUSTER)).state).toBe('valid');
    expect(keyFetches()).toBe(2);
  });

  test('an unknown kid fetches the keys once more, bypassing the HTTP cache, and then verifies', async () => {
    const issuer = await setup();
    const env = issuer.env();
    await checkCluster(env, CLUSTER);
    const next = await makeKey();
    issuer.keys = [issuer.key.jwk, next.jwk];
    await issuer.publish(CLUSTER, await issuer.sign(CLUSTER, {}, {}, next));
    const verdict = await checkCluster(env, CLUSTER);
    expect(verdict).toMatchObject({ state: 'valid', kid: next.jwk.kid });
    const keyRequests = issuer.requests.filter((r) => r.url.endsWith('jwks.json'));
    expect(keyRequests.map((r) => r.init.cache)).toEqual(['default', 'no-cache']);
  });

  test('a kid that stays unknown after one refetch is invalid, with no further requests', async () => {
    const issuer = await setup();
    await issuer.publish(CLUSTER, await issuer.sign(CLUSTER, {}, {}, await makeKey()));
    expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'invalid', code: 'ERR_JWKS_NO_MATCHING_KEY', claims: null });
    expect(issuer.requests.filter((r) => r.url.endsWith('jwks.json'))).toHaveLength(2);
  });

  describe('the contract table, in order', () => {
    test('a network error, a 5xx and no answer in time are unavailable', async () => {
      const issuer = await setup();
      issuer.attestation = () => Promise.reject(new TypeError('Failed to fetch'));
      expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'unavailable', code: 'ERR_NETWORK', claims: null });

      issuer.attestation = () => new Response('down', { status: 503 });
      expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'unavailable', code: 'ERR_HTTP_STATUS' });

      issuer.attestation = hang;
      const started = performance.now();
      expect(await checkCluster(issuer.env({ timeout: 50 }), CLUSTER)).toMatchObject({ state: 'unavailable', code: 'ERR_TIMEOUT' });
      // It waited for its limit (and no longer than the test's own time limit, however slow the machine).
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    });

    test('keys that cannot be read are unavailable, even when the token is a 404', async () => {
      const issuer = await setup();
      issuer.jwksRoute = () => new Response('<html>oops</html>', { headers: { 'content-type': 'text/html' } });
      expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'unavailable', code: 'ERR_JWKS_UNREADABLE' });
      expect(await checkCluster(issuer.env(), 'no-such-cluster')).toMatchObject({ state: 'unavailable', code: 'ERR_JWKS_UNREADABLE' });
      issuer.jwksRoute = () => new Response('', { status: 502 });
      expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'unavailable', code: 'ERR_HTTP_STATUS' });
    });

    test('a failed key fetch is not kept: the next check asks again', async () => {
      const issuer = await setup();
      const serveKeys = issuer.jwksRoute;
      issuer.jwksRoute = () => new Response('', { status: 503 });
      const env = issuer.env();
      expect((await checkCluster(env, CLUSTER)).state).toBe('unavailable');
      issuer.jwksRoute = serveKeys;
      expect((await checkCluster(env, CLUSTER)).state).toBe('valid');
    });

    test('404 is unknown; an empty cluster attribute is unknown without a request', async () => {
      const issuer = await setup();
      expect(await checkCluster(issuer.env(), 'no-such-cluster')).toMatchObject({ state: 'unknown', code: 'ERR_NOT_FOUND' });
      const quiet = await setup();
      expect(await checkCluster(quiet.env(), '')).toMatchObject({ state: 'unknown', code: 'ERR_CLUSTER_MISSING' });
      expect(quiet.requests).toHaveLength(0);
    });

    test('a wrong token beats a wrong site: invalid comes before mismatch', async () => {
      const issuer = await setup();
      await issuer.publish(CLUSTER, { iss: 'https://evil.example', cluster: { sites: ['https://elsewhere.example'] } });
      expect((await checkCluster(issuer.env(), CLUSTER)).state).toBe('invalid');
    });

    test('an unlisted site is mismatch, whatever the status; then none, expired, revoked, valid', async () => {
      const issuer = await setup();
      const foreign = issuer.env({ pageOrigin: () => 'https://copycat.example' });
      const home = issuer.env();
      for (const [status, state] of [['valid', 'valid'], ['expired', 'expired'], ['revoked', 'revoked'], ['none', 'unknown']] as const) {
        await issuer.publish(CLUSTER, { label: status === 'none' ? { status, level: undefined } : { status } });
        const verdict = await checkCluster(home, CLUSTER);
        expect(verdict.state).toBe(state);
        expect(verdict.claims?.label.status).toBe(status);
        const copied = await checkCluster(foreign, CLUSTER);
        expect(copied.state).toBe('mismatch');
        expect(copied.claims).not.toBeNull();
      }
    });
  });

  describe('tampered tokens never reach valid', () => {
    const now = () => Math.floor(Date.UTC(2025, 5, 15, 12) / 1000);
    const cases: [string, (issuer: FakeIssuer) => Promise<string>, string][] = [
      ['payload changed', async (i) => {
        const [h, , s] = (await i.sign(CLUSTER)).split('.');
        return `${h}.${b64u(JSON.stringify(i.claims(CLUSTER, { label: { level: 'gold' } })))}.${s}`;
      }, 'ERR_JWS_SIGNATURE'],
      ['signed by another key under our kid', async (i) => i.sign(CLUSTER, {}, { kid: i.key.jwk.kid }, await makeKey()), 'ERR_JWS_SIGNATURE'],
      ['alg none', async (i) => `${b64u(JSON.stringify({ alg: 'none', typ: 'cluster-label+jwt', kid: i.key.jwk.kid }))}.${b64u(JSON.stringify(i.claims(CLUSTER)))}.`, 'ERR_JWS_FORM'],
      ['HS256 with the public key as secret', async (i) => {
        const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'cluster-label+jwt', kid: i.key.jwk.kid }))}.${b64u(JSON.stringify(i.claims(CLUSTER)))}`;
        const secret = await crypto.subtle.importKey('raw', new TextEncoder().encode(JSON.stringify(i.key.jwk)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', secret, new TextEncoder().encode(input))))}`;
      }, 'ERR_JWS_ALG'],
      ['wrong typ', (i) => i.sign(CLUSTER, {}, { typ: 'JWT' }), 'ERR_JWT_TYP'],
      ['wrong sub', (i) => i.sign(CLUSTER, { sub: 'demo-gold' }), 'ERR_JWT_SUB'],
      ['wrong iss', (i) => i.sign(CLUSTER, { iss: 'https://attacker.example' }), 'ERR_JWT_ISS'],
      ['expired', (i) => i.sign(CLUSTER, { iat: now() - 1000, nbf: now() - 1000, exp: now() - 61 }), 'ERR_JWT_EXP'],
      ['not yet valid', (i) => i.sign(CLUSTER, { nbf: now() + 3600 }), 'ERR_JWT_NBF'],
      ['header jwk (attacker key, signed by it)', async (i) => {
        const attacker = await makeKey();
        return signEs256(attacker, { typ: 'cluster-label+jwt', kid: attacker.jwk.kid, jwk: attacker.jwk }, i.claims(CLUSTER));
      }, 'ERR_JWS_KEY_IN_HEADER'],
      ['header jku', (i) => i.sign(CLUSTER, {}, { jku: 'https://attacker.example/jwks.json' }), 'ERR_JWS_KEY_IN_HEADER'],
      ['unknown status', (i) => i.sign(CLUSTER, { label: { status: 'platinum' as never } }), 'ERR_JWT_CLAIMS'],
    ];

    test.each(cases)('%s', async (_name, make, code) => {
      const issuer = await setup();
      await issuer.publish(CLUSTER, await make(issuer));
      expect(await checkCluster(issuer.env(), CLUSTER)).toMatchObject({ state: 'invalid', code, claims: null });
    });

    test('no single-character change to a good token verifies', async () => {
      const issuer = await setup();
      const token = await issuer.sign(CLUSTER);
      const env = issuer.env();
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
      await fc.assert(
        fc.asyncProperty(fc.nat(token.length - 1), fc.nat(alphabet.length - 1), async (at, pick) => {
          const char = alphabet[pick]!;
          fc.pre(token[at] !== char);
          issuer.tokens.set(CLUSTER, token.slice(0, at) + char + token.slice(at + 1));
          const verdict = await checkCluster(env, CLUSTER);
          return verdict.state === 'invalid' && verdict.claims === null;
        }),
        { numRuns: 300 },
      );
    });
  });
});
