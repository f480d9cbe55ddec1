import { mulberry32 } from '../sim/random.js';
import { SKIP_AFTER_MIN, type DayPlan } from './schedule.js';
/**
 * Forward simulation of the queue from its current state (issue 13). Pure: no SQL, express or
 * socket.io; time comes from the caller. It replays the office's own call policy (maximum wait,
 * priority with the N:1 ratio, FIFO over the services each counter serves) on the counters that
 * are open now — each with the services it actually serves, so a counter shared by A and B gives
 * each only the part of its time it spends on it — finishing the resident at each counter after
 * the time already spent, bringing paused counters back after a lunch-length pause, and letting
 * the priority tickets and front-of-queue transfers that arrive meanwhile jump ahead at today's
 * rates. Counter time per call (call → end, walks and no-shows included) is drawn from today's own
 * calls of the service, or from its default service time early in the day. Several runs give a
 * distribution of the wait; the range shown is its 10th–90th percentile, narrowed when needed to
 * max(10 min, 60 % of the point).
 *
 * queue-sim/2 adds each counter's day plan (server/estimate/schedule.ts: learned from the office's
 * previous business days, or an explicit plan): in each run a usual pause (lunch) is taken with
 * the probability it was seen — the counter pauses when it next becomes free inside the window and
 * comes back at its end —, a counter paused now comes back at its window's end, a closed counter
 * opens at its usual time and an early closing stops a counter. A step put at the front (transfer,
 * hold back) goes before the queue by order key but waits for the maximum-wait rule from when it
 * came in, as policy.ts has it. The point is the runs' median; the range spans both their widened
 * 10th–90th percentile and, once today has enough called tickets estimated by this method, their
 * 10th–93rd percentile error (whichever reaches further). queue-sim/1 estimates recorded before
 * stay as they are (the reports read any method); they are not used to calibrate this one.
 */

export const FORWARD_METHOD = 'queue-sim/2';
/** Runs per estimate: enough for stable P10/P90 at ~1–2 ms per estimate on a busy day. */
export const RUNS = 32;
/** Calls simulated per estimate at most: a long queue gets fewer runs (never fewer than MIN_RUNS), so the cost stays bounded. */
const PICK_BUDGET = 4000;
const MIN_RUNS = 12;
/** Today's calls used per service (the most recent), and fewer than this falls back to the default. */
const SAMPLE_WINDOW = 40;
const MIN_SAMPLES = 5;
/** A paused counter is expected back this long after it paused (lunch), at least a minute from now. */
export const PAUSE_RETURN_MIN = 60;
/** Arrivals that jump the queue are counted over this window. */
const RATE_WINDOW_MIN = 60;
/** Spread of a service time drawn from the default (no history yet): lognormal with this cv. */
const DEFAULT_CV = 0.6;
/** Walk to the counter, added to a default service time. */
const WALK_MIN = 0.75;
const QUANTILE_LOW = 0.1;
const QUANTILE_HIGH = 0.9;
/** Residuals are scaled by (point + this): short waits err in minutes, long ones in proportion. */
export const RESIDUAL_PAD_MIN = 5;
/** Calibrated range: these quantiles of today's residuals (under-promise is the costlier side). */
const CAL_LOW = 0.1;
const CAL_HIGH = 0.93;
/** Fewer residuals than this: the simulation's own spread, widened (it leaves out what it cannot see). */
export const MIN_RESIDUALS = 30;
const UNCAL_WIDEN = 1.6;
/** Usable range: high − low ≤ max(WIDTH_MIN, WIDTH_SHARE × point). */
export const WIDTH_MIN = 10;
export const WIDTH_SHARE = 0.6;
const MIN = 60_000;

export interface SimCounter {
  id: string;
  serviceIds: string[];
  state: 'open' | 'paused' | 'closed';
  stateSince: number;
  /** The call in progress: its service and when it was first called (null = idle). */
  current: { serviceId: string; calledAt: number } | null;
  /** Today's expected pauses, opening and closing (absent: none known). */
  plan?: DayPlan;
}

export interface SimStep {
  id: string;
  serviceId: string;
  priority: boolean;
  orderKey: number;
  enqueuedAt: number;
}

/** The queue as the estimator needs it, built by the caller from the office state. */
export interface QueueView {
  now: number;
  policy: { normalPerPriority: number | null; maxWaitMin: number | null };
  normalsSincePriority: number;
  counters: SimCounter[];
  waiting: SimStep[];
  /** Counter time per call today (ms, most recent last) per service. */
  samples: Map<string, number[]>;
  /** Default service time (minutes) per service. */
  defaultMin: Map<string, number>;
  /** Queue-jumping arrivals per minute per service: priority tickets, transfers put at the front. */
  priorityRate: Map<string, number>;
  frontRate: Map<string, number>;
  /**
   * Today's own errors: for tickets already called whose estimate was made by this method,
   * (actual wait − point) ÷ (point + RESIDUAL_PAD_MIN), most recent last. They calibrate the range.
   */
  residuals: number[];
}

export type ForwardResult =
  | { ok: true; lowMin: number; highMin: number; pointMin: number; openCounters: number; waitsMin: number[] }
  | { ok: false; reason: 'NO_OPEN_COUNTER'; openCounters: 0 };

/** Seeded PRNG: the same state and seed always give the same estimate. */
export const rng = mulberry32;

export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function gaussian(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

type Sampler = (r: () => number) => number;

function samplerFor(view: QueueView, serviceId: string): Sampler {
  const s = view.samples.get(serviceId);
  if (s && s.length >= MIN_SAMPLES) return (r) => s[Math.floor(r() * s.length)]!;
  const mean = ((view.defaultMin.get(serviceId) ?? 5) + WALK_MIN) * MIN;
  const sigma2 = Math.log(1 + DEFAULT_CV * DEFAULT_CV);
  const mu = Math.log(mean) - sigma2 / 2;
  const sigma = Math.sqrt(sigma2);
  return (r) => Math.exp(mu + sigma * gaussian(r));
}

/** Time left of a call in progress that has lasted `elapsed`: a draw conditioned on being longer. */
function remaining(sample: Sampler, r: () => number, elapsed: number): number {
  for (let i = 0; i < 12; i++) {
    const s = sample(r);
    if (s > elapsed) return s - elapsed;
  }
  return Math.max(30_000, 0.25 * sample(r));
}

interface Q {
  /** Waiting steps sorted by order key; `head` is the next index. */
  items: SimStep[];
  head: number;
}

function sorted(items: SimStep[]): Q {
  return { items: items.sort((a, b) => a.orderKey - b.orderKey || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), head: 0 };
}

const TARGET_ID = '\u0000target';

/**
 * The wait (from `view.now`) until `target` is called, over RUNS runs. `target` is a waiting step
 * of the view (by id) or a newcomer not yet in it.
 */
export function forwardEstimate(view: QueueView, target: SimStep, seed: number, runs = RUNS): ForwardResult {
  const now = view.now;
  const counters = view.counters.filter((c) => c.serviceIds.length > 0 && (c.state !== 'closed' || (c.plan?.openAt && c.plan.openAt.at > now)));
  const openForTarget = counters.filter((c) => c.state === 'open' && c.serviceIds.includes(target.serviceId)).length;
  if (openForTarget === 0) return { ok: false, reason: 'NO_OPEN_COUNTER', openCounters: 0 };

  // Only the services connected to the target's through shared counters matter.
  const relevant = new Set([target.serviceId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of counters) {
      if (!c.serviceIds.some((s) => relevant.has(s))) continue;
      for (const s of c.serviceIds) if (!relevant.has(s)) { relevant.add(s); grew = true; }
    }
  }
  const svcList = [...relevant];
  const svcIndex = new Map(svcList.map((s, i) => [s, i]));
  const simCounters = counters.filter((c) => c.serviceIds.some((s) => relevant.has(s)));
  const samplers = svcList.map((s) => samplerFor(view, s));
  const prioRate = svcList.map((s) => view.priorityRate.get(s) ?? 0);
  const frontRate = svcList.map((s) => view.frontRate.get(s) ?? 0);
  const isTargetExisting = view.waiting.some((w) => w.id === target.id);
  const tgt: SimStep = isTargetExisting ? target : { ...target, id: TARGET_ID };
  const basePrio: SimStep[][] = svcList.map(() => []);
  const baseNormal: SimStep[][] = svcList.map(() => []);
  // Steps put at the front (transfers, holds back): ahead by order key, but their wait for the
  // maximum-wait rule counts from when they came in, so a long-waiting queue goes before them.
  const baseFront: SimStep[][] = svcList.map(() => []);
  for (const w of view.waiting) {
    const i = svcIndex.get(w.serviceId);
    if (i === undefined) continue;
    (w.priority ? basePrio : w.orderKey < w.enqueuedAt ? baseFront : baseNormal)[i]!.push(w);
  }
  if (!isTargetExisting) (tgt.priority ? basePrio : baseNormal)[svcIndex.get(tgt.serviceId)!]!.push(tgt);
  const prioTemplate = basePrio.map((l) => sorted(l).items);
  const normalTemplate = baseNormal.map((l) => sorted(l).items);
  const frontTemplate = baseFront.map((l) => sorted(l).items);
  const maxWaitMs = view.policy.maxWaitMin === null ? null : view.policy.maxWaitMin * MIN;
  const ratio = view.policy.normalPerPriority;
  const counterSvc = simCounters.map((c) => c.serviceIds.filter((s) => relevant.has(s)).map((s) => svcIndex.get(s)!));

  let queued = 0;
  for (const l of basePrio) queued += l.length;
  for (const l of baseNormal) queued += l.length;
  for (const l of baseFront) queued += l.length;
  runs = Math.min(runs, Math.max(MIN_RUNS, Math.floor(PICK_BUDGET / Math.max(1, queued))));
  const r = rng(seed);
  const waits: number[] = [];
  // A guard against a queue that never empties (it cannot, but an estimate must always return).
  const maxPicks = view.waiting.length * 4 + 2000;
  for (let run = 0; run < runs; run++) {
    const prio: Q[] = prioTemplate.map((items) => ({ items: items.slice(), head: 0 }));
    const normal: Q[] = normalTemplate.map((items) => ({ items: items.slice(), head: 0 }));
    const front: SimStep[][] = frontTemplate.map((items) => items.slice());
    // Next queue-jumping arrival per service (Poisson).
    const nextPrio = prioRate.map((rate) => (rate > 0 ? now - Math.log(1 - r()) / rate * MIN : Infinity));
    const nextFront = frontRate.map((rate) => (rate > 0 ? now - Math.log(1 - r()) / rate * MIN : Infinity));
    let arrivalSeq = 0;
    const admit = (t: number) => {
      for (let i = 0; i < svcList.length; i++) {
        while (nextPrio[i]! <= t) {
          const at = nextPrio[i]!;
          insertSorted(prio[i]!, { id: `~p${arrivalSeq++}`, serviceId: svcList[i]!, priority: true, orderKey: at, enqueuedAt: at });
          nextPrio[i] = at - Math.log(1 - r()) / prioRate[i]! * MIN;
        }
        while (nextFront[i]! <= t) {
          const at = nextFront[i]!;
          // Put at the front: before every normal ticket waiting then.
          const q = normal[i]!;
          const f = front[i]!;
          const key = Math.min(f.length ? f[0]!.orderKey : at, q.head < q.items.length ? q.items[q.head]!.orderKey : at) - 1;
          f.unshift({ id: `~f${arrivalSeq++}`, serviceId: svcList[i]!, priority: false, orderKey: key, enqueuedAt: at });
          nextFront[i] = at - Math.log(1 - r()) / frontRate[i]! * MIN;
        }
      }
    };
    // This run's day plan: which usual pauses, openings and closings happen (drawn with their probability).
    const pauses = simCounters.map((c) => {
      const out: { from: number; to: number }[] = [];
      if (c.state !== 'open' || !c.plan) return out;
      for (const w of c.plan.pauses) if (w.to > now && now < w.from + SKIP_AFTER_MIN * MIN && r() < w.p) out.push(w);
      return out;
    });
    const closeAt = simCounters.map((c) => (c.plan?.closeAt && c.plan.closeAt.at > now && r() < c.plan.closeAt.p ? c.plan.closeAt.at : Infinity));
    const freeAt = simCounters.map((c) => {
      if (c.state === 'closed') return c.plan!.openAt!.at > now && r() < c.plan!.openAt!.p ? c.plan!.openAt!.at : Infinity;
      if (c.state === 'paused') {
        // Paused inside a usual window: back at its end; otherwise after a lunch-length pause.
        const w = c.plan?.pauses.find((x) => x.from - SKIP_AFTER_MIN * MIN <= now && now < x.to);
        return w ? Math.max(now + MIN, w.to) : Math.max(now + MIN, c.stateSince + PAUSE_RETURN_MIN * MIN);
      }
      if (!c.current) return now;
      const i = svcIndex.get(c.current.serviceId);
      const sample = i === undefined ? samplers[0]! : samplers[i]!;
      return now + remaining(sample, r, Math.max(0, now - c.current.calledAt));
    });
    let normalsSince = view.normalsSincePriority;
    let result = Infinity;
    for (let picks = 0; picks < maxPicks; picks++) {
      let k = -1;
      for (let j = 0; j < freeAt.length; j++) if (freeAt[j]! < Infinity && (k < 0 || freeAt[j]! < freeAt[k]!)) k = j;
      if (k < 0) break;
      const t = freeAt[k]!;
      if (t >= closeAt[k]!) {
        freeAt[k] = Infinity;
        continue;
      }
      const pause = pauses[k]!.find((w) => w.from <= t && t < w.to);
      if (pause) {
        freeAt[k] = pause.to;
        continue;
      }
      admit(t);
      const step = takeFor(counterSvc[k]!, prio, normal, front, t, maxWaitMs, ratio, normalsSince);
      if (!step) {
        // Idle until the next queue-jumping arrival for one of its services (none → done for this run).
        let next = Infinity;
        for (const i of counterSvc[k]!) next = Math.min(next, nextPrio[i]!, nextFront[i]!);
        freeAt[k] = next > t ? next : t + MIN;
        continue;
      }
      if (step.priority) normalsSince = 0;
      else normalsSince++;
      if (step.id === tgt.id) {
        result = t - now;
        break;
      }
      freeAt[k] = t + samplers[svcIndex.get(step.serviceId)!]!(r);
    }
    waits.push(result === Infinity ? NaN : result / MIN);
  }
  const ok = waits.filter((w) => Number.isFinite(w)).sort((a, b) => a - b);
  if (ok.length === 0) return { ok: false, reason: 'NO_OPEN_COUNTER', openCounters: 0 };
  const q = (p: number) => {
    const h = (ok.length - 1) * p;
    const lo = Math.floor(h);
    return ok[lo]! + (h - lo) * ((ok[Math.min(lo + 1, ok.length - 1)] ?? ok[lo]!) - ok[lo]!);
  };
  const p50 = q(0.5);
  // The point is the simulation's median. The range spans the simulation's own 10th–90th
  // percentile, widened (it leaves out what it cannot see); once today has MIN_RESIDUALS called
  // tickets estimated by this method, it also spans their 10th–93rd percentile error scaled to this
  // wait (split-conformal calibration on today's own errors), whichever reaches further.
  const point = p50;
  let low = p50 - UNCAL_WIDEN * (p50 - q(QUANTILE_LOW)) - 1;
  let high = p50 + UNCAL_WIDEN * (q(QUANTILE_HIGH) - p50) + 2;
  if (view.residuals.length >= MIN_RESIDUALS) {
    const z = [...view.residuals].sort((a, b) => a - b);
    const scale = p50 + RESIDUAL_PAD_MIN;
    low = Math.min(low, p50 + quantile(z, CAL_LOW) * scale);
    high = Math.max(high, p50 + quantile(z, CAL_HIGH) * scale);
  }
  const { lowMin, highMin, pointMin } = shapeRange(low, point, high);
  return { ok: true, lowMin, highMin, pointMin, openCounters: openForTarget, waitsMin: ok };
}

function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

function insertSorted(q: Q, s: SimStep): void {
  let i = q.items.length;
  while (i > q.head && q.items[i - 1]!.orderKey > s.orderKey) i--;
  q.items.splice(i, 0, s);
}

/**
 * The office's call policy (policy.ts, rule 6) on the counter's queues: the step it calls, taken
 * out of its queue. Maximum wait first (the longest waiting, front steps by when they came in),
 * then priority with the N:1 ratio, then the smallest order key.
 */
function takeFor(svcs: number[], prio: Q[], normal: Q[], front: SimStep[][], t: number, maxWaitMs: number | null, ratio: number | null, normalsSince: number): SimStep | null {
  let bestP: Q | null = null;
  let bestN: Q | null = null;
  let bestF = -1;
  let overdueQ: Q | null = null;
  let overdueF: [number, number] | null = null;
  let overdueAt = Infinity;
  const limit = maxWaitMs === null ? -Infinity : t - maxWaitMs;
  for (const i of svcs) {
    const p = prio[i]!;
    const n = normal[i]!;
    const f = front[i]!;
    const ph = p.head < p.items.length ? p.items[p.head]! : null;
    const nh = n.head < n.items.length ? n.items[n.head]! : null;
    if (ph && (!bestP || ph.orderKey < bestP.items[bestP.head]!.orderKey)) bestP = p;
    if (nh && (!bestN || nh.orderKey < bestN.items[bestN.head]!.orderKey)) bestN = n;
    if (f.length && (bestF < 0 || f[0]!.orderKey < front[bestF]![0]!.orderKey)) bestF = i;
    if (maxWaitMs !== null) {
      if (ph && ph.enqueuedAt <= limit && ph.enqueuedAt < overdueAt) { overdueQ = p; overdueF = null; overdueAt = ph.enqueuedAt; }
      if (nh && nh.enqueuedAt <= limit && nh.enqueuedAt < overdueAt) { overdueQ = n; overdueF = null; overdueAt = nh.enqueuedAt; }
      // Each step put at the front goes before the earlier ones: the last is the one that came in first.
      const x = f.length - 1;
      if (x >= 0 && f[x]!.enqueuedAt <= limit && f[x]!.enqueuedAt < overdueAt) { overdueQ = null; overdueF = [i, x]; overdueAt = f[x]!.enqueuedAt; }
    }
  }
  const fromQ = (q: Q) => q.items[q.head++]!;
  if (overdueF) return front[overdueF[0]]!.splice(overdueF[1], 1)[0]!;
  if (overdueQ) return fromQ(overdueQ);
  // The normal side's next: a front step or the normal queue's head, whichever has the smaller order key.
  const nextNormal = (): SimStep | null => {
    if (bestF >= 0 && (!bestN || front[bestF]![0]!.orderKey < bestN.items[bestN.head]!.orderKey)) return front[bestF]!.shift()!;
    return bestN ? fromQ(bestN) : null;
  };
  if (!bestP) return nextNormal();
  if (!bestN && bestF < 0) return fromQ(bestP);
  if (ratio !== null && normalsSince < ratio) return nextNormal();
  return fromQ(bestP);
}

/**
 * Whole minutes around the point: low rounded down, high up; when wider than
 * max(WIDTH_MIN, WIDTH_SHARE × point), narrowed about the point keeping its skew.
 */
export function shapeRange(lowIn: number, pointIn: number, highIn: number): { lowMin: number; highMin: number; pointMin: number } {
  const pointMin = Math.round(Math.max(0, pointIn) * 10) / 10;
  let low = Math.max(0, Math.min(lowIn, pointMin));
  let high = Math.max(highIn, pointMin);
  const cap = Math.floor(Math.max(WIDTH_MIN, WIDTH_SHARE * pointMin) + 1e-9);
  if (high - low > cap) {
    // Too wide to be useful: narrowed about the point, keeping its skew.
    const f = cap / (high - low);
    low = pointMin - (pointMin - low) * f;
    high = pointMin + (high - pointMin) * f;
  }
  let lowMin = Math.max(0, Math.floor(low));
  let highMin = Math.max(Math.ceil(high), lowMin + 1);
  // Rounding outwards may add a minute too many: give it back on the side with more room.
  while (highMin - lowMin > cap) {
    if (low - lowMin > highMin - high && lowMin < pointMin) lowMin += 1;
    else highMin -= 1;
  }
  return { lowMin, highMin, pointMin };
}
