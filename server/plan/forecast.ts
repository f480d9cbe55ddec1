import type { OfficeDay } from '../../common/calendar.js';
import type { ForecastDay, ForecastHour } from '../../common/plan.js';
import { addDaysTo, weekdayOf } from '../calendar/office.js';

/**
 * The demand forecast: a transparent multiplicative model of daily tickets, fitted on the office's
 * own history (log scale, backfitting):
 *
 *   tickets(day) = level(year) × season(position) × weekday × calendar effects
 *   tickets(day, hour, service) = tickets(day) × hourShare(hour) × serviceShare(service)
 *
 * - level(year): the year's mean level; a year with no history yet takes the last year's level
 *   plus its change (clamped to ±20 %).
 * - season(position): a kernel smooth (Gaussian, 1.5 days; wider where history is thin) of the
 *   remaining log demand over the day's position in the year, counted from 1 April — so the end of
 *   March, 31 March / 1 April and the first week of April each get their own height.
 * - weekday: one factor per ISO weekday (Mondays are heavier).
 * - calendar effects, each one factor, fitted where the history has such days: afterHoliday (the
 *   first open day after a weekday the office was closed: 振替休日, Golden Week, 年末年始), monthEnd
 *   (the last two open days of a month), event (days the office marks as special, e.g. a tax
 *   deadline), specialOpen (休日開庁).
 * - hour profile and service mix: shares from the history, for season days (within 30 days of
 *   1 April) and other days apart; the mix follows the season by a kernel over the position.
 *
 * Closed days (national holidays from @holiday-jp/holiday_jp, 振替休日, 年末年始, weekly closed days,
 * the office's closures) get no demand. The 80 % interval comes from the leave-one-out residuals of
 * the fit (10th and 90th percentiles), season days and other days apart, widened in quadrature by the
 * uncertainty of the year's level (4 %, 1 sd).
 */

export interface DayCounts {
  date: string;
  /** Tickets issued per local hour (index 0–23). */
  hours: number[];
  /** Tickets per first service (prefix). */
  services: Record<string, number>;
}

export type DayInfo = (date: string) => OfficeDay;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const DAY_MS = 86_400_000;
/** Days from 1 April of the same year (negative before). */
export function seasonPosition(date: string): number {
  const y = Number(date.slice(0, 4));
  return Math.round((Date.UTC(y, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) - Date.UTC(y, 3, 1)) / DAY_MS);
}
const isSeason = (pos: number) => pos >= -30 && pos <= 30;

const quantile = (xs: number[], p: number): number => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};

/** Calendar effects of a date (the office calendar decides open days). */
export function calendarEffects(date: string, info: DayInfo): string[] {
  const day = info(date);
  if (!day.open) return [];
  const out: string[] = [];
  // After a weekday the office was closed (looking back over the closed days before it).
  for (let d = addDaysTo(date, -1), i = 0; i < 10; d = addDaysTo(d, -1), i++) {
    const p = info(d);
    if (p.open) break;
    if (p.weekday <= 5 && p.reason !== 'weekly') {
      out.push('afterHoliday');
      break;
    }
  }
  // One of the last two open days of the month.
  let later = 0;
  for (let d = addDaysTo(date, 1); d.slice(0, 7) === date.slice(0, 7); d = addDaysTo(d, 1)) if (info(d).open) later += 1;
  if (later < 2) out.push('monthEnd');
  if (day.reason === 'specialOpen') out.push('specialOpen');
  else if (day.special) out.push('event');
  return out;
}

export const EFFECTS = ['afterHoliday', 'monthEnd', 'event', 'specialOpen'] as const;

/** Uncertainty of a year's level (log scale, 1 sd) added to the interval. */
export const LEVEL_SD = 0.04;

interface Obs {
  date: string;
  y: number;
  year: number;
  wd: number;
  pos: number;
  effects: string[];
  total: number;
}

export interface FittedModel {
  levels: Map<number, number>;
  weekday: number[];
  effects: Record<string, number>;
  /** Log season height at a position (kernel smooth of the partial residuals). */
  season(pos: number): number;
  hourShares: { season: number[]; other: number[] };
  serviceMix(pos: number): Record<string, number>;
  residuals: { season: [number, number]; other: [number, number] };
  trained: { from: string | null; to: string | null; days: number };
  predict(date: string, info: DayInfo): ForecastDay;
}

function kernel(obs: Obs[], value: (o: Obs) => number, pos: number, exclude?: Obs): number {
  for (const bw of [0.75, 1.5, 4, 10, 30]) {
    let w = 0;
    let s = 0;
    for (const o of obs) {
      if (o === exclude) continue;
      const d = o.pos - pos;
      if (Math.abs(d) > bw * 3) continue;
      const k = Math.exp(-0.5 * (d / bw) ** 2);
      w += k;
      s += k * value(o);
    }
    if (w >= 1.5 || bw === 30) return w > 0 ? s / w : 0;
  }
  return 0;
}

/** Fit the model on the history (open days with tickets). */
export function fitForecast(history: DayCounts[], info: DayInfo): FittedModel {
  const obs: Obs[] = [];
  for (const h of history) {
    const total = sum(h.hours);
    const day = info(h.date);
    if (!day.open || total <= 0) continue;
    obs.push({ date: h.date, y: Math.log(total + 0.5), year: Number(h.date.slice(0, 4)), wd: weekdayOf(h.date), pos: seasonPosition(h.date), effects: calendarEffects(h.date, info), total });
  }
  obs.sort((a, b) => (a.date < b.date ? -1 : 1));
  const levels = new Map<number, number>();
  const weekday = new Array<number>(8).fill(0);
  const effects: Record<string, number> = Object.fromEntries(EFFECTS.map((e) => [e, 0]));
  const seasonOf = new Map<Obs, number>();
  const lv = (o: Obs) => levels.get(o.year) ?? 0;
  const eff = (o: Obs) => sum(o.effects.map((e) => effects[e] ?? 0));
  const base = (o: Obs) => lv(o) + weekday[o.wd]! + eff(o);
  for (let iter = 0; iter < 12; iter++) {
    // year levels
    const byYear = new Map<number, number[]>();
    for (const o of obs) {
      const r = o.y - (weekday[o.wd]! + eff(o) + (seasonOf.get(o) ?? 0));
      (byYear.get(o.year) ?? byYear.set(o.year, []).get(o.year)!).push(r);
    }
    for (const [y, rs] of byYear) levels.set(y, sum(rs) / rs.length);
    // season: kernel smooth of what level, weekday and effects leave
    const partial = new Map(obs.map((o) => [o, o.y - base(o)]));
    for (const o of obs) seasonOf.set(o, kernel(obs, (x) => partial.get(x)!, o.pos));
    // weekday (shrunk to 0 with few days)
    for (let wd = 1; wd <= 7; wd++) {
      const rs = obs.filter((o) => o.wd === wd).map((o) => o.y - (lv(o) + eff(o) + seasonOf.get(o)!));
      weekday[wd] = rs.length ? (sum(rs) / rs.length) * (rs.length / (rs.length + 2)) : 0;
    }
    // keep the weekday factors centred on the open weekdays, the level carries the mean
    const open = [1, 2, 3, 4, 5].filter((wd) => obs.some((o) => o.wd === wd));
    const centre = open.length ? sum(open.map((wd) => weekday[wd]!)) / open.length : 0;
    for (let wd = 1; wd <= 7; wd++) if (obs.some((o) => o.wd === wd)) weekday[wd]! -= centre;
    for (const e of EFFECTS) {
      const rs = obs.filter((o) => o.effects.includes(e)).map((o) => o.y - (lv(o) + weekday[o.wd]! + seasonOf.get(o)! + sum(o.effects.filter((x) => x !== e).map((x) => effects[x]!))));
      effects[e] = rs.length ? (sum(rs) / rs.length) * (rs.length / (rs.length + 3)) : 0;
    }
  }
  const finalPartial = new Map(obs.map((o) => [o, o.y - base(o)]));
  const season = (pos: number) => (obs.length ? kernel(obs, (x) => finalPartial.get(x)!, pos) : 0);
  // Leave-one-out residuals → 80 % interval.
  const loo = { season: [] as number[], other: [] as number[] };
  for (const o of obs) {
    const e = o.y - (base(o) + kernel(obs, (x) => finalPartial.get(x)!, o.pos, o));
    (isSeason(o.pos) ? loo.season : loo.other).push(e);
  }
  const all = [...loo.season, ...loo.other];
  const band = (xs: number[]): [number, number] => {
    const src = xs.length >= 15 ? xs : all;
    return src.length ? [Math.min(quantile(src, 0.1), -0.02), Math.max(quantile(src, 0.9), 0.02)] : [-0.3, 0.3];
  };
  const residuals = { season: band(loo.season), other: band(loo.other) };
  // Hour profile.
  const hourShare = (pred: (h: DayCounts) => boolean) => {
    const acc = new Array<number>(24).fill(0);
    for (const h of history) if (pred(h)) h.hours.forEach((n, i) => (acc[i]! += n));
    const t = sum(acc);
    return t > 0 ? acc.map((n) => n / t) : null;
  };
  const pooled = hourShare(() => true) ?? new Array<number>(24).fill(0);
  const seasonDays = history.filter((h) => isSeason(seasonPosition(h.date)));
  const hourShares = {
    season: (seasonDays.length >= 5 ? hourShare((h) => isSeason(seasonPosition(h.date))) : null) ?? pooled,
    other: (history.length - seasonDays.length >= 5 ? hourShare((h) => !isSeason(seasonPosition(h.date))) : null) ?? pooled,
  };
  // Service mix by position.
  const prefixes = [...new Set(history.flatMap((h) => Object.keys(h.services)))].sort();
  const mixObs = new Map<Obs, Record<string, number>>();
  const byDate = new Map(history.map((h) => [h.date, h]));
  for (const o of obs) {
    const s = byDate.get(o.date)!.services;
    const t = sum(Object.values(s));
    mixObs.set(o, Object.fromEntries(prefixes.map((p) => [p, t > 0 ? (s[p] ?? 0) / t : 0])));
  }
  const serviceMix = (pos: number) => {
    const raw = Object.fromEntries(prefixes.map((p) => [p, kernel(obs, (o) => mixObs.get(o)![p]!, pos)]));
    const t = sum(Object.values(raw));
    return t > 0 ? Object.fromEntries(prefixes.map((p) => [p, raw[p]! / t])) : raw;
  };
  const years = [...levels.keys()].sort((a, b) => a - b);
  const levelOf = (year: number, yearDays: number): number => {
    if (levels.has(year) && yearDays >= 5) return levels.get(year)!;
    const past = years.filter((y) => y < year && (y !== year));
    if (!past.length) return levels.get(year) ?? (years.length ? levels.get(years.at(-1)!)! : 0);
    const last = levels.get(past.at(-1)!)!;
    const prev = past.length >= 2 ? levels.get(past.at(-2)!)! : last;
    const steps = year - past.at(-1)!;
    return last + Math.max(-0.2, Math.min(0.2, (last - prev) * steps));
  };
  const daysPerYear = new Map<number, number>();
  for (const o of obs) daysPerYear.set(o.year, (daysPerYear.get(o.year) ?? 0) + 1);

  const predict = (date: string, inf: DayInfo): ForecastDay => {
    const day = inf(date);
    const wd = weekdayOf(date);
    const closed: ForecastDay = { date, weekday: wd, open: false, reason: day.reason, holiday: day.holiday?.name ?? null, mean: 0, low: 0, high: 0, factors: null, hours: [], services: {} };
    if (!day.open) return closed;
    const pos = seasonPosition(date);
    const year = Number(date.slice(0, 4));
    const eff = calendarEffects(date, inf);
    const l = levelOf(year, daysPerYear.get(year) ?? 0);
    const s = season(pos);
    const w = weekday[wd] ?? 0;
    const c = sum(eff.map((e) => effects[e] ?? 0));
    const lp = l + s + w + c;
    // The year's level is itself uncertain (a few weeks of this year's history): widen by 4 % (1 sd, log scale) in quadrature.
    const [r10, r90] = isSeason(pos) ? residuals.season : residuals.other;
    const lvl = 1.2816 * LEVEL_SD;
    const q10 = -Math.sqrt(r10 * r10 + lvl * lvl);
    const q90 = Math.sqrt(r90 * r90 + lvl * lvl);
    const mean = Math.max(0, Math.exp(lp) - 0.5);
    const low = Math.max(0, Math.exp(lp + q10) - 0.5);
    const high = Math.max(0, Math.exp(lp + q90) - 0.5);
    const share = isSeason(pos) ? hourShares.season : hourShares.other;
    const openH = day.hours ? [Math.floor(hm(day.hours.open) / 60), Math.ceil(hm(day.hours.close) / 60)] : [0, 24];
    const inHours = share.map((x, h) => (h >= openH[0]! && h < openH[1]! ? x : 0));
    const st = sum(inHours) || 1;
    const hours: ForecastHour[] = [];
    inHours.forEach((x, h) => {
      if (x <= 0) return;
      const m = (mean * x) / st;
      const z = 1.2816 * Math.sqrt(m);
      hours.push({ hour: h, mean: r1(m), low: r1(Math.max(0, (low * x) / st - z)), high: r1((high * x) / st + z) });
    });
    const mix = serviceMix(pos);
    return {
      date, weekday: wd, open: true, reason: day.reason, holiday: day.holiday?.name ?? null,
      mean: r1(mean), low: r1(low), high: r1(high),
      factors: { level: r3(Math.exp(l)), season: r3(Math.exp(s)), weekday: r3(Math.exp(w)), calendar: r3(Math.exp(c)), effects: eff },
      hours,
      services: Object.fromEntries(Object.entries(mix).map(([p, x]) => [p, r1(x * mean)])),
    };
  };
  return {
    levels, weekday, effects, season, hourShares, serviceMix, residuals, predict,
    trained: { from: obs[0]?.date ?? null, to: obs.at(-1)?.date ?? null, days: obs.length },
  };
}

const hm = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface BacktestResult {
  days: { date: string; forecast: number; low: number; high: number; actual: number; hours: { hour: number; forecast: number; actual: number }[] }[];
  /** Mean absolute percentage error of daily tickets, %. */
  mape: number;
  /** Mean (forecast − actual) / actual, %. */
  bias: number;
  /** Share of days whose actual is inside the 80 % interval. */
  coverage: number;
}

/** Forecast the days of `target` (open days with history) from the history before its first day, and score it. */
export function backtest(history: DayCounts[], info: DayInfo, from: string, to: string): BacktestResult {
  const model = fitForecast(history.filter((h) => h.date < from), info);
  const days: BacktestResult['days'] = [];
  for (const h of history) {
    if (h.date < from || h.date > to) continue;
    const actual = sum(h.hours);
    const f = model.predict(h.date, info);
    if (!f.open || actual <= 0) continue;
    const fh = new Map(f.hours.map((x) => [x.hour, x.mean]));
    days.push({ date: h.date, forecast: f.mean, low: f.low, high: f.high, actual, hours: h.hours.map((n, hour) => ({ hour, forecast: fh.get(hour) ?? 0, actual: n })).filter((x) => x.actual > 0 || x.forecast > 0) });
  }
  const n = days.length || 1;
  return {
    days,
    mape: r1((100 * sum(days.map((d) => Math.abs(d.forecast - d.actual) / d.actual))) / n),
    bias: r1((100 * sum(days.map((d) => (d.forecast - d.actual) / d.actual))) / n),
    coverage: Math.round((1000 * days.filter((d) => d.actual >= d.low && d.actual <= d.high).length) / n) / 1000,
  };
}
