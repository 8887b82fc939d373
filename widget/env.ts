import type { Fetch } from './fetch-issuer.ts';
import { REQUEST_TIMEOUT } from './fetch-issuer.ts';
import { keyCache, type KeyCache } from './key-cache.ts';
import { localeLoader, type LocaleLoader } from './locales.ts';
import { logKeys } from './log-keys.ts';
import { schemeCache, type SchemeCache } from './scheme-cache.ts';

/** Everything a badge needs from the outside world, gathered so tests can supply their own. */
export interface CheckEnv {
  /** The issuer's origin; every request goes there and nowhere else. */
  readonly issuer: string;
  readonly fetch: Fetch;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** The origin compared with `cluster.sites`. */
  readonly pageOrigin: () => string;
  readonly timeout: number;
  readonly keys: KeyCache;
  /** The issuer's schemes, asked for only by a badge of a scheme other than `ecei`. */
  readonly schemes: SchemeCache;
  /** The verifier keys a checkpoint must be signed by: the log's, then any pinned witness's. */
  readonly logKeys: () => Promise<readonly string[]>;
  /** The badge's words in a language, from the bundle or from the issuer. */
  readonly locale: LocaleLoader;
}

/**
 * The origin of the page the visitor sees. Inside an iframe (site builders embed custom HTML
 * that way) it is the top-level page's origin where the browser tells it; elsewhere the
 * document's own, which for a foreign top-level page gives `mismatch` — the safe side.
 */
export function topOrigin(): string {
  const ancestors = location.ancestorOrigins;
  return (ancestors?.length && ancestors.item(ancestors.length - 1)) || location.origin;
}

/** The environment for one issuer; `define.ts` builds it from `import.meta.url`. */
export function createEnv(issuer: string, parts: Partial<Omit<CheckEnv, 'issuer' | 'keys' | 'schemes' | 'logKeys' | 'locale'>> = {}): CheckEnv {
  const fetch = parts.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const now = parts.now ?? Date.now;
  const timeout = parts.timeout ?? REQUEST_TIMEOUT;
  return { issuer, fetch, now, timeout, pageOrigin: parts.pageOrigin ?? topOrigin, keys: keyCache(issuer, fetch, timeout, now), schemes: schemeCache(issuer, fetch, timeout, now), logKeys: logKeys(issuer, fetch, timeout), locale: localeLoader(issuer, fetch, timeout) };
}
