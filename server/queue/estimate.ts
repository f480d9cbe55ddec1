import type { RecordedEstimate, WaitEstimate } from '../../common/types.js';
import { MINUTE_MS } from './clock.js';
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
  let n = 0;
  for (const s of state.steps.values()) {
    if (s.state !== 'waiting' || s.serviceId !== serviceId) continue;
    if (!priority || state.tickets.get(s.ticketId)?.priority) n += 1;
  }
  return n;
}

/** The estimate shown for a ticket being issued now (computed before it joins the queue). */
export function estimateAtIssue(state: OfficeState, serviceId: string, priority: boolean, _now: number): WaitEstimate {
  return estimateWait(state, serviceId, aheadAtIssue(state, serviceId, priority));
}

export function toRecorded(e: WaitEstimate): RecordedEstimate {
  return { lowMin: e.lowMin, highMin: e.highMin, pointMin: e.pointMin ?? null, method: e.method ?? BASELINE_METHOD, ahead: e.ahead };
}

/** A recorded estimate as the client reads it (the counters open now are looked up, not stored). */
export function fromRecorded(state: OfficeState, serviceId: string, r: RecordedEstimate): WaitEstimate {
  return { ahead: r.ahead, lowMin: r.lowMin, highMin: r.highMin, pointMin: r.pointMin, method: r.method, openCounters: openCountersFor(state, serviceId), reason: r.lowMin === null ? 'NO_OPEN_COUNTER' : null };
}
