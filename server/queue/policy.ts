import type { CallReason, Counter, Step } from '../../common/types.js';
import { MINUTE_MS } from './clock.js';
import { waitingCountOf, waitingOf } from './openSteps.js';
import type { OfficeState } from './state.js';

/**
 * The call policy (rule 6), stated once:
 *  1. Maximum-wait guarantee: if any candidate has waited at least `maxWaitMin`, the one waiting
 *     longest is called (reason `max_wait`).
 *  2. Priority tickets before normal ones (reason `priority`) — unless a ratio is set and fewer
 *     than `normalPerPriority` normal tickets were called since the last priority one, in which
 *     case the oldest normal goes (reason `ratio`).
 *  3. Otherwise the earliest enqueued (smallest order key) among all services the counter serves
 *     (reason `fifo`); ties go to the counter's earlier service, then to the step id.
 */
export interface Pick {
  step: Step;
  reason: CallReason;
}

export function isPriority(state: OfficeState, step: Step): boolean {
  return state.tickets.get(step.ticketId)?.priority ?? false;
}

/** Queue order within a set of steps: priority, then order key, then service order, then id. */
export function compareQueue(state: OfficeState, serviceRank: (serviceId: string) => number) {
  return (a: Step, b: Step): number => {
    const pa = isPriority(state, a) ? 0 : 1;
    const pb = isPriority(state, b) ? 0 : 1;
    if (pa !== pb) return pa - pb;
    return compareFifo(a, b, serviceRank);
  };
}

function compareFifo(a: Step, b: Step, serviceRank: (serviceId: string) => number): number {
  if (a.orderKey !== b.orderKey) return a.orderKey - b.orderKey;
  const ra = serviceRank(a.serviceId);
  const rb = serviceRank(b.serviceId);
  if (ra !== rb) return ra - rb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function candidatesFor(state: OfficeState, counter: Counter): Step[] {
  const served = new Set(counter.serviceIds);
  const out: Step[] = [];
  for (const id of served) for (const s of waitingOf(state, id)) out.push(s);
  return out;
}

/** The smallest element under a total order: what `[...xs].sort(cmp)[0]` gives, in one pass. */
function first<T>(xs: T[], cmp: (a: T, b: T) => number): T | undefined {
  let best: T | undefined;
  for (const x of xs) if (best === undefined || cmp(x, best) < 0) best = x;
  return best;
}

export function pickNext(state: OfficeState, counter: Counter, now: number): Pick | null {
  const candidates = candidatesFor(state, counter);
  if (candidates.length === 0) return null;
  const rank = (id: string) => {
    const i = counter.serviceIds.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const fifo = (a: Step, b: Step) => compareFifo(a, b, rank);
  const policy = state.office.policy;

  if (policy.maxWaitMin !== null) {
    const limit = policy.maxWaitMin * MINUTE_MS;
    const overdue = candidates.filter((s) => now - s.enqueuedAt >= limit);
    // Issue 17: the first of each list by a one-pass minimum instead of a sort (same total orders, same pick).
    if (overdue.length > 0) return { step: first(overdue, (a, b) => a.enqueuedAt - b.enqueuedAt || fifo(a, b))!, reason: 'max_wait' };
  }

  const priority = first(candidates.filter((s) => isPriority(state, s)), fifo);
  const normal = first(candidates.filter((s) => !isPriority(state, s)), fifo);
  if (!priority) return { step: normal!, reason: 'fifo' };
  if (!normal) return { step: priority, reason: 'priority' };
  const ratio = policy.normalPerPriority;
  if (ratio !== null && state.normalsSincePriority < ratio) return { step: normal, reason: 'ratio' };
  return { step: priority, reason: 'priority' };
}

/** Waiting steps of one service in the order they would be called (no counter preference). */
export function serviceQueue(state: OfficeState, serviceId: string): Step[] {
  return waitingOf(state, serviceId).sort(compareQueue(state, () => 0));
}

/**
 * Where a step stands in its service's queue (0 = next): the same as its index in
 * `serviceQueue(state, serviceId)`, 0 when it is not waiting there, counted in one pass without
 * sorting the whole queue (issuing a ticket needs it for the estimate, on every issue).
 */
export function queuePosition(state: OfficeState, serviceId: string, stepId: string): number {
  const step = state.steps.get(stepId);
  if (!step || step.state !== 'waiting' || step.serviceId !== serviceId) return 0;
  // compareQueue(state, () => 0)(s, step) < 0, with the step's own priority looked up once.
  const mine = isPriority(state, step);
  let n = 0;
  for (const s of waitingOf(state, serviceId)) {
    if (s === step) continue;
    const theirs = isPriority(state, s);
    if (theirs !== mine) {
      if (theirs) n += 1;
    } else if (s.orderKey < step.orderKey || (s.orderKey === step.orderKey && s.id < step.id)) n += 1;
  }
  return n;
}

/** How many steps wait for a service: `serviceQueue(state, serviceId).length` without sorting. */
export function waitingCount(state: OfficeState, serviceId: string): number {
  return waitingCountOf(state, serviceId);
}

/** Order key for a step put at the front or back of a service's queue. */
export function orderKeyFor(state: OfficeState, serviceId: string, position: 'front' | 'back', now: number): number {
  if (position === 'back') return Math.max(now, state.maxOrderKey + 1);
  let min = now;
  for (const s of waitingOf(state, serviceId)) if (s.orderKey < min) min = s.orderKey;
  return min - 1;
}
