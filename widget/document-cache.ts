import { fetchIssuer, type Fetch } from './fetch-issuer.ts';
import { VerifyError, type VerifyCode } from './verify/errors.ts';

/** The contract caps the key set's `Cache-Control` at one hour; nothing is kept longer. */
const MAX_KEEP = 3_600_000;

/**
 * How long a document may be used, in milliseconds: the `max-age` its issuer allows any cache,
 * so a page drops a revoked key no later than the browser's own HTTP cache would.
 */
function keepFor(cacheControl: string | null): number {
  const maxAge = /max-age=(\d+)/.exec(cacheControl?.toLowerCase() ?? '');
  return maxAge ? Math.min(Number(maxAge[1]) * 1000, MAX_KEEP) : MAX_KEEP;
}

export interface DocumentCache<T> {
  /** The document, fetched once and shared by every badge on the page. */
  get(): Promise<T>;
  /** Fetches it afresh, unless another badge already did since `seen` was handed out. */
  refresh(seen: Promise<T>): Promise<T>;
}

/**
 * An in-memory cache of one public JSON document of the issuer (its keys, its schemes);
 * nothing is written to the visitor's device. It is kept for {@link keepFor} its
 * `Cache-Control`, counted from the request; a failed fetch is not kept, so the next check
 * tries again. An answer other than `200`, or one that is not JSON, is `unreadable`
 * (state `unavailable`); `read` judges the rest.
 */
export function documentCache<T>(fetch: Fetch, url: string, timeout: number, now: () => number, read: (json: unknown) => T | Promise<T>, unreadable: VerifyCode): DocumentCache<T> {
  let current: Promise<T> | undefined;
  // Until the answer says how long it may be kept, every badge waits for the same request.
  let expires = 0;
  const load = (fresh: boolean): Promise<T> => {
    const requested = now();
    expires = Infinity;
    const loading = fetchIssuer(fetch, url, timeout, fresh).then(({ status, body, headers }) => {
      if (status !== 200) throw new VerifyError(unreadable, 'unavailable');
      if (current === loading) expires = requested + keepFor(headers.get('cache-control'));
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new VerifyError(unreadable, 'unavailable');
      }
      return read(json);
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
