import type { Verdict } from '../check.ts';
import type { VerifyCode } from '../verify/errors.ts';
import type { Result, Step } from './i18n.ts';

export const STEPS: readonly Step[] = ['signature', 'issuer', 'cluster', 'validity', 'freshness', 'website'];

const FAILED_AT: Partial<Record<VerifyCode, Step>> = {
  ERR_JWS_SIZE: 'signature',
  ERR_JWS_FORM: 'signature',
  ERR_JWS_HEADER: 'signature',
  ERR_JWS_ALG: 'signature',
  ERR_JWS_KEY_IN_HEADER: 'signature',
  ERR_JWS_CRIT: 'signature',
  ERR_JWKS_NO_MATCHING_KEY: 'signature',
  ERR_JWS_SIGNATURE: 'signature',
  ERR_JWT_TYP: 'signature',
  ERR_JWT_ISS: 'issuer',
  ERR_JWT_SUB: 'cluster',
  ERR_JWT_CLAIMS: 'cluster',
  ERR_JWT_NBF: 'validity',
  ERR_JWT_EXP: 'validity',
  ERR_JWT_IAT: 'validity',
  ERR_LABEL_ENDED: 'validity',
};

/**
 * What the dialog reports for each check: the steps before the one that failed passed, the
 * rest were not checked. A check that never got an answer (`unavailable`, `unknown`) passed
 * nothing.
 */
export function stepResults(verdict: Verdict): Record<Step, Result> {
  const failed = verdict.state === 'mismatch' ? 'website' : verdict.code && FAILED_AT[verdict.code];
  const reached = verdict.claims !== null || failed;
  let result: Result = reached ? 'passed' : 'skipped';
  const out = {} as Record<Step, Result>;
  for (const step of STEPS) {
    if (step === failed) {
      out[step] = 'failed';
      result = 'skipped';
    } else out[step] = result;
  }
  return out;
}
