import type { Step } from '../../common/types.js';
import type { OfficeState } from './state.js';

/**
 * Issue 17: an index of each service's open (not ended) steps, so the call policy, the queue
 * position, the waiting counts and the "people ahead" at issue look at one service's queue
 * instead of scanning every step the office holds today (thousands at a busy-season peak, on
 * every command and every snapshot).
 *
 * It is a SUPERSET on purpose, so it cannot go stale: a step enters when it is indexed
 * (`indexStep`, the only way a step joins the state: issue, transfer, load) and leaves lazily
 * when a reader finds it ended or no longer in the state. A step's service never changes, and an
 * ended step never reopens (a return or transfer makes a new step). Readers always re-check
 * `state === 'waiting'`, so the index changes no answer, only the cost of finding it.
 * Built from a full scan the first time a state is read; kept beside the state (WeakMap), so
 * OfficeState and every code that builds one stay as they are.
 */
const index = new WeakMap<OfficeState, Map<string, Set<Step>>>();

function build(state: OfficeState): Map<string, Set<Step>> {
  const byService = new Map<string, Set<Step>>();
  for (const s of state.steps.values()) {
    if (s.state === 'ended') continue;
    let set = byService.get(s.serviceId);
    if (!set) byService.set(s.serviceId, (set = new Set()));
    set.add(s);
  }
  index.set(state, byService);
  return byService;
}

/** Called by `indexStep` for every step that joins the state (a no-op until the index is built). */
export function noteStep(state: OfficeState, step: Step): void {
  const byService = index.get(state);
  if (!byService || step.state === 'ended') return;
  let set = byService.get(step.serviceId);
  if (!set) byService.set(step.serviceId, (set = new Set()));
  set.add(step);
}

/** The waiting steps of one service, in no particular order (callers sort or pick). */
export function waitingOf(state: OfficeState, serviceId: string): Step[] {
  const set = (index.get(state) ?? build(state)).get(serviceId);
  const out: Step[] = [];
  if (!set) return out;
  for (const s of set) {
    // Ended, pruned or replaced in the map (a reload builds a new state, hence a new index): drop it.
    if (s.state === 'ended' || state.steps.get(s.id) !== s) set.delete(s);
    else if (s.state === 'waiting') out.push(s);
  }
  return out;
}

/** How many steps wait for a service (no array). */
export function waitingCountOf(state: OfficeState, serviceId: string): number {
  const set = (index.get(state) ?? build(state)).get(serviceId);
  if (!set) return 0;
  let n = 0;
  for (const s of set) {
    if (s.state === 'ended' || state.steps.get(s.id) !== s) set.delete(s);
    else if (s.state === 'waiting') n += 1;
  }
  return n;
}
