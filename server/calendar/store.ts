import type { CalendarEntry, OfficeCalendarSettings } from '../../common/calendar.js';
import type { LocalizedText, Office } from '../../common/types.js';
import type { DB } from '../store/db.js';
import { calendarOf, type OfficeCalendar } from './office.js';

/** The office calendar's rows (table office_calendar, offices.calendar_json). */

type Row = { office_id: string; date: string; kind: CalendarEntry['kind']; open: string | null; close: string | null; label_json: string | null };

function entryFromRow(r: Row): CalendarEntry {
  const e: CalendarEntry = { date: r.date, kind: r.kind };
  if (r.open) e.open = r.open;
  if (r.close) e.close = r.close;
  if (r.label_json) e.label = JSON.parse(r.label_json) as LocalizedText;
  return e;
}

/** Every office's entries, by office id, in date order. */
export function loadCalendarEntries(db: DB): Map<string, CalendarEntry[]> {
  const out = new Map<string, CalendarEntry[]>();
  for (const r of db.prepare('SELECT * FROM office_calendar ORDER BY office_id, date').all() as Row[]) {
    let list = out.get(r.office_id);
    if (!list) out.set(r.office_id, (list = []));
    list.push(entryFromRow(r));
  }
  return out;
}

/** Insert or replace the entry for its date. */
export function putCalendarEntry(db: DB, officeId: string, e: CalendarEntry, now: number): void {
  db.prepare(
    `INSERT INTO office_calendar (office_id, date, kind, open, close, label_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (office_id, date) DO UPDATE SET kind = excluded.kind, open = excluded.open, close = excluded.close, label_json = excluded.label_json, updated_at = excluded.updated_at`,
  ).run(officeId, e.date, e.kind, e.open ?? null, e.close ?? null, e.label ? JSON.stringify(e.label) : null, now);
}

/** Remove a date's entry; returns whether there was one. */
export function deleteCalendarEntry(db: DB, officeId: string, date: string): boolean {
  return db.prepare('DELETE FROM office_calendar WHERE office_id = ? AND date = ?').run(officeId, date).changes > 0;
}

export function saveCalendarSettings(db: DB, officeId: string, settings: OfficeCalendarSettings): void {
  db.prepare('UPDATE offices SET calendar_json = ? WHERE id = ?').run(JSON.stringify(settings), officeId);
}

const cache = new WeakMap<Office, OfficeCalendar>();

/** The office's calendar for lookups (cached per loaded office object; an admin change reloads the office). */
export function officeCalendar(office: Office): OfficeCalendar {
  let c = cache.get(office);
  if (!c) {
    c = calendarOf(office.calendar?.settings, office.calendar?.entries ?? []);
    cache.set(office, c);
  }
  return c;
}
