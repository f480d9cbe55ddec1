import holidayJp from '@holiday-jp/holiday_jp';

/**
 * Japanese national holidays (祝日, 振替休日, 国民の休日) from @holiday-jp/holiday_jp, the maintained
 * dataset behind holiday_jp (updated when the law or the Cabinet Office's list changes — upgrade the
 * package, see docs/OPERATIONS.md). Looked up by local date string, so no time zone is involved.
 */

type HolidayRow = { date: string; name: string; name_en: string };
const TABLE = holidayJp.holidays as unknown as Record<string, HolidayRow>;

/** The national holiday on a local date (yyyy-MM-dd), or null. */
export function nationalHoliday(date: string): { name: string; nameEn: string } | null {
  const h = Object.hasOwn(TABLE, date) ? TABLE[date] : undefined;
  return h ? { name: h.name, nameEn: h.name_en } : null;
}

export function isNationalHoliday(date: string): boolean {
  return Object.hasOwn(TABLE, date);
}

/** The last year the dataset covers (holidays beyond it are unknown, not absent). */
export const HOLIDAYS_KNOWN_UNTIL = Object.keys(TABLE).reduce((a, b) => (a > b ? a : b), '').slice(0, 4);
