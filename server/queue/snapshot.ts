import { NO_SHOW_LIST } from '../../common/types.js';
import type {
  CallRecord, NoShowRecord, PublicCounter, PublicService, PublicSnapshot, StaffCounter, StaffSnapshot, StaffStepView, Step, TicketStatus,
} from '../../common/types.js';
import { queueView } from '../estimate/view.js';
import { cachedEstimateForStep, estimateAtIssue } from './estimate.js';
import { pickNext, serviceQueue, waitingCount } from './policy.js';
import { liveOf, type OfficeState } from './state.js';
import { businessDay } from './time.js';
import { officeToday, receptionOpen } from '../calendar/reception.js';
import { serviceOpen } from '../calendar/service-hours.js';
import { journeyFields, pickupsReady, staffPickups, stepVisitFields } from '../visits/views.js';

/** Read models built from the state: the public one (no personal data) and the staff one. */

export function serviceRefusal(state: OfficeState, serviceId: string, now: number): PublicService['refusal'] {
  const s = state.services.get(serviceId);
  if (!s || !s.active) return 'SERVICE_INACTIVE';
  if (!serviceOpen(state.office, s, now)) return 'OUTSIDE_HOURS';
  const day = businessDay(now, state.office.timezone);
  if (s.dailyCap !== null && (state.issuedCount.get(`${day}|${s.id}`) ?? 0) >= s.dailyCap) return 'DAILY_CAP_REACHED';
  const seq = state.numbering.get(`${day}|${s.prefix}`);
  if (seq && seq.used.size >= s.numberEnd - s.numberStart + 1) return 'NUMBER_RANGE_EXHAUSTED';
  return null;
}

/** The service list is rebuilt with every snapshot: fewer runs there (the ticket itself gets the full estimate). */
const LIST_RUNS = 12;

function publicServices(state: OfficeState, now: number): PublicService[] {
  // Built only if a service's estimate is not kept from the last simulation (estimate.ts).
  let view: ReturnType<typeof queueView> | undefined;
  const lazyView = () => (view ??= queueView(state, now));
  return [...state.services.values()]
    .sort((a, b) => a.sortOrder - b.sortOrder || a.id.localeCompare(b.id))
    .map((s) => {
      const waiting = waitingCount(state, s.id);
      return {
        id: s.id, prefix: s.prefix, name: s.name, description: s.description, sortOrder: s.sortOrder,
        kioskVisible: s.kioskVisible, priorityAllowed: s.priorityAllowed, targetWaitMin: s.targetWaitMin, hours: s.hours ?? null,
        refusal: serviceRefusal(state, s.id, now), waiting, estimate: estimateAtIssue(state, s.id, false, now, lazyView, LIST_RUNS),
        journeyRank: s.journeyRank ?? null, pickupServiceId: s.pickupServiceId ?? null, // issue 16
      };
    });
}

function currentOf(state: OfficeState, counterId: string): PublicCounter['current'] {
  const l = liveOf(state, counterId);
  if (!l.currentStepId) return null;
  const step = state.steps.get(l.currentStepId);
  const ticket = step && state.tickets.get(step.ticketId);
  if (!step || !ticket || (step.state !== 'called' && step.state !== 'serving')) return null;
  return { display: ticket.display, serviceId: step.serviceId, state: step.state };
}

function publicCounters(state: OfficeState): PublicCounter[] {
  return [...state.counters.values()]
    .filter((c) => c.active)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.id.localeCompare(b.id))
    .map((c) => ({ id: c.id, label: c.label, name: c.name, state: liveOf(state, c.id).state, serviceIds: c.serviceIds, current: currentOf(state, c.id) }));
}

/**
 * Today's numbers called but absent (不在) whose visit has not come back (no open step since),
 * newest first: the lobby display lists them with how to return.
 */
function publicNoShows(state: OfficeState, day: string): NoShowRecord[] {
  const out: NoShowRecord[] = [];
  for (const s of state.steps.values()) {
    if (s.state !== 'ended' || s.outcome !== 'no_show') continue;
    const t = state.tickets.get(s.ticketId);
    if (!t || t.businessDay !== day) continue;
    const steps = (state.stepsByTicket.get(s.ticketId) ?? []).map((id) => state.steps.get(id));
    // A later step (returned to a queue, transferred) means the resident came back.
    if (steps.some((o) => o && o.id !== s.id && (o.state !== 'ended' || o.seq > s.seq))) continue;
    out.push({ display: t.display, serviceId: s.serviceId, counterId: s.counterId, at: s.endedAt ?? s.lastCalledAt ?? t.issuedAt });
  }
  return out.sort((a, b) => b.at - a.at).slice(0, NO_SHOW_LIST);
}

export function buildPublicSnapshot(state: OfficeState, version: number, now: number, recentCalls: CallRecord[]): PublicSnapshot {
  const o = state.office;
  return {
    kind: 'public',
    version,
    officeId: o.id,
    businessDay: businessDay(now, o.timezone),
    now,
    office: {
      id: o.id, name: o.name, timezone: o.timezone, hours: o.hours, ticker: o.ticker, announcement: o.announcement,
      kioskPriority: o.kioskPriority, acceptingNow: receptionOpen(o, now), texts: o.texts ?? {}, today: officeToday(o, now),
    },
    services: publicServices(state, now),
    counters: publicCounters(state),
    recentCalls,
    noShows: publicNoShows(state, businessDay(now, o.timezone)),
    pickupsReady: pickupsReady(state, businessDay(now, o.timezone)), // 交付 panel (issue 16)
  };
}

export function stepView(state: OfficeState, step: Step): StaffStepView {
  const t = state.tickets.get(step.ticketId);
  return { ...step, display: t?.display ?? '?', priority: t?.priority ?? false, issuedAt: t?.issuedAt ?? step.enqueuedAt, ...stepVisitFields(state, step) };
}

export function buildStaffSnapshot(
  state: OfficeState, version: number, now: number, recentCalls: CallRecord[], staffName: (id: string) => string | null,
): StaffSnapshot {
  return staffFromPublic(state, buildPublicSnapshot(state, version, now, recentCalls), version, now, staffName);
}

/**
 * Issue 17: both snapshots of one moment from ONE public build (the service list's estimates are a
 * forward simulation per service, the most expensive part of a snapshot): what a broadcast to the
 * public and staff rooms sends. The same results as buildPublicSnapshot + buildStaffSnapshot.
 */
export function buildSnapshots(
  state: OfficeState, staffVersion: number, publicVersion: number, now: number, recentCalls: CallRecord[], staffName: (id: string) => string | null,
): { public: PublicSnapshot; staff: StaffSnapshot } {
  const pub = buildPublicSnapshot(state, publicVersion, now, recentCalls);
  return { public: pub, staff: staffFromPublic(state, pub, staffVersion, now, staffName) };
}

function staffFromPublic(state: OfficeState, pub: PublicSnapshot, version: number, now: number, staffName: (id: string) => string | null): StaffSnapshot {
  const day = pub.businessDay;
  const servedBy = new Map<string, number>();
  let issuedToday = 0, servedToday = 0, noShowToday = 0;
  for (const t of state.tickets.values()) if (t.businessDay === day) issuedToday += 1;
  for (const s of state.steps.values()) {
    const t = state.tickets.get(s.ticketId);
    if (!t || t.businessDay !== day || s.state !== 'ended') continue;
    if (s.outcome === 'served') {
      servedToday += 1;
      if (s.counterId) servedBy.set(s.counterId, (servedBy.get(s.counterId) ?? 0) + 1);
    } else if (s.outcome === 'no_show') noShowToday += 1;
  }
  const waiting: StaffStepView[] = [];
  const oldestWaitMs: Record<string, number> = {};
  for (const svc of pub.services) {
    const q = serviceQueue(state, svc.id);
    if (q.length) oldestWaitMs[svc.id] = Math.max(...q.map((s) => now - s.enqueuedAt));
    for (const s of q) waiting.push(stepView(state, s));
  }
  const held = [...state.steps.values()].filter((s) => s.state === 'held').map((s) => stepView(state, s));
  const counters: StaffCounter[] = pub.counters.map((c) => {
    const l = liveOf(state, c.id);
    const step = l.currentStepId ? state.steps.get(l.currentStepId) : undefined;
    const history = step
      ? (state.stepsByTicket.get(step.ticketId) ?? []).map((id) => state.steps.get(id)!).filter((s) => s.id !== step.id).map((s) => stepView(state, s))
      : [];
    // What Space would call: the server's own policy, so the console never guesses (closed counters: none).
    const def = state.counters.get(c.id);
    const pick = def && l.state !== 'closed' ? pickNext(state, def, now) : null;
    const closer = l.state === 'closed' ? state.closedBy.get(c.id) ?? null : null;
    return {
      ...c,
      clerk: l.clerkId ? { id: l.clerkId, name: staffName(l.clerkId) ?? l.clerkId } : null,
      nextUp: pick ? { stepId: pick.step.id, display: state.tickets.get(pick.step.ticketId)?.display ?? '?', reason: pick.reason } : null,
      closedBy: closer ? { id: closer, name: staffName(closer) ?? closer } : null,
      stateSince: l.stateSince,
      currentStep: step ? stepView(state, step) : null,
      history,
      servedToday: servedBy.get(c.id) ?? 0,
    };
  });
  const { kind: _kind, counters: _c, ...rest } = pub;
  return { ...rest, version, kind: 'staff', counters, waiting, held, policy: state.office.policy, stats: { issuedToday, servedToday, noShowToday, oldestWaitMs }, pickups: staffPickups(state) };
}

/** What the phone page shows for one ticket. */
export function buildTicketStatus(state: OfficeState, ticketId: string, version: number, now: number): TicketStatus | null {
  const ticket = state.tickets.get(ticketId);
  if (!ticket) return null;
  const steps = (state.stepsByTicket.get(ticketId) ?? []).map((id) => state.steps.get(id)!).filter(Boolean);
  const active = steps.find((s) => s.state !== 'ended') ?? null;
  const last = active ?? steps.at(-1)!;
  const service = state.services.get(last.serviceId);
  // Live: the same estimator as at issue, from the queue as it stands now.
  const estimate = active?.state === 'waiting' ? cachedEstimateForStep(state, version, active.id, now) : null;
  const counter = active && (active.state === 'called' || active.state === 'serving') && active.counterId ? state.counters.get(active.counterId) : undefined;
  return {
    display: ticket.display,
    businessDay: ticket.businessDay,
    issuedAt: ticket.issuedAt,
    lang: ticket.lang,
    service: { id: last.serviceId, name: service?.name ?? { ja: last.serviceId } },
    state: active ? active.state : 'done',
    outcome: active ? null : last.outcome,
    counter: counter ? { id: counter.id, label: counter.label, name: counter.name } : null,
    estimate,
    steps: steps.map((s) => ({ serviceId: s.serviceId, state: s.state, outcome: s.outcome })),
    version,
    ...journeyFields(state, ticketId, now, estimate, version), // whole visit (issue 16)
  };
}
