// SLA clocks over a workspace's business hours: adding N working minutes to
// an instant, skipping nights, weekends and holidays, in the workspace's time
// zone (luxon does the zone and DST arithmetic; the walk over opening
// intervals is ours, since no maintained library takes a weekly schedule
// plus a holiday list).
import { DateTime, IANAZone } from 'luxon';

export interface OpeningInterval {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local wall-clock time, `HH:mm`. */
  opens: string;
  /** Local wall-clock time, `HH:mm`, after `opens`; `24:00` is midnight at the end of the day. */
  closes: string;
}

export interface Calendar {
  timezone: string;
  intervals: OpeningInterval[];
  /** Local dates (`yyyy-MM-dd`) on which nothing is open. */
  holidays: string[];
}

/** How far ahead the walk looks for enough open time (a calendar open one hour a year still ends). */
const HORIZON_DAYS = 2 * 366;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Minutes since local midnight of an `HH:mm` (24:00 → 1440). */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/** The reasons a calendar is unusable, empty when it is fine (messages name the offending entry). */
export function calendarProblems(calendar: Calendar): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!IANAZone.isValidZone(calendar.timezone))
    problems.push({ field: 'timezone', message: `${calendar.timezone} is not an IANA time zone (e.g. Europe/Berlin)` });
  const byDay = new Map<number, [number, number][]>();
  calendar.intervals.forEach((interval, i) => {
    const field = `intervals[${i}]`;
    if (!Number.isInteger(interval.weekday) || interval.weekday < 1 || interval.weekday > 7) {
      problems.push({ field, message: 'weekday must be 1 (Monday) to 7 (Sunday)' });
      return;
    }
    if (!TIME.test(interval.opens) || !TIME.test(interval.closes) || interval.opens === '24:00') {
      problems.push({ field, message: 'opens and closes must be HH:mm (closes may be 24:00)' });
      return;
    }
    const span: [number, number] = [minutesOf(interval.opens), minutesOf(interval.closes)];
    if (span[0] >= span[1]) {
      problems.push({ field, message: 'closes must be after opens' });
      return;
    }
    const day = byDay.get(interval.weekday) ?? [];
    if (day.some(([a, b]) => span[0] < b && a < span[1])) problems.push({ field, message: 'overlaps another interval of the same day' });
    day.push(span);
    byDay.set(interval.weekday, day);
  });
  calendar.holidays.forEach((date, i) => {
    if (!DATE.test(date) || !DateTime.fromISO(date).isValid) problems.push({ field: `holidays[${i}]`, message: `${date} is not a date (yyyy-MM-dd)` });
  });
  return problems;
}

/**
 * The instant `minutes` of open time after `start`. With no calendar (or no
 * intervals) every minute counts. Null when the calendar does not hold that
 * much open time within two years.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: Calendar | null): Date | null {
  if (!calendar || calendar.intervals.length === 0) return new Date(start.getTime() + minutes * 60_000);
  let remainingMs = minutes * 60_000;
  const from = start.getTime();
  const holidays = new Set(calendar.holidays);
  const byDay = new Map<number, [number, number][]>();
  for (const i of calendar.intervals) {
    byDay.set(i.weekday, [...(byDay.get(i.weekday) ?? []), [minutesOf(i.opens), minutesOf(i.closes)]]);
  }
  for (const spans of byDay.values()) spans.sort((a, b) => a[0] - b[0]);

  let day = DateTime.fromMillis(from, { zone: calendar.timezone }).startOf('day');
  for (let n = 0; n < HORIZON_DAYS; n += 1, day = day.plus({ days: 1 }).startOf('day')) {
    if (holidays.has(day.toISODate()!)) continue;
    for (const [opensAt, closesAt] of byDay.get(day.weekday) ?? []) {
      // Wall-clock times in the zone: on DST days an hour of the interval may not exist or occur twice, as on a real clock.
      const opens = wallClock(day, opensAt);
      const closes = wallClock(day, closesAt);
      const begin = Math.max(opens, from);
      if (begin >= closes) continue;
      if (remainingMs <= closes - begin) return new Date(begin + remainingMs);
      remainingMs -= closes - begin;
    }
  }
  return null;
}

function wallClock(day: DateTime, minuteOfDay: number): number {
  if (minuteOfDay >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }).toMillis();
}
