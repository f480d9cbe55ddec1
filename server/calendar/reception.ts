import type { OfficeDay } from '../../common/calendar.js';
import type { Office } from '../../common/types.js';
import { businessDay } from '../queue/time.js';
import { officeDay, openDays, receptionOpenAt } from './office.js';
import { officeCalendar } from './store.js';

const byMinute = new WeakMap<Office, { minute: number; open: boolean }>();

/**
 * Whether the office takes tickets at `at`: its weekly hours, national holidays, 年末年始 and its own dated entries.
 * Hours are whole minutes, so the answer is kept per loaded office and minute: a snapshot asks once per service.
 */
export function receptionOpen(office: Office, at: number): boolean {
  const minute = Math.floor(at / 60_000);
  const hit = byMinute.get(office);
  if (hit && hit.minute === minute) return hit.open;
  const open = receptionOpenAt(at, office.timezone, office.hours, officeCalendar(office));
  byMinute.set(office, { minute, open });
  return open;
}

/** The office's local date at `at` as the calendar sees it (open?, hours, holiday, notice). */
export function officeToday(office: Office, at: number): OfficeDay {
  return officeDay(businessDay(at, office.timezone), office.hours, officeCalendar(office));
}

/** The office's open dates from `from` to `to` inclusive (local yyyy-MM-dd): for per-open-day figures in reports and planning. */
export function officeOpenDays(office: Office, from: string, to: string): string[] {
  return openDays(from, to, office.hours, officeCalendar(office)).map((d) => d.date);
}
