import { TZDate } from '@date-fns/tz';
import { DEFAULT_CALENDAR_SETTINGS, type CalendarEntry, type OfficeCalendarSettings, type OfficeDay } from '../../common/calendar.js';
import type { LocalizedText, OfficeHours } from '../../common/types.js';
import { nationalHoliday } from './holidays.js';

/**
 * The office calendar as pure functions: given the weekly hours, the office's settings and its dated
 * entries, what a local date is (open? when? why?). Used by the engine (kiosk reception), the public
 * snapshot, the day turn, the forecast and the reports' open days.
 */

export interface OfficeCalendar {
  settings: OfficeCalendarSettings;
  /** Keyed by date (yyyy-MM-dd). */
  entries: ReadonlyMap<string, CalendarEntry>;
}

export const EMPTY_CALENDAR: OfficeCalendar = { settings: DEFAULT_CALENDAR_SETTINGS, entries: new Map() };

export function calendarOf(settings: OfficeCalendarSettings | null | undefined, entries: readonly CalendarEntry[]): OfficeCalendar {
  return { settings: settings ?? DEFAULT_CALENDAR_SETTINGS, entries: new Map(entries.map((e) => [e.date, e])) };
}

const DAY_MS = 86_400_000;

/** Parse a local date `yyyy-MM-dd` into its UTC-midnight ms (calendar arithmetic only, no time zone); throws on a non-date. */
function toUtc(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`not a date: ${date}`);
  return t;
}

const fromUtc = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The date n days after (or before) a local date string. */
export function addDaysTo(date: string, n: number): string {
  return fromUtc(toUtc(date) + n * DAY_MS);
}

export function isValidDate(date: string): boolean {
  try {
    toUtc(date);
    return true;
  } catch {
    return false;
  }
}

/** ISO weekday of a local date string (1 = Monday … 7 = Sunday), no time zone involved. */
export function weekdayOf(date: string): number {
  const d = new Date(toUtc(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

export function inYearEnd(date: string, settings: OfficeCalendarSettings): boolean {
  const ye = settings.yearEnd;
  if (!ye) return false;
  const md = date.slice(5);
  return ye.from <= ye.to ? md >= ye.from && md <= ye.to : md >= ye.from || md <= ye.to;
}

const SPECIAL_OPEN_NOTICE: LocalizedText = {
  ja: '本日は休日開庁日です',
  en: 'Special opening today (holiday opening)',
  zh: '今天是假日开放日',
  ko: '오늘은 휴일 개청일입니다',
  vi: 'Hôm nay văn phòng mở cửa ngày nghỉ',
  'ja-easy': 'きょうは やすみの日ですが あいています',
};

/** What the office calendar says of a local date. `hours` null = reception always open (no weekly hours). */
export function officeDay(date: string, hours: OfficeHours | null, calendar: OfficeCalendar = EMPTY_CALENDAR): OfficeDay {
  const weekday = weekdayOf(date);
  const holiday = nationalHoliday(date);
  const entry = calendar.entries.get(date);
  const base = { date, weekday, holiday, special: entry !== undefined, notice: entry?.label ?? null };
  if (entry?.kind === 'closed') return { ...base, open: false, hours: null, reason: 'closed' };
  if (!hours) return { ...base, open: true, hours: null, reason: 'always' };
  let closedBy: OfficeDay['reason'] | null = null;
  if (inYearEnd(date, calendar.settings)) closedBy = 'yearEnd';
  else if (holiday) closedBy = 'holiday';
  else if (!hours.days.includes(weekday)) closedBy = 'weekly';
  const window = entry && (entry.kind === 'open' || entry.kind === 'hours') && entry.open && entry.close ? { open: entry.open, close: entry.close } : null;
  if (closedBy) {
    if (entry?.kind === 'open' && window) return { ...base, open: true, hours: window, reason: 'specialOpen', notice: entry.label ?? SPECIAL_OPEN_NOTICE };
    return { ...base, open: false, hours: null, reason: closedBy };
  }
  if (window) return { ...base, open: true, hours: window, reason: 'changedHours' };
  return { ...base, open: true, hours: { open: hours.open, close: hours.close }, reason: 'regular' };
}

function parseHm(hm: string): number {
  const [h, m] = hm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether reception is open at instant `at` in the office's time zone (calendar and hours). */
export function receptionOpenAt(at: number, timezone: string, hours: OfficeHours | null, calendar: OfficeCalendar = EMPTY_CALENDAR): boolean {
  if (!hours && calendar.entries.size === 0) return true;
  const local = new TZDate(at, timezone);
  const y = local.getFullYear();
  const mo = String(local.getMonth() + 1).padStart(2, '0');
  const d = String(local.getDate()).padStart(2, '0');
  const day = officeDay(`${y}-${mo}-${d}`, hours, calendar);
  if (!day.open) return false;
  if (!day.hours) return true;
  const minute = local.getHours() * 60 + local.getMinutes();
  return minute >= parseHm(day.hours.open) && minute < parseHm(day.hours.close);
}

/** Every date from `from` to `to` inclusive (local dates). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDaysTo(d, 1)) out.push(d);
  return out;
}

/** The open days between two dates inclusive. */
export function openDays(from: string, to: string, hours: OfficeHours | null, calendar: OfficeCalendar = EMPTY_CALENDAR): OfficeDay[] {
  return datesBetween(from, to).map((d) => officeDay(d, hours, calendar)).filter((d) => d.open);
}
