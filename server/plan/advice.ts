import { hmToMin, minToHm, type DayPlan, type PlanCounter, type SimResult, type WaitTarget } from '../../common/plan.js';
import { mmc } from '../sim/erlang.js';
import type { ServiceModel } from './history.js';
import { simulatePlan, type DayDemand } from './simday.js';

/**
 * Counters advice for one day: how many counters, which ones, when, and their lunch, to meet a wait
 * target. Erlang C gives the start (per hour, the pooled M/M/c with the hour's workload), the
 * simulator checks it with several seeds — time-varying arrivals, long services, transfers, lunch
 * rotation and counters that serve several procedures are where Erlang C alone is wrong — and every
 * hour where the simulated target fails gets one more counter (and the hour before it, where the
 * queue builds), until the target holds or every configured counter is in use.
 */

export interface AdviceInput {
  demand: DayDemand;
  services: ServiceModel[];
  /** Counters the office can open: label → service prefixes (configured, active; temporary ones included). */
  counters: [string, string[]][];
  reception: { open: string; close: string };
  target: WaitTarget;
  seeds?: number;
  maxRounds?: number;
  /** Temporary counters (臨時) the advice may add when the configured ones cannot meet the target (default 10). */
  maxTemporary?: number;
  timezone?: string;
}

export interface AdviceHour {
  hour: number;
  /** Expected tickets that hour. */
  arrivals: number;
  /** Workload in erlangs (counters kept busy), transfers and no-shows included. */
  load: number;
  /** Erlang C's counters for the target. */
  erlang: number;
  /** Counters serving in the recommended plan (lunch deducted). */
  recommended: number;
}

export interface Advice {
  date: string;
  target: WaitTarget;
  plan: DayPlan;
  hours: AdviceHour[];
  rounds: number;
  /** The target held in the simulation (all hours); false = not reachable with the configured counters. */
  holds: boolean;
  check: SimResult;
  naive: { plan: DayPlan; counterHours: number };
  ms: number;
}

const WALK_MIN = 0.6;
const RECALL_MIN = 2;

/** Work per minute (erlangs) each service brings in an hour, transfers followed two levels deep. */
function loads(demand: DayDemand, services: ServiceModel[]): Map<number, Map<string, number>> {
  const byPrefix = new Map(services.map((s) => [s.prefix, s]));
  const mixTotal = Object.values(demand.services).reduce((a, b) => a + b, 0) || 1;
  const out = new Map<number, Map<string, number>>();
  for (const h of demand.hours) {
    const rate = new Map<string, number>();
    for (const [p, n] of Object.entries(demand.services)) rate.set(p, (h.mean * n) / mixTotal / 60);
    // transfers: the follow-on steps arrive at the next procedure
    let wave = new Map(rate);
    for (let depth = 0; depth < 2; depth++) {
      const next = new Map<string, number>();
      for (const [p, r] of wave) for (const n of byPrefix.get(p)?.next ?? []) next.set(n.prefix, (next.get(n.prefix) ?? 0) + r * n.p);
      for (const [p, r] of next) rate.set(p, (rate.get(p) ?? 0) + r);
      wave = next;
    }
    const work = new Map<string, number>();
    for (const [p, r] of rate) {
      const s = byPrefix.get(p);
      if (!s) continue;
      work.set(p, r * ((1 - s.noShow) * (s.meanMin + WALK_MIN) + s.noShow * RECALL_MIN));
    }
    out.set(h.hour, work);
  }
  return out;
}

/** Erlang C's counters for a load (erlangs) and mean service time (minutes). */
export function erlangCounters(load: number, meanMin: number, target: WaitTarget, max: number): number {
  if (load <= 0) return 0;
  for (let c = Math.max(1, Math.floor(load) + 1); c <= max; c++) {
    const q = mmc(c, load / meanMin, 1 / meanMin);
    if (target.kind === 'mean' ? q.meanWait <= target.minutes : q.pWaitOver(target.minutes) <= 0.1) return c;
  }
  return max;
}

/** Pick `n` counters covering the services' work (greedy on the unmet work). */
function pickCounters(n: number, work: Map<string, number>, counters: [string, string[]][], configuredCount = counters.length): string[] {
  const deficit = new Map(work);
  const chosen: string[] = [];
  const left = [...counters];
  const take = (i: number) => {
    const [label, svcs] = left.splice(i, 1)[0]!;
    chosen.push(label);
    const d = svcs.map((p) => Math.max(0, deficit.get(p) ?? 0));
    const total = d.reduce((a, b) => a + b, 0);
    svcs.forEach((p, k) => deficit.set(p, (deficit.get(p) ?? 0) - (total > 0 ? d[k]! / total : 1 / svcs.length)));
  };
  while (chosen.length < n && left.length) {
    let best = 0;
    let bestV = -Infinity;
    left.forEach(([, svcs], i) => {
      const v = svcs.reduce((a, p) => a + Math.max(0, deficit.get(p) ?? 0), 0) - svcs.length * 1e-6 - (i >= configuredCount ? 1e3 : 0);
      if (v > bestV) [best, bestV] = [i, v];
    });
    take(best);
  }
  // every procedure with work needs a counter that serves it
  for (const [p, w] of work) {
    if (w <= 0 || counters.some(([l, s]) => chosen.includes(l) && s.includes(p))) continue;
    const i = left.findIndex(([, s]) => s.includes(p));
    if (i >= 0) take(i);
  }
  return chosen;
}

const LUNCH_WAVES: [string, string][] = [['11:30', '12:30'], ['12:30', '13:30'], ['13:30', '14:30']];

/** Build a plan from the counters wanted per hour: one continuous window per counter, staggered lunch for long days. */
function buildPlan(need: Map<number, number>, work: Map<number, Map<string, number>>, counters: [string, string[]][], reception: AdviceInput['reception'], relief: number, isTemporary: Set<string>): DayPlan {
  const open = hmToMin(reception.open);
  const close = hmToMin(reception.close);
  const hoursOf = new Map<string, number[]>();
  for (const [hour, n] of [...need].sort((a, b) => a[0] - b[0])) {
    for (const label of pickCounters(n, work.get(hour) ?? new Map(), counters, counters.length - isTemporary.size)) (hoursOf.get(label) ?? hoursOf.set(label, []).get(label)!).push(hour);
  }
  const plan: PlanCounter[] = [];
  let wave = 0;
  let relieved = 0;
  for (const [label] of counters) {
    const hs = hoursOf.get(label);
    if (!hs?.length) continue;
    const from = Math.max(open, Math.min(...hs) * 60);
    const lastHour = Math.max(...hs);
    const to = lastHour * 60 + 60 >= close ? close : Math.min(close, lastHour * 60 + 60);
    const c: PlanCounter = { counter: label, from: minToHm(from), to: minToHm(to) };
    if (isTemporary.has(label)) Object.assign(c, { services: counters.find(([l]) => l === label)![1], temporary: true });
    // a clerk on the counter from before 11:30 to after 14:30 takes a one-hour lunch, in three waves
    // (or, when every counter is needed at lunch time, a relief clerk covers it and the counter stays open)
    if (from <= 11 * 60 + 30 && to >= 14 * 60 + 30) {
      if (relieved < relief) {
        c.relief = true;
        relieved += 1;
      } else c.lunch = { from: LUNCH_WAVES[wave % 3]![0], to: LUNCH_WAVES[wave++ % 3]![1] };
    }
    plan.push(c);
  }
  return { name: '推奨 Recommended', reception: { ...reception }, counters: plan };
}

export async function advise(input: AdviceInput): Promise<Advice> {
  const t0 = performance.now();
  const seeds = input.seeds ?? 3;
  const maxRounds = input.maxRounds ?? 10;
  const work = loads(input.demand, input.services);
  const meanOf = new Map(input.services.map((s) => [s.prefix, s.meanMin]));
  const open = hmToMin(input.reception.open);
  const close = hmToMin(input.reception.close);
  const receptionHours = input.demand.hours.map((h) => h.hour).filter((h) => h * 60 + 60 > open && h * 60 < close);
  // Candidates: the configured counters, then temporary counters (臨時1 …) with the procedures of the
  // busiest counter types (by the day's work), picked only when every configured one is already open.
  const dayWork = new Map<string, number>();
  for (const w of work.values()) for (const [p, x] of w) dayWork.set(p, (dayWork.get(p) ?? 0) + x);
  const types = [...new Map(input.counters.map(([, sv]) => [sv.join(','), sv])).values()]
    .sort((a, b) => b.reduce((t, p) => t + (dayWork.get(p) ?? 0), 0) / b.length - a.reduce((t, p) => t + (dayWork.get(p) ?? 0), 0) / a.length);
  const temporary: [string, string[]][] = Array.from({ length: types.length ? (input.maxTemporary ?? 10) : 0 }, (_, i) => [`臨時${i + 1}`, types[i % types.length]!]);
  const candidates: [string, string[]][] = [...input.counters, ...temporary];
  const isTemporary = new Set(temporary.map(([l]) => l));
  const max = candidates.length;
  const need = new Map<number, number>();
  const erlang = new Map<number, number>();
  const loadOf = new Map<number, number>();
  for (const hour of receptionHours) {
    const w = work.get(hour) ?? new Map<string, number>();
    const load = [...w.values()].reduce((a, b) => a + b, 0);
    const meanMin = load > 0 ? [...w].reduce((a, [p, x]) => a + x * (meanOf.get(p) ?? 5), 0) / load : 5;
    const c = erlangCounters(load, meanMin, input.target, max);
    erlang.set(hour, c);
    loadOf.set(hour, load);
    // lunch waves take a third of the long-day counters away 11:30–14:30
    // one more than Erlang C where the hour is loaded: arrivals vary within the hour and long services carry over
    const start = c + (load >= 3 ? 1 : 0);
    need.set(hour, Math.min(max, hour >= 11 && hour <= 14 ? Math.ceil(start * 1.34) : start));
  }
  const configured = new Map(candidates);
  let relief = 0;
  let plan = buildPlan(need, work, candidates, input.reception, relief, isTemporary);
  // Explore with one seed per round (cheap); once a plan holds, confirm it with all the seeds.
  let n = 1;
  let check = await simulatePlan({ plan, demand: input.demand, services: input.services, configured, seeds: n, seedText: 'advice', target: input.target, timezone: input.timezone });
  let rounds = 1;
  let holds = false;
  for (;;) {
    const failing = new Map<number, number>();
    for (const h of check.hours) {
      const of = check.checks.filter((c) => c.hour === h.hour);
      const bad = of.filter((c) => !c.ok).length;
      const hour = Math.min(Math.max(h.hour, receptionHours[0] ?? h.hour), receptionHours.at(-1) ?? h.hour);
      // an hour holds when the pooled figure and every seed meet the target; far off → two more counters
      if (h.meetsTarget === false || bad >= 1) failing.set(hour, Math.max(failing.get(hour) ?? 0, (input.target.kind === 'mean' ? h.meanWaitMin : h.p90WaitMin) > 2 * input.target.minutes ? 2 : 1));
    }
    if (failing.size === 0) {
      if (n === seeds) {
        holds = true;
        break;
      }
      n = seeds;
      check = await simulatePlan({ plan, demand: input.demand, services: input.services, configured, seeds: n, seedText: 'advice', target: input.target, timezone: input.timezone });
      rounds += 1;
      continue;
    }
    let grew = false;
    for (const [hour, add] of failing) {
      for (const h of [hour, hour - 1]) {
        if (!need.has(h)) continue;
        if (need.get(h)! < max) {
          need.set(h, Math.min(max, need.get(h)! + add));
          grew = true;
        }
      }
    }
    // all counters already open at a failing lunch hour: a relief clerk keeps one more counter open through lunch
    if ([...failing.keys()].some((h) => h >= 11 && h <= 14 && need.get(h) === max) && relief < max) {
      relief += 1;
      grew = true;
    }
    // steer the extra counters to the procedure that failed: its work counts more when counters are picked
    for (const c of check.checks) {
      if (c.ok || !c.worstPrefix || !failing.has(c.hour)) continue;
      const w = work.get(c.hour);
      if (w) w.set(c.worstPrefix, (w.get(c.worstPrefix) ?? 0) + 0.5 / Math.max(1, n));
    }
    if (!grew || rounds >= maxRounds) break;
    plan = buildPlan(need, work, candidates, input.reception, relief, isTemporary);
    check = await simulatePlan({ plan, demand: input.demand, services: input.services, configured, seeds: n, seedText: 'advice', target: input.target, timezone: input.timezone });
    rounds += 1;
  }
  const served = new Map(check.hours.map((h) => [h.hour, h.counters]));
  const naive: DayPlan = { name: '全窓口終日 All counters all day', reception: { ...input.reception }, counters: input.counters.map(([counter]) => ({ counter, from: input.reception.open, to: input.reception.close })) };
  const { checks: _checks, ...result } = check;
  void _checks;
  return {
    date: input.demand.date, target: input.target, plan, rounds, holds, check: result,
    hours: receptionHours.map((hour) => ({ hour, arrivals: Math.round((input.demand.hours.find((h) => h.hour === hour)?.mean ?? 0) * 10) / 10, load: Math.round((loadOf.get(hour) ?? 0) * 100) / 100, erlang: erlang.get(hour) ?? 0, recommended: served.get(hour) ?? 0 })),
    naive: { plan: naive, counterHours: input.counters.length * ((close - open) / 60) },
    ms: Math.round(performance.now() - t0),
  };
}
