import { describe, expect, it } from 'vitest';
import type { DayPlan } from '../../common/plan.js';
import { MINUTE_MS } from '../queue/clock.js';
import { startOfBusinessDay } from '../queue/time.js';
import { seedOffice } from '../seed.js';
import { mmc } from '../sim/erlang.js';
import { planStaffing, simulate, type OfficeProfile } from '../sim/simulate.js';
import { migrate, openDatabase } from '../store/db.js';
import type { ServiceModel } from './history.js';
import { simulatePlan } from './simday.js';

const svc = (prefix: string, meanMin: number, extra: Partial<ServiceModel> = {}): ServiceModel => ({ prefix, name: { ja: prefix }, meanMin, cv: 0.5, dist: 'lognormal', noShow: 0, next: [], measured: 0, ...extra });

describe('a day plan drives the simulator', () => {
  it('reception closing at 16:30 serves every ticket taken before it (real engine, overloaded day)', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    seedOffice(db, {
      id: 'late', name: { ja: '検証' }, hours: { open: '08:30', close: '16:30', days: [1, 2, 3, 4, 5] },
      services: [{ prefix: 'A', name: { ja: 'A' }, description: { ja: '' }, targetWaitMin: 10, defaultServiceMin: 10 }],
      counters: [['1', ['A']], ['2', ['A']], ['3', ['A']]],
    });
    const plan: DayPlan = {
      reception: { open: '08:30', close: '16:30' },
      counters: [
        { counter: '1', from: '08:30', to: '16:30', lunch: { from: '11:30', to: '12:30' } },
        { counter: '2', from: '08:30', to: '16:30', lunch: { from: '12:30', to: '13:30' } },
        { counter: '3', from: '08:30', to: '16:30' },
      ],
    };
    const profile: OfficeProfile = {
      officeId: 'late', ticketsPerDay: 170, services: [{ prefix: 'A', share: 1, busyBoost: 1, meanMin: 10, cv: 0.5, dist: 'gamma', noShow: 0.03 }],
      hourly: new Array<number>(24).fill(1), reception: plan.reception, staffing: () => planStaffing(plan), dayWeight: () => 1,
      priorityShare: 0, walkSec: [15, 45], slowShare: 0, recallSec: 60, langs: [['ja', 1]], clerks: ['k1', 'k2', 'k3'], kioskDeviceId: null,
    };
    const [s] = simulate({ db, profiles: [profile], days: ['2026-06-10'], seed: 'late' });
    const midnight = startOfBusinessDay('2026-06-10', 'Asia/Tokyo');
    const t = db.prepare('SELECT max(issued_at) AS last, count(*) AS n FROM tickets').get() as { last: number; n: number };
    expect(t.n).toBeGreaterThan(120);
    expect(t.last).toBeLessThan(midnight + (16 * 60 + 30) * MINUTE_MS); // reception closed at 16:30
    expect(s!.unserved).toBe(0); // nobody sent home
    expect((db.prepare("SELECT count(*) AS n FROM steps WHERE outcome = 'unserved'").get() as { n: number }).n).toBe(0);
    const lastEnd = (db.prepare('SELECT max(ended_at) AS e FROM steps').get() as { e: number }).e;
    expect(lastEnd).toBeGreaterThan(midnight + (17 * 60 + 30) * MINUTE_MS); // served well after the shift's 16:30
    // lunch rotation from the plan: counter 1 paused at 11:30, counter 2 at 12:30
    const pauses = db.prepare("SELECT counter_id AS c, min(at) AS at FROM events WHERE type = 'counter.paused' GROUP BY counter_id ORDER BY c").all() as { c: string; at: number }[];
    expect(pauses.map((p) => [p.c, Math.floor((p.at - midnight) / MINUTE_MS / 30) * 30])).toEqual([['late-c1', 11 * 60 + 30], ['late-c2', 12 * 60 + 30]]);
  }, 60_000);

  it('the same plan in the what-if: waits per hour, several seeds, nobody unserved', async () => {
    const plan: DayPlan = { reception: { open: '08:30', close: '16:30' }, counters: ['1', '2', '3'].map((c) => ({ counter: c, from: '08:30', to: '16:30' })) };
    const r = await simulatePlan({
      plan, seeds: 3, services: [svc('A', 10)], configured: new Map([['1', ['A']], ['2', ['A']], ['3', ['A']]]),
      demand: { date: '2026-06-10', hours: [8, 9, 10, 11, 12, 13, 14, 15, 16].map((h) => ({ hour: h, mean: h === 8 || h === 16 ? 10 : 20 })), services: { A: 1 } },
      target: { kind: 'p90', minutes: 30 },
    });
    expect(r.hours.map((h) => h.hour)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(r.day.unserved).toBe(0);
    expect(r.day.tickets).toBeGreaterThan(130);
    expect(r.hours.at(-1)!.meanWaitMin).toBeGreaterThan(r.hours[0]!.meanWaitMin); // the queue builds over the day
    expect(r.hours[0]!.spread[0]).toBeLessThanOrEqual(r.hours[0]!.spread[1]);
    expect(r.day.counterHours).toBe(24);
    expect(r.checks.length).toBe(27);
  }, 60_000);

  it('stationary M/M/3 under a plan: simulated mean wait within 10 % of Erlang C', async () => {
    // One procedure, three counters 01:00–23:00, Poisson 0.35/min, exponential 6-minute service,
    // nobody walks or fails to come: ρ = 0.7. Hours from 03:00 count (two hours of warm-up).
    const hours = Array.from({ length: 20 }, (_, i) => ({ hour: i + 1, mean: 0.35 * 60 }));
    const r = await simulatePlan({
      plan: { reception: { open: '01:00', close: '21:00' }, counters: ['1', '2', '3'].map((c) => ({ counter: c, from: '01:00', to: '23:00' })) },
      seeds: 60, seedText: 'mmc', services: [svc('Q', 6, { dist: 'exponential', cv: 1 })], configured: new Map([['1', ['Q']], ['2', ['Q']], ['3', ['Q']]]),
      demand: { date: '2025-06-02', hours, services: { Q: 1 } }, behaviour: { priorityShare: 0, walkSec: [0, 0], slowShare: 0 },
    });
    const steady = r.hours.filter((h) => h.hour >= 3 && h.hour < 21);
    const n = steady.reduce((a, h) => a + h.arrivals, 0);
    const simulated = steady.reduce((a, h) => a + h.meanWaitMin * h.arrivals, 0) / n;
    const theory = mmc(3, 0.35, 1 / 6).meanWait;
    expect(n * 60).toBeGreaterThan(20_000);
    expect(Math.abs(simulated - theory) / theory).toBeLessThan(0.1);
    expect(r.hours.every((h) => h.counters === 3 || h.hour >= 21)).toBe(true);
  }, 120_000); // ~15 s alone; room for a busy machine
});
