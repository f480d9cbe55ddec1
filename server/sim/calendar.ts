/**
 * The office calendar the simulator walks: business days (weekdays that are neither Japanese
 * national holidays nor the year-end closure 29 Dec – 3 Jan), and how heavy each day is — the
 * moving season (end of March – early April), Mondays and the day after a holiday, and a little
 * month-to-month variation. Days are plain `yyyy-MM-dd` strings in the office's calendar.
 */

import { DEFAULT_CALENDAR_SETTINGS } from '../../common/calendar.js';
import { isNationalHoliday } from '../calendar/holidays.js';
import { addDaysTo as addDays, inYearEnd, weekdayOf as weekday } from '../calendar/office.js';

/** Date arithmetic lives with the office calendar; re-exported under the simulator's names. */
export { addDaysTo as addDays, isValidDate as isValidDay, weekdayOf as weekday } from '../calendar/office.js';

/** A national holiday (from the maintained library, server/calendar/holidays.ts) or the 年末年始 closure. */
export function isHoliday(day: string): boolean {
  return isNationalHoliday(day) || inYearEnd(day, DEFAULT_CALENDAR_SETTINGS);
}

/** A weekday the office is open (hours Monday–Friday, no holidays). */
export function isBusinessDay(day: string, openDays: readonly number[] = [1, 2, 3, 4, 5]): boolean {
  return openDays.includes(weekday(day)) && !isHoliday(day);
}

export function businessDays(from: string, to: string, openDays?: readonly number[]): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isBusinessDay(d, openDays)) out.push(d);
  return out;
}

/** The day before was closed though it was a weekday (a holiday): the day after is heavier. */
export function afterHoliday(day: string): boolean {
  const prev = addDays(day, -1);
  const wd = weekday(prev);
  return wd <= 5 && isHoliday(prev);
}

/**
 * How far into the moving season a day is, 0 (ordinary) … 1 (the peak). The season ramps up
 * from mid-March, peaks from the 24th of March to the 7th of April (the last week of the fiscal
 * year and the first week of the new one, when companies and schools move people), and fades
 * by mid-April.
 */
export function busyLevel(day: string): number {
  const md = day.slice(5);
  if (md < '03-10' || md > '04-20') return 0;
  if (md < '03-16') return 0.2;
  if (md < '03-20') return 0.5;
  if (md < '03-24') return 0.8;
  if (md <= '04-07') return 1;
  if (md <= '04-10') return 0.7;
  if (md <= '04-15') return 0.4;
  return 0.2;
}

/** Default busy-season period of a year (DESIGN.md): 20 March – 10 April. */
export function defaultBusySeason(year: number): { start: string; end: string } {
  return { start: `${year}-03-20`, end: `${year}-04-10` };
}

export function inDefaultBusySeason(day: string): boolean {
  const md = day.slice(5);
  return md >= '03-20' && md <= '04-10';
}

/** Month-to-month variation of ordinary demand (January after the new year, summer lull). */
const MONTH_FACTOR = [1.1, 1.0, 1.1, 1.15, 1.0, 0.95, 0.95, 0.9, 0.95, 1.0, 0.95, 1.05];

/** Demand of a day relative to an ordinary Wednesday, before the moving season boost. */
export function dayFactor(day: string): number {
  let f = MONTH_FACTOR[Number(day.slice(5, 7)) - 1]!;
  const wd = weekday(day);
  if (wd === 1) f *= 1.25;
  else if (wd === 5) f *= 1.05;
  if (afterHoliday(day)) f *= 1.3;
  return f;
}
