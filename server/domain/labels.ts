import { conflict, invalid } from '../errors.ts';
import { addYears, endOfDay, endOfMonthAfter, isIsoDate, utcDate } from './dates.ts';
import { isLevel, LEVELS, levelRank, type IsoDate, type Label, type LabelStatus, type Level, type TokenStatus } from './types.ts';
import { hasUnsafeCharacters } from './text.ts';

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
  if (awarded > today) throw invalid('awarded_in_future', `The assessment date ${awarded} is in the future.`);
  const validUntil = input.validUntil ?? endOfMonthAfter(awarded, periods.validityMonths[input.level]);
  if (validUntil <= awarded) {
    throw invalid('valid_until_before_awarded', `The valid-until date ${validUntil} must be after the assessment date ${awarded}.`);
  }
  return { level: input.level, awarded, validUntil, assessmentRef: input.assessmentRef ?? null };
}

/** A first label, or a new one after an expired, withdrawn or revoked label. */
export function planAward(current: Label | undefined, input: AwardInput, now: Date, periods: Periods): NewLabel {
  if (current && effectiveStatus(current, now) === 'valid') {
    throw conflict(
      'label_already_held',
      `The cluster holds a valid ${current.level} label until ${current.validUntil}: renew it, or upgrade it to a higher level.`,
    );
  }
  return newLabel(input, now, periods);
}

/** A higher level that replaces the current valid label, which stays in the history as superseded. */
export function planUpgrade(current: Label | undefined, input: AwardInput, now: Date, periods: Periods): NewLabel {
  const held = requireCurrent(current);
  if (effectiveStatus(held, now) !== 'valid') {
    throw conflict('label_not_valid', `The current ${held.level} label is not valid; award a new label instead of upgrading.`);
  }
  if (levelRank(input.level) <= levelRank(held.level)) {
    throw conflict('not_an_upgrade', `An upgrade must be to a level above ${held.level}.`);
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
    throw conflict('label_not_renewable', `A ${status} label cannot be renewed; award a new label instead.`);
  }
  if (utcDate(now) > graceEnds(held)) {
    throw conflict('grace_period_over', `The grace year of this label ended on ${graceEnds(held)}; award a new label instead.`);
  }
  const validUntil = input.validUntil ?? endOfMonthAfter(held.validUntil, periods.renewalMonths[held.level]);
  if (validUntil <= held.validUntil) {
    throw invalid('valid_until_not_later', `A renewal must end after the current end, ${held.validUntil}.`);
  }
  return { validUntil, assessmentRef: input.assessmentRef ?? held.assessmentRef };
}

/** Early revocation, for cause, of a valid or expired label. */
export function checkRevocable(current: Label | undefined, now: Date): Label {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'revoked') throw conflict('label_already_revoked', 'The current label is already revoked.');
  if (status === 'withdrawn') throw conflict('label_already_withdrawn', 'The current label is already withdrawn.');
  return held;
}

/** Formal withdrawal of an expired label (a valid one is revoked, not withdrawn). */
export function checkWithdrawable(current: Label | undefined, now: Date): Label {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'valid') {
    throw conflict('label_not_expired', `The label is valid until ${held.validUntil}; revoke it to end it early.`);
  }
  if (status !== 'expired') throw conflict(`label_already_${status}`, `The current label is already ${status}.`);
  return held;
}

function requireCurrent(current: Label | undefined): Label {
  if (!current) throw conflict('no_current_label', 'The cluster has no label.');
  return current;
}

// ── input, from JSON, forms and command lines alike ──────────────────────

const shown = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 60);
const absent = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function optionalDate(value: unknown, field: string): IsoDate | undefined {
  if (absent(value)) return undefined;
  const date = typeof value === 'string' ? value.trim() : value;
  if (!isIsoDate(date)) throw invalid('invalid_date', `The field "${field}" must be a real calendar date written YYYY-MM-DD; it is ${shown(value)}.`);
  return date;
}

function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw invalid('invalid_field', `The field "${field}" must be text.`);
  const trimmed = value.trim();
  if (trimmed.length > max || hasUnsafeCharacters(trimmed)) {
    throw invalid('invalid_field', `The field "${field}" must be at most ${max} characters without control, bidi-override or unpaired surrogate characters.`);
  }
  return trimmed;
}

/** The fields of an award or an upgrade; empty values count as absent. */
export function parseAwardInput(input: Record<string, unknown>): AwardInput {
  if (absent(input.level)) throw invalid('missing_field', 'The field "level" is required.');
  if (!isLevel(input.level)) throw invalid('unknown_level', `The level must be one of ${LEVELS.join(', ')}; it is ${shown(input.level)}.`);
  return {
    level: input.level,
    awarded: optionalDate(input.awarded, 'awarded'),
    validUntil: optionalDate(input.validUntil, 'validUntil'),
    assessmentRef: optionalText(input.assessmentRef, 'assessmentRef', 100),
  };
}

/** The fields of a renewal. */
export function parseRenewalInput(input: Record<string, unknown>): RenewalInput {
  return { validUntil: optionalDate(input.validUntil, 'validUntil'), assessmentRef: optionalText(input.assessmentRef, 'assessmentRef', 100) };
}
