import { SCHOOL_TZ_OFFSET_MINUTES, URGENT_ACK_MINUTES } from './safeguarding.constants';

const DAY_MS = 86_400_000;
const OFFSET_MS = SCHOOL_TZ_OFFSET_MINUTES * 60_000;

/**
 * The deadline one school day after `from`, in Vietnam time: 24 hours that count only Monday to
 * Friday. A report on Friday 15:00 is due Monday 15:00; one on Saturday or Sunday starts its
 * clock on Monday 00:00 and is due Tuesday 00:00. Public holidays are not known here.
 */
export function addSchoolDay(from: Date): Date {
  let local = new Date(from.getTime() + OFFSET_MS);
  const dow = local.getUTCDay();
  if (dow === 6 || dow === 0) {
    const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    local = new Date(midnight + (dow === 6 ? 2 : 1) * DAY_MS);
  }
  let due = new Date(local.getTime() + DAY_MS);
  if (due.getUTCDay() === 6) {
    due = new Date(due.getTime() + 2 * DAY_MS);
  }
  return new Date(due.getTime() - OFFSET_MS);
}

/** When a report received (or escalated) at `from` must be acknowledged. */
export function triageDueAt(from: Date, imminentDanger: boolean): Date {
  return imminentDanger
    ? new Date(from.getTime() + URGENT_ACK_MINUTES * 60_000)
    : addSchoolDay(from);
}

/** Signed minutes until `due` (negative when overdue). */
export function minutesUntil(due: Date, now: Date): number {
  return Math.round((due.getTime() - now.getTime()) / 60_000);
}
