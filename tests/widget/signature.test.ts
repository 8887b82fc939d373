import { describe, expect, test } from 'vitest';
import { decode, encode } from '../../widget/verify/base64url.ts';
import { VerifyError, type VerifyCode } from '../../widget/verify/errors.ts';
import { readKeySet } from '../../widget/verify/jwks.ts';
import { MAX_TOKEN_BYTES, verifySignature } from '../../widget/verify/signature.ts';
import { b64u, makeKey, signEs256 } from './fake-issuer.ts';

const key = await makeKey();
const keys = await readKeySet({ keys: [key.jwk] });
const header = { typ: 'cluster-label+jwt', kid: key.jwk.kid };
const good = await signEs256(key, header, { hello: 'world' });

async function code(token: string, keySet = keys): Promise<VerifyCode> {
  const error = await verifySignature(token, keySet).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof VerifyError)) throw new Error(`expected a VerifyError, got ${String(error)}`);
  expect(error.state).toBe('invalid');
  return error.code;
}

const [h, p, s] = good.split('.') as [string, string, string];

describe('signature layer', () => {
  test('accepts a token signed by a key in the set and hands back header, payload and kid', async () => {
    const jws = await verifySignature(good, keys);
    expect(jws.kid).toBe(key.jwk.kid);
    expect(jws.header).toMatchObject(header);
    expect(JSON.parse(new TextDecoder().decode(jws.payload))).toEqual({ hello: 'world' });
  });

  test('a changed payload breaks the signature', async () => {
    expect(await code(`${h}.${b64u('{"hello":"World"}')}.${s}`)).toBe('ERR_JWS_SIGNATURE');
  });

  test('a token signed by another key with our kid is refused', async () => {
    const other = await makeKey();
    expect(await code(await signEs256(other, header, { hello: 'world' }))).toBe('ERR_JWS_SIGNATURE');
  });

  test('a kid not in the set asks for fresh keys', async () => {
    const other = await makeKey();
    expect(await code(await signEs256(other, { ...header, kid: other.jwk.kid }, {}))).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  test('alg none, HS256 (with the public key as the secret) and other algorithms are refused', async () => {
    expect(await code(`${b64u(JSON.stringify({ ...header, alg: 'none' }))}.${p}.`)).toBe('ERR_JWS_FORM');
    expect(await code(`${b64u(JSON.stringify({ ...header, alg: 'none' }))}.${p}.${s}`)).toBe('ERR_JWS_ALG');
    for (const secret of [JSON.stringify(key.jwk), key.jwk.x!]) {
      const hmacKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const hs = b64u(JSON.stringify({ ...header, alg: 'HS256' }));
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(`${hs}.${p}`)));
      expect(await code(`${hs}.${p}.${b64u(mac)}`)).toBe('ERR_JWS_ALG');
    }
    for (const alg of ['ES384', 'RS256', 'PS256', 'EdDSA', 'es256']) {
      expect(await code(`${b64u(JSON.stringify({ ...header, alg }))}.${p}.${s}`)).toBe('ERR_JWS_ALG');
    }
  });

  test.each(['jwk', 'jku', 'x5u', 'x5c'])('a %s header is refused even when the signature is good', async (name) => {
    const value = name === 'jwk' ? key.jwk : name === 'x5c' ? ['MIIB'] : 'https://attacker.example/keys';
    expect(await code(await signEs256(key, { ...header, [name]: value }, {}))).toBe('ERR_JWS_KEY_IN_HEADER');
  });

  test('crit and b64 are refused', async () => {
    expect(await code(await signEs256(key, { ...header, crit: ['exp'], exp: 1 }, {}))).toBe('ERR_JWS_CRIT');
    expect(await code(await signEs256(key, { ...header, b64: true }, {}))).toBe('ERR_JWS_CRIT');
  });

  test('a missing or empty kid is refused', async () => {
    expect(await code(await signEs256(key, { typ: 'cluster-label+jwt' }, {}))).toBe('ERR_JWS_HEADER');
    expect(await code(await signEs256(key, { ...header, kid: '' }, {}))).toBe('ERR_JWS_HEADER');
  });

  test('the compact form is strict: three parts, base64url without padding, canonical', async () => {
    expect(await code(`${h}.${p}`)).toBe('ERR_JWS_FORM');
    expect(await code(`${h}.${p}.${s}.`)).toBe('ERR_JWS_FORM');
    expect(await code(`${h}..${s}`)).toBe('ERR_JWS_FORM');
    expect(await code(`${h}.${p}.${s}=`)).toBe('ERR_JWS_FORM');
    expect(await code(`${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}+.${s}`)).toBe('ERR_JWS_FORM');
    expect(await code(` ${good}`)).toBe('ERR_JWS_FORM');
    // The signature's last character carries 4 unused bits; setting one gives another spelling of the same bytes.
    const last = s.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(await code(`${h}.${p}.${s.slice(0, -1)}${twin}`)).toBe('ERR_JWS_FORM');
  });

  test('a signature that is not exactly r‖s (64 bytes) is refused', async () => {
    const raw = decode(s);
    expect(await code(`${h}.${p}.${encode(new Uint8Array([0, ...raw]))}`)).toBe('ERR_JWS_SIGNATURE');
    expect(await code(`${h}.${p}.${encode(raw.slice(1))}`)).toBe('ERR_JWS_SIGNATURE');
  });

  test('a header that is not a JSON object in UTF-8 is refused', async () => {
    for (const bad of ['[]', 'null', '"ES256"', '{', '\uFEFF{"alg":"ES256","kid":"x"}']) {
      expect(await code(`${b64u(bad)}.${p}.${s}`)).toBe('ERR_JWS_HEADER');
    }
    expect(await code(`${encode(new Uint8Array([0x7b, 0xff, 0x7d]))}.${p}.${s}`)).toBe('ERR_JWS_HEADER');
  });

  test(`tokens over ${MAX_TOKEN_BYTES} bytes are refused before any work`, async () => {
    const big = await signEs256(key, header, { pad: 'x'.repeat(MAX_TOKEN_BYTES) });
    expect(await code(big)).toBe('ERR_JWS_SIZE');
  });
});

describe('key set', () => {
  test('something that is not a JWK Set is unreadable, which means unavailable', async () => {
    for (const bad of [null, [], 'keys', { keys: {} }, {}]) {
      await expect(readKeySet(bad)).rejects.toMatchObject({ code: 'ERR_JWKS_UNREADABLE', state: 'unavailable' });
    }
  });

  test('keeps only public P-256 signing keys, and no kid that occurs twice', async () => {
    const [a, b, c] = [await makeKey(), await makeKey(), await makeKey()];
    const set = await readKeySet({
      keys: [
        a.jwk,
        { ...b.jwk, use: 'enc' },
        { ...c.jwk, alg: 'ES384' },
        { ...c.jwk, kid: 'ops', key_ops: ['encrypt'] },
        { ...c.jwk, kid: 'curve', crv: 'P-384' },
        { ...c.jwk, kid: 'point', y: c.jwk.x },
        { ...c.jwk, kid: 'dup' },
        { ...b.jwk, kid: 'dup' },
        { kty: 'oct', kid: 'secret', k: 'c2VjcmV0' },
        { ...c.jwk, kid: 'ops-ok', key_ops: ['verify'] },
      ],
    });
    expect([...set.keys()].sort()).toEqual([a.jwk.kid, 'ops-ok'].sort());
  });
});
