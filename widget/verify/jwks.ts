import { VerifyError } from './errors.ts';

/** The issuer's usable verification keys by `kid`. */
export type KeySet = ReadonlyMap<string, CryptoKey>;

type Jwk = Record<string, unknown>;

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

function isRecord(value: unknown): value is Jwk {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSigningKey(k: Jwk): boolean {
  return (
    k.kty === 'EC' &&
    k.crv === 'P-256' &&
    (k.alg ?? 'ES256') === 'ES256' &&
    (k.use ?? 'sig') === 'sig' &&
    (k.key_ops === undefined || (Array.isArray(k.key_ops) && k.key_ops.includes('verify'))) &&
    typeof k.x === 'string' &&
    typeof k.y === 'string' &&
    !('d' in k)
  );
}

/**
 * Reads a JWK Set into ES256 verification keys. Something that is not a JWK Set at all is
 * `ERR_JWKS_UNREADABLE` (state `unavailable`). Single keys that are not public P-256 signing
 * keys (by `kty`, `crv`, `alg`, `use` and `key_ops`), or whose point does not import, are left out; so is every key whose `kid` occurs
 * more than once, so no token is ever checked against a key picked by ambiguity.
 *
 * @example const keys = await readKeySet(await response.json());
 */
export async function readKeySet(jwks: unknown): Promise<KeySet> {
  if (!isRecord(jwks) || !Array.isArray(jwks.keys) || !globalThis.crypto?.subtle) {
    throw new VerifyError('ERR_JWKS_UNREADABLE', 'unavailable');
  }
  const all = jwks.keys.filter(isRecord);
  const seen = new Map<unknown, number>();
  for (const k of all) seen.set(k.kid, (seen.get(k.kid) ?? 0) + 1);
  const usable = all.filter((k) => typeof k.kid === 'string' && k.kid !== '' && seen.get(k.kid) === 1 && isSigningKey(k));
  const entries = await Promise.all(
    usable.map((k) =>
      crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: k.x as string, y: k.y as string }, P256, false, ['verify']).then(
        (key): [string, CryptoKey] => [k.kid as string, key],
        () => null,
      ),
    ),
  );
  return new Map(entries.filter((e) => e !== null));
}
