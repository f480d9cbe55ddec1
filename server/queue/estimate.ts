import type { WaitEstimate } from '../../common/types.js';
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
export function estimateWait(state: OfficeState, serviceId: string, ahead: number): WaitEstimate {
  const openCounters = openCountersFor(state, serviceId);
  if (openCounters === 0) return { ahead, lowMin: null, highMin: null, openCounters };
  const mean = meanServiceMin(state, serviceId);
  const point = (ahead * mean) / openCounters;
  return { ahead, lowMin: floor5(point * 0.8), highMin: ceil5(point * 1.2 + mean / 2), openCounters };
}
