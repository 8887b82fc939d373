import { fetchIssuer, type Fetch } from './fetch-issuer.ts';
import { VerifyError } from './verify/errors.ts';
import { readKeySet, type KeySet } from './verify/jwks.ts';

/** Keys are kept no longer than the issuer lets any cache keep them (`Cache-Control` ≤ 1 h). */
const KEEP = 3_600_000;

export interface KeyCache {
  /** The issuer's keys, fetched once and shared by every badge on the page. */
  get(): Promise<KeySet>;
  /** Fetches the keys afresh, unless another badge already did since `seen` was handed out. */
  refresh(seen: Promise<KeySet>): Promise<KeySet>;
}

/**
 * An in-memory cache of one issuer's JWK Set; nothing is written to the visitor's device.
 * A failed fetch is not kept, so the next check tries again.
 */
export function keyCache(issuer: string, fetch: Fetch, timeout: number, now: () => number): KeyCache {
  let current: Promise<KeySet> | undefined;
  let fetchedAt = 0;
  const load = (fresh: boolean): Promise<KeySet> => {
    fetchedAt = now();
    const loading = fetchIssuer(fetch, `${issuer}/.well-known/jwks.json`, timeout, fresh).then(({ status, body }) => {
      if (status !== 200) throw new VerifyError('ERR_JWKS_UNREADABLE', 'unavailable');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new VerifyError('ERR_JWKS_UNREADABLE', 'unavailable');
      }
      return readKeySet(json);
    });
    current = loading;
    loading.catch(() => {
      if (current === loading) current = undefined;
    });
    return loading;
  };
  return {
    get: () => (current && now() - fetchedAt < KEEP ? current : load(false)),
    refresh: (seen) => (current && current !== seen ? current : load(true)),
  };
}
