import type { OfficeDay } from '../../common/calendar.js';
import type { Office } from '../../common/types.js';
import { businessDay } from '../queue/time.js';
import { officeDay, openDays, receptionOpenAt } from './office.js';
import { officeCalendar } from './store.js';

/** Whether the office takes tickets at `at`: its weekly hours, national holidays, 年末年始 and its own dated entries. */
export function receptionOpen(office: Office, at: number): boolean {
  return receptionOpenAt(at, office.timezone, office.hours, officeCalendar(office));
}

/** The office's local date at `at` as the calendar sees it (open?, hours, holiday, notice). */
export function officeToday(office: Office, at: number): OfficeDay {
  return officeDay(businessDay(at, office.timezone), office.hours, officeCalendar(office));
}

/** The office's open dates from `from` to `to` inclusive (local yyyy-MM-dd): for per-open-day figures in reports and planning. */
export function officeOpenDays(office: Office, from: string, to: string): string[] {
  return openDays(from, to, office.hours, officeCalendar(office)).map((d) => d.date);
}
