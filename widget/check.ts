import type { CheckEnv } from './env.ts';
import { fetchIssuer } from './fetch-issuer.ts';
import { checkClaims, type AttestationClaims } from './verify/claims.ts';
import { VerifyError, type VerifyCode } from './verify/errors.ts';
import { verifySignature } from './verify/signature.ts';
import { decideState, type LabelState } from './verify/state.ts';
import { verifyLog, type LogPosition } from './verify/log.ts';

/** The outcome of one check. `claims` is set only when both verification layers passed. */
export interface Verdict {
  readonly state: LabelState;
  readonly claims: AttestationClaims | null;
  /** Why the check failed, or null when it did not. */
  readonly code: VerifyCode | null;
  /** The key the signature verified with, or null. */
  readonly kid: string | null;
  readonly checkedAt: number;
  /** For `valid`: where the issuer's public log records the statement. */
  readonly log?: LogPosition;
}

/**
 * Checks one cluster's attestation against its issuer and decides the badge's state in the
 * contract's order. Never throws: any unexpected failure is `invalid`, because the badge
 * must never show a held label on doubt.
 *
 * @example const { state, claims } = await checkCluster(env, 'demo-silver');
 */
export async function checkCluster(env: CheckEnv, cluster: string): Promise<Verdict> {
  const checkedAt = env.now();
  const verdict = (state: LabelState, code: VerifyCode | null, claims: AttestationClaims | null = null, kid: string | null = null): Verdict => ({
    state,
    claims,
    code,
    kid,
    checkedAt,
  });
  if (!cluster) return verdict('unknown', 'ERR_CLUSTER_MISSING');
  try {
    // The keys are fetched alongside the token, not after it.
    const keys = env.keys.get();
    // The log's keys too; only a `valid` statement needs them, so a failure counts only then.
    const logKeys = env.logKeys();
    logKeys.catch(() => {});
    const [token, keySet] = await Promise.allSettled([
      fetchIssuer(env.fetch, `${env.issuer}/v1/clusters/${encodeURIComponent(cluster)}/attestation`, env.timeout),
      keys,
    ]);
    // Step 2 comes before step 3: a 404 only counts once the issuer's keys were readable too.
    if (token.status === 'rejected') throw token.reason;
    if (keySet.status === 'rejected') throw keySet.reason;
    const { status, body } = token.value;
    if (status === 404) return verdict('unknown', 'ERR_NOT_FOUND');
    if (status !== 200) throw new VerifyError('ERR_HTTP_STATUS', 'unavailable');

    const jws = await verifySignature(body, keySet.value).catch(async (error: unknown) => {
      if (!(error instanceof VerifyError) || error.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      return verifySignature(body, await env.keys.refresh(keys));
    });
    const claims = checkClaims(jws.header, jws.payload, { issuer: env.issuer, cluster, now: env.now() });
    const state = decideState(claims, env.pageOrigin());
    if (state !== 'valid') return verdict(state, null, claims, jws.kid);
    return { ...verdict(state, null, claims, jws.kid), log: await verifyLog(claims, await logKeys) };
  } catch (error) {
    return error instanceof VerifyError ? verdict(error.state, error.code) : verdict('invalid', 'ERR_INTERNAL');
  }
}
