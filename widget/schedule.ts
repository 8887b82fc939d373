import type { Verdict } from './check.ts';

/** The first pause after `unavailable`; each further failure doubles it, up to {@link MAX_RETRY}. */
export const FIRST_RETRY = 5_000;
export const MAX_RETRY = 300_000;
/** A re-check starts this long before the token expires, so a fresh one is in place in time. */
export const RECHECK_LEAD = 30_000;
const MIN_RECHECK = 10_000;
const MAX_RECHECK = 3_600_000;

/**
 * When to check again, in milliseconds from `now`, or null for never. A verified token is
 * re-checked before it expires (so a revocation reaches a page left open); after
 * `unavailable` the pauses grow with each consecutive failure (`failures` counts this one
 * too). Other outcomes are final
 * for this page view.
 *
 * @example nextCheckIn(verdict, Date.now(), 1)
 */
export function nextCheckIn(verdict: Verdict, now: number, failures: number): number | null {
  if (verdict.state === 'unavailable') return Math.min(FIRST_RETRY * 2 ** Math.max(failures - 1, 0), MAX_RETRY);
  if (!verdict.claims) return null;
  return Math.min(Math.max(verdict.claims.exp * 1000 - now - RECHECK_LEAD, MIN_RECHECK), MAX_RECHECK);
}
