import { fetchIssuer, type Fetch } from './fetch-issuer.ts';
import { VerifyError } from './verify/errors.ts';
import { readKeySet, type KeySet } from './verify/jwks.ts';

/** The contract caps the key set's `Cache-Control` at one hour; nothing keeps it longer. */
const MAX_KEEP = 3_600_000;

/**
 * How long a key set may be used, in milliseconds: the `max-age` its issuer allows any cache,
 * so a page drops a revoked key no later than the browser's own HTTP cache would.
 */
function keepFor(cacheControl: string | null): number {
  const maxAge = /max-age=(\d+)/.exec(cacheControl?.toLowerCase() ?? '');
  return maxAge ? Math.min(Number(maxAge[1]) * 1000, MAX_KEEP) : MAX_KEEP;
}

export interface KeyCache {
  /** The issuer's keys, fetched once and shared by every badge on the page. */
  get(): Promise<KeySet>;
  /** Fetches the keys afresh, unless another badge already did since `seen` was handed out. */
  refresh(seen: Promise<KeySet>): Promise<KeySet>;
}

/**
 * An in-memory cache of one issuer's JWK Set; nothing is written to the visitor's device.
 * A key set is kept for {@link keepFor} its `Cache-Control`, counted from the request; a
 * failed fetch is not kept, so the next check tries again.
 */
export function keyCache(issuer: string, fetch: Fetch, timeout: number, now: () => number): KeyCache {
  let current: Promise<KeySet> | undefined;
  // Until the answer says how long it may be kept, every badge waits for the same request.
  let expires = 0;
  const load = (fresh: boolean): Promise<KeySet> => {
    const requested = now();
    expires = Infinity;
    const loading = fetchIssuer(fetch, `${issuer}/.well-known/jwks.json`, timeout, fresh).then(({ status, body, headers }) => {
      if (status !== 200) throw new VerifyError('ERR_JWKS_UNREADABLE', 'unavailable');
      if (current === loading) expires = requested + keepFor(headers.get('cache-control'));
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
    get: () => (current && now() < expires ? current : load(false)),
    refresh: (seen) => (current && current !== seen ? current : load(true)),
  };
}
