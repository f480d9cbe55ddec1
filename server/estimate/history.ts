import type { CounterSchedule, Office } from '../../common/types.js';
import { businessDay, startOfBusinessDay } from '../queue/time.js';
import { stmt, type DB } from '../store/db.js';
import { learnSchedule, previousDays, SCHEDULE_DAYS, type CounterEventRow, type CounterEventType } from './schedule.js';
import type { ScheduleSource } from './view.js';

/** Calendar days looked back to find SCHEDULE_DAYS business days with counter events (holidays, weekends). */
const LOOKBACK_DAYS = 31;

/**
 * The learned counter schedule of an office for `day`, from the counter events of its previous
 * business days in the event log (the last SCHEDULE_DAYS days that have any). Read once per
 * business day (view.ts keeps it), so the issue path never pays for it more than once a day.
 */
export function learnedSchedule(db: DB, office: Office, day: string): CounterSchedule {
  const midnight = startOfBusinessDay(day, office.timezone);
  const rows = stmt(db, `SELECT counter_id AS counterId, type, at FROM events
      WHERE office_id = ? AND type IN ('counter.opened','counter.paused','counter.resumed','counter.closed') AND at >= ? AND at < ? AND counter_id IS NOT NULL`)
    .all(office.id, midnight - LOOKBACK_DAYS * 86_400_000, midnight) as { counterId: string; type: CounterEventType; at: number }[];
  const days = new Set(previousDays(rows.map((r) => businessDay(r.at, office.timezone)), day, SCHEDULE_DAYS));
  const events: CounterEventRow[] = rows.filter((r) => days.has(businessDay(r.at, office.timezone)));
  return learnSchedule(events, office.timezone, office.hours?.close ?? null);
}

/** The engine's schedule source for an office: the learned schedule (an explicit day plan may later take its place). */
export function learnedScheduleSource(db: DB, office: Office): ScheduleSource {
  return (day) => learnedSchedule(db, office, day);
}
