import { VerifyError } from './verify/errors.ts';

/** How long one request may take before the check counts as `unavailable`. */
export const REQUEST_TIMEOUT = 10_000;

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * One GET to the issuer under the contract's request rules: no credentials, no referrer, no
 * redirects (a redirect could lead to another host), and a time limit. A request that fails,
 * times out or meets a `5xx` is a {@link VerifyError} with state `unavailable`; other answers
 * are returned for the caller to judge, with their headers.
 */
export async function fetchIssuer(fetch: Fetch, url: string, timeout: number, fresh = false): Promise<{ status: number; body: string; headers: Headers }> {
  const signal = AbortSignal.timeout(timeout);
  try {
    const response = await fetch(url, {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      redirect: 'error',
      cache: fresh ? 'no-cache' : 'default',
      signal,
    });
    if (response.status >= 500) throw new VerifyError('ERR_HTTP_STATUS', 'unavailable');
    return { status: response.status, body: await response.text(), headers: response.headers };
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    throw new VerifyError(signal.aborted ? 'ERR_TIMEOUT' : 'ERR_NETWORK', 'unavailable');
  }
}
