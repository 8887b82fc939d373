import type { LabelState } from './state.ts';

/** Stable codes a caller can switch on; each one belongs to exactly one state. */
export type VerifyCode =
  | 'ERR_CLUSTER_MISSING'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_HTTP_STATUS'
  | 'ERR_JWKS_UNREADABLE'
  | 'ERR_SCHEMES_UNREADABLE'
  | 'ERR_SCHEME_UNKNOWN'
  | 'ERR_NOT_FOUND'
  | 'ERR_JWS_SIZE'
  | 'ERR_JWS_FORM'
  | 'ERR_JWS_HEADER'
  | 'ERR_JWS_ALG'
  | 'ERR_JWS_KEY_IN_HEADER'
  | 'ERR_JWS_CRIT'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWS_SIGNATURE'
  | 'ERR_JWT_TYP'
  | 'ERR_JWT_ISS'
  | 'ERR_JWT_SUB'
  | 'ERR_JWT_CLAIMS'
  | 'ERR_JWT_NBF'
  | 'ERR_JWT_EXP'
  | 'ERR_JWT_IAT'
  | 'ERR_LABEL_ENDED'
  | 'ERR_LOG'
  | 'ERR_LOG_UNSUPPORTED'
  | 'ERR_INTERNAL';

/** A failed check: `code` says what failed, `state` what the badge shows for it. */
export class VerifyError extends Error {
  readonly code: VerifyCode;
  readonly state: Exclude<LabelState, 'loading' | 'valid'>;

  constructor(code: VerifyCode, state: VerifyError['state'] = 'invalid') {
    super(code);
    this.code = code;
    this.state = state;
  }
}
