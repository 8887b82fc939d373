import type { IsoDate } from './types.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date in `YYYY-MM-DD` form (rejects 2023-02-30). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1900;
}

/** The UTC calendar date of an instant. */
export const utcDate = (instant: Date): IsoDate => instant.toISOString().slice(0, 10);

function parts(date: IsoDate): [number, number, number] {
  return date.split('-').map(Number) as [number, number, number];
}

/** The last day of the month `months` after the month of `date`. */
export function endOfMonthAfter(date: IsoDate, months: number): IsoDate {
  const [y, m] = parts(date);
  // Day 0 of the following month is the last day of the month we want.
  return utcDate(new Date(Date.UTC(y, m - 1 + months + 1, 0)));
}

/** The same calendar day `years` later (29 February becomes 28 February). */
export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = parts(date);
  const result = new Date(Date.UTC(y + years, m - 1, d));
  return result.getUTCMonth() === m - 1 ? utcDate(result) : utcDate(new Date(Date.UTC(y + years, m, 0)));
}

/** The first instant after `date` in UTC: a label is held through the end of its last day. */
export const endOfDay = (date: IsoDate): Date => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** The same day `months` earlier or later, clamped to the end of a shorter month. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return utcDate(new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))));
}
