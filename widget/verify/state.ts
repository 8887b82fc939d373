import type { AttestationClaims } from './claims.ts';

/** What the badge shows; see the contract's table for the order in which it is decided. */
export type LabelState = 'loading' | 'unavailable' | 'unknown' | 'invalid' | 'mismatch' | 'expired' | 'revoked' | 'valid';

/**
 * Steps 5 to 8 of the contract's table, for claims that passed both verification layers:
 * the page's origin must be listed exactly, then the label's own status decides.
 *
 * @example decideState(claims, 'https://www.example.org') // 'valid', 'mismatch', …
 */
export function decideState(claims: AttestationClaims, pageOrigin: string): LabelState {
  if (!claims.cluster.sites.includes(pageOrigin)) return 'mismatch';
  const { status } = claims.label;
  return status === 'none' ? 'unknown' : status;
}
