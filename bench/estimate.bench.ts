import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyCommand } from '../common/schemas.js';
import type { WaitEstimate } from '../common/types.js';
import { ManualClock } from '../server/queue/clock.js';
import type { Actor } from '../server/queue/decide.js';
import { learnSchedule, previousDays, type CounterEventRow, type CounterEventType } from '../server/estimate/schedule.js';
import { attachSchedule } from '../server/estimate/view.js';
import { aheadAtIssue, estimateAtIssue, estimateWait, setEstimatorMode } from '../server/queue/estimate.js';
import type { OfficeState } from '../server/queue/state.js';
import { liveOf } from '../server/queue/state.js';
import { businessDay, startOfBusinessDay } from '../server/queue/time.js';
import { ensureDemoOffices } from '../server/sim/demo.js';
import { DomainExecutor } from '../server/sim/domain.js';
import { chuoProfile, higashiProfile } from '../server/sim/profiles.js';
import { IdSource, runDays, type OfficeProfile } from '../server/sim/simulate.js';
import { migrate, openDatabase, type DB } from '../server/store/db.js';
import { row, round, type BenchRow } from './types.js';

/**
 * Estimate accuracy on simulated busy days (issue 13): the simulator drives the real domain
 * (`decide` + reducer, as server/sim/domain.ts) through whole office days; at every ticket issue
 * the estimator's figure (recorded in the event, as in production) and today's formula
 * (`estimateWait`: ahead × recent mean ÷ open counters, ±20 %) are taken from the same state, then
 * compared with the wait each ticket actually had. Reproducible: fixed days and seeds.
 *
 *   npx tsx bench/estimate.bench.ts          # prints the table, writes bench/estimate-results.json
 *   npm run bench -- estimate                 # as part of the bench suite (bench/results.json)
 *
 * Days: 中央区役所 in the 2026 moving season (reform: three seasonal counters, two of them shared
 * — 12 serves A+B, 13 serves A+E — and lunch staggered over four counters), 中央区役所 in the 2025
 * season (no reform: five counters at lunch 12–13), 東区役所 in the 2026 season (eight counters,
 * most shared between two or three services), and an ordinary June day.
 *
 * Each scenario first runs its warm-up days (the business days before, not measured, today's
 * formula issuing) so the office has the history its learned counter schedule
 * (server/estimate/schedule.ts) is read from, as a real office has; the executor keeps the
 * counter events the engine would find in its event log.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const SEEDS = (process.env.BENCH_ESTIMATE_SEEDS ?? 'e1,e2,e3').split(',');

interface Scenario {
  name: string;
  profile: () => OfficeProfile;
  days: string[];
  /** Business days simulated before, for the history the learned schedule reads (not measured). */
  warmup: string[];
}

export const SCENARIOS: Scenario[] = [
  { name: 'chuo busy 2026 (shared seasonal counters, staggered lunch)', profile: () => chuoProfile(), days: ['2026-03-25', '2026-03-30', '2026-04-01'], warmup: ['2026-03-23', '2026-03-24'] },
  { name: 'chuo busy 2025 (lunch rotation, 5 of 11 counters)', profile: () => chuoProfile({ reformYear: 2027 }), days: ['2025-03-26', '2025-03-31'], warmup: ['2025-03-24', '2025-03-25'] },
  { name: 'higashi busy 2026 (shared counters)', profile: () => higashiProfile(), days: ['2026-03-25', '2026-03-30'], warmup: ['2026-03-23', '2026-03-24'] },
  { name: 'chuo ordinary day', profile: () => chuoProfile(), days: ['2026-06-10'], warmup: ['2026-06-08', '2026-06-09'] },
];

/** The domain as the simulator's executor (server/sim/domain.ts), taking both estimates at every issue. */
const COUNTER_EVENT: Partial<Record<AnyCommand['name'], CounterEventType>> = {
  'counter:open': 'counter.opened', 'counter:pause': 'counter.paused', 'counter:resume': 'counter.resumed', 'counter:close': 'counter.closed',
};

class MeasuringExecutor extends DomainExecutor {
  readonly baseline = new Map<string, WaitEstimate>();
  readonly costMs: number[] = [];
  /** Off during warm-up days: no figures are taken. */
  measuring = true;
  /** Counter events per office, as the engine's event log holds them (the learned schedule's input). */
  private readonly counterEvents = new Map<string, CounterEventRow[]>();
  private readonly attached = new WeakSet<OfficeState>();

  constructor(db: DB, private readonly clk: ManualClock, ids: IdSource) {
    super(db, clk, () => ids.rng.uuid(), () => ids.rng.token());
  }

  private attach(state: OfficeState): CounterEventRow[] {
    const office = state.office;
    let events = this.counterEvents.get(office.id);
    if (!events) this.counterEvents.set(office.id, (events = []));
    if (!this.attached.has(state)) {
      this.attached.add(state);
      const log = events;
      attachSchedule(state, (day) => {
        const days = new Set(previousDays(log.map((e) => businessDay(e.at, office.timezone)), day));
        const sch = learnSchedule(log.filter((e) => days.has(businessDay(e.at, office.timezone))), office.timezone, office.hours?.close ?? null);
        if (process.env.ESTIMATE_DEBUG_SCHEDULE) console.log(day, JSON.stringify(sch));
        return sch;
      });
    }
    return events;
  }

  override execute(actor: Actor, cmd: AnyCommand): { stepId?: string } {
    const type = COUNTER_EVENT[cmd.name];
    if (type) {
      const counterId = (cmd.payload as { counterId: string }).counterId;
      const state = ['chuo', 'higashi'].map((o) => this.state(o)).find((s) => s.counters.has(counterId))!;
      const events = this.attach(state);
      const before = liveOf(state, counterId).state;
      const out = super.execute(actor, cmd);
      if (liveOf(state, counterId).state !== before) events.push({ counterId, type, at: this.clk.now() });
      return out;
    }
    if (cmd.name !== 'ticket:issue') return super.execute(actor, cmd);
    this.attach(this.state(cmd.payload.officeId));
    if (!this.measuring) return super.execute(actor, cmd);
    const state = this.state(cmd.payload.officeId);
    const { serviceId } = cmd.payload;
    const priority = cmd.payload.priority ?? false;
    // The estimator's cost per issue, timed alone (decide computes it once more for the event).
    const t0 = performance.now();
    estimateAtIssue(state, serviceId, priority, this.clk.now());
    this.costMs.push(performance.now() - t0);
    const baseline = estimateWait(state, serviceId, aheadAtIssue(state, serviceId, priority));
    const out = super.execute(actor, cmd);
    if (out.stepId) this.baseline.set(out.stepId, baseline);
    return out;
  }
}

export interface Accuracy {
  n: number;
  coverage: number;
  underPromise: number;
  overPromise: number;
  pointMedianAbsErrorMin: number;
  rangeWidthMeanMin: number;
  /** Share of ranges within max(10 min, 60 % of the point). */
  widthOk: number;
  noRange: number;
}

type Pair = { waitMin: number; hour?: number; est: { lowMin: number | null; highMin: number | null; pointMin: number | null } };

export function accuracy(pairs: Pair[]): Accuracy {
  let n = 0, inside = 0, above = 0, width = 0, widthOk = 0, noRange = 0;
  const errs: number[] = [];
  for (const { waitMin, est } of pairs) {
    if (est.lowMin === null || est.highMin === null) {
      noRange++;
      continue;
    }
    n++;
    if (waitMin > est.highMin) above++;
    else if (waitMin >= est.lowMin) inside++;
    width += est.highMin - est.lowMin;
    if (est.highMin - est.lowMin <= Math.max(10, 0.6 * (est.pointMin ?? 0)) + 1e-9) widthOk++;
    if (est.pointMin !== null) errs.push(Math.abs(waitMin - est.pointMin));
  }
  errs.sort((a, b) => a - b);
  const med = errs.length ? (errs.length % 2 ? errs[(errs.length - 1) / 2]! : (errs[errs.length / 2 - 1]! + errs[errs.length / 2]!) / 2) : NaN;
  return {
    n, coverage: inside / n, underPromise: above / n, overPromise: (n - inside - above) / n,
    pointMedianAbsErrorMin: med, rangeWidthMeanMin: width / n, widthOk: widthOk / n, noRange,
  };
}

export interface ScenarioResult {
  scenario: string;
  days: string[];
  seeds: string[];
  tickets: number;
  forward: Accuracy;
  baseline: Accuracy;
  errorReduction: number;
  costMsMean: number;
  costMsP99: number;
}

export async function measure(scenario: Scenario, seeds = SEEDS): Promise<{ result: ScenarioResult; forwardPairs: Pair[]; baselinePairs: Pair[]; cost: number[] }> {
  const forwardPairs: Pair[] = [];
  const baselinePairs: Pair[] = [];
  const cost: number[] = [];
  let tickets = 0;
  for (const seed of seeds) {
    const db = openDatabase(':memory:');
    migrate(db);
    await ensureDemoOffices(db, 'bench-password-not-used');
    const clock = new ManualClock(startOfBusinessDay(scenario.days[0]!, 'Asia/Tokyo'));
    const ids = new IdSource();
    const exec = new MeasuringExecutor(db, clock, ids);
    db.close();
    // Warm-up days: history for the learned schedule, today's formula issuing (fast), not measured.
    const before = setEstimatorMode('baseline');
    exec.measuring = false;
    try {
      runDays({ engine: exec, clock, ids }, [scenario.profile()], scenario.warmup, seed);
    } finally {
      setEstimatorMode(before);
    }
    exec.measuring = true;
    runDays({ engine: exec, clock, ids }, [scenario.profile()], scenario.days, seed);
    const from = startOfBusinessDay([...scenario.days].sort()[0]!, 'Asia/Tokyo');
    for (const s of exec.allSteps()) {
      if (s.seq !== 1 || !s.estimate || s.enqueuedAt < from) continue;
      tickets++;
      if (s.firstCalledAt === null) continue;
      const waitMin = (s.firstCalledAt - s.enqueuedAt) / 60_000;
      const hour = new Date(s.enqueuedAt + 9 * 3_600_000).getUTCHours();
      forwardPairs.push({ waitMin, hour, est: s.estimate });
      const b = exec.baseline.get(s.id)!;
      baselinePairs.push({ waitMin, est: { lowMin: b.lowMin, highMin: b.highMin, pointMin: b.pointMin ?? null } });
    }
    cost.push(...exec.costMs);
  }
  const forward = accuracy(forwardPairs);
  const baseline = accuracy(baselinePairs);
  const sortedCost = [...cost].sort((a, b) => a - b);
  return {
    result: {
      scenario: scenario.name, days: scenario.days, seeds, tickets, forward, baseline,
      errorReduction: 1 - forward.pointMedianAbsErrorMin / baseline.pointMedianAbsErrorMin,
      costMsMean: cost.reduce((a, b) => a + b, 0) / cost.length,
      costMsP99: sortedCost[Math.floor(sortedCost.length * 0.99)] ?? NaN,
    },
    forwardPairs, baselinePairs, cost,
  };
}

export async function measureAll(): Promise<{ scenarios: ScenarioResult[]; all: { forward: Accuracy; baseline: Accuracy; errorReduction: number; costMsMean: number; costMsP99: number } }> {
  const scenarios: ScenarioResult[] = [];
  const fAll: Pair[] = [];
  const bAll: Pair[] = [];
  const cAll: number[] = [];
  for (const sc of SCENARIOS) {
    const m = await measure(sc);
    scenarios.push(m.result);
    if (process.env.ESTIMATE_DEBUG) {
      for (let h = 8; h <= 17; h++) {
        const a = accuracy(m.forwardPairs.filter((p) => p.hour === h));
        const meanWait = m.forwardPairs.filter((p) => p.hour === h).reduce((x, p) => x + p.waitMin, 0) / a.n;
        console.log(`  ${sc.name.slice(0, 12)} h${h} n=${a.n} wait=${meanWait.toFixed(0)} cov=${(a.coverage * 100).toFixed(0)} under=${(a.underPromise * 100).toFixed(0)} over=${(a.overPromise * 100).toFixed(0)} mae=${a.pointMedianAbsErrorMin.toFixed(1)} width=${a.rangeWidthMeanMin.toFixed(0)}`);
      }
    }
    fAll.push(...m.forwardPairs);
    bAll.push(...m.baselinePairs);
    cAll.push(...m.cost);
  }
  const forward = accuracy(fAll);
  const baseline = accuracy(bAll);
  cAll.sort((a, b) => a - b);
  return {
    scenarios,
    all: {
      forward, baseline, errorReduction: 1 - forward.pointMedianAbsErrorMin / baseline.pointMedianAbsErrorMin,
      costMsMean: cAll.reduce((a, b) => a + b, 0) / cAll.length, costMsP99: cAll[Math.floor(cAll.length * 0.99)] ?? NaN,
    },
  };
}

export default async function run(): Promise<BenchRow[]> {
  const { scenarios, all } = await measureAll();
  const rows: BenchRow[] = [];
  for (const s of [...scenarios.map((x) => ({ name: x.scenario, ...x })), { name: 'all busy and ordinary days', ...all }]) {
    rows.push(row({ name: `estimate coverage — ${s.name}`, value: round(s.forward.coverage * 100, 1), unit: '%', baseline: round(s.baseline.coverage * 100, 1), baselineName: "today's formula", target: '≥ 80 %' }));
    rows.push(row({ name: `estimate under-promise — ${s.name}`, value: round(s.forward.underPromise * 100, 1), unit: '%', baseline: round(s.baseline.underPromise * 100, 1), baselineName: "today's formula", target: '≤ 10 %' }));
    rows.push(row({ name: `estimate point median abs error — ${s.name}`, value: round(s.forward.pointMedianAbsErrorMin, 2), unit: 'min', baseline: round(s.baseline.pointMedianAbsErrorMin, 2), baselineName: "today's formula", target: '≤ 0.7×' }));
    rows.push(row({ name: `estimate range width mean — ${s.name}`, value: round(s.forward.rangeWidthMeanMin, 2), unit: 'min', baseline: round(s.baseline.rangeWidthMeanMin, 2), baselineName: "today's formula", target: '≤ max(10, 60 % of point) each' }));
  }
  rows.push(row({ name: 'estimator cost per issue (mean)', value: round(all.costMsMean, 3), unit: 'ms', baseline: round(all.costMsP99, 3), baselineName: 'p99', target: 'small' }));
  return rows;
}

// Run alone: print and keep the full figures next to the bench results.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const res = await measureAll();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const s of [...res.scenarios, { scenario: 'ALL', tickets: NaN, ...res.all }]) {
    console.log(`${s.scenario}  (tickets with estimate: ${s.tickets})`);
    for (const [k, a] of [['forward ', s.forward], ['baseline', s.baseline]] as const) {
      console.log(`  ${k} n=${a.n} coverage=${pct(a.coverage)} under=${pct(a.underPromise)} over=${pct(a.overPromise)} MAE(point)=${a.pointMedianAbsErrorMin.toFixed(2)} min width=${a.rangeWidthMeanMin.toFixed(2)} min widthOk=${pct(a.widthOk)} noRange=${a.noRange}`);
    }
    console.log(`  error reduction ${pct(s.errorReduction)}; estimator cost mean ${s.costMsMean.toFixed(3)} ms, p99 ${s.costMsP99.toFixed(3)} ms`);
  }
  writeFileSync(resolve(HERE, 'estimate-results.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, seeds: SEEDS, seconds: round((performance.now() - started) / 1000, 1), ...res }, null, 2) + '\n');
}
