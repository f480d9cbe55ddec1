/**
 * The office calendar the simulator walks: business days (weekdays that are neither Japanese
 * national holidays nor the year-end closure 29 Dec – 3 Jan), and how heavy each day is — the
 * moving season (end of March – early April), Mondays and the day after a holiday, and a little
 * month-to-month variation. Days are plain `yyyy-MM-dd` strings in the office's calendar.
 */

/** National holidays (振替休日 and 国民の休日 included) for the years the demo covers. */
const HOLIDAYS = new Set([
  // 2023
  '2023-01-02', '2023-01-09', '2023-02-23', '2023-03-21', '2023-05-03', '2023-05-04', '2023-05-05', '2023-07-17', '2023-08-11', '2023-09-18', '2023-10-09', '2023-11-03', '2023-11-23',
  // 2024
  '2024-01-01', '2024-01-08', '2024-02-12', '2024-02-23', '2024-03-20', '2024-04-29', '2024-05-03', '2024-05-06', '2024-07-15', '2024-08-12', '2024-09-16', '2024-09-23', '2024-10-14', '2024-11-04', '2024-11-23',
  // 2025
  '2025-01-01', '2025-01-13', '2025-02-11', '2025-02-24', '2025-03-20', '2025-04-29', '2025-05-05', '2025-05-06', '2025-07-21', '2025-08-11', '2025-09-15', '2025-09-23', '2025-10-13', '2025-11-03', '2025-11-24',
  // 2026
  '2026-01-01', '2026-01-12', '2026-02-11', '2026-02-23', '2026-03-20', '2026-04-29', '2026-05-04', '2026-05-05', '2026-05-06', '2026-07-20', '2026-08-11', '2026-09-21', '2026-09-22', '2026-09-23', '2026-10-12', '2026-11-03', '2026-11-23',
  // 2027
  '2027-01-01', '2027-01-11', '2027-02-11', '2027-02-23', '2027-03-22', '2027-04-29', '2027-05-03', '2027-05-04', '2027-05-05', '2027-07-19', '2027-08-11', '2027-09-20', '2027-09-23', '2027-10-11', '2027-11-03', '2027-11-23',
]);

const DAY_MS = 86_400_000;

/** Parse a `yyyy-MM-dd` into its UTC-midnight ms (calendar arithmetic only, no time zone). */
function toUtc(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a date: ${day}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== day) throw new RangeError(`not a date: ${day}`);
  return t;
}

const fromUtc = (t: number) => new Date(t).toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return fromUtc(toUtc(day) + n * DAY_MS);
}

export function isValidDay(day: string): boolean {
  try {
    toUtc(day);
    return true;
  } catch {
    return false;
  }
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday(day: string): number {
  const d = new Date(toUtc(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

export function isHoliday(day: string): boolean {
  const md = day.slice(5);
  return HOLIDAYS.has(day) || md >= '12-29' || md <= '01-03';
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
