import { documentCache, type DocumentCache } from './document-cache.ts';
import type { Fetch } from './fetch-issuer.ts';
import { readKeySet, type KeySet } from './verify/jwks.ts';

export type KeyCache = DocumentCache<KeySet>;

/** The issuer's JWK Set, read into its ES256 keys and kept as its `Cache-Control` allows. */
export const keyCache = (issuer: string, fetch: Fetch, timeout: number, now: () => number): KeyCache =>
  documentCache(fetch, `${issuer}/.well-known/jwks.json`, timeout, now, readKeySet, 'ERR_JWKS_UNREADABLE');
