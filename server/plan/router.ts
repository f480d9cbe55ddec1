import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { hmToMin, type CrowdCalendar, type CrowdDay, type DayPlan } from '../../common/plan.js';
import { audit } from '../audit/audit.js';
import { addDaysTo, datesBetween, isValidDate } from '../calendar/office.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { businessDay } from '../queue/time.js';
import { loadOffices, loadServices } from '../store/rows.js';
import { advise } from './advice.js';
import {
  backtestOffice, calendarVersions, comingSeason, countersOf, crowdDraft, deletePlan, demandOf, forecastOffice, getPlan, insertPlan,
  listPlans, publishCalendar, publishedCalendar, receptionOf, serviceModelsOf, updatePlan,
} from './service.js';
import { simulatePlan } from './simday.js';

/**
 * Busy-season planning over HTTP (issue 12): forecast, backtest, counters advice, what-if with saved
 * plans, and the 混雑予想カレンダー (draft → hand adjustments → versioned publication → public read).
 * Supervisors and admins of the office; the published calendar is public.
 */

export const PLAN_MAX_DAYS = 90;
const date = z.string().refine(isValidDate, 'yyyy-MM-dd');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const window = z.strictObject({ from: hhmm, to: hhmm }).refine((w) => w.from < w.to, { message: 'to must be after from', path: ['to'] });
const planCounter = z
  .strictObject({
    counter: z.string().trim().min(1).max(20),
    services: z.array(z.string().min(1).max(4)).min(1).max(30).optional(),
    from: hhmm,
    to: hhmm,
    lunch: window.nullable().optional(),
    temporary: z.boolean().optional(),
  })
  .refine((c) => c.from < c.to, { message: 'to must be after from', path: ['to'] })
  .refine((c) => !c.lunch || (c.lunch.from >= c.from && c.lunch.to <= c.to), { message: 'lunch must lie within from–to', path: ['lunch'] });
export const dayPlanSchema = z
  .strictObject({
    name: z.string().trim().max(80).optional(),
    reception: z.strictObject({ open: hhmm, close: hhmm }).refine((r) => r.open < r.close, { message: 'close must be after open', path: ['close'] }),
    counters: z.array(planCounter).min(1).max(60),
  })
  .refine((p) => new Set(p.counters.map((c) => c.counter)).size === p.counters.length, { message: 'each counter once', path: ['counters'] });
const target = z.strictObject({ kind: z.enum(['mean', 'p90']), minutes: z.number().int().min(1).max(600) });
const rangeQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const adviceBody = z.strictObject({ date, target: target.optional(), seeds: z.number().int().min(2).max(8).optional() });
const whatifBody = z.strictObject({
  date,
  plans: z.array(z.union([dayPlanSchema, z.strictObject({ planId: z.string().min(1).max(64) })])).min(1).max(2),
  seeds: z.number().int().min(1).max(10).optional(),
  target: target.optional(),
});
const planBody = z.strictObject({ name: z.string().trim().min(1).max(80), date: date.nullable().optional(), plan: dayPlanSchema });
const crowdDayInput = z.strictObject({
  date,
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  avoidHours: z.array(z.number().int().min(0).max(23)).max(24).optional(),
  note: z.string().trim().max(80).optional(),
});
const publishBody = z.strictObject({ from: date, to: date, days: z.array(crowdDayInput).max(PLAN_MAX_DAYS).optional() });
const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

export const DEFAULT_TARGET = { kind: 'p90', minutes: 30 } as const;

export function planRouter(ctx: AppContext): Router {
  const r = Router();
  const { db, clock } = ctx;

  const officeOf = (officeId: string) => {
    const o = loadOffices(db).find((x) => x.id === officeId);
    if (!o) throw new AppError('OFFICE_NOT_FOUND');
    return o;
  };
  const scoped = (req: Request) => {
    const id = String(req.params.officeId);
    assertOfficeAccess(req.principal, id);
    return officeOf(id);
  };
  const staffId = (req: Request) => (req.principal.kind === 'staff' ? req.principal.staff.id : null);
  const period = (officeId: string, tz: string, q: { from?: string; to?: string }) => {
    const today = businessDay(clock.now(), tz);
    const season = comingSeason(db, officeId, today);
    const from = q.from ?? season.from;
    const to = q.to ?? (q.from ? addDaysTo(from, 29) : season.to);
    if (to < from) throw new AppError('INVALID_INPUT', { reason: 'to is before from' }, '終了日が開始日より前です。');
    if (datesBetween(from, to).length > PLAN_MAX_DAYS) throw new AppError('INVALID_INPUT', { reason: `at most ${PLAN_MAX_DAYS} days` }, `期間は${PLAN_MAX_DAYS}日以内で指定してください。`);
    return { from, to };
  };
  /** The plan must name counters the office has (or temporary ones with their services) and procedures it offers. */
  const checkPlan = (officeId: string, plan: DayPlan): DayPlan => {
    const counters = new Map(countersOf(db, officeId));
    const prefixes = new Set(loadServices(db, officeId).filter((s) => s.active).map((s) => s.prefix));
    for (const c of plan.counters) {
      if (!counters.has(c.counter) && !c.services) throw new AppError('INVALID_INPUT', { path: 'counters', counter: c.counter }, `窓口「${c.counter}」は登録されていません。臨時窓口には扱う用件（services）を指定してください。`);
      for (const p of c.services ?? []) if (!prefixes.has(p)) throw new AppError('INVALID_INPUT', { path: 'services', prefix: p }, `用件「${p}」はこの庁舎にありません。`);
    }
    if (hmToMin(plan.reception.close) - hmToMin(plan.reception.open) < 30) throw new AppError('INVALID_INPUT', { path: 'reception' }, '受付時間は30分以上にしてください。');
    return plan;
  };
  const openDayDemand = (office: ReturnType<typeof officeOf>, d: string) => {
    const day = forecastOffice(db, office, d, d).days[0]!;
    if (!day.open) throw new AppError('INVALID_INPUT', { path: 'date', reason: day.reason }, `${d} は閉庁日です（${day.holiday ?? day.reason}）。`);
    return day;
  };

  on(r, 'GET', '/api/plan/offices/:officeId/forecast', (req) => {
    const office = scoped(req);
    const p = period(office.id, office.timezone, rangeQuery.parse(req.query));
    return forecastOffice(db, office, p.from, p.to);
  });

  on(r, 'GET', '/api/plan/offices/:officeId/backtest', (req) => {
    const office = scoped(req);
    const q = rangeQuery.parse(req.query);
    const today = businessDay(clock.now(), office.timezone);
    const y = Number(today.slice(0, 4)) - (today.slice(5) > '04-10' ? 0 : 1);
    const last = comingSeason(db, office.id, `${y}-01-01`);
    const p = period(office.id, office.timezone, { from: q.from ?? last.from, to: q.to ?? (q.from ? undefined : last.to) });
    return backtestOffice(db, office, p.from, p.to);
  });

  on(r, 'POST', '/api/plan/offices/:officeId/advice', async (req) => {
    const office = scoped(req);
    const body = adviceBody.parse(req.body);
    const day = openDayDemand(office, body.date);
    return advise({
      demand: demandOf(day), services: serviceModelsOf(db, office, body.date), counters: countersOf(db, office.id), reception: receptionOf(office, body.date),
      target: body.target ?? DEFAULT_TARGET, seeds: body.seeds, timezone: office.timezone,
    });
  });

  on(r, 'POST', '/api/plan/offices/:officeId/whatif', async (req) => {
    const office = scoped(req);
    const body = whatifBody.parse(req.body);
    const plans = body.plans.map((p) => {
      if ('planId' in p) {
        const saved = getPlan(db, p.planId);
        if (saved.officeId !== office.id) throw new AppError('PLAN_NOT_FOUND', { planId: p.planId });
        return { ...saved.plan, name: saved.plan.name ?? saved.name };
      }
      return checkPlan(office.id, p as DayPlan);
    });
    const day = openDayDemand(office, body.date);
    const services = serviceModelsOf(db, office, body.date);
    const configured = new Map(countersOf(db, office.id));
    const results = [];
    for (const plan of plans) {
      const { checks: _c, ...res } = await simulatePlan({ plan, demand: demandOf(day), services, configured, seeds: body.seeds ?? 5, target: body.target ?? DEFAULT_TARGET, timezone: office.timezone });
      void _c;
      results.push(res);
    }
    return { officeId: office.id, date: body.date, forecast: { mean: day.mean, low: day.low, high: day.high }, target: body.target ?? DEFAULT_TARGET, results };
  });

  on(r, 'GET', '/api/plan/offices/:officeId/plans', (req) => listPlans(db, scoped(req).id));

  on(r, 'POST', '/api/plan/offices/:officeId/plans', (req) => {
    const office = scoped(req);
    const body = planBody.parse(req.body);
    const plan = checkPlan(office.id, body.plan as DayPlan);
    const now = clock.now();
    return db.transaction(() => {
      const saved = insertPlan(db, { id: randomUUID(), officeId: office.id, name: body.name, date: body.date ?? null, plan }, staffId(req), now);
      audit(db, req, now, { officeId: office.id, action: 'plan.save', target: saved.id, detail: { name: saved.name, date: saved.date } });
      return saved;
    })();
  });

  on(r, 'PUT', '/api/plan/plans/:planId', (req) => {
    const existing = getPlan(db, String(req.params.planId));
    assertOfficeAccess(req.principal, existing.officeId);
    const body = planBody.parse(req.body);
    const plan = checkPlan(existing.officeId, body.plan as DayPlan);
    const now = clock.now();
    return db.transaction(() => {
      const saved = updatePlan(db, existing.id, { name: body.name, date: body.date ?? null, plan }, now);
      audit(db, req, now, { officeId: existing.officeId, action: 'plan.save', target: saved.id, detail: { name: saved.name, date: saved.date } });
      return saved;
    })();
  });

  on(r, 'DELETE', '/api/plan/plans/:planId', (req) => {
    const existing = getPlan(db, String(req.params.planId));
    assertOfficeAccess(req.principal, existing.officeId);
    const now = clock.now();
    db.transaction(() => {
      deletePlan(db, existing.id);
      audit(db, req, now, { officeId: existing.officeId, action: 'plan.delete', target: existing.id, detail: { name: existing.name } });
    })();
    return { id: existing.id, removed: true };
  });

  on(r, 'GET', '/api/plan/offices/:officeId/crowding', (req) => {
    const office = scoped(req);
    const p = period(office.id, office.timezone, rangeQuery.parse(req.query));
    const draft = crowdDraft(db, office, forecastOffice(db, office, p.from, p.to));
    const latest = calendarVersions(db, office.id)[0] ?? null;
    return { draft, published: latest };
  });

  on(r, 'GET', '/api/plan/offices/:officeId/crowding/versions', (req) => calendarVersions(db, scoped(req).id));

  on(r, 'POST', '/api/plan/offices/:officeId/crowding/publish', (req) => {
    const office = scoped(req);
    const body = publishBody.parse(req.body);
    const p = period(office.id, office.timezone, { from: body.from, to: body.to });
    const draft = crowdDraft(db, office, forecastOffice(db, office, p.from, p.to));
    const byDate = new Map(draft.days.map((d) => [d.date, d]));
    const seen = new Set<string>();
    for (const a of body.days ?? []) {
      const d = byDate.get(a.date);
      if (!d) throw new AppError('INVALID_INPUT', { path: 'days', date: a.date }, `${a.date} は期間外です。`);
      if (!d.open) throw new AppError('INVALID_INPUT', { path: 'days', date: a.date }, `${a.date} は閉庁日のため混雑度を設定できません。`);
      if (seen.has(a.date)) throw new AppError('INVALID_INPUT', { path: 'days', date: a.date }, `${a.date} が重複しています。`);
      seen.add(a.date);
    }
    const adjusted = new Map((body.days ?? []).map((a) => [a.date, a]));
    const days: CrowdDay[] = draft.days.map((d) => {
      const { expected: _e, ...day } = d;
      void _e;
      const a = adjusted.get(d.date);
      if (!a) return day;
      const avoid = [...new Set(a.avoidHours ?? d.avoidHours)].sort((x, y) => x - y);
      const changed = a.level !== d.level || avoid.join() !== d.avoidHours.join() || (a.note ?? d.note ?? '') !== (d.note ?? '');
      return { ...day, level: a.level, avoidHours: avoid, ...(a.note !== undefined ? { note: a.note } : {}), ...(changed ? { adjusted: true } : {}) };
    });
    const now = clock.now();
    return db.transaction(() => {
      const cal: CrowdCalendar = publishCalendar(db, { officeId: office.id, from: p.from, to: p.to, days }, staffId(req), now);
      audit(db, req, now, { officeId: office.id, action: 'crowding.publish', target: `v${cal.version}`, detail: { from: p.from, to: p.to, adjusted: days.filter((d) => d.adjusted).map((d) => d.date) } });
      return cal;
    })();
  });

  on(r, 'GET', '/api/public/offices/:officeId/crowding', (req) => {
    const office = officeOf(String(req.params.officeId));
    const q = versionQuery.parse(req.query);
    const cal = publishedCalendar(db, office.id, q.version);
    if (!cal) throw new AppError('CROWDING_NOT_PUBLISHED', { officeId: office.id });
    const { publishedBy: _b, ...pub } = cal;
    void _b;
    return pub;
  });

  return r;
}
