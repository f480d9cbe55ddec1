import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarEntry } from '../common/calendar.js';
import type { WaitTarget } from '../common/plan.js';
import type { Office } from '../common/types.js';
import { calendarOf, officeDay } from '../server/calendar/office.js';
import { advise } from '../server/plan/advice.js';
import { backtest, fitForecast, seasonPosition, type DayCounts, type DayInfo } from '../server/plan/forecast.js';
import { loadDayCounts, loadServiceModels, type ServiceModel } from '../server/plan/history.js';
import { simulatePlan } from '../server/plan/simday.js';
import { syntheticHistory, type SyntheticModel } from '../server/plan/synthetic.js';
import { demandOf } from '../server/plan/service.js';
import { startOfBusinessDay } from '../server/queue/time.js';
import { seedOffice } from '../server/seed.js';
import { busyLevel } from '../server/sim/calendar.js';
import { demoDays } from '../server/sim/demo.js';
import { domainRuntime } from '../server/sim/domain.js';
import { CHUO_REFORM_COUNTERS, chuoProfile, higashiProfile } from '../server/sim/profiles.js';
import { Rng } from '../server/sim/random.js';
import { expectedArrivals, runDays, type OfficeProfile } from '../server/sim/simulate.js';
import { DEFAULT_COUNTERS } from '../server/seed.js';
import { migrate, openDatabase } from '../server/store/db.js';
import { loadOffices, loadServices } from '../server/store/rows.js';
import { row, round, type BenchRow } from './types.js';

/**
 * Busy-season planning (issue 12), reproducible:
 *
 *   npx tsx bench/plan.bench.ts                               # demo arrival process synthesized (same generator as `npm run demo`)
 *   PLAN_BENCH_DB=data/madoguchi.db npx tsx bench/plan.bench.ts  # the real demo database (`npm run demo`)
 *   npm run bench -- plan
 *
 * 1. Backtest: daily tickets of the last busy season (20 March – 10 April 2026) forecast from the years
 *    before it — MAPE, bias, share of days inside the 80 % interval — for 中央区役所 and 東区役所 of the
 *    demo history, and for a second synthetic office with another calendar (earlier, sharper season,
 *    Saturday 休日開庁 in the season, a tax-deadline event day, 8 %/year growth, its own weekday profile).
 * 2. Counters advice for 中央区役所 (14 counters, 3 of them seasonal) on three 2026 days (peak Monday,
 *    a shoulder day, an ordinary June day), target 90 % called within 30 minutes: the recommended plan is
 *    simulated again with 10 fresh seeds; the share of (hour, seed) pairs meeting the target, and its
 *    counter-hours against the naive plan (every counter all day), whose share is given too.
 * 3. Time to forecast the season and advise one office (one peak day).
 * 4. Simulator realism: 中央区役所's 2025 peak week (no reform) — unserved at close and mean wait when
 *    counters serve every ticket taken before reception closes, against the former 120-minute overtime cut.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const SEASON = { from: '2026-03-20', to: '2026-04-10' };
const TARGET: WaitTarget = { kind: 'p90', minutes: 30 };
const WEEKDAYS = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
const plainInfo: DayInfo = (d) => officeDay(d, WEEKDAYS, calendarOf(null, []));

/** The demo's arrivals per day, hour and first procedure, drawn exactly as the simulator draws them (Poisson per hour segment). */
function demoArrivals(p: OfficeProfile, days: string[], seed: string): DayCounts[] {
  const rng = new Rng(`${seed}|${p.officeId}|arrivals`);
  const open = 8 * 60 + 30;
  const close = 17 * 60 + 15;
  return days.map((date) => {
    const exp = expectedArrivals(p, date);
    const total = [...exp.values()].reduce((a, b) => a + b, 0);
    const mix = [...exp.entries()];
    let mass = 0;
    for (let h = 8; h < 18; h++) mass += (p.hourly[h] ?? 0) * Math.max(0, Math.min(close, h * 60 + 60) - Math.max(open, h * 60));
    const hours = new Array<number>(24).fill(0);
    const services: Record<string, number> = {};
    for (let h = 8; h < 18; h++) {
      const minutes = Math.max(0, Math.min(close, h * 60 + 60) - Math.max(open, h * 60));
      const mean = (total * (p.hourly[h] ?? 0) * minutes) / mass;
      let t = 0;
      for (;;) {
        t += rng.exponential(minutes / Math.max(mean, 1e-9));
        if (t >= minutes || mean <= 0) break;
        hours[h]! += 1;
        const prefix = mix[rng.weighted(mix.map(([, x]) => x))]![0];
        services[prefix] = (services[prefix] ?? 0) + 1;
      }
    }
    return { date, hours, services };
  });
}

/** Second office: another calendar and another season. */
function otherOffice(): { info: DayInfo; model: SyntheticModel; entries: CalendarEntry[] } {
  const entries: CalendarEntry[] = [];
  for (const y of [2023, 2024, 2025, 2026]) {
    // 休日開庁: the two Saturdays around 1 April; a tax-deadline day (event) on 15 March or the next open day
    for (const d of [`${y}-03-2${y % 2 ? 5 : 8}`, `${y}-04-0${y % 2 ? 1 : 4}`]) {
      if (officeDay(d, WEEKDAYS).weekday === 6) entries.push({ date: d, kind: 'open', open: '09:00', close: '12:00' });
    }
    let tax = `${y}-03-15`;
    while (!officeDay(tax, WEEKDAYS).open) tax = `${y}-03-${String(Number(tax.slice(8)) + 1).padStart(2, '0')}`;
    entries.push({ date: tax, kind: 'event' });
  }
  const cal = calendarOf(null, entries);
  const info: DayInfo = (d) => officeDay(d, WEEKDAYS, cal);
  const hourShare = new Array<number>(24).fill(0);
  Object.assign(hourShare, { 8: 0.5, 9: 1.2, 10: 1.5, 11: 1.3, 12: 0.9, 13: 1.1, 14: 1.3, 15: 1.2, 16: 0.8, 17: 0.1 });
  const model: SyntheticModel = {
    level: (y) => 420 * Math.pow(1.08, y - 2023),
    // sharper and earlier than the demo's: peaks 22–29 March, fades by 10 April
    season: (d) => {
      const p = seasonPosition(d);
      if (p >= -10 && p <= -3) return 2.6;
      if (p >= -17 && p <= 9) return 1 + 1.6 * (1 - Math.min(Math.abs(p + 6.5), 17) / 17) * 1.3;
      const m = Number(d.slice(5, 7));
      return [1.15, 1, 1, 1, 1.05, 0.9, 0.9, 0.85, 0.95, 1, 0.95, 1.1][m - 1]!;
    },
    weekday: { 1: 1.1, 2: 0.95, 3: 1, 4: 1.05, 5: 1.15, 6: 0.8 },
    extra: (d, inf) => {
      const day = inf(d);
      let f = 1;
      if (day.reason === 'specialOpen') f *= 0.9;
      else if (day.special) f *= 1.4;
      for (let k = 1; k < 6; k++) {
        const prev = inf(new Date(Date.parse(`${d}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10));
        if (prev.open) break;
        if (prev.weekday <= 5 && prev.reason !== 'weekly') {
          f *= 1.35;
          break;
        }
      }
      return f;
    },
    hourShare,
    mix: { A: 0.2, B: 0.35, C: 0.15, D: 0.3 },
  };
  return { info, model, entries };
}

const WARD_MODELS = (): ServiceModel[] =>
  chuoProfile().services.map((s) => ({ prefix: s.prefix, name: { ja: s.prefix }, meanMin: s.meanMin, cv: s.cv, dist: s.dist, noShow: s.noShow, next: s.next ?? [], measured: 0 }));

export default async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dbPath = process.env.PLAN_BENCH_DB;
  const out: Record<string, unknown> = { source: dbPath ?? 'synthesized demo arrivals (seed madoguchi-demo)' };

  // ---- 1. backtests -------------------------------------------------------------------------------
  const histories: { name: string; history: DayCounts[]; info: DayInfo }[] = [];
  let office: Office | undefined;
  let dbServices: ServiceModel[] | null = null;
  if (dbPath) {
    const db = openDatabase(dbPath);
    for (const id of ['chuo', 'higashi']) {
      const o = loadOffices(db).find((x) => x.id === id)!;
      if (id === 'chuo') office = o;
      histories.push({ name: `demo ${id} (${dbPath})`, history: loadDayCounts(db, o, '2026-04-11'), info: (d) => officeDay(d, o.hours, calendarOf(null, [])) });
    }
    dbServices = loadServiceModels(db, 'chuo', loadServices(db, 'chuo').filter((s) => s.active), startOfBusinessDay('2026-03-20', 'Asia/Tokyo'));
    db.close();
  } else {
    const days = demoDays({ to: '2026-11-24' }).filter((d) => d <= SEASON.to);
    histories.push({ name: 'demo chuo (synthesized)', history: demoArrivals(chuoProfile(), days, 'madoguchi-demo'), info: plainInfo });
    histories.push({ name: 'demo higashi (synthesized)', history: demoArrivals(higashiProfile(), days, 'madoguchi-demo'), info: plainInfo });
  }
  const other = otherOffice();
  histories.push({ name: 'other calendar (synthetic)', history: syntheticHistory(other.model, other.info, '2023-01-04', SEASON.to, 'other-office'), info: other.info });
  const backtests: Record<string, unknown> = {};
  for (const h of histories) {
    const t0 = performance.now();
    const bt = backtest(h.history, h.info, SEASON.from, SEASON.to);
    const ms = performance.now() - t0;
    backtests[h.name] = { mape: bt.mape, bias: bt.bias, coverage: bt.coverage, days: bt.days.length, ms: round(ms, 0) };
    rows.push(row({ name: `backtest ${h.name}: MAPE daily tickets, season 2026 (${bt.days.length} days)`, value: bt.mape, unit: '%', baseline: 15, baselineName: 'target', target: '≤ 15 %' }));
    rows.push(row({ name: `backtest ${h.name}: bias`, value: bt.bias, unit: '%', baseline: 0, baselineName: 'unbiased', target: 'near 0' }));
    rows.push(row({ name: `backtest ${h.name}: days inside the 80 % interval`, value: round(bt.coverage * 100, 1), unit: '%', baseline: 80, baselineName: 'nominal', target: 'near 80 %' }));
  }
  out.backtests = backtests;
  if (process.env.PLAN_BENCH_ONLY === 'backtest') return rows;

  // ---- 2./3. advice on 中央区役所 -------------------------------------------------------------------
  const chuo = histories[0]!;
  const t0 = performance.now();
  const model = fitForecast(chuo.history.filter((h) => h.date < SEASON.from), chuo.info);
  const forecast = [];
  for (let d = SEASON.from; d <= SEASON.to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) forecast.push(model.predict(d, chuo.info));
  const forecastMs = performance.now() - t0;
  const juneModel = fitForecast(chuo.history.filter((h) => h.date < '2026-06-01'), chuo.info);
  const services = dbServices ?? WARD_MODELS();
  const counters: [string, string[]][] = [...DEFAULT_COUNTERS, ...CHUO_REFORM_COUNTERS];
  void office;
  const adviceOut: Record<string, unknown>[] = [];
  let adviceMsPeak = 0;
  let okAll = 0;
  let nAll = 0;
  let okNaiveAll = 0;
  let chRec = 0;
  let chNaive = 0;
  for (const date of ['2026-03-30', '2026-03-17', '2026-06-10']) {
    const day = date < '2026-06-01' ? (forecast.find((f) => f.date === date) ?? model.predict(date, chuo.info)) : juneModel.predict(date, chuo.info);
    const ta = performance.now();
    const a = await advise({ demand: demandOf(day), services, counters, reception: { open: '08:30', close: '17:15' }, target: TARGET, seeds: 3 });
    const ms = performance.now() - ta;
    if (date === '2026-03-30') adviceMsPeak = ms;
    const configured = new Map(counters);
    const fresh = await simulatePlan({ plan: a.plan, demand: demandOf(day), services, configured, seeds: 10, seedText: 'bench-fresh', target: TARGET });
    const naive = await simulatePlan({ plan: a.naive.plan, demand: demandOf(day), services, configured, seeds: 10, seedText: 'bench-fresh', target: TARGET });
    const inHours = (c: { hour: number }) => c.hour >= 8 && c.hour < 17;
    const ok = fresh.checks.filter(inHours).filter((c) => c.ok).length;
    const n = fresh.checks.filter(inHours).length;
    const okNaive = naive.checks.filter(inHours).filter((c) => c.ok).length;
    okAll += ok;
    nAll += n;
    okNaiveAll += okNaive;
    chRec += fresh.day.counterHours;
    chNaive += a.naive.counterHours;
    adviceOut.push({ date, forecast: day.mean, holds: a.holds, rounds: a.rounds, ms: round(ms, 0), share: round(ok / n, 3), naiveShare: round(okNaive / Math.max(1, naive.checks.filter(inHours).length), 3), counterHours: fresh.day.counterHours, naiveCounterHours: a.naive.counterHours, meanWait: fresh.day.meanWaitMin, p90: fresh.day.p90WaitMin, naiveMeanWait: naive.day.meanWaitMin, plan: a.plan });
    rows.push(row({ name: `advice chuo ${date} (${Math.round(day.mean)} tickets): simulated hours meeting p90 ≤ 30 min, 10 fresh seeds`, value: round((100 * ok) / n, 1), unit: '%', baseline: round((100 * okNaive) / Math.max(1, n), 1), baselineName: 'naive: all counters all day', target: '≥ 90 %' }));
    rows.push(row({ name: `advice chuo ${date}: counter-hours`, value: fresh.day.counterHours, unit: 'h', baseline: a.naive.counterHours, baselineName: 'naive: all counters all day' }));
  }
  rows.push(row({ name: 'advice chuo, 3 days: simulated hours meeting the target', value: round((100 * okAll) / nAll, 1), unit: '%', baseline: round((100 * okNaiveAll) / nAll, 1), baselineName: 'naive', target: '≥ 90 %' }));
  rows.push(row({ name: 'advice chuo, 3 days: counter-hours', value: round(chRec, 1), unit: 'h', baseline: chNaive, baselineName: 'naive' }));
  rows.push(row({ name: 'season forecast chuo (fit + 22 days)', value: round(forecastMs, 0), unit: 'ms', baseline: 3000, baselineName: 'a few seconds', target: 'few s' }));
  rows.push(row({ name: 'season forecast + advice for the peak day (1 seed per round, 3 to confirm)', value: round(forecastMs + adviceMsPeak, 0), unit: 'ms', baseline: 5000, baselineName: 'a few seconds', target: 'few s' }));
  out.advice = adviceOut;
  out.forecastMs = round(forecastMs, 0);

  // ---- 4. realism: serving everyone taken before reception closes -------------------------------
  const realism: Record<string, unknown> = {};
  for (const [label, overtime] of [['serve every ticket (now)', undefined], ['former 120-min overtime cut', 120]] as const) {
    const db = openDatabase(':memory:');
    migrate(db);
    seedOffice(db, { id: 'chuo', name: { ja: '中央区役所' }, hours: null, counters: [...DEFAULT_COUNTERS, ...CHUO_REFORM_COUNTERS] });
    const base = chuoProfile({ reformYear: 2099, kioskDeviceId: null });
    const p: OfficeProfile = { ...base, staffing: (ctx) => ({ ...base.staffing(ctx), ...(overtime === undefined ? {} : { overtimeMin: overtime }) }) };
    const days = ['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28'];
    const rt = domainRuntime(db, startOfBusinessDay(days[0]!, 'Asia/Tokyo'));
    runDays(rt, [p], days, 'realism');
    rt.clock.set(startOfBusinessDay('2025-03-29', 'Asia/Tokyo'));
    rt.engine.tick();
    const steps = rt.engine.allSteps();
    const unserved = steps.filter((s) => s.outcome === 'unserved').length;
    const waits = steps.filter((s) => s.firstCalledAt !== null).map((s) => (s.firstCalledAt! - s.enqueuedAt) / 60_000);
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    realism[label] = { steps: steps.length, unserved, meanWait: round(mean, 1), busyLevel: busyLevel(days[0]!) };
    rows.push(row({ name: `chuo 2025 peak week, ${label}: unserved at close`, value: unserved, unit: 'steps', baseline: steps.length, baselineName: 'steps' }));
    rows.push(row({ name: `chuo 2025 peak week, ${label}: mean wait`, value: round(mean, 1), unit: 'min', baseline: 0, baselineName: '—' }));
    db.close();
  }
  out.realism = realism;
  writeFileSync(resolve(HERE, 'plan-results.json'), `${JSON.stringify(out, null, 1)}\n`);
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await run();
  for (const r of rows) console.log(`${r.name.padEnd(100)} ${String(r.value).padStart(8)} ${r.unit.padEnd(6)} (${r.baselineName}: ${r.baseline})${r.target ? `  target ${r.target}` : ''}`);
}
