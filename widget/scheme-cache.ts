import { documentCache, type DocumentCache } from './document-cache.ts';
import type { Fetch } from './fetch-issuer.ts';
import { readSchemes, type Scheme } from './verify/schemes.ts';

export type SchemeCache = DocumentCache<readonly Scheme[]>;

/** The issuer's scheme list (`GET /v1/schemes`), kept as its `Cache-Control` allows, like the keys. */
export const schemeCache = (issuer: string, fetch: Fetch, timeout: number, now: () => number): SchemeCache =>
  documentCache(fetch, `${issuer}/v1/schemes`, timeout, now, readSchemes, 'ERR_SCHEMES_UNREADABLE');
