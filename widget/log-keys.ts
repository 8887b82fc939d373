import { fetchIssuer, type Fetch } from './fetch-issuer.ts';
import { VerifyError } from './verify/errors.ts';

/**
 * Verifier keys fixed when the bundle was built (`CLUSTER_LABEL_LOG_KEYS`, docs/security.md):
 * a widget pinned with SRI then trusts these and nothing the issuer says later.
 */
declare const __CLUSTER_LABEL_LOG_KEYS__: readonly string[];

/**
 * The keys a checkpoint must be signed by: those built in, else the log's current key
 * from the issuer's `/v1/log`, fetched once per page (a failed fetch is tried again).
 */
export function logKeys(issuer: string, fetch: Fetch, timeout: number): () => Promise<readonly string[]> {
  let loaded: Promise<readonly string[]> | undefined;
  return () => {
    if (__CLUSTER_LABEL_LOG_KEYS__.length) return Promise.resolve(__CLUSTER_LABEL_LOG_KEYS__);
    loaded ??= fetchIssuer(fetch, `${issuer}/v1/log`, timeout).then(({ status, body }) => {
      const key = status === 200 && (JSON.parse(body) as { verifierKey?: unknown }).verifierKey;
      if (typeof key !== 'string') throw new VerifyError('ERR_LOG', 'unavailable');
      return [key];
    });
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };
}
