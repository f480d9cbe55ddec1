import type { CounterSchedule } from '../../common/types.js';
import type { OfficeState } from '../queue/state.js';
import { liveOf } from '../queue/state.js';
import { businessDay } from '../queue/time.js';
import { FORWARD_METHOD, RESIDUAL_PAD_MIN, type QueueView, type SimCounter, type SimStep } from './forward.js';
import { planForDay, type DayPlan } from './schedule.js';

/**
 * Where an office's counter schedule comes from (the engine attaches the learned one,
 * server/estimate/history.ts; an explicit day plan can be attached the same way). Asked once per
 * business day; the answer is kept until the day changes.
 */
export type ScheduleSource = (day: string) => CounterSchedule | null;
const schedules = new WeakMap<OfficeState, { source: ScheduleSource; day: string | null; plans: Map<string, DayPlan> }>();

export function attachSchedule(state: OfficeState, source: ScheduleSource): void {
  schedules.set(state, { source, day: null, plans: new Map() });
}

/** Today's plan per counter for this office (empty when no schedule is attached or known). */
export function dayPlans(state: OfficeState, now: number): Map<string, DayPlan> {
  const s = schedules.get(state);
  if (!s) return new Map();
  const day = businessDay(now, state.office.timezone);
  if (s.day !== day) {
    const schedule = s.source(day);
    s.day = day;
    s.plans = schedule ? planForDay(schedule, day, state.office.timezone) : new Map();
  }
  return s.plans;
}

/** Counter time of calls that ended this long ago or less feeds the estimate (today's calls, in practice). */
const SAMPLE_HORIZON_MS = 12 * 3_600_000;
const SAMPLE_WINDOW = 40;
const RATE_WINDOW_MS = 60 * 60_000;
const RATE_MIN_WINDOW_MIN = 15;
/** Today's most recent called tickets whose errors calibrate the range. */
const RESIDUAL_WINDOW = 150;

/**
 * The estimator's view of an office at `now`, read from the domain state in one pass over its
 * steps: counters with what they serve and are doing, the waiting steps, each service's recent
 * counter time per call (first call → end, so walks, recalls and no-shows are in it), and the rates
 * of arrivals that jump the queue (priority tickets; transfers put at the front).
 */
export function queueView(state: OfficeState, now: number): QueueView {
  const counters: SimCounter[] = [];
  const plans = dayPlans(state, now);
  for (const c of state.counters.values()) {
    if (!c.active) continue;
    const l = liveOf(state, c.id);
    const cur = l.currentStepId ? state.steps.get(l.currentStepId) : undefined;
    counters.push({
      id: c.id, serviceIds: c.serviceIds, state: l.state, stateSince: l.stateSince,
      current: cur && (cur.state === 'called' || cur.state === 'serving') ? { serviceId: cur.serviceId, calledAt: cur.firstCalledAt ?? cur.lastCalledAt ?? now } : null,
      ...(plans.has(c.id) ? { plan: plans.get(c.id)! } : {}),
    });
  }
  const waiting: SimStep[] = [];
  const ended = new Map<string, [number, number][]>();
  const priorityCount = new Map<string, number>();
  const frontCount = new Map<string, number>();
  const since = now - RATE_WINDOW_MS;
  const residuals: [number, number][] = [];
  let firstIssue = now;
  for (const s of state.steps.values()) {
    if (s.seq === 1 && s.enqueuedAt >= since && s.enqueuedAt < firstIssue) firstIssue = s.enqueuedAt;
    const priority = state.tickets.get(s.ticketId)?.priority ?? false;
    if (s.state === 'waiting') waiting.push({ id: s.id, serviceId: s.serviceId, priority, orderKey: s.orderKey, enqueuedAt: s.enqueuedAt });
    if (s.enqueuedAt >= since && s.enqueuedAt <= now) {
      if (s.seq === 1 && priority) priorityCount.set(s.serviceId, (priorityCount.get(s.serviceId) ?? 0) + 1);
      else if (s.fromStepId !== null && s.orderKey < s.enqueuedAt) frontCount.set(s.serviceId, (frontCount.get(s.serviceId) ?? 0) + 1);
    }
    const e = s.estimate;
    if (e && e.pointMin !== null && e.method === FORWARD_METHOD && s.firstCalledAt !== null && s.firstCalledAt <= now && s.firstCalledAt >= now - SAMPLE_HORIZON_MS) {
      residuals.push([s.firstCalledAt, ((s.firstCalledAt - s.enqueuedAt) / 60_000 - e.pointMin) / (e.pointMin + RESIDUAL_PAD_MIN)]);
    }
    if (s.state === 'ended' && s.firstCalledAt !== null && s.endedAt !== null && s.endedAt <= now && s.endedAt >= now - SAMPLE_HORIZON_MS
      && (s.outcome === 'served' || s.outcome === 'transferred' || s.outcome === 'no_show')) {
      let list = ended.get(s.serviceId);
      if (!list) ended.set(s.serviceId, (list = []));
      list.push([s.endedAt, s.endedAt - s.firstCalledAt]);
    }
  }
  const samples = new Map<string, number[]>();
  for (const [sid, list] of ended) {
    list.sort((a, b) => a[0] - b[0]);
    samples.set(sid, list.slice(-SAMPLE_WINDOW).map((x) => x[1]));
  }
  // Rates over the last hour, or over the time since today's first ticket when that is shorter (the opening rush).
  const windowMin = Math.max(RATE_MIN_WINDOW_MIN, Math.min(RATE_WINDOW_MS, now - firstIssue) / 60_000);
  const perMin = (m: Map<string, number>) => new Map([...m].map(([k, n]) => [k, n / windowMin]));
  return {
    now,
    policy: state.office.policy,
    normalsSincePriority: state.normalsSincePriority,
    counters,
    waiting,
    samples,
    defaultMin: new Map([...state.services.values()].map((s) => [s.id, s.defaultServiceMin])),
    priorityRate: perMin(priorityCount),
    frontRate: perMin(frontCount),
    residuals: residuals.sort((a, b) => a[0] - b[0]).slice(-RESIDUAL_WINDOW).map((r) => r[1]),
  };
}
