import { checkCluster, type Verdict } from './check.ts';
import type { CheckEnv } from './env.ts';
import { RECHECK_LEAD } from './schedule.ts';

interface Shared {
  readonly verdict: Promise<Verdict>;
  /** Until when (env time, ms) another badge may take this verdict instead of asking again. */
  until: number;
}

const checks = new WeakMap<CheckEnv, Map<string, Shared>>();

/**
 * {@link checkCluster}, shared by every badge of one cluster on the page: a check under way is
 * joined, and a verified verdict is reused until a re-check would be due or its keys expire, so
 * twenty badges of one cluster ask once. A verdict without verified claims is not kept: the next badge asks
 * afresh (the browser's HTTP cache still answers it where the issuer allows).
 *
 * @example const { state } = await sharedCheck(env, 'demo-silver');
 */
export function sharedCheck(env: CheckEnv, cluster: string): Promise<Verdict> {
  let byCluster = checks.get(env);
  if (!byCluster) checks.set(env, (byCluster = new Map()));
  const known = byCluster.get(cluster);
  if (known && env.now() < known.until) return known.verdict;
  const entry: Shared = { verdict: checkCluster(env, cluster), until: Infinity };
  byCluster.set(cluster, entry);
  void entry.verdict.then((verdict) => {
    // No longer than a check of its own would reach the same answer: before the token's re-check
    // is due, and while the keys it was verified with are kept (a revoked key ends with them).
    entry.until = verdict.claims ? Math.min(verdict.claims.exp * 1000 - RECHECK_LEAD, env.keys.keptUntil()) : 0;
  });
  return entry.verdict;
}
