import { TZDate } from '@date-fns/tz';
// Issue 17: the one function, not the whole date-fns index (hundreds of modules at start).
import { format } from 'date-fns/format';

/** The office's business day (local calendar date, yyyy-MM-dd) at `at`, whatever the process TZ. */
export function businessDay(at: number, timezone: string): string {
  // Issue 17: every command and snapshot asks this; answer from the day last computed for this
  // zone while `at` is inside it (its exact local-midnight bounds), instead of a time-zone conversion.
  const hit = dayCache.get(timezone);
  if (hit && at >= hit.start && at <= hit.end) return hit.day;
  const day = format(new TZDate(at, timezone), 'yyyy-MM-dd');
  dayCache.set(timezone, { day, start: startOfBusinessDay(day, timezone), end: endOfBusinessDay(day, timezone) });
  return day;
}
const dayCache = new Map<string, { day: string; start: number; end: number }>();

/** Local hour of day (0–23) in the office time zone. */
export function localHour(at: number, timezone: string): number {
  return new TZDate(at, timezone).getHours();
}

/** Minutes since local midnight in the office time zone. */
export function localMinuteOfDay(at: number, timezone: string): number {
  const d = new TZDate(at, timezone);
  return d.getHours() * 60 + d.getMinutes();
}

/** UTC ms of local midnight starting the given business day. */
export function startOfBusinessDay(day: string, timezone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, 0, 0, 0, 0, timezone).getTime();
}

/** UTC ms of the last millisecond of the given business day. */
export function endOfBusinessDay(day: string, timezone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d + 1, 0, 0, 0, 0, timezone).getTime() - 1;
}

/** Local time formatted for people, e.g. "2026-03-24 09:05:00". */
export function localDateTime(at: number, timezone: string, pattern = 'yyyy-MM-dd HH:mm:ss'): string {
  return format(new TZDate(at, timezone), pattern);
}
