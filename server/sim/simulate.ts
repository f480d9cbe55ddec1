import { AppError } from '../../common/errors.js';
import type { AnyCommand } from '../../common/schemas.js';
import type { Lang } from '../../common/types.js';
import type { DayPlan } from '../../common/plan.js';
import { Engine, type Actor } from '../engine.js';
import { ManualClock, MINUTE_MS } from '../queue/clock.js';
import { startOfBusinessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import { businessDays, busyLevel, dayFactor } from './calendar.js';
import type { OfficeState } from '../queue/state.js';
import { Rng } from './random.js';

/**
 * A discrete-event simulation of ward-office days that drives the real engine: residents take
 * tickets at the kiosk (`ticket:issue`), clerks sign in to counters, call, recall, start, finish,
 * transfer to the next procedure, mark no-shows, pause for lunch and close, and the day is closed
 * (`office:close-day`) — every step through `Engine.execute` at the simulated time of a
 * ManualClock, so the database receives exactly the history a real office would write.
 */

export type ServiceDist = 'lognormal' | 'gamma' | 'exponential';

export interface ServiceProfile {
  prefix: string;
  /** Share of an ordinary day's tickets. */
  share: number;
  /** Demand multiplier at the peak of the moving season (busy level 1). */
  busyBoost: number;
  /** Mean service time in minutes and its coefficient of variation. */
  meanMin: number;
  cv: number;
  dist: ServiceDist;
  /** Chance that a called resident never comes (first step of a visit). */
  noShow: number;
  /** After being served here, the visit moves on to another procedure with these chances. */
  next?: { prefix: string; p: number }[];
}

/** One clerk's time at one counter (local "HH:MM"); lunch pauses the counter 12:00–13:00 (true) or in the given window. */
export interface Shift {
  counter: string;
  from: string;
  to: string;
  lunch?: boolean | { from: string; to: string } | null;
}

export interface DayContext {
  day: string;
  year: number;
  /** 0 ordinary … 1 peak of the moving season. */
  level: number;
}

export interface Staffing {
  shifts: Shift[];
  /**
   * Minutes after reception closes that clerks keep serving those who hold a ticket, after which
   * the rest is closed as "unserved at close". Omitted (the default, as in a ward office): counters
   * serve every ticket taken before reception closed (the day is cut only at 23:59).
   */
  overtimeMin?: number;
  /** Reception window of the day (a day plan's); default the profile's. */
  reception?: { open: string; close: string };
}

/** The simulator's staffing for a day plan (common/plan.ts): the same object drives the what-if and the advice. */
export function planStaffing(plan: DayPlan): Staffing {
  return {
    shifts: plan.counters.map((c) => ({ counter: c.counter, from: c.from, to: c.to, lunch: c.lunch ?? null })),
    reception: { open: plan.reception.open, close: plan.reception.close },
  };
}

/** Last minute of the day: steps still open then are closed as "unserved at close" (midnight closes the day anyway). */
const DAY_CUTOFF_MIN = 23 * 60 + 59;

export interface OfficeProfile {
  officeId: string;
  /** Expected tickets on an ordinary weekday (scale 1). */
  ticketsPerDay: number;
  services: ServiceProfile[];
  /** Relative arrival intensity per local hour (index 0–23); missing hours count as 0. */
  hourly: number[];
  /** Reception window, local "HH:MM" (the kiosk refuses outside the office's hours). */
  reception: { open: string; close: string };
  staffing(ctx: DayContext): Staffing;
  /** Demand growth or decline by calendar year (default 1). */
  yearFactor?(year: number): number;
  /** Day-to-day demand factor (default: calendar.dayFactor and the moving season). */
  dayWeight?(day: string): number;
  priorityShare: number;
  /** Seconds a resident takes to walk to the counter, uniform in this range (0,0 = starts at once). */
  walkSec: [number, number];
  /** Residents who come only after a recall. */
  slowShare: number;
  /** Seconds between a call and the recall, and between the recall and the no-show. */
  recallSec: number;
  langs: [Lang, number][];
  /** Clerk ids available to staff counters; rotated day by day. */
  clerks: string[];
  kioskDeviceId: string | null;
}

export interface SimulateOptions {
  db: DB;
  profiles: OfficeProfile[];
  days: string[];
  seed: string;
  /** Multiplies every arrival rate. */
  scale?: number;
  /** Wrap each simulated office-day in one outer transaction (engine commits become savepoints). */
  dayTransaction?: boolean;
  onDay?(info: { officeId: string; day: string; tickets: number }): void;
}

export interface SimSummary {
  officeId: string;
  days: number;
  tickets: number;
  steps: number;
  called: number;
  meanWaitMin: number;
  p90WaitMin: number;
  maxWaitMin: number;
  served: number;
  noShows: number;
  transferred: number;
  unserved: number;
}

const hm = (text: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`not a time: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

type Ev =
  | { t: number; seq: number; kind: 'arrive'; serviceId: string; priority: boolean; lang: Lang }
  | { t: number; seq: number; kind: 'open' | 'lunchStart' | 'lunchEnd' | 'shiftEnd' | 'recall' | 'noShow' | 'start' | 'finish'; counter: CounterSim }
  | { t: number; seq: number; kind: 'receptionEnd' | 'cutoff' };

type EvInput = Ev extends infer E ? (E extends Ev ? Omit<E, 'seq'> : never) : never;

/** Binary min-heap on (t, seq). */
class EventQueue {
  private heap: Ev[] = [];
  private seq = 0;
  get size(): number {
    return this.heap.length;
  }
  push(e: EvInput): void {
    // Whole milliseconds, like Date.now(): the history must hold integer instants (a few delays are drawn as fractions).
    const ev = { ...e, t: Math.round(e.t), seq: this.seq++ } as Ev;
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, ev)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }
  pop(): Ev | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mv = last;
        if (l < h.length && less(h[l]!, mv)) {
          m = l;
          mv = h[l]!;
        }
        if (r < h.length && less(h[r]!, mv)) {
          m = r;
          mv = h[r]!;
        }
        if (m === i) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
const less = (a: Ev, b: Ev) => a.t < b.t || (a.t === b.t && a.seq < b.seq);

interface CounterSim {
  id: string;
  label: string;
  serviceIds: string[];
  clerk: string | null;
  status: 'closed' | 'idle' | 'busy' | 'paused';
  wantPause: boolean;
  wantClose: boolean;
  lunch: boolean;
  /** The resident being served: comes after a recall / never comes. */
  slow: boolean;
  stepId: string | null;
}

const PRIORITY_REASONS = ['elderly', 'pregnant', 'disability', 'child'] as const;

/** A mutable id source the engine draws from; reseeded per office-day so days are independent. */
export class IdSource {
  rng = new Rng('ids');
  reseed(seed: string): void {
    this.rng = new Rng(seed);
  }
}

/** What the simulator needs from whatever runs the commands: the Engine, or the bare domain. */
export interface SimExecutor {
  execute(actor: Actor, cmd: AnyCommand): { stepId?: string };
  state(officeId: string): OfficeState;
  tick(): void;
}

export interface SimRuntime {
  engine: SimExecutor;
  clock: ManualClock;
  ids: IdSource;
}

/** An engine on `db` whose ids and tokens come from the simulation's seeded streams. */
export function simEngine(db: DB, startAt: number): SimRuntime {
  const clock = new ManualClock(startAt);
  const ids = new IdSource();
  const engine = new Engine({ db, clock, newId: () => ids.rng.uuid(), newToken: () => ids.rng.token() });
  return { engine, clock, ids };
}

/** Ensure none of the days already has history for the office (a second run would clash). */
export function assertNoHistory(db: DB, officeId: string, from: string, to: string): void {
  const n = (db.prepare('SELECT count(*) AS n FROM tickets WHERE office_id = ? AND business_day >= ?').get(officeId, from) as { n: number }).n;
  if (n > 0) {
    throw new Error(`office ${officeId} already has ${n} tickets on or after ${from} (up to ${to} requested); simulate into a fresh database (--db) or an earlier period`);
  }
}

/** Run the simulation over the days for every profile; returns a summary per office. */
export function simulate(opts: SimulateOptions): SimSummary[] {
  const { db } = opts;
  if (opts.days.length === 0) return opts.profiles.map((p) => summarize(db, p.officeId, '9999-12-31', '9999-12-31'));
  const days = [...opts.days].sort();
  const first = days[0]!;
  const last = days.at(-1)!;
  for (const p of opts.profiles) assertNoHistory(db, p.officeId, first, last);
  const rt = simEngine(db, startOfBusinessDay(first, 'Asia/Tokyo'));
  const wrap = opts.dayTransaction === false ? undefined : <T>(fn: () => T): T => db.transaction(fn)();
  runDays(rt, opts.profiles, days, opts.seed, opts.scale ?? 1, wrap, opts.onDay);
  return opts.profiles.map((p) => summarize(db, p.officeId, first, last));
}

/**
 * Simulate the days in order, every office each day. Between days the clock goes to the office's
 * midnight and the executor's housekeeping runs (the engine forgets finished past days).
 */
export function runDays(rt: SimRuntime, profiles: OfficeProfile[], days: string[], seed: string, scale = 1, wrapDay?: <T>(fn: () => T) => T, onDay?: SimulateOptions['onDay']): void {
  for (const day of [...days].sort()) {
    for (const p of profiles) {
      const tz = rt.engine.state(p.officeId).office.timezone;
      // Each office lives its own day: the clock goes back to this office's midnight (offices share no state).
      rt.clock.set(startOfBusinessDay(day, tz));
      rt.engine.tick();
      const run = () => simulateDay(rt, p, day, seed, scale);
      const tickets = wrapDay ? wrapDay(run) : run();
      onDay?.({ officeId: p.officeId, day, tickets });
    }
  }
}

/** Expected arrivals of each service on a day. */
export function expectedArrivals(p: OfficeProfile, day: string, scale = 1): Map<string, number> {
  const level = busyLevel(day);
  const year = Number(day.slice(0, 4));
  const base = p.ticketsPerDay * scale * (p.dayWeight ? p.dayWeight(day) : dayFactor(day)) * (p.yearFactor?.(year) ?? 1);
  const out = new Map<string, number>();
  for (const s of p.services) out.set(s.prefix, base * s.share * (1 + level * (s.busyBoost - 1)));
  return out;
}

/**
 * Simulate one business day of one office; returns the number of tickets issued. The day ends
 * when everyone holding a ticket has been served after reception closed, or at the overtime
 * cutoff, when the remaining steps are closed as "unserved at close".
 */
export function simulateDay(rt: SimRuntime, p: OfficeProfile, day: string, seed: string, scale = 1): number {
  const { engine, clock } = rt;
  const state = engine.state(p.officeId);
  const office = state.office;
  const tz = office.timezone;
  const rng = new Rng(`${seed}|${p.officeId}|${day}|sim`);
  rt.ids.reseed(`${seed}|${p.officeId}|${day}|ids`);
  const midnight = startOfBusinessDay(day, tz);
  const at = (minuteOfDay: number) => midnight + Math.round(minuteOfDay * MINUTE_MS);
  const level = busyLevel(day);
  const ctx: DayContext = { day, year: Number(day.slice(0, 4)), level };
  const staffing = p.staffing(ctx);
  const serviceIdOf = new Map<string, string>();
  const profileOf = new Map<string, ServiceProfile>();
  for (const s of state.services.values()) serviceIdOf.set(s.prefix, s.id);
  for (const sp of p.services) {
    const id = serviceIdOf.get(sp.prefix);
    if (id) profileOf.set(id, sp);
  }
  const q = new EventQueue();
  let cmdSeq = 0;
  const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: p.kioskDeviceId };
  const system: Actor = { role: 'system', staffId: null, deviceId: null };
  const clerkActor = (c: CounterSim): Actor => ({ role: 'clerk', staffId: c.clerk, deviceId: null });
  const exec = (actor: Actor, name: AnyCommand['name'], payload: Record<string, unknown>) =>
    engine.execute(actor, { name, payload: { commandId: `sim-${p.officeId}-${day}-${++cmdSeq}`, ...payload } } as AnyCommand);

  // Arrivals: a Poisson process per hour segment (exact by memorylessness), service by demand mix.
  const expected = expectedArrivals(p, day, scale);
  const prefixes = [...expected.keys()].filter((k) => serviceIdOf.has(k));
  const mix = prefixes.map((k) => expected.get(k)!);
  const total = mix.reduce((a, b) => a + b, 0);
  const open = hm(staffing.reception?.open ?? p.reception.open);
  const close = hm(staffing.reception?.close ?? p.reception.close);
  const segments: { from: number; to: number; w: number }[] = [];
  for (let m = open; m < close; ) {
    const next = Math.min(close, (Math.floor(m / 60) + 1) * 60);
    segments.push({ from: m, to: next, w: p.hourly[Math.floor(m / 60)] ?? 0 });
    m = next;
  }
  const mass = segments.reduce((a, s) => a + s.w * (s.to - s.from), 0);
  const langWeights = p.langs.map(([, w]) => w);
  if (total > 0 && mass > 0) {
    for (const seg of segments) {
      const perMin = (total * seg.w) / mass;
      if (perMin <= 0) continue;
      let t = seg.from;
      for (;;) {
        t += rng.exponential(1 / perMin);
        if (t >= seg.to) break;
        const prefix = prefixes[rng.weighted(mix)]!;
        const priority = rng.chance(p.priorityShare);
        const lang = p.langs[rng.weighted(langWeights)]![0];
        q.push({ t: at(t), kind: 'arrive', serviceId: serviceIdOf.get(prefix)!, priority, lang });
      }
    }
  }

  // Counters and shifts. Clerks rotate day by day so each counter sees several clerks.
  const counters: CounterSim[] = [];
  const byLabel = new Map([...state.counters.values()].filter((c) => c.active).map((c) => [c.label, c]));
  const shifts = staffing.shifts.filter((s) => byLabel.has(s.counter));
  const rotation = Math.floor(midnight / 86_400_000);
  shifts.forEach((s, i) => {
    const c = byLabel.get(s.counter)!;
    const clerk = p.clerks.length ? p.clerks[(i + rotation) % p.clerks.length]! : null;
    const sim: CounterSim = { id: c.id, label: c.label, serviceIds: c.serviceIds, clerk, status: 'closed', wantPause: false, wantClose: false, lunch: !!s.lunch, slow: false, stepId: null };
    counters.push(sim);
    q.push({ t: at(hm(s.from) - 5 + rng.uniform(0, 4)), kind: 'open', counter: sim });
    if (s.lunch) {
      const [from, to] = s.lunch === true ? [12 * 60, 13 * 60] : [hm(s.lunch.from), hm(s.lunch.to)];
      q.push({ t: at(from + rng.uniform(0, 2)), kind: 'lunchStart', counter: sim });
      q.push({ t: at(to + rng.uniform(-2, 1)), kind: 'lunchEnd', counter: sim });
    }
    if (hm(s.to) < close) q.push({ t: at(hm(s.to)), kind: 'shiftEnd', counter: sim });
  });
  q.push({ t: at(close), kind: 'receptionEnd' });
  q.push({ t: at(staffing.overtimeMin === undefined ? DAY_CUTOFF_MIN : Math.min(DAY_CUTOFF_MIN, close + staffing.overtimeMin)), kind: 'cutoff' });

  const waiting = new Map<string, number>();
  let busy = 0;
  let receptionOver = false;
  let stopCalling = false;
  let finished = false;
  let issued = 0;

  const hasWork = (c: CounterSim) => {
    for (const s of c.serviceIds) if ((waiting.get(s) ?? 0) > 0) return true;
    return false;
  };
  const anyWaiting = () => {
    for (const n of waiting.values()) if (n > 0) return true;
    return false;
  };

  const finishDay = () => {
    if (finished) return;
    finished = true;
    for (const c of counters) {
      if (c.status === 'idle' || c.status === 'paused') exec(clerkActor(c), 'counter:close', { counterId: c.id });
      c.status = 'closed';
    }
    exec(system, 'office:close-day', { officeId: p.officeId });
  };

  const checkEnd = () => {
    if (finished || busy > 0) return;
    if (stopCalling || (receptionOver && !anyWaiting())) finishDay();
  };

  const tryCall = (c: CounterSim): boolean => {
    if (c.status !== 'idle' || stopCalling || !hasWork(c)) return false;
    const r = exec(clerkActor(c), 'counter:call-next', { counterId: c.id });
    const step = state.steps.get(r.stepId!)!;
    waiting.set(step.serviceId, (waiting.get(step.serviceId) ?? 0) - 1);
    c.status = 'busy';
    c.stepId = step.id;
    busy += 1;
    const sp = profileOf.get(step.serviceId);
    const noShowP = (sp?.noShow ?? 0) * (step.seq > 1 ? 0.2 : 1);
    const now = clock.now();
    if (rng.chance(noShowP)) {
      // Called, recalled as often as the office's policy asks before a no-show, never came.
      const recalls = Math.max(0, office.policy.recallsBeforeNoShow);
      for (let i = 1; i <= recalls; i++) q.push({ t: now + i * p.recallSec * 1000, kind: 'recall', counter: c });
      q.push({ t: now + (recalls + 1) * p.recallSec * 1000, kind: 'noShow', counter: c });
    } else if (p.slowShare > 0 && rng.chance(p.slowShare)) {
      q.push({ t: now + p.recallSec * 1000, kind: 'recall', counter: c });
      q.push({ t: now + p.recallSec * 1000 + rng.uniform(10, 50) * 1000, kind: 'start', counter: c });
    } else {
      q.push({ t: now + Math.round(rng.uniform(p.walkSec[0], p.walkSec[1]) * 1000), kind: 'start', counter: c });
    }
    return true;
  };

  /** A counter became free (or came back): close, pause, or call the next. */
  const afterFree = (c: CounterSim) => {
    if (c.wantClose || (stopCalling && c.status === 'idle')) {
      exec(clerkActor(c), 'counter:close', { counterId: c.id });
      c.status = 'closed';
    } else if (c.wantPause) {
      exec(clerkActor(c), 'counter:pause', { counterId: c.id });
      c.status = 'paused';
      c.wantPause = false;
    } else {
      tryCall(c);
    }
    checkEnd();
  };

  /** People are waiting for a service: idle counters serving it call (a random one first). */
  const wake = (serviceId: string) => {
    const n = counters.length;
    if (n === 0) return;
    const startAt = Math.floor(rng.next() * n);
    for (let i = 0; i < n && (waiting.get(serviceId) ?? 0) > 0; i++) {
      const c = counters[(startAt + i) % n]!;
      if (c.status === 'idle' && c.serviceIds.includes(serviceId)) tryCall(c);
    }
  };

  const serviceMs = (sp: ServiceProfile | undefined, serviceId: string): number => {
    const mean = sp?.meanMin ?? state.services.get(serviceId)?.defaultServiceMin ?? 5;
    let m: number;
    switch (sp?.dist ?? 'lognormal') {
      case 'exponential':
        m = rng.exponential(mean);
        break;
      case 'gamma':
        m = rng.gamma(mean, sp?.cv ?? 0.5);
        break;
      default:
        m = rng.lognormal(mean, sp?.cv ?? 0.5);
    }
    if (sp?.dist !== 'exponential') m = Math.min(Math.max(m, 0.5), mean * 6);
    return Math.max(1000, Math.round(m * MINUTE_MS));
  };

  for (let ev = q.pop(); ev; ev = q.pop()) {
    if (ev.t > clock.now()) clock.set(ev.t);
    switch (ev.kind) {
      case 'arrive': {
        if (receptionOver) break;
        try {
          exec(kiosk, 'ticket:issue', { officeId: p.officeId, serviceId: ev.serviceId, priority: ev.priority, priorityReason: ev.priority ? PRIORITY_REASONS[rng.nextU32() % PRIORITY_REASONS.length]! : null, lang: ev.lang });
        } catch (err) {
          // A service at its daily cap or out of numbers turns the resident away, as the kiosk would.
          if (err instanceof AppError && (err.code === 'DAILY_CAP_REACHED' || err.code === 'NUMBER_RANGE_EXHAUSTED' || err.code === 'OUTSIDE_HOURS')) break;
          throw err;
        }
        issued += 1;
        waiting.set(ev.serviceId, (waiting.get(ev.serviceId) ?? 0) + 1);
        wake(ev.serviceId);
        break;
      }
      case 'open': {
        const c = ev.counter;
        if (finished || stopCalling) break;
        exec(clerkActor(c), 'counter:open', { counterId: c.id });
        c.status = 'idle';
        afterFree(c);
        break;
      }
      case 'lunchStart': {
        const c = ev.counter;
        if (c.status === 'idle') {
          exec(clerkActor(c), 'counter:pause', { counterId: c.id });
          c.status = 'paused';
        } else if (c.status === 'busy') c.wantPause = true;
        break;
      }
      case 'lunchEnd': {
        const c = ev.counter;
        c.wantPause = false;
        if (c.status === 'paused') {
          exec(clerkActor(c), 'counter:resume', { counterId: c.id });
          c.status = 'idle';
          afterFree(c);
        }
        break;
      }
      case 'shiftEnd': {
        const c = ev.counter;
        c.wantClose = true;
        if (c.status === 'idle' || c.status === 'paused') afterFree(c);
        break;
      }
      case 'recall':
        exec(clerkActor(ev.counter), 'counter:recall', { counterId: ev.counter.id });
        break;
      case 'noShow': {
        const c = ev.counter;
        exec(clerkActor(c), 'counter:no-show', { counterId: c.id });
        c.status = 'idle';
        c.stepId = null;
        busy -= 1;
        afterFree(c);
        break;
      }
      case 'start': {
        const c = ev.counter;
        exec(clerkActor(c), 'counter:start', { counterId: c.id });
        const step = state.steps.get(c.stepId!)!;
        q.push({ t: clock.now() + serviceMs(profileOf.get(step.serviceId), step.serviceId), kind: 'finish', counter: c });
        break;
      }
      case 'finish': {
        const c = ev.counter;
        const step = state.steps.get(c.stepId!)!;
        const sp = profileOf.get(step.serviceId);
        let nextService: string | undefined;
        if (sp?.next && step.seq < 4) {
          let r = rng.next();
          for (const n of sp.next) {
            r -= n.p;
            if (r < 0) {
              nextService = serviceIdOf.get(n.prefix);
              break;
            }
          }
        }
        if (nextService && nextService !== step.serviceId) {
          exec(clerkActor(c), 'counter:transfer', { counterId: c.id, serviceId: nextService, position: 'front' });
          waiting.set(nextService, (waiting.get(nextService) ?? 0) + 1);
        } else {
          exec(clerkActor(c), 'counter:done', { counterId: c.id });
        }
        c.status = 'idle';
        c.stepId = null;
        busy -= 1;
        afterFree(c);
        if (nextService) wake(nextService);
        checkEnd();
        break;
      }
      case 'receptionEnd':
        receptionOver = true;
        checkEnd();
        break;
      case 'cutoff':
        stopCalling = true;
        for (const c of counters) if (c.status === 'idle' || c.status === 'paused') afterFree(c);
        checkEnd();
        break;
    }
  }
  if (!finished) finishDay();
  return issued;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]! : 0);

/** Figures for an office over a day range, read back from the stored steps. */
export function summarize(db: DB, officeId: string, from: string, to: string): SimSummary {
  const rows = db
    .prepare(`SELECT s.first_called_at AS c, s.enqueued_at AS e, s.outcome AS o FROM steps s JOIN tickets t ON t.id = s.ticket_id
      WHERE t.office_id = ? AND t.business_day BETWEEN ? AND ?`)
    .all(officeId, from, to) as { c: number | null; e: number; o: string | null }[];
  const tickets = (db.prepare('SELECT count(*) AS n, count(DISTINCT business_day) AS d FROM tickets WHERE office_id = ? AND business_day BETWEEN ? AND ?').get(officeId, from, to) as { n: number; d: number });
  const waits: number[] = [];
  const count = { served: 0, no_show: 0, transferred: 0, unserved: 0 } as Record<string, number>;
  for (const r of rows) {
    if (r.c !== null) waits.push((r.c - r.e) / MINUTE_MS);
    if (r.o && r.o in count) count[r.o]! += 1;
  }
  waits.sort((a, b) => a - b);
  const mean = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 0;
  return {
    officeId, days: tickets.d, tickets: tickets.n, steps: rows.length, called: waits.length,
    meanWaitMin: mean, p90WaitMin: percentile(waits, 0.9), maxWaitMin: waits.at(-1) ?? 0,
    served: count.served!, noShows: count.no_show!, transferred: count.transferred!, unserved: count.unserved!,
  };
}

export { businessDays };
