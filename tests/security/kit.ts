import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { checkCluster, type Verdict } from '../../widget/check.ts';
import type { CheckEnv } from '../../widget/env.ts';
import type { Fetch } from '../../widget/fetch-issuer.ts';
import { keyCache } from '../../widget/key-cache.ts';
import { schemeCache } from '../../widget/scheme-cache.ts';
import { localeLoader } from '../../widget/locales.ts';
import { makeTestLog } from '../support/log-claim.ts';

/** Node-side helpers for the hostile-token tests; the widget's verify modules are DOM-free. */

export const ISSUER = 'https://issuer.example';
export const CLUSTER = 'demo-silver';
export const SITE = 'https://www.nordlicht.example';
export const NOW = Date.UTC(2025, 5, 15, 12);

export interface TestKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK & { kid: string };
}

export async function makeKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' } };
}

const text = new TextEncoder();
export const b64u = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === 'string' ? text.encode(bytes) : bytes).toString('base64url');

/** ES256 over any header and payload string, straight through WebCrypto (raw r‖s). */
export async function signRaw(key: TestKey, header: Record<string, unknown>, payload: string): Promise<string> {
  const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, text.encode(input));
  return `${input}.${b64u(new Uint8Array(signature))}`;
}

export function claims(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(NOW / 1000);
  return {
    iss: ISSUER,
    sub: CLUSTER,
    iat,
    nbf: iat,
    exp: iat + 600,
    jti: crypto.randomUUID(),
    label: { status: 'valid', level: 'silver', awarded: '2024-03-12', validUntil: '2026-03-31' },
    cluster: { name: 'Nordlicht Photonics Cluster', sites: [SITE] },
    ...patch,
  };
}

/** The issuer's transparency log: a valid statement's token carries its proof. */
export const testLog = await makeTestLog();

/** A token of `claims(patch)`; a `valid` one also gets the `log` claim a correct issuer adds, unless `patch` sets one. */
export async function signToken(key: TestKey, patch: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload = claims(patch);
  if (!('log' in patch) && (payload.label as { status?: unknown } | undefined)?.status === 'valid') {
    try {
      payload.log = await testLog.claim(payload);
    } catch {
      // Claims too broken to record (the tests of malformed claims): signed without a log.
    }
  }
  return signRaw(key, { alg: 'ES256', typ: 'cluster-label+jwt', kid: key.jwk.kid, ...header }, JSON.stringify(payload));
}

/**
 * Runs `token` through `checkCluster` — the very function the element calls — against an
 * issuer that serves `jwks` and this token, on the cluster's own site.
 */
export async function verdictFor(token: string, jwks: unknown, cluster = CLUSTER): Promise<Verdict> {
  const fetch: Fetch = async (url) => {
    if (url === `${ISSUER}/.well-known/jwks.json`) return Response.json(jwks);
    if (url === `${ISSUER}/v1/clusters/${encodeURIComponent(cluster)}/attestation`) {
      return new Response(token, { headers: { 'content-type': 'application/cluster-label+jwt' } });
    }
    return new Response('not found', { status: 404 });
  };
  const now = () => NOW;
  const env: CheckEnv = { issuer: ISSUER, fetch, now, pageOrigin: () => SITE, timeout: 5000, keys: keyCache(ISSUER, fetch, 5000, now), schemes: schemeCache(ISSUER, fetch, 5000, now), logKeys: async () => [testLog.vkey], locale: localeLoader(ISSUER, fetch, 5000) };
  return checkCluster(env, cluster);
}

/** Project Wycheproof's vectors, kept in the repository (tests/vectors/wycheproof, with their licence). */
const VECTORS = fileURLToPath(new URL('../vectors/wycheproof/', import.meta.url));

/** A Wycheproof file's test groups; a missing file fails the suite that needs it. */
export function wycheproof<G>(file: string): G[] {
  return (JSON.parse(readFileSync(join(VECTORS, file), 'utf8')) as { testGroups: G[] }).testGroups;
}
