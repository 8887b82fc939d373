import { decode } from './base64url.ts';
import { VerifyError } from './errors.ts';
import type { KeySet } from './jwks.ts';

/** The largest token accepted; a real attestation is well under 2 KiB. */
export const MAX_TOKEN_BYTES = 8192;

/** Header parameters that would let a token pick its own key or change how it is read. */
const REFUSED = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64'];

export interface VerifiedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Uint8Array<ArrayBuffer>;
  readonly kid: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The signature layer: checks a compact JWS against the issuer's keys and nothing else.
 * Only ES256 is accepted, only keys from `keys` are used, and the token must be in its one
 * canonical compact form. Throws a {@link VerifyError}; `ERR_JWKS_NO_MATCHING_KEY` tells the
 * caller to fetch the keys once more, since the issuer may have published a new one.
 *
 * @example const { header, payload } = await verifySignature(token, keys);
 */
export async function verifySignature(token: string, keys: KeySet): Promise<VerifiedJws> {
  if (token.length > MAX_TOKEN_BYTES) throw new VerifyError('ERR_JWS_SIZE');
  const parts = token.split('.');
  if (parts.length !== 3) throw new VerifyError('ERR_JWS_FORM');
  const [h, p, s] = parts as [string, string, string];
  const [headerBytes, payload, signature] = [decode(h), decode(p), decode(s)];

  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(headerBytes));
  } catch {
    throw new VerifyError('ERR_JWS_HEADER');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new VerifyError('ERR_JWS_HEADER');
  const fields = header as Record<string, unknown>;
  if (fields.alg !== 'ES256') throw new VerifyError('ERR_JWS_ALG');
  if (REFUSED.some((name) => name in fields)) {
    throw new VerifyError(fields.crit !== undefined || fields.b64 !== undefined ? 'ERR_JWS_CRIT' : 'ERR_JWS_KEY_IN_HEADER');
  }
  const kid = fields.kid;
  if (typeof kid !== 'string' || kid === '') throw new VerifyError('ERR_JWS_HEADER');
  const key = keys.get(kid);
  if (!key) throw new VerifyError('ERR_JWKS_NO_MATCHING_KEY');
  // ES256 signatures are the raw 32-byte r and s (RFC 7518 §3.4), never DER.
  if (signature.length !== 64) throw new VerifyError('ERR_JWS_SIGNATURE');

  const signed = new TextEncoder().encode(`${h}.${p}`);
  const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, signed);
  if (!ok) throw new VerifyError('ERR_JWS_SIGNATURE');
  return { header: fields, payload, kid };
}
