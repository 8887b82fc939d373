import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { VerifyError } from '../../widget/verify/errors.ts';
import { readKeySet } from '../../widget/verify/jwks.ts';
import { MAX_TOKEN_BYTES, verifySignature } from '../../widget/verify/signature.ts';
import { b64u, claims, CLUSTER, makeKey, signRaw, signToken, verdictFor, wycheproof, type TestKey } from './kit.ts';

/** Hostile tokens against the widget's pure verification, in Node (WebCrypto is `globalThis.crypto`). */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const issuerKey = await makeKey();
const attacker = await makeKey();
const jwks = { keys: [issuerKey.jwk] };
const good = await signToken(issuerKey);
const [H, P, S] = good.split('.') as [string, string, string];

/** The token is refused: state `invalid`, no claims, and (if given) one of the expected codes. */
async function refused(token: string, codes?: string[], keySet: unknown = jwks) {
  const verdict = await verdictFor(token, keySet);
  expect(verdict.state, `${token.slice(0, 120)} → ${verdict.code}`).toBe('invalid');
  expect(verdict.claims).toBeNull();
  if (codes) expect(codes, token.slice(0, 120)).toContain(verdict.code);
  return verdict.code;
}

test('the genuine token is valid through checkCluster, so every refusal below is the attack’s doing', async () => {
  expect(await verdictFor(good, jwks)).toMatchObject({ state: 'valid', code: null, kid: issuerKey.jwk.kid });
});

describe('RFC 8725 attacks', () => {
  test('alg none in every spelling and case is refused', async () => {
    const spellings: unknown[] = ['none', 'None', 'NONE', 'nOnE', ' none', 'none ', 'none\u0000', '', null, 0, ['ES256'], { alg: 'ES256' }, 'ES256 ', 'ES256\u0000', 'es256', 'Es256'];
    for (const alg of spellings) {
      const header = b64u(JSON.stringify({ alg, typ: 'cluster-label+jwt', kid: issuerKey.jwk.kid }));
      for (const signature of ['', S]) await refused(`${header}.${P}.${signature}`, ['ERR_JWS_ALG', 'ERR_JWS_FORM']);
    }
    // No alg at all, and alg given twice (JSON.parse keeps the last: ES256 then none).
    await refused(`${b64u(JSON.stringify({ typ: 'cluster-label+jwt', kid: issuerKey.jwk.kid }))}.${P}.${S}`, ['ERR_JWS_ALG']);
    await refused(`${b64u(`{"alg":"ES256","typ":"cluster-label+jwt","kid":"${issuerKey.jwk.kid}","alg":"none"}`)}.${P}.${S}`, ['ERR_JWS_ALG']);
  });

  test('HS/ES confusion: HMAC keyed with the issuer’s public key in any form is refused', async () => {
    const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: issuerKey.jwk.x!, y: issuerKey.jwk.y! }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
    const secrets: Uint8Array[] = [spki, raw, new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(issuerKey.jwk)), new TextEncoder().encode(issuerKey.jwk.x!)];
    for (const [alg, hash] of [['HS256', 'SHA-256'], ['HS384', 'SHA-384'], ['HS512', 'SHA-512']] as const) {
      for (const secret of secrets) {
        const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash }, false, ['sign']);
        const input = `${b64u(JSON.stringify({ alg, typ: 'cluster-label+jwt', kid: issuerKey.jwk.kid }))}.${P}`;
        const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
        await refused(`${input}.${b64u(mac)}`, ['ERR_JWS_ALG']);
      }
    }
  });

  test('kid tricks select no key', async () => {
    const kid = issuerKey.jwk.kid;
    const tricks: unknown[] = [
      '../../../../etc/passwd', '..%2F..%2Fjwks.json', '/dev/null', "' OR '1'='1", `${kid}' --`, '"; DROP TABLE keys; --',
      'x'.repeat(4000), '__proto__', 'constructor', 'toString', 'hasOwnProperty', kid.toUpperCase(), ` ${kid}`, `${kid} `, `${kid}\u0000`,
      kid.normalize('NFKC') + '\u200b', 1, true, [kid], { kid }, null, '',
    ];
    for (const trick of tricks) {
      // Signed by the attacker, who hopes the trick lands on a key it controls or on none at all.
      const token = await signToken(attacker, {}, { kid: trick });
      await refused(token, ['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWS_HEADER', 'ERR_JWS_SIZE']);
    }
    // The same tricks signed by the issuer's own key: still no key is picked by anything but the exact kid.
    for (const trick of tricks.filter((t) => t !== kid)) await refused(await signToken(issuerKey, {}, { kid: trick }), ['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWS_HEADER', 'ERR_JWS_SIZE']);
  });

  test('duplicate kids in the JWKS: the ambiguous kid is dropped, even for the genuine token', async () => {
    const twice = { keys: [issuerKey.jwk, { ...attacker.jwk, kid: issuerKey.jwk.kid }] };
    expect((await readKeySet(twice)).size).toBe(0);
    await refused(good, ['ERR_JWKS_NO_MATCHING_KEY'], twice);
    await refused(await signToken(attacker, {}, { kid: issuerKey.jwk.kid }), ['ERR_JWKS_NO_MATCHING_KEY'], twice);
    // The same key listed twice is just as ambiguous by the rule, and refused the same way.
    await refused(good, ['ERR_JWKS_NO_MATCHING_KEY'], { keys: [issuerKey.jwk, issuerKey.jwk] });
  });

  test('header keys and key URLs are refused, even when signed by the issuer', async () => {
    const headers: Record<string, unknown>[] = [
      { jwk: attacker.jwk },
      { jwk: issuerKey.jwk },
      { jku: 'https://attacker.example/jwks.json' },
      { jku: 'https://issuer.example/.well-known/jwks.json' },
      { x5u: 'https://attacker.example/cert.pem' },
      { x5c: ['MIIBszCCAVmgAwIBAgIU'] },
      { jwk: null },
      { x5c: [] },
    ];
    for (const extra of headers) {
      await refused(await signToken(issuerKey, {}, extra), ['ERR_JWS_KEY_IN_HEADER']);
      await refused(await signToken(attacker, {}, { ...extra, kid: attacker.jwk.kid }), ['ERR_JWS_KEY_IN_HEADER']);
    }
  });

  test('crit and an unencoded payload (b64: false) are refused', async () => {
    for (const extra of [{ crit: ['exp'] }, { crit: [] }, { crit: ['b64'], b64: false }, { b64: false }, { b64: true }]) {
      await refused(await signToken(issuerKey, {}, extra), ['ERR_JWS_CRIT']);
    }
    // An RFC 7797 token with the payload unencoded in the middle is not even compact form.
    const raw = JSON.stringify(claims());
    await refused(`${b64u(JSON.stringify({ alg: 'ES256', typ: 'cluster-label+jwt', kid: issuerKey.jwk.kid, b64: false, crit: ['b64'] }))}.${raw}.${S}`, ['ERR_JWS_FORM', 'ERR_JWS_SIZE']);
  });

  test('a genuine token for another cluster or from another issuer is invalid', async () => {
    await refused(await signToken(issuerKey, { sub: 'demo-gold' }), ['ERR_JWT_SUB']);
    await refused(await signToken(issuerKey, { sub: 'DEMO-SILVER' }), ['ERR_JWT_SUB']);
    await refused(await signToken(issuerKey, { sub: `${CLUSTER} ` }), ['ERR_JWT_SUB']);
    for (const iss of ['https://issuer.example/', 'http://issuer.example', 'https://issuer.example.evil', 'https://evil.example', 'https://ISSUER.example', undefined]) {
      await refused(await signToken(issuerKey, { iss }), ['ERR_JWT_ISS']);
    }
    for (const typ of ['JWT', 'jwt', 'cluster-label+JWT', 'application/cluster-label+jwt', undefined]) {
      await refused(await signToken(issuerKey, {}, { typ }), ['ERR_JWT_TYP']);
    }
  });

  test('non-canonical base64url is refused in every part', async () => {
    const std = (part: string) => Buffer.from(part, 'base64url').toString('base64');
    const setTrailingBits = (part: string): string | null => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      if (part.length % 4 === 0) return null;
      const last = alphabet.indexOf(part.at(-1)!);
      return part.slice(0, -1) + alphabet[last | (part.length % 4 === 2 ? 0x0f : 0x03)]!;
    };
    let trailing = 0;
    for (const index of [0, 1, 2]) {
      const parts = [H, P, S];
      const part = parts[index]!;
      const variants = [`${part}=`, `${part}==`, std(part), ` ${part}`, `${part}\n`, `${part}A`, part.replace(/[A-Za-z]/, '%41')];
      const bits = setTrailingBits(part);
      if (bits && bits !== part) {
        trailing++;
        variants.push(bits);
      }
      for (const variant of variants) {
        if (variant === part) continue;
        const copy = [...parts];
        copy[index] = variant;
        await refused(copy.join('.'), ['ERR_JWS_FORM', 'ERR_JWS_SIGNATURE', 'ERR_JWS_HEADER']);
      }
    }
    // The signature (64 bytes → 86 characters) always has unused bits, so the trailing-bit case ran at least once.
    expect(trailing).toBeGreaterThan(0);
  });

  test('oversized tokens and deeply nested payloads never reach valid', async () => {
    await refused(`${good}${'A'.repeat(MAX_TOKEN_BYTES)}`, ['ERR_JWS_SIZE']);
    await refused(`${H}.${P}${'A'.repeat(1 << 20)}.${S}`, ['ERR_JWS_SIZE']);
    // Refused by its size, before anything reads its parts.
    await refused('.'.repeat(1 << 20), ['ERR_JWS_SIZE']);

    // A nesting bomb signed by the issuer's own key as the whole payload, and one inside the header.
    const deep = '['.repeat(2500) + ']'.repeat(2500);
    await refused(await signRaw(issuerKey, { alg: 'ES256', typ: 'cluster-label+jwt', kid: issuerKey.jwk.kid }, deep), ['ERR_JWT_CLAIMS']);
    const bombHeader = `{"alg":"ES256","typ":"cluster-label+jwt","kid":"${issuerKey.jwk.kid}","x":${deep}}`;
    const input = `${b64u(bombHeader)}.${P}`;
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, attacker.privateKey, new TextEncoder().encode(input)));
    await refused(`${input}.${b64u(sig)}`, ['ERR_JWS_SIGNATURE']);
    // Deep nesting where a claim object belongs is not an object of the right shape.
    await refused(await signToken(issuerKey, { label: JSON.parse('{"status":' + '['.repeat(1000) + '"valid"' + ']'.repeat(1000) + '}') }), ['ERR_JWT_CLAIMS']);
  });
});

describe('mutation of genuine tokens', () => {
  const parts = (t: string) => t.split('.') as [string, string, string];
  const bytes = (part: string) => new Uint8Array(Buffer.from(part, 'base64url'));

  /** A mutation: a name for the report and the mutated token. */
  const mutation = fc.oneof(
    // Flip one bit of one decoded byte and re-encode canonically, so the form checks pass and the signature is what decides.
    fc.tuple(fc.nat(2), fc.nat(), fc.nat(7)).map(([i, at, bit]) => (t: string) => {
      const p = parts(t);
      const b = bytes(p[i]!);
      b[at % b.length]! ^= 1 << bit;
      p[i] = b64u(b);
      return p.join('.');
    }),
    // Insert bytes into one decoded part.
    fc.tuple(fc.nat(2), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, at, extra]) => (t: string) => {
      const p = parts(t);
      const b = bytes(p[i]!);
      const k = at % (b.length + 1);
      p[i] = b64u(new Uint8Array([...b.slice(0, k), ...extra, ...b.slice(k)]));
      return p.join('.');
    }),
    // Delete bytes from one decoded part.
    fc.tuple(fc.nat(2), fc.nat(), fc.integer({ min: 1, max: 8 })).map(([i, at, n]) => (t: string) => {
      const p = parts(t);
      const b = bytes(p[i]!);
      const k = at % b.length;
      p[i] = b64u(new Uint8Array([...b.slice(0, k), ...b.slice(k + n)]));
      return p.join('.');
    }),
    // Character-level edits of the token text, any character.
    fc.tuple(fc.nat(), fc.string({ minLength: 0, maxLength: 3, unit: 'binary' }), fc.integer({ min: 0, max: 3 })).map(([at, insert, remove]) => (t: string) => {
      const k = at % (t.length + 1);
      return t.slice(0, k) + insert + t.slice(k + remove);
    }),
    // Swap, repeat or drop parts.
    fc.constantFrom<[number, ...number[]]>([1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1], [0, 0, 2], [0, 1, 1], [1, 1, 2], [0, 1], [0, 1, 2, 2]).map((order) => (t: string) => {
      const p = parts(t);
      return order.map((i) => p[i]).join('.');
    }),
    // Re-encode the payload's JSON in another equivalent spelling (whitespace, key order, escapes) under the old signature.
    fc.constantFrom(
      (o: Record<string, unknown>) => JSON.stringify(o, null, 1),
      (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).reverse())),
      (o: Record<string, unknown>) => JSON.stringify(o).replace(/"sub"/, '"\\u0073ub"'),
      (o: Record<string, unknown>) => `\ufeff${JSON.stringify(o)}`,
      (o: Record<string, unknown>) => `${JSON.stringify(o)} `,
    ).map((spell) => (t: string) => {
      const p = parts(t);
      p[1] = b64u(spell(JSON.parse(Buffer.from(p[1]!, 'base64url').toString('utf8')) as Record<string, unknown>));
      return p.join('.');
    }),
  );

  test(`no mutation ever reaches valid (${RUNS} runs; FUZZ_RUNS=N for more)`, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (mutate) => {
        const token = mutate(good);
        fc.pre(token !== good);
        const verdict = await verdictFor(token, jwks);
        checked++;
        return verdict.state === 'invalid' && verdict.claims === null;
      }),
      { numRuns: RUNS },
    );
    expect(checked).toBeGreaterThan(RUNS / 2);
  });

  test('the one change that keeps a signature valid, (r, n − s), keeps the very same claims', async () => {
    // ECDSA signatures are malleable and WebCrypto accepts high s, as JWS allows: a second
    // spelling of a genuine token. It can say nothing the issuer did not sign.
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const sig = bytes(S);
    const s = BigInt(`0x${Buffer.from(sig.slice(32)).toString('hex')}`);
    const flipped = Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex');
    const twin = `${H}.${P}.${b64u(new Uint8Array([...sig.slice(0, 32), ...flipped]))}`;
    const [a, b] = [await verdictFor(good, jwks), await verdictFor(twin, jwks)];
    expect(b.state).toBe('valid');
    expect(b.claims).toEqual(a.claims);
  });
});

interface P1363Group {
  publicKey: { uncompressed: string };
  publicKeyJwk?: Record<string, unknown>;
  tests: { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }[];
}
const p1363 = wycheproof<P1363Group>('ecdsa_secp256r1_sha256_p1363_test.json');

/** The group's key as a JWK; a few groups give only the uncompressed point (04 ‖ x ‖ y). */
function jwkOf(group: P1363Group): Record<string, unknown> {
  if (group.publicKeyJwk) return group.publicKeyJwk;
  const point = Buffer.from(group.publicKey.uncompressed, 'hex');
  return { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) };
}

describe('ECDSA P-256 P1363 vectors (Wycheproof)', () => {
  // The vectors sign arbitrary bytes, not `header.payload`, so they run through the layer's own
  // two steps on the key `readKeySet` imports: the exact-64-byte rule, then WebCrypto's verify.
  test('every vector follows its result with the key the key-set reader imports', async () => {
    let count = 0;
    for (const group of p1363) {
      const keys = await readKeySet({ keys: [{ ...jwkOf(group), kid: 'k', alg: 'ES256', use: 'sig' }] });
      const key = keys.get('k');
      expect(key, group.publicKey.uncompressed).toBeDefined();
      for (const vector of group.tests) {
        const sig = Buffer.from(vector.sig, 'hex');
        const accepted = sig.length === 64 && (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key!, sig, Buffer.from(vector.msg, 'hex')));
        expect(accepted ? 'valid' : 'invalid', `tcId ${vector.tcId} ${vector.comment}`).toBe(vector.result);
        count++;
      }
    }
    expect(count).toBe(262);
  });

  test('the vectors’ signatures, put into a compact token over other bytes, are all refused by verifySignature', async () => {
    // The layer end to end: the vectors' keys and signature shapes around a real compact token.
    const group = p1363[0]!;
    const keys = await readKeySet({ keys: [{ ...jwkOf(group), kid: 'k' }] });
    for (const vector of group.tests) {
      const token = `${b64u(JSON.stringify({ alg: 'ES256', kid: 'k' }))}.${b64u('x')}.${b64u(Buffer.from(vector.sig, 'hex'))}`;
      const error = await verifySignature(token, keys).then(() => null, (e: unknown) => e);
      expect(error, `tcId ${vector.tcId}`).toBeInstanceOf(VerifyError);
      expect(['ERR_JWS_SIGNATURE', 'ERR_JWS_FORM']).toContain((error as VerifyError).code);
    }
  });
});

interface JwkGroup {
  comment: string;
  public?: { keys: Record<string, unknown>[] };
  private?: { keys: Record<string, unknown>[] };
  tests: { tcId: number; comment: string; jws: string; result: string }[];
}
const jwkGroups = wycheproof<JwkGroup>('json_web_key_test.json');

describe('JSON Web Key vectors (Wycheproof)', () => {
  test('no vector verifies with its key set (public, or private for HMAC groups), whatever its result', async () => {
    let count = 0;
    for (const group of jwkGroups) {
      const keys = await readKeySet(group.public ?? group.private);
      for (const vector of group.tests) {
        const error = await verifySignature(vector.jws, keys).then(() => null, (e: unknown) => e);
        expect(error, `tcId ${vector.tcId} ${vector.comment}`).toBeInstanceOf(VerifyError);
        expect((error as VerifyError).state).toBe('invalid');
        count++;
      }
    }
    expect(count).toBe(26);
  });

  test('bad EC keys are left out of the key set: wrong alg, use, curve, kty, or a point off the curve', async () => {
    const ec = jwkGroups.filter((g) => ['wrong_algorithm', 'invalid_algorithm', 'invalid_use', 'invalid_point', 'wrong_curve', 'wrong_kty'].includes(g.comment));
    expect(ec).toHaveLength(6);
    for (const group of ec) expect((await readKeySet(group.public)).size, group.comment).toBe(0);
    // A private JWK (with `d`) is never taken as a verification key, and symmetric keys never are.
    for (const group of jwkGroups) expect([...(await readKeySet(group.private ?? { keys: [] })).keys()].every((kid) => kid === 'kid-ec-sign'), group.comment).toBe(true);
  });
});
