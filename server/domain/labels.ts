import { effectiveStatus } from './schemes.ts';
import type { Label, TokenStatus } from './types.ts';

/** What a token says of a cluster whose current label is `label`. */
export function tokenStatus(label: Pick<Label, 'status' | 'validUntil'> | undefined, now: Date): TokenStatus {
  if (!label) return 'none';
  const status = effectiveStatus(label, now);
  if (status === 'valid' || status === 'revoked') return status;
  // `withdrawn` reads `expired`; a `superseded` label is never current.
  return 'expired';
}
