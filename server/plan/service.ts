import { AppError } from '../../common/errors.js';
import { CROWD_LEVELS, type CrowdCalendar, type CrowdDay, type CrowdLevel, type Forecast, type ForecastDay, type SavedPlan, type DayPlan } from '../../common/plan.js';
import type { Office } from '../../common/types.js';
import { addDaysTo, datesBetween, officeDay } from '../calendar/office.js';
import { officeCalendar } from '../calendar/store.js';
import { startOfBusinessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import { loadCounters, loadServices } from '../store/rows.js';
import { backtest, fitForecast, seasonPosition, type BacktestResult, type DayInfo } from './forecast.js';
import { loadDayCounts, loadServiceModels, type ServiceModel } from './history.js';
import type { DayDemand } from './simday.js';

/** Planning for one office of the database: forecast, demand of a day, crowding draft, stored plans and calendars. */

export const MODEL_TEXT = 'tickets = level(year) × season(position from 1 April, kernel 0.75–30 days) × weekday × calendar effects (afterHoliday, monthEnd, event, specialOpen); × hour share × service share; 80 % interval from leave-one-out residual quantiles';

export function dayInfoOf(office: Office): DayInfo {
  const cal = officeCalendar(office);
  const memo = new Map<string, ReturnType<DayInfo>>();
  return (d) => {
    let v = memo.get(d);
    if (!v) memo.set(d, (v = officeDay(d, office.hours, cal)));
    return v;
  };
}

/** The coming busy season: the office's (or every office's) configured season that has not ended, else 20 March – 10 April. */
export function comingSeason(db: DB, officeId: string, today: string): { from: string; to: string } {
  const row = db
    .prepare('SELECT start_day AS s, end_day AS e FROM busy_seasons WHERE (office_id = ? OR office_id IS NULL) AND end_day >= ? ORDER BY start_day, office_id IS NULL LIMIT 1')
    .get(officeId, today) as { s: string; e: string } | undefined;
  if (row) return { from: row.s, to: row.e };
  const y = Number(today.slice(0, 4));
  const year = today.slice(5) <= '04-10' ? y : y + 1;
  return { from: `${year}-03-20`, to: `${year}-04-10` };
}

export function forecastOffice(db: DB, office: Office, from: string, to: string): Forecast {
  const t0 = performance.now();
  const info = dayInfoOf(office);
  const history = loadDayCounts(db, office, from, addDaysTo(from, -3 * 366));
  if (history.length === 0) throw new AppError('PLAN_NO_HISTORY', { officeId: office.id, before: from });
  const model = fitForecast(history, info);
  return {
    officeId: office.id, from, to, trainedOn: model.trained, model: MODEL_TEXT, interval: 0.8,
    days: datesBetween(from, to).map((d) => model.predict(d, info)),
    ms: Math.round(performance.now() - t0),
  };
}

export function backtestOffice(db: DB, office: Office, from: string, to: string): BacktestResult & { officeId: string; from: string; to: string } {
  const history = loadDayCounts(db, office, addDaysTo(to, 1), addDaysTo(from, -3 * 366));
  if (!history.some((h) => h.date < from)) throw new AppError('PLAN_NO_HISTORY', { officeId: office.id, before: from });
  return { officeId: office.id, from, to, ...backtest(history, dayInfoOf(office), from, to) };
}

export function demandOf(day: ForecastDay): DayDemand {
  return { date: day.date, hours: day.hours.map((h) => ({ hour: h.hour, mean: h.mean })), services: day.services };
}

export function serviceModelsOf(db: DB, office: Office, before: string): ServiceModel[] {
  return loadServiceModels(db, office.id, loadServices(db, office.id).filter((s) => s.active), startOfBusinessDay(before, office.timezone));
}

/** Active counters: label → service prefixes in order. */
export function countersOf(db: DB, officeId: string): [string, string[]][] {
  const prefix = new Map(loadServices(db, officeId).map((s) => [s.id, s.prefix]));
  return loadCounters(db, officeId).counters.filter((c) => c.active).map((c) => [c.label, c.serviceIds.map((id) => prefix.get(id)).filter((p): p is string => !!p)]);
}

/** Reception hours of a date (the office calendar), or the weekly hours. */
export function receptionOf(office: Office, date: string): { open: string; close: string } {
  const d = dayInfoOf(office)(date);
  return d.hours ?? (office.hours ? { open: office.hours.open, close: office.hours.close } : { open: '08:30', close: '17:15' });
}

/**
 * The draft 混雑予想カレンダー from a forecast: the level from the day's expected tickets against an
 * ordinary day (the median of the last year's days outside the moving season): below ×1.2 空いています,
 * below ×1.6 やや混雑, below ×2.2 混雑, above 大変混雑; hours to avoid on days from level 2: hours
 * expecting 15 % more than the day's average open hour.
 */
export function crowdDraft(db: DB, office: Office, forecast: Forecast): CrowdCalendar & { reference: number } {
  const hist = loadDayCounts(db, office, forecast.from, addDaysTo(forecast.from, -366)).filter((h) => Math.abs(seasonPosition(h.date)) > 30);
  const totals = hist.map((h) => h.hours.reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
  const reference = totals.length ? totals[Math.floor(totals.length / 2)]! : Math.max(1, ...forecast.days.map((d) => d.mean)) / 2;
  const days: CrowdDay[] = forecast.days.map((d) => {
    if (!d.open) return { date: d.date, open: false, level: null, avoidHours: [] };
    const r = d.mean / Math.max(1, reference);
    const level: CrowdLevel = r < 1.2 ? 1 : r < 1.6 ? 2 : r < 2.2 ? 3 : 4;
    const full = d.hours.filter((h) => h.mean > 0);
    const avg = full.length ? full.reduce((a, h) => a + h.mean, 0) / full.length : 0;
    const avoidHours = level >= 2 ? full.filter((h) => h.mean >= avg * 1.15).map((h) => h.hour) : [];
    return { date: d.date, open: true, level, avoidHours, expected: Math.round(d.mean), ...(d.reason === 'specialOpen' ? { note: '休日開庁' } : {}) };
  });
  return { officeId: office.id, from: forecast.from, to: forecast.to, days, reference };
}

export const crowdWord = (l: CrowdLevel) => CROWD_LEVELS[l - 1]!;

// ---- stored plans -------------------------------------------------------------------------------

type PlanRow = { id: string; office_id: string; name: string; date: string | null; plan_json: string; created_at: number; updated_at: number };
const planOf = (r: PlanRow): SavedPlan => ({ id: r.id, officeId: r.office_id, name: r.name, date: r.date, plan: JSON.parse(r.plan_json) as DayPlan, createdAt: r.created_at, updatedAt: r.updated_at });

export function listPlans(db: DB, officeId: string): SavedPlan[] {
  return (db.prepare('SELECT * FROM plans WHERE office_id = ? ORDER BY updated_at DESC, id').all(officeId) as PlanRow[]).map(planOf);
}
export function getPlan(db: DB, id: string): SavedPlan {
  const r = db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
  if (!r) throw new AppError('PLAN_NOT_FOUND', { planId: id });
  return planOf(r);
}
export function insertPlan(db: DB, p: Omit<SavedPlan, 'createdAt' | 'updatedAt'>, by: string | null, now: number): SavedPlan {
  db.prepare('INSERT INTO plans (id, office_id, name, date, plan_json, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(p.id, p.officeId, p.name, p.date, JSON.stringify(p.plan), by, now, now);
  return getPlan(db, p.id);
}
export function updatePlan(db: DB, id: string, p: Pick<SavedPlan, 'name' | 'date' | 'plan'>, now: number): SavedPlan {
  db.prepare('UPDATE plans SET name = ?, date = ?, plan_json = ?, updated_at = ? WHERE id = ?').run(p.name, p.date, JSON.stringify(p.plan), now, id);
  return getPlan(db, id);
}
export function deletePlan(db: DB, id: string): void {
  db.prepare('DELETE FROM plans WHERE id = ?').run(id);
}

// ---- published calendars ------------------------------------------------------------------------

type CalRow = { office_id: string; version: number; from_day: string; to_day: string; days_json: string; published_at: number; published_by: string | null };
const calOf = (r: CalRow): CrowdCalendar & { publishedBy: string | null } => ({ officeId: r.office_id, version: r.version, from: r.from_day, to: r.to_day, days: JSON.parse(r.days_json) as CrowdDay[], publishedAt: r.published_at, publishedBy: r.published_by });

export function publishCalendar(db: DB, cal: CrowdCalendar, by: string | null, now: number): CrowdCalendar {
  return db.transaction(() => {
    const v = ((db.prepare('SELECT max(version) AS v FROM crowd_calendars WHERE office_id = ?').get(cal.officeId) as { v: number | null }).v ?? 0) + 1;
    db.prepare('INSERT INTO crowd_calendars (office_id, version, from_day, to_day, days_json, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(cal.officeId, v, cal.from, cal.to, JSON.stringify(cal.days), now, by);
    return calOf(db.prepare('SELECT * FROM crowd_calendars WHERE office_id = ? AND version = ?').get(cal.officeId, v) as CalRow);
  })();
}

export function publishedCalendar(db: DB, officeId: string, version?: number): (CrowdCalendar & { publishedBy: string | null }) | null {
  const r = (version === undefined
    ? db.prepare('SELECT * FROM crowd_calendars WHERE office_id = ? ORDER BY version DESC LIMIT 1').get(officeId)
    : db.prepare('SELECT * FROM crowd_calendars WHERE office_id = ? AND version = ?').get(officeId, version)) as CalRow | undefined;
  return r ? calOf(r) : null;
}

export function calendarVersions(db: DB, officeId: string): { version: number; from: string; to: string; publishedAt: number; publishedBy: string | null; adjustedDays: number }[] {
  return (db.prepare('SELECT * FROM crowd_calendars WHERE office_id = ? ORDER BY version DESC').all(officeId) as CalRow[]).map((r) => {
    const c = calOf(r);
    return { version: c.version!, from: c.from, to: c.to, publishedAt: c.publishedAt!, publishedBy: c.publishedBy, adjustedDays: c.days.filter((d) => d.adjusted).length };
  });
}
