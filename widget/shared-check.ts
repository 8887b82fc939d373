import { checkCluster, type Verdict } from './check.ts';
import type { CheckEnv } from './env.ts';

const underWay = new WeakMap<CheckEnv, Map<string, Promise<Verdict>>>();

/**
 * {@link checkCluster}, shared by every badge of one cluster and scheme on the page: a badge that asks
 * while a check of its cluster is under way joins it, so twenty badges of one cluster ask
 * once. A settled verdict is not kept: a badge added later checks for itself (with the keys
 * and the browser's HTTP cache every check shares), so it answers exactly as a lone badge would,
 * a revoked key included.
 *
 * @example const { state } = await sharedCheck(env, 'demo-silver');
 */
export function sharedCheck(env: CheckEnv, cluster: string, scheme?: string): Promise<Verdict> {
  let byCluster = underWay.get(env);
  if (!byCluster) underWay.set(env, (byCluster = new Map()));
  const key = JSON.stringify([cluster, scheme]);
  const joined = byCluster.get(key);
  if (joined) return joined;
  const check = checkCluster(env, cluster, scheme);
  byCluster.set(key, check);
  void check.then(() => byCluster.delete(key));
  return check;
}
