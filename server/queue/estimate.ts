import type { RecordedEstimate, WaitEstimate } from '../../common/types.js';
import { FORWARD_METHOD, forwardEstimate, hashSeed, RUNS, shapeRange, type QueueView } from '../estimate/forward.js';
import { queueView } from '../estimate/view.js';
import { MINUTE_MS } from './clock.js';
import { waitingCountOf, waitingOf } from './openSteps.js';
import { queuePosition } from './policy.js';
import { liveOf, type OfficeState } from './state.js';

/** Round down / up to 5 minutes: an honest range, not a false point. */
const floor5 = (m: number) => Math.max(0, Math.floor(m / 5) * 5);
const ceil5 = (m: number) => Math.max(5, Math.ceil(m / 5) * 5);

export function meanServiceMin(state: OfficeState, serviceId: string): number {
  const recent = state.recentServiceMs.get(serviceId);
  const fallback = state.services.get(serviceId)?.defaultServiceMin ?? 5;
  if (!recent || recent.length < 3) return fallback;
  return recent.reduce((a, b) => a + b, 0) / recent.length / MINUTE_MS;
}

export function openCountersFor(state: OfficeState, serviceId: string): number {
  let n = 0;
  for (const c of state.counters.values()) {
    if (!c.active || !c.serviceIds.includes(serviceId)) continue;
    if (liveOf(state, c.id).state === 'open') n += 1;
  }
  return n;
}

/**
 * Baseline estimate: `ahead` people share the open counters serving the service, each taking the
 * recent mean service time. The range widens with uncertainty: ±20% of the queue time, plus half
 * a service for whoever is at the counter now.
 */
export const BASELINE_METHOD = 'baseline/1';

export function estimateWait(state: OfficeState, serviceId: string, ahead: number): WaitEstimate {
  const openCounters = openCountersFor(state, serviceId);
  if (openCounters === 0) return { ahead, lowMin: null, highMin: null, openCounters, pointMin: null, method: BASELINE_METHOD, reason: 'NO_OPEN_COUNTER' };
  const mean = meanServiceMin(state, serviceId);
  const point = (ahead * mean) / openCounters;
  return { ahead, lowMin: floor5(point * 0.8), highMin: ceil5(point * 1.2 + mean / 2), openCounters, pointMin: Math.round(point * 10) / 10, method: BASELINE_METHOD, reason: null };
}

/** People a newly issued ticket would have ahead of it: every waiting step of the service, or only the priority ones for a priority ticket. */
export function aheadAtIssue(state: OfficeState, serviceId: string, priority: boolean): number {
  // Issue 17: one service's queue (server/queue/openSteps.ts), not every step of the day.
  if (!priority) return waitingCountOf(state, serviceId);
  let n = 0;
  for (const s of waitingOf(state, serviceId)) if (state.tickets.get(s.ticketId)?.priority) n += 1;
  return n;
}

/**
 * Which estimator issues estimates: the forward simulation (default) or today's formula
 * ('baseline', `MADOGUCHI_ESTIMATOR=baseline`): a switch to measure what the estimator costs
 * (bench/throughput.bench.ts) and a fallback, recorded with its method id like any other.
 */
export type EstimatorMode = 'queue-sim' | 'baseline';
let estimatorMode: EstimatorMode = process.env.MADOGUCHI_ESTIMATOR === 'baseline' ? 'baseline' : 'queue-sim';
export function setEstimatorMode(mode: EstimatorMode): EstimatorMode {
  const before = estimatorMode;
  estimatorMode = mode;
  return before;
}

/**
 * The estimate for a resident who takes a ticket now (the kiosk's service list, and the ticket being
 * issued — computed before it joins the queue): a forward simulation of the queue (server/estimate/).
 * Seeded by service, priority and minute, so the list and the ticket issued in the same minute agree.
 */
export function estimateAtIssue(state: OfficeState, serviceId: string, priority: boolean, now: number, view?: QueueView | (() => QueueView), runs?: number): WaitEstimate {
  const ahead = aheadAtIssue(state, serviceId, priority);
  if (estimatorMode === 'baseline') return estimateWait(state, serviceId, ahead);
  const openCounters = openCountersFor(state, serviceId);
  if (openCounters === 0) return noEstimate(ahead);
  // Kept per office while the minute and every counter's state and current call stay the same
  // (issues only add to the back of queues): the same queue gets the same estimate (the kiosk list
  // and the ticket agree), and the next resident of a long queue is estimated from that
  // simulation, moved by the time each person ahead adds in it. The list's 12-run estimates are
  // not reused for a ticket. So a burst of issues
  // costs one simulation per service, not one each (the throughput bench, docs/OPERATIONS.md).
  const sig = issueSignature(state, now);
  let cache = issueCache.get(state);
  if (!cache || cache.sig !== sig) issueCache.set(state, (cache = { sig, byKey: new Map() }));
  const key = `${serviceId}|${priority ? 1 : 0}`;
  const want = runs ?? RUNS;
  const hit = cache.byKey.get(key);
  if (hit && hit.runs >= want && (ahead === hit.est.ahead || (hit.est.ahead >= REUSE_MIN_AHEAD && ahead > hit.est.ahead))) return shifted(hit.est, ahead, openCounters);
  const v = typeof view === 'function' ? view() : view ?? queueView(state, now);
  const target = { id: '', serviceId, priority, orderKey: Math.max(now, state.maxOrderKey + 1), enqueuedAt: now };
  const est = fromForward(forwardEstimate(v, target, hashSeed(`${serviceId}|${priority ? 1 : 0}|${Math.floor(now / MINUTE_MS)}`), runs), ahead, openCounters);
  if (est.pointMin !== null && est.pointMin !== undefined && (!hit || hit.est.ahead !== ahead || want >= hit.runs)) cache.byKey.set(key, { est, runs: want });
  return est;
}

/** A simulation is reused only for queues this long (short ones are cheap, and not linear: idle counters). */
const REUSE_MIN_AHEAD = 10;
const issueCache = new WeakMap<OfficeState, { sig: string; byKey: Map<string, { est: WaitEstimate; runs: number }> }>();

/** What a newcomer's estimate depends on besides the queue's length: the minute and each counter's state and call. */
function issueSignature(state: OfficeState, now: number): string {
  let sig = String(Math.floor(now / MINUTE_MS));
  for (const c of state.counters.values()) {
    const l = liveOf(state, c.id);
    sig += `|${c.id}:${l.state}:${l.currentStepId ?? ''}`;
  }
  return sig;
}

/** A cached newcomer estimate for `ahead` people ahead: moved by the mean time per person ahead in its simulation. */
function shifted(e: WaitEstimate, ahead: number, openCounters: number): WaitEstimate {
  const d = ahead - e.ahead;
  if (d === 0) return { ...e, openCounters };
  const per = e.pointMin! / (e.ahead + 1);
  const r = shapeRange(e.lowMin! + d * per, e.pointMin! + d * per, e.highMin! + d * per);
  return { ...e, ahead, openCounters, lowMin: r.lowMin, highMin: r.highMin, pointMin: r.pointMin };
}

/** The estimate for a step waiting now (the phone page behind the QR code, updated as the queue moves). */
export function estimateForStep(state: OfficeState, stepId: string, now: number, view?: QueueView): WaitEstimate | null {
  const step = state.steps.get(stepId);
  if (!step || step.state !== 'waiting') return null;
  const ahead = queuePosition(state, step.serviceId, step.id);
  const openCounters = openCountersFor(state, step.serviceId);
  if (openCounters === 0) return noEstimate(ahead);
  const v = view ?? queueView(state, now);
  const priority = state.tickets.get(step.ticketId)?.priority ?? false;
  const target = { id: step.id, serviceId: step.serviceId, priority, orderKey: step.orderKey, enqueuedAt: step.enqueuedAt };
  return fromForward(forwardEstimate(v, target, hashSeed(`${step.id}|${Math.floor(now / MINUTE_MS)}`)), ahead, openCounters);
}

function noEstimate(ahead: number): WaitEstimate {
  return { ahead, lowMin: null, highMin: null, openCounters: 0, pointMin: null, method: FORWARD_METHOD, reason: 'NO_OPEN_COUNTER' };
}

function fromForward(r: ReturnType<typeof forwardEstimate>, ahead: number, openCounters: number): WaitEstimate {
  if (!r.ok) return noEstimate(ahead);
  return { ahead, lowMin: r.lowMin, highMin: r.highMin, openCounters, pointMin: r.pointMin, method: FORWARD_METHOD, reason: null };
}

export function toRecorded(e: WaitEstimate): RecordedEstimate {
  return { lowMin: e.lowMin, highMin: e.highMin, pointMin: e.pointMin ?? null, method: e.method ?? BASELINE_METHOD, ahead: e.ahead };
}

/** A recorded estimate as the client reads it (the counters open now are looked up, not stored). */
export function fromRecorded(state: OfficeState, serviceId: string, r: RecordedEstimate): WaitEstimate {
  return { ahead: r.ahead, lowMin: r.lowMin, highMin: r.highMin, pointMin: r.pointMin, method: r.method, openCounters: openCountersFor(state, serviceId), reason: r.lowMin === null ? 'NO_OPEN_COUNTER' : null };
}

/**
 * The phone page's estimate, cached per office state, version and minute: hundreds of phones
 * following their tickets cost one simulation per ticket per change (or minute), not per request.
 */
const stepCache = new WeakMap<OfficeState, { key: string; view: QueueView; byStep: Map<string, WaitEstimate | null> }>();
export function cachedEstimateForStep(state: OfficeState, version: number, stepId: string, now: number): WaitEstimate | null {
  const key = `${version}|${Math.floor(now / MINUTE_MS)}`;
  let c = stepCache.get(state);
  if (!c || c.key !== key) stepCache.set(state, (c = { key, view: queueView(state, now), byStep: new Map() }));
  if (!c.byStep.has(stepId)) c.byStep.set(stepId, estimateForStep(state, stepId, now, c.view));
  return c.byStep.get(stepId)!;
}
