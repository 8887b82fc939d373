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

/** The forms {@link readDate} reads, for messages. */
export const DATE_FORMS = '2026-03-31, 2026/03/31 or 31.03.2026';

/**
 * A date as people write it in a register or on a command line — `2026-03-31`,
 * `2026/3/31` or `31.03.2026` — as `YYYY-MM-DD`; undefined when it is none of those or no
 * real calendar day.
 */
export function readDate(value: string): IsoDate | undefined {
  let match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value);
  if (match) return isoOf(match[1]!, match[2]!, match[3]!);
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  if (match) return isoOf(match[3]!, match[2]!, match[1]!);
  return undefined;
}

function isoOf(y: string, m: string, d: string): IsoDate | undefined {
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : undefined;
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
