import { counterHours, hmToMin, minToHm, planHours, type DayPlan, type SimHour, type SimResult, type WaitTarget } from '../../common/plan.js';
import { addDaysTo } from '../calendar/office.js';
import { startOfBusinessDay } from '../queue/time.js';
import { seedOffice } from '../seed.js';
import { domainRuntime } from '../sim/domain.js';
import { planStaffing, runDays, type OfficeProfile } from '../sim/simulate.js';
import { migrate, openDatabase } from '../store/db.js';
import type { ServiceModel } from './history.js';

/**
 * Simulate one day plan against a day's demand with several seeds: the simulator (server/sim) on the
 * bare domain (the same decide/reducer as the engine) in a private in-memory office built from the
 * plan — its counters serve the plan's services — so nothing touches the office's own database.
 * Waits are grouped by the local hour a step was enqueued.
 */

export interface DayDemand {
  date: string;
  /** Expected tickets per local hour. */
  hours: { hour: number; mean: number }[];
  /** Expected tickets per first service (prefix). */
  services: Record<string, number>;
}

export interface PlanSimInput {
  plan: DayPlan;
  demand: DayDemand;
  services: ServiceModel[];
  /** Configured counters' services (label → prefixes), for plan counters without their own list. */
  configured: ReadonlyMap<string, string[]>;
  seeds: number;
  seedText?: string;
  target?: WaitTarget;
  timezone?: string;
  /** Residents' behaviour (default: a ward office's — some priority, 15–60 s walk, 5 % come only after a recall). */
  behaviour?: { priorityShare: number; walkSec: [number, number]; slowShare: number };
}

export interface PlanSimDetail extends SimResult {
  /** Per hour and seed whether the target held (advice). */
  checks: { hour: number; seed: number; ok: boolean; worstPrefix: string | null }[];
}

const P = 'plan';

/** Let the server's event loop run between seeds (a busy day takes a few hundred ms per seed). */
const breathe = () => new Promise<void>((r) => setImmediate(r));

export async function simulatePlan(input: PlanSimInput): Promise<PlanSimDetail> {
  const tz = input.timezone ?? 'Asia/Tokyo';
  const { plan, demand } = input;
  const db = openDatabase(':memory:');
  migrate(db);
  const counters = plan.counters
    .map((c) => [c.counter, (c.services ?? input.configured.get(c.counter) ?? []).filter((p) => input.services.some((s) => s.prefix === p))] as [string, string[]])
    .filter(([, s]) => s.length > 0);
  seedOffice(db, {
    id: P, name: { ja: '計画' }, hours: null, timezone: tz,
    services: input.services.map((s) => ({ prefix: s.prefix, name: s.name, description: { ja: '' }, targetWaitMin: 10, defaultServiceMin: Math.max(1, Math.round(s.meanMin)) })),
    counters,
  });
  db.prepare('UPDATE services SET number_end = 9999').run();
  const open = hmToMin(plan.reception.open);
  const close = hmToMin(plan.reception.close);
  // hourly weights per minute open, so each hour gets the forecast's arrivals
  const hourly = new Array<number>(24).fill(0);
  for (const h of demand.hours) {
    const minutes = Math.max(0, Math.min(close, h.hour * 60 + 60) - Math.max(open, h.hour * 60));
    if (minutes > 0) hourly[h.hour] = (h.mean * 60) / minutes;
  }
  let total = 0;
  for (const h of demand.hours) {
    const minutes = Math.max(0, Math.min(close, h.hour * 60 + 60) - Math.max(open, h.hour * 60));
    if (minutes > 0) total += h.mean;
  }
  const mixTotal = Object.values(demand.services).reduce((a, b) => a + b, 0) || 1;
  const labels = counters.map(([l]) => l);
  const profile: OfficeProfile = {
    officeId: P,
    ticketsPerDay: total,
    services: input.services.map((s) => ({ prefix: s.prefix, share: (demand.services[s.prefix] ?? 0) / mixTotal, busyBoost: 1, meanMin: s.meanMin, cv: s.cv, dist: s.dist, noShow: s.noShow, next: s.next })),
    hourly,
    reception: plan.reception,
    staffing: () => planStaffing({ ...plan, counters: plan.counters.filter((c) => labels.includes(c.counter)) }),
    dayWeight: () => 1,
    priorityShare: input.behaviour?.priorityShare ?? 0.02,
    walkSec: input.behaviour?.walkSec ?? [15, 60],
    slowShare: input.behaviour?.slowShare ?? 0.05,
    recallSec: 60,
    langs: [['ja', 1]],
    clerks: labels.map((l) => `clerk-${l}`),
    kioskDeviceId: null,
  };
  const prefixOf = new Map(input.services.map((s) => [`${P}-${s.prefix}`, s.prefix]));
  const midnight = startOfBusinessDay(demand.date, tz);
  type Acc = { waits: number[]; byPrefix: Map<string, number[]>; arrivals: number };
  const perSeed: Map<number, Acc>[] = [];
  const dayWaits: number[] = [];
  let unserved = 0;
  let tickets = 0;
  let lastEnd = 0;
  for (let k = 0; k < input.seeds; k++) {
    if (k > 0) await breathe();
    const rt = domainRuntime(db, midnight);
    runDays(rt, [profile], [demand.date], `${input.seedText ?? 'whatif'}-${k}`);
    rt.clock.set(startOfBusinessDay(addDaysTo(demand.date, 1), tz));
    rt.engine.tick();
    const hours = new Map<number, Acc>();
    for (const s of rt.engine.allSteps()) {
      const hour = Math.floor((s.enqueuedAt - midnight) / 3_600_000);
      let acc = hours.get(hour);
      if (!acc) hours.set(hour, (acc = { waits: [], byPrefix: new Map(), arrivals: 0 }));
      if (s.seq === 1) {
        acc.arrivals += 1;
        tickets += 1;
      }
      if (s.outcome === 'unserved') unserved += 1;
      if (s.endedAt && s.outcome !== 'unserved') lastEnd = Math.max(lastEnd, s.endedAt);
      if (s.firstCalledAt === null) continue;
      const w = (s.firstCalledAt - s.enqueuedAt) / 60_000;
      acc.waits.push(w);
      dayWaits.push(w);
      const p = prefixOf.get(s.serviceId) ?? '?';
      (acc.byPrefix.get(p) ?? acc.byPrefix.set(p, []).get(p)!).push(w);
    }
    perSeed.push(hours);
  }
  const target = input.target;
  const meets = (ws: number[]) => !target || ws.length === 0 || (target.kind === 'mean' ? mean(ws) <= target.minutes : pct(ws, 0.9) <= target.minutes);
  const allHours = [...new Set(perSeed.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const planned = new Map(planHours(plan).map((h) => [h.hour, h.counters]));
  const checks: PlanSimDetail['checks'] = [];
  const hours: SimHour[] = allHours.map((hour) => {
    const pooled = perSeed.flatMap((m) => m.get(hour)?.waits ?? []);
    const means = perSeed.map((m) => (m.get(hour)?.waits.length ? mean(m.get(hour)!.waits) : 0));
    perSeed.forEach((m, seed) => {
      const acc = m.get(hour);
      if (!acc || acc.waits.length === 0) return;
      let worst: string | null = null;
      let worstW = -1;
      for (const [p, ws] of acc.byPrefix) {
        const w = target?.kind === 'mean' ? mean(ws) : pct(ws, 0.9);
        if (w > worstW) [worst, worstW] = [p, w];
      }
      checks.push({ hour, seed, ok: meets(acc.waits), worstPrefix: worst });
    });
    return {
      hour,
      arrivals: r1(perSeed.reduce((a, m) => a + (m.get(hour)?.arrivals ?? 0), 0) / input.seeds),
      counters: planned.get(hour) ?? 0,
      meanWaitMin: r1(mean(pooled)),
      p90WaitMin: r1(pct(pooled, 0.9)),
      maxWaitMin: r1(pooled.length ? Math.max(...pooled) : 0),
      spread: [r1(Math.min(...means)), r1(Math.max(...means))],
      ...(target ? { meetsTarget: meets(pooled) } : {}),
    };
  });
  db.close();
  return {
    plan, seeds: input.seeds, hours, checks,
    day: {
      tickets: r1(tickets / input.seeds), meanWaitMin: r1(mean(dayWaits)), p90WaitMin: r1(pct(dayWaits, 0.9)), maxWaitMin: r1(dayWaits.length ? Math.max(...dayWaits) : 0),
      unserved: r1(unserved / input.seeds), uncovered: Object.keys(demand.services).filter((p) => (demand.services[p] ?? 0) > 0 && !counters.some(([, sv]) => sv.includes(p))).sort(), lastServedAt: lastEnd ? minToHm((lastEnd - midnight) / 60_000) : null, counterHours: r1(counterHours(plan)),
    },
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}
const r1 = (x: number) => Math.round(x * 10) / 10;
