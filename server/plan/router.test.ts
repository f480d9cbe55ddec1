import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advice } from './advice.js';
import type { CrowdCalendar, Forecast, SavedPlan, SimResult } from '../../common/plan.js';
import { http, login, startTestServer, type TestServer } from '../testing.js';
import { insertHistory } from './testkit.js';

/** The planning API on a test office with a known ticket history (2024-01 … 2026-03-19); the clock is 2026-03-24. */
let srv: TestServer;
let sup: string;
let clerk: string;

beforeAll(async () => {
  srv = await startTestServer({ hours: { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] } });
  insertHistory(srv.db, 'chuo', '2024-01-04', '2026-03-19');
  sup = await login(srv.url, 'supervisor');
  clerk = await login(srv.url, 'clerk1');
}, 60_000);
afterAll(async () => {
  await srv.close();
});

type R<T> = { data: T; error?: { code: string; message: string } };
const get = <T>(path: string, cookie = sup) => http<R<T>>(srv.url, 'GET', path, undefined, { cookie });
const send = <T>(method: string, path: string, body: unknown, cookie = sup) => http<R<T>>(srv.url, method, path, body, { cookie });

const smallPlan = (n: number, name: string) => ({
  name,
  reception: { open: '08:30', close: '17:15' },
  counters: Array.from({ length: n }, (_, i) => ({ counter: String(i + 1), from: '08:30', to: '17:15', ...(i % 2 ? { lunch: { from: '12:00', to: '13:00' } } : {}) })),
});

describe('planning API', () => {
  it('forecasts the coming busy season by default, holidays closed, with ranges and factors', async () => {
    const r = await get<Forecast>('/api/plan/offices/chuo/forecast');
    expect(r.status).toBe(200);
    const f = r.body.data;
    expect([f.from, f.to]).toEqual(['2026-03-20', '2026-04-10']);
    expect(f.days).toHaveLength(22);
    expect(f.days[0]).toMatchObject({ date: '2026-03-20', open: false, reason: 'holiday', holiday: '春分の日', mean: 0 });
    const peak = f.days.find((d) => d.date === '2026-03-30')!; // a Monday in the peak
    expect(peak.open).toBe(true);
    expect(peak.mean).toBeGreaterThan(200);
    expect(peak.low).toBeLessThan(peak.mean);
    expect(peak.high).toBeGreaterThan(peak.mean);
    expect(peak.factors!.weekday).toBeGreaterThan(1.1);
    expect(peak.hours.find((h) => h.hour === 9)!.mean).toBeGreaterThan(peak.hours.find((h) => h.hour === 16)!.mean);
    expect(Object.keys(peak.services).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    expect(f.trainedOn.to).toBe('2026-03-19');
  });

  it('refuses bad periods with INVALID_INPUT', async () => {
    const long = await get('/api/plan/offices/chuo/forecast?from=2026-04-01&to=2026-07-31');
    expect([long.status, long.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    expect(long.body.error?.message).toContain('90日以内');
    const bad = await get('/api/plan/offices/chuo/forecast?from=2026-02-30');
    expect(bad.status).toBe(400);
    const none = await get('/api/plan/offices/chuo/forecast?from=2023-03-01&to=2023-03-31');
    expect([none.status, none.body.error?.code]).toEqual([409, 'PLAN_NO_HISTORY']);
    expect((await get('/api/plan/offices/chuo/forecast', clerk)).status).toBe(403);
  });

  it('backtests last season: forecast vs actual per day and hour, MAPE, bias, coverage', async () => {
    const r = await get<{ days: { date: string; forecast: number; actual: number; hours: unknown[] }[]; mape: number; bias: number; coverage: number }>('/api/plan/offices/chuo/backtest');
    expect(r.status).toBe(200);
    expect(r.body.data.days[0]!.date >= '2025-03-20').toBe(true);
    expect(r.body.data.days.length).toBeGreaterThan(12);
    expect(r.body.data.days[0]!.hours.length).toBeGreaterThan(5);
    expect(r.body.data.mape).toBeLessThan(15);
    expect(r.body.data.coverage).toBeGreaterThan(0.5);
  });

  it('advises counters per hour that hold the target in simulation', async () => {
    const r = await send<Advice>('POST', '/api/plan/offices/chuo/advice', { date: '2026-03-30', target: { kind: 'p90', minutes: 30 }, seeds: 2 });
    expect(r.status, JSON.stringify(r.body.error)).toBe(200);
    const a = r.body.data;
    expect(a.holds).toBe(true);
    expect(a.plan.counters.length).toBeGreaterThan(0);
    expect(a.check.hours.filter((h) => h.hour >= 9 && h.hour < 17).every((h) => h.p90WaitMin <= 30)).toBe(true);
    expect(a.hours.every((h) => h.recommended > 0)).toBe(true);
    expect(a.check.day.counterHours).toBeLessThanOrEqual(a.naive.counterHours);
    const closed = await send('POST', '/api/plan/offices/chuo/advice', { date: '2026-03-20' });
    expect([closed.status, closed.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
  }, 60_000);

  it('saves plans, compares two side by side, refuses a plan naming an unknown counter', async () => {
    const saved = await send<SavedPlan>('POST', '/api/plan/offices/chuo/plans', { name: '3窓口', date: '2026-03-30', plan: smallPlan(3, '3窓口') });
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({ officeId: 'chuo', name: '3窓口', date: '2026-03-30' });
    const bad = await send('POST', '/api/plan/offices/chuo/plans', { name: 'x', plan: { ...smallPlan(1, 'x'), counters: [{ counter: '99', from: '08:30', to: '17:15' }] } });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    expect(bad.body.error?.message).toContain('窓口「99」');
    expect((await get<SavedPlan[]>('/api/plan/offices/chuo/plans')).body.data.map((p) => p.name)).toEqual(['3窓口']);
    const temp = { ...smallPlan(10, '10窓口+臨時'), counters: [...smallPlan(10, '').counters, { counter: '臨時1', services: ['A'], from: '09:00', to: '12:00', temporary: true }] };
    const w = await send<{ results: SimResult[] }>('POST', '/api/plan/offices/chuo/whatif', { date: '2026-03-30', plans: [{ planId: saved.body.data.id }, temp], seeds: 2 });
    expect(w.status, JSON.stringify(w.body.error)).toBe(200);
    const [few, many] = w.body.data.results;
    expect(few!.day.meanWaitMin).toBeGreaterThan(many!.day.meanWaitMin);
    expect(many!.day.counterHours).toBeCloseTo(10 * 8.75 - 5 + 3, 5);
    expect(few!.hours[0]).toMatchObject({ hour: 8, counters: expect.any(Number), spread: [expect.any(Number), expect.any(Number)] });
    expect(few!.day.uncovered).toEqual(['C', 'D', 'E', 'F', 'G']); // counters 1–3 serve only A and B: the others wait until the day is closed
    expect(few!.day.unserved).toBeGreaterThan(0);
    expect(many!.day.uncovered).toEqual([]);
    expect(many!.day.unserved).toBe(0);
    const renamed = await send<SavedPlan>('PUT', `/api/plan/plans/${saved.body.data.id}`, { name: '3窓口（改）', plan: smallPlan(4, '4') });
    expect(renamed.body.data.name).toBe('3窓口（改）');
    expect((await send('DELETE', `/api/plan/plans/${saved.body.data.id}`, undefined)).status).toBe(200);
    expect((await send('DELETE', `/api/plan/plans/${saved.body.data.id}`, undefined)).body.error?.code).toBe('PLAN_NOT_FOUND');
  }, 60_000);

  it('drafts, adjusts by hand, publishes versions of the 混雑予想カレンダー; the public reads the newest', async () => {
    const none = await http<R<unknown>>(srv.url, 'GET', '/api/public/offices/chuo/crowding');
    expect([none.status, none.body.error?.code]).toEqual([404, 'CROWDING_NOT_PUBLISHED']);
    const d = await get<{ draft: CrowdCalendar; published: unknown }>('/api/plan/offices/chuo/crowding?from=2026-03-23&to=2026-04-17');
    expect(d.status).toBe(200);
    const draft = d.body.data.draft;
    expect(draft.days.filter((x) => x.open).every((x) => x.level! >= 1 && x.level! <= 4)).toBe(true);
    expect(draft.days.find((x) => x.date === '2026-03-30')!.level).toBeGreaterThanOrEqual(3);
    expect(draft.days.find((x) => x.date === '2026-04-17')!.level).toBe(1);
    expect(draft.days.find((x) => x.date === '2026-03-28')).toMatchObject({ open: false, level: null });
    const closedAdj = await send('POST', '/api/plan/offices/chuo/crowding/publish', { from: '2026-03-23', to: '2026-04-17', days: [{ date: '2026-03-28', level: 2 }] });
    expect([closedAdj.status, closedAdj.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    const v1 = await send<CrowdCalendar>('POST', '/api/plan/offices/chuo/crowding/publish', { from: '2026-03-23', to: '2026-04-17' });
    expect(v1.body.data.version).toBe(1);
    const v2 = await send<CrowdCalendar>('POST', '/api/plan/offices/chuo/crowding/publish', { from: '2026-03-23', to: '2026-04-17', days: [{ date: '2026-04-17', level: 4, avoidHours: [10, 9], note: '確定申告の締切' }] });
    expect(v2.body.data.version).toBe(2);
    expect(v2.body.data.days.find((x) => x.date === '2026-04-17')).toEqual({ date: '2026-04-17', open: true, level: 4, avoidHours: [9, 10], note: '確定申告の締切', adjusted: true });
    const pub = await http<R<CrowdCalendar & { publishedBy?: string }>>(srv.url, 'GET', '/api/public/offices/chuo/crowding');
    expect(pub.body.data.version).toBe(2);
    expect(pub.body.data.publishedBy).toBeUndefined();
    expect(pub.body.data.days.every((x) => !('expected' in x))).toBe(true);
    const old = await http<R<CrowdCalendar>>(srv.url, 'GET', '/api/public/offices/chuo/crowding?version=1');
    expect(old.body.data.days.find((x) => x.date === '2026-04-17')!.level).toBe(1);
    const versions = await get<{ version: number; adjustedDays: number }[]>('/api/plan/offices/chuo/crowding/versions');
    expect(versions.body.data.map((v) => [v.version, v.adjustedDays])).toEqual([[2, 1], [1, 0]]);
  }, 60_000);
});
