/**
 * Busy-season planning (issue 12): the day plan (which counters are open when, serving what, with
 * their lunch), the demand forecast, counters advice, what-if results and the published
 * 混雑予想カレンダー. The day plan is the one object that drives the simulator, the what-if and the
 * advice; other modules (the estimate, issue 13) read a counter's open/lunch/close windows from it
 * with `countersOpenAt` / `planHours`.
 */

/** Local time "HH:mm". */
export type Hm = string;

/** One counter's day: open from–to, an optional lunch break, the procedures it serves. */
export interface PlanCounter {
  /** Counter label ("3"), as configured; a temporary counter may use a new label ("臨時1"). */
  counter: string;
  /** Service prefixes served, in order of preference; omitted = the configured counter's services. */
  services?: string[];
  from: Hm;
  to: Hm;
  /** Lunch break (the counter is paused); null/omitted = no lunch at this counter. */
  lunch?: { from: Hm; to: Hm } | null;
  /** A temporary (臨時) counter opened for the season. */
  temporary?: boolean;
  /** The clerk's lunch is covered by a relief clerk (交代要員): the counter stays open, no lunch window. */
  relief?: boolean;
}

/** A day plan: reception hours and the counters. Counters serve every ticket taken before reception closes. */
export interface DayPlan {
  name?: string;
  reception: { open: Hm; close: Hm };
  counters: PlanCounter[];
}

export const hmToMin = (t: Hm): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) throw new RangeError(`not a time: ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

export const minToHm = (m: number): Hm => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(Math.floor(m % 60)).padStart(2, '0')}`;

/** Whether a plan counter is serving (open, not at lunch) at a local minute of the day. */
export function servingAt(c: PlanCounter, minute: number): boolean {
  if (minute < hmToMin(c.from) || minute >= hmToMin(c.to)) return false;
  if (c.lunch && minute >= hmToMin(c.lunch.from) && minute < hmToMin(c.lunch.to)) return false;
  return true;
}

/** Counters serving at a local minute of the day (optionally only those serving a service prefix). */
export function countersOpenAt(plan: DayPlan, minute: number, prefix?: string, configured?: ReadonlyMap<string, string[]>): number {
  let n = 0;
  for (const c of plan.counters) {
    if (!servingAt(c, minute)) continue;
    if (prefix) {
      const services = c.services ?? configured?.get(c.counter) ?? [];
      if (!services.includes(prefix)) continue;
    }
    n += 1;
  }
  return n;
}

/** Per local hour: counters open (average over the hour's minutes, lunch deducted), for the hours the plan covers. */
export function planHours(plan: DayPlan): { hour: number; counters: number }[] {
  const starts = plan.counters.map((c) => hmToMin(c.from));
  const ends = plan.counters.map((c) => hmToMin(c.to));
  const first = Math.floor(Math.min(hmToMin(plan.reception.open), ...starts) / 60);
  const last = Math.ceil(Math.max(hmToMin(plan.reception.close), ...ends) / 60);
  const out: { hour: number; counters: number }[] = [];
  for (let h = first; h < last; h++) {
    let sum = 0;
    for (let m = h * 60; m < h * 60 + 60; m++) sum += countersOpenAt(plan, m);
    out.push({ hour: h, counters: Math.round((sum / 60) * 100) / 100 });
  }
  return out;
}

/** Counter-hours a plan uses (open time minus lunch), in hours. */
export function counterHours(plan: DayPlan): number {
  let min = 0;
  for (const c of plan.counters) {
    min += Math.max(0, hmToMin(c.to) - hmToMin(c.from));
    if (c.lunch) min -= Math.max(0, Math.min(hmToMin(c.lunch.to), hmToMin(c.to)) - Math.max(hmToMin(c.lunch.from), hmToMin(c.from)));
  }
  return min / 60;
}

/** A figure with its 80 % interval. */
export interface Ranged {
  mean: number;
  low: number;
  high: number;
}

export interface ForecastHour extends Ranged {
  hour: number;
}

/** The factors the forecast multiplied for a day (transparent model). */
export interface ForecastFactors {
  level: number;
  season: number;
  weekday: number;
  calendar: number;
  /** Names of the calendar effects that applied (afterHoliday, monthEnd, event, specialOpen). */
  effects: string[];
}

export interface ForecastDay extends Ranged {
  date: string;
  weekday: number;
  open: boolean;
  /** Why the office is closed (holiday, weekly, yearEnd, closed) or why the day is special. */
  reason: string;
  holiday: string | null;
  factors: ForecastFactors | null;
  hours: ForecastHour[];
  /** Expected tickets per service (by prefix). */
  services: Record<string, number>;
}

export interface Forecast {
  officeId: string;
  from: string;
  to: string;
  /** History used: the open days before `from` with tickets. */
  trainedOn: { from: string | null; to: string | null; days: number };
  model: string;
  interval: number;
  days: ForecastDay[];
  ms: number;
}

/** A counters target: mean wait ≤ minutes, or 90 % called within minutes. */
export interface WaitTarget {
  kind: 'mean' | 'p90';
  minutes: number;
}

export interface SimHour {
  hour: number;
  arrivals: number;
  counters: number;
  meanWaitMin: number;
  p90WaitMin: number;
  maxWaitMin: number;
  /** Lowest and highest mean wait over the seeds (the spread). */
  spread: [number, number];
  meetsTarget?: boolean;
}

export interface SimResult {
  plan: DayPlan;
  seeds: number;
  hours: SimHour[];
  day: { tickets: number; meanWaitMin: number; p90WaitMin: number; maxWaitMin: number; unserved: number; lastServedAt: Hm | null; counterHours: number; /** Procedures with demand that no counter of the plan serves. */ uncovered: string[] };
}

/** 混雑予想カレンダー: four levels, each with a word, a symbol and a colour (never colour alone). */
export const CROWD_LEVELS = [
  { level: 1, ja: '空いています', en: 'Quiet', symbol: '◎', color: '#2e7d32' },
  { level: 2, ja: 'やや混雑', en: 'Moderate', symbol: '○', color: '#f9a825' },
  { level: 3, ja: '混雑', en: 'Busy', symbol: '△', color: '#ef6c00' },
  { level: 4, ja: '大変混雑', en: 'Very busy', symbol: '✕', color: '#c62828' },
] as const;
export type CrowdLevel = 1 | 2 | 3 | 4;

export interface CrowdDay {
  date: string;
  open: boolean;
  level: CrowdLevel | null;
  /** Local hours (start hour, e.g. 9 = 9:00–10:00) best avoided. */
  avoidHours: number[];
  /** Note for residents (e.g. 休日開庁); optional. */
  note?: string;
  /** Set by a supervisor by hand before publishing. */
  adjusted?: boolean;
  /** Forecast tickets (drafts only; not published). */
  expected?: number;
}

export interface CrowdCalendar {
  officeId: string;
  from: string;
  to: string;
  days: CrowdDay[];
  /** Published versions only. */
  version?: number;
  publishedAt?: number;
}

/** A saved what-if plan. */
export interface SavedPlan {
  id: string;
  officeId: string;
  name: string;
  date: string | null;
  plan: DayPlan;
  createdAt: number;
  updatedAt: number;
}
