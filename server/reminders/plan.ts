import { daysBetween } from '../domain/dates.ts';
import { graceEnds, type Scheme } from '../domain/schemes.ts';
import type { IsoDate, Level } from '../domain/types.ts';

export type ReminderEvent = 'expiring' | 'expired' | 'grace_ended';

export interface DueReminder {
  labelId: number;
  clusterId: string;
  level: Level;
  validUntil: IsoDate;
  event: ReminderEvent;
  /** For `expiring`: the window (days before the end) this reminder belongs to. */
  windowDays?: number;
}

/**
 * An event older than this is not sent any more: after a long outage, or on a
 * freshly imported register, nobody needs to hear that a label ended years ago.
 */
export const CATCH_UP_DAYS = 30;

/**
 * The one reminder due today for a label still in play (`valid` or `expired`,
 * as stored), or undefined. Before the end, only the tightest window that has
 * begun counts: a label with 20 days left gets the 30-day reminder, not the
 * 90-day one as well. Pure: the outbox's unique key makes it happen once.
 */
export function dueReminder(scheme: Scheme, label: { id: number; clusterId: string; level: Level; validUntil: IsoDate }, today: IsoDate, windows: number[]): DueReminder | undefined {
  const base = { labelId: label.id, clusterId: label.clusterId, level: label.level, validUntil: label.validUntil };
  const left = daysBetween(today, label.validUntil);
  if (left >= 0) {
    const window = windows.filter((w) => w >= left).sort((a, b) => a - b)[0];
    return window === undefined ? undefined : { ...base, event: 'expiring', windowDays: window };
  }
  const graceEnd = graceEnds(scheme, label);
  if (today <= graceEnd) return -left <= CATCH_UP_DAYS ? { ...base, event: 'expired' } : undefined;
  return daysBetween(graceEnd, today) <= CATCH_UP_DAYS ? { ...base, event: 'grace_ended' } : undefined;
}

/** The outbox key: once per label, end date (a renewal starts a new round), event, window, channel and target. */
export const dedupeKey = (due: DueReminder, channel: string, target: string) =>
  [due.labelId, due.validUntil, due.event, due.windowDays ?? '-', channel, target].join('|');
