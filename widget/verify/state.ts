import type { AttestationClaims, Label } from './claims.ts';

/** What the badge shows; see the contract's table for the order in which it is decided. */
export type LabelState = 'loading' | 'unavailable' | 'unknown' | 'invalid' | 'mismatch' | 'expired' | 'revoked' | 'valid';

/**
 * Steps 5 to 8 of the contract's table, for claims that passed both verification layers:
 * the page's origin must be listed exactly, then the status of the badge's label decides —
 * `label` (the ECEI's) unless the badge is for another scheme.
 *
 * @example decideState(claims, 'https://www.example.org') // 'valid', 'mismatch', …
 */
export function decideState(claims: AttestationClaims, pageOrigin: string, label: Label = claims.label): LabelState {
  if (!claims.cluster.sites.includes(pageOrigin)) return 'mismatch';
  const { status } = label;
  return status === 'none' ? 'unknown' : status;
}
