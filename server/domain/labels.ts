import { fail } from '../errors.ts';
import { addYears, endOfDay, endOfMonthAfter, utcDate } from './dates.ts';
import { levelRank, type IsoDate, type Label, type LabelStatus, type Level, type TokenStatus } from './types.ts';

/** Validity periods in whole months, per level: the first award, and each renewal. */
export interface Periods {
  validityMonths: Record<Level, number>;
  renewalMonths: Record<Level, number>;
}

/** The status a label has at `now`: a `valid` row past its last day reads `expired`, swept or not. */
export function effectiveStatus(label: Pick<Label, 'status' | 'validUntil'>, now: Date): LabelStatus {
  return label.status === 'valid' && now >= endOfDay(label.validUntil) ? 'expired' : label.status;
}

/** What a token says of a cluster whose current label is `label`. */
export function tokenStatus(label: Pick<Label, 'status' | 'validUntil'> | undefined, now: Date): TokenStatus {
  if (!label) return 'none';
  const status = effectiveStatus(label, now);
  if (status === 'valid' || status === 'revoked') return status;
  // `withdrawn` reads `expired`; a `superseded` label is never current.
  return 'expired';
}

/** The last day on which an expired label can still be renewed. */
export const graceEnds = (label: Pick<Label, 'validUntil'>): IsoDate => addYears(label.validUntil, 1);

export interface AwardInput {
  level: Level;
  awarded?: IsoDate | undefined;
  validUntil?: IsoDate | undefined;
  assessmentRef?: string | undefined;
}

export interface NewLabel {
  level: Level;
  awarded: IsoDate;
  validUntil: IsoDate;
  assessmentRef: string | null;
}

function newLabel(input: AwardInput, now: Date, periods: Periods): NewLabel {
  const today = utcDate(now);
  const awarded = input.awarded ?? today;
  if (awarded > today) throw fail('awarded_in_future', { awarded });
  const validUntil = input.validUntil ?? endOfMonthAfter(awarded, periods.validityMonths[input.level]);
  if (validUntil <= awarded) {
    throw fail('valid_until_before_awarded', { validUntil, awarded });
  }
  return { level: input.level, awarded, validUntil, assessmentRef: input.assessmentRef ?? null };
}

/** A first label, or a new one after an expired, withdrawn or revoked label. */
export function planAward(current: Label | undefined, input: AwardInput, now: Date, periods: Periods): NewLabel {
  if (current && effectiveStatus(current, now) === 'valid') {
    throw fail('label_already_held', { level: current.level, validUntil: current.validUntil });
  }
  return newLabel(input, now, periods);
}

/** A higher level that replaces the current valid label, which stays in the history as superseded. */
export function planUpgrade(current: Label | undefined, input: AwardInput, now: Date, periods: Periods): NewLabel {
  const held = requireCurrent(current);
  if (effectiveStatus(held, now) !== 'valid') {
    throw fail('label_not_valid', { level: held.level });
  }
  if (levelRank(input.level) <= levelRank(held.level)) {
    throw fail('not_an_upgrade', { level: held.level });
  }
  return newLabel(input, now, periods);
}

export interface RenewalInput {
  validUntil?: IsoDate | undefined;
  assessmentRef?: string | undefined;
}

/** A renewal extends from the previous end, before expiry or within the grace year after it. */
export function planRenewal(current: Label | undefined, input: RenewalInput, now: Date, periods: Periods) {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status !== 'valid' && status !== 'expired') {
    throw fail('label_not_renewable', { status });
  }
  if (utcDate(now) > graceEnds(held)) {
    throw fail('grace_period_over', { ended: graceEnds(held) });
  }
  const validUntil = input.validUntil ?? endOfMonthAfter(held.validUntil, periods.renewalMonths[held.level]);
  if (validUntil <= held.validUntil) {
    throw fail('valid_until_not_later', { validUntil: held.validUntil });
  }
  return { validUntil, assessmentRef: input.assessmentRef ?? held.assessmentRef };
}

/** Early revocation, for cause, of a valid or expired label. */
export function checkRevocable(current: Label | undefined, now: Date): Label {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'revoked' || status === 'withdrawn') throw fail(`label_already_${status}`);
  return held;
}

/** Formal withdrawal of an expired label (a valid one is revoked, not withdrawn). */
export function checkWithdrawable(current: Label | undefined, now: Date): Label {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'valid') {
    throw fail('label_not_expired', { validUntil: held.validUntil });
  }
  if (status !== 'expired') throw fail(`label_already_${status}`);
  return held;
}

function requireCurrent(current: Label | undefined): Label {
  if (!current) throw fail('no_current_label');
  return current;
}
