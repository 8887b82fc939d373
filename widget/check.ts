import type { CheckEnv } from './env.ts';
import { fetchIssuer } from './fetch-issuer.ts';
import { checkClaims, checkSchemeLabel, type AttestationClaims, type Label } from './verify/claims.ts';
import { VerifyError, type VerifyCode } from './verify/errors.ts';
import { verifySignature } from './verify/signature.ts';
import { decideState, type LabelState } from './verify/state.ts';
import { verifyLog, type LogPosition } from './verify/log.ts';
import type { Scheme } from './verify/schemes.ts';

/** The outcome of one check. `claims` is set only when both verification layers passed. */
export interface Verdict {
  readonly state: LabelState;
  readonly claims: AttestationClaims | null;
  /** Why the check failed, or null when it did not. */
  readonly code: VerifyCode | null;
  /** The key the signature verified with, or null. */
  readonly kid: string | null;
  readonly checkedAt: number;
  /** The label the badge is about, once the claims verified: `claims.label`, or the scheme's entry of `claims.labels`. */
  readonly label?: Label;
  /** For a badge of a scheme other than the ECEI's: that scheme, once the issuer's list named it. */
  readonly scheme?: Scheme;
  /** For `valid`: where the issuer's public log records the statement. */
  readonly log?: LogPosition;
}

/** The ECEI's scheme: a badge of it reads the claim `label`, as every badge did before there were others. */
export const ECEI = 'ecei';

/**
 * Checks one cluster's attestation against its issuer and decides the badge's state in the
 * contract's order. A badge of another scheme also reads the issuer's scheme list (asked for
 * beside the token): a scheme the list does not name is `unknown`, and the verdict is that of
 * the scheme's entry in the claim `labels`. Never throws: any unexpected failure is `invalid`,
 * because the badge must never show a held label on doubt.
 *
 * @example const { state, claims } = await checkCluster(env, 'demo-silver');
 */
export async function checkCluster(env: CheckEnv, cluster: string, schemeId = ECEI): Promise<Verdict> {
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
    // The keys are fetched alongside the token, not after it; so is a scheme list.
    const keys = env.keys.get();
    // The log's keys too; only a `valid` statement needs them, so a failure counts only then.
    const logKeys = env.logKeys();
    logKeys.catch(() => {});
    const [token, keySet, schemes] = await Promise.allSettled([
      fetchIssuer(env.fetch, `${env.issuer}/v1/clusters/${encodeURIComponent(cluster)}/attestation`, env.timeout),
      keys,
      schemeId === ECEI ? undefined : env.schemes.get(),
    ]);
    // Step 2 comes before step 3: a 404 only counts once the issuer's keys (and schemes) were readable too.
    if (token.status === 'rejected') throw token.reason;
    if (keySet.status === 'rejected') throw keySet.reason;
    if (schemes.status === 'rejected') throw schemes.reason;
    const { status, body } = token.value;
    if (status === 404) return verdict('unknown', 'ERR_NOT_FOUND');
    if (status !== 200) throw new VerifyError('ERR_HTTP_STATUS', 'unavailable');
    const scheme = schemes.value?.find((known) => known.id === schemeId);
    if (schemes.value && !scheme) return verdict('unknown', 'ERR_SCHEME_UNKNOWN');

    const jws = await verifySignature(body, keySet.value).catch(async (error: unknown) => {
      if (!(error instanceof VerifyError) || error.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      return verifySignature(body, await env.keys.refresh(keys));
    });
    const now = env.now();
    const claims = checkClaims(jws.header, jws.payload, { issuer: env.issuer, cluster, now });
    const label = scheme ? checkSchemeLabel(claims, scheme, now) : claims.label;
    const state = decideState(claims, env.pageOrigin(), label);
    const shown = { ...verdict(state, null, claims, jws.kid), label, scheme };
    if (state !== 'valid') return shown;
    return { ...shown, log: await verifyLog(claims, await logKeys, label) };
  } catch (error) {
    return error instanceof VerifyError ? verdict(error.state, error.code) : verdict('invalid', 'ERR_INTERNAL');
  }
}
