import type { CallReason, Counter, CounterLive, Office, Outcome, RecordedEstimate, Service, Step, Ticket } from '../../common/types.js';
import { noteStep } from './openSteps.js';
import { applyVisitEvent, visitEventRefs, type VisitEvent } from '../visits/journey.js';

/**
 * Domain events (rule 5). The reducer below is the only code that changes ticket, step and
 * counter state: the live engine applies it after each command, and a replay of the stored
 * events through it rebuilds the stored state exactly.
 */
export type DomainEvent =
  | { type: 'ticket.issued'; at: number; ticket: Ticket; step: Step; /** What the resident was shown (absent in events before issue 13). */ estimate?: RecordedEstimate }
  | { type: 'step.called'; at: number; stepId: string; counterId: string; clerkId: string | null; reason: CallReason }
  | { type: 'step.recalled'; at: number; stepId: string; counterId: string }
  | { type: 'step.started'; at: number; stepId: string }
  | { type: 'step.ended'; at: number; stepId: string; outcome: Exclude<Outcome, 'transferred' | 'unserved'> }
  | { type: 'step.transferred'; at: number; stepId: string; next: Step }
  | { type: 'step.requeued'; at: number; stepId: string; orderKey: number; reason: 'returned' | 'resumed' }
  /** `counterId`: the holding counter (the step keeps it while held; only that counter's clerk or a supervisor resumes it). Absent in events before it was recorded: the step's own counter. */
  | { type: 'step.held'; at: number; stepId: string; counterId?: string }
  | { type: 'counter.opened'; at: number; counterId: string; clerkId: string | null }
  | { type: 'counter.paused'; at: number; counterId: string }
  | { type: 'counter.resumed'; at: number; counterId: string }
  /** `by`: the staff member who closed it (absent in older events). */
  | { type: 'counter.closed'; at: number; counterId: string; by?: string | null }
  | { type: 'day.closed'; at: number; businessDay: string; stepIds: string[]; counterIds: string[] }
  /** Journeys and the 交付 stage (issue 16, server/visits/journey.ts). */
  | VisitEvent;

export type EventType = DomainEvent['type'];

/** An event as stored: with its id (office version), actor and the command that caused it. */
export interface StoredEvent {
  id: number;
  officeId: string;
  at: number;
  type: EventType;
  staffId: string | null;
  deviceId: string | null;
  counterId: string | null;
  ticketId: string | null;
  stepId: string | null;
  commandId: string | null;
  data: DomainEvent;
}

export interface OfficeState {
  office: Office;
  services: Map<string, Service>;
  counters: Map<string, Counter>;
  live: Map<string, CounterLive>;
  tickets: Map<string, Ticket>;
  steps: Map<string, Step>;
  /** Steps of each ticket in order. */
  stepsByTicket: Map<string, string[]>;
  /** `${day}|${prefix}` → last number and numbers issued that day. */
  numbering: Map<string, { last: number; used: Set<number> }>;
  /** `${day}|${serviceId}` → tickets issued that day for the service (daily cap). */
  issuedCount: Map<string, number>;
  /** Normal calls since the last priority call (for the ratio policy). */
  normalsSincePriority: number;
  /** Recent service durations per service, newest last (estimates). */
  recentServiceMs: Map<string, number[]>;
  /** Largest order key given so far: "back of the queue" is after it, so tickets issued in the same millisecond keep their issue order. */
  maxOrderKey: number;
  /** Who closed each counter last, from `counter.closed` events seen since the office was loaded (null: unknown or the system). */
  closedBy: Map<string, string | null>;
}

export const RECENT_SERVICE_WINDOW = 30;

export function createState(office: Office, services: Service[], counters: Counter[], live: CounterLive[] = []): OfficeState {
  const state: OfficeState = {
    office,
    services: new Map(services.map((s) => [s.id, s])),
    counters: new Map(counters.map((c) => [c.id, c])),
    live: new Map(),
    tickets: new Map(),
    steps: new Map(),
    stepsByTicket: new Map(),
    numbering: new Map(),
    issuedCount: new Map(),
    normalsSincePriority: 0,
    recentServiceMs: new Map(),
    maxOrderKey: 0,
    closedBy: new Map(),
  };
  for (const c of counters) state.live.set(c.id, { counterId: c.id, state: 'closed', clerkId: null, currentStepId: null, stateSince: 0 });
  for (const l of live) state.live.set(l.counterId, { ...l });
  return state;
}

export function liveOf(state: OfficeState, counterId: string): CounterLive {
  let l = state.live.get(counterId);
  if (!l) {
    l = { counterId, state: 'closed', clerkId: null, currentStepId: null, stateSince: 0 };
    state.live.set(counterId, l);
  }
  return l;
}

/** Add a ticket with its steps to the indexes (used by the reducer and by loading). */
export function indexTicket(state: OfficeState, ticket: Ticket): void {
  state.tickets.set(ticket.id, ticket);
  const key = `${ticket.businessDay}|${ticket.prefix}`;
  let n = state.numbering.get(key);
  if (!n) {
    n = { last: ticket.number, used: new Set() };
    state.numbering.set(key, n);
  }
  n.used.add(ticket.number);
  n.last = ticket.number;
}

export function indexStep(state: OfficeState, step: Step, countIssue: boolean): void {
  state.steps.set(step.id, step);
  noteStep(state, step); // issue 17: per-service index of open steps (server/queue/openSteps.ts)
  if (step.orderKey > state.maxOrderKey) state.maxOrderKey = step.orderKey;
  const list = state.stepsByTicket.get(step.ticketId) ?? [];
  if (!list.includes(step.id)) list.push(step.id);
  state.stepsByTicket.set(step.ticketId, list);
  if (countIssue) {
    const ticket = state.tickets.get(step.ticketId);
    if (ticket) {
      const key = `${ticket.businessDay}|${step.serviceId}`;
      state.issuedCount.set(key, (state.issuedCount.get(key) ?? 0) + 1);
    }
  }
}

function recordServiceTime(state: OfficeState, step: Step): void {
  if (step.startedAt === null || step.endedAt === null) return;
  const list = state.recentServiceMs.get(step.serviceId) ?? [];
  list.push(step.endedAt - step.startedAt);
  if (list.length > RECENT_SERVICE_WINDOW) list.shift();
  state.recentServiceMs.set(step.serviceId, list);
}

function mustStep(state: OfficeState, id: string): Step {
  const s = state.steps.get(id);
  if (!s) throw new Error(`replay: unknown step ${id}`);
  return s;
}

function freeCounterOf(state: OfficeState, step: Step): void {
  if (!step.counterId) return;
  const l = state.live.get(step.counterId);
  if (l && l.currentStepId === step.id) l.currentStepId = null;
}

/** Entities an event touched, so the store writes exactly those rows. */
export interface Touched {
  tickets: Set<string>;
  steps: Set<string>;
  counters: Set<string>;
}

export function newTouched(): Touched {
  return { tickets: new Set(), steps: new Set(), counters: new Set() };
}

/** The reducer. Mutates `state`; records what it touched. */
export function applyEvent(state: OfficeState, e: DomainEvent, touched: Touched = newTouched()): Touched {
  switch (e.type) {
    case 'ticket.issued': {
      indexTicket(state, { ...e.ticket });
      indexStep(state, e.estimate ? { ...e.step, estimate: { ...e.estimate } } : { ...e.step }, true);
      touched.tickets.add(e.ticket.id);
      touched.steps.add(e.step.id);
      break;
    }
    case 'step.called': {
      const s = mustStep(state, e.stepId);
      const l = liveOf(state, e.counterId);
      s.state = 'called';
      s.counterId = e.counterId;
      s.clerkId = e.clerkId;
      s.firstCalledAt ??= e.at;
      s.lastCalledAt = e.at;
      s.callCount += 1;
      s.callReason = e.reason;
      l.currentStepId = s.id;
      // A held step called back to its counter was counted when first called (as on load).
      if (e.reason !== 'resumed') {
        const ticket = state.tickets.get(s.ticketId);
        if (ticket?.priority) state.normalsSincePriority = 0;
        else state.normalsSincePriority += 1;
      }
      touched.steps.add(s.id);
      touched.counters.add(e.counterId);
      break;
    }
    case 'step.recalled': {
      const s = mustStep(state, e.stepId);
      s.lastCalledAt = e.at;
      s.callCount += 1;
      touched.steps.add(s.id);
      break;
    }
    case 'step.started': {
      const s = mustStep(state, e.stepId);
      s.state = 'serving';
      s.startedAt = e.at;
      touched.steps.add(s.id);
      break;
    }
    case 'step.ended': {
      const s = mustStep(state, e.stepId);
      if (e.outcome === 'served' && s.startedAt === null) s.startedAt = s.firstCalledAt ?? e.at;
      s.state = 'ended';
      s.endedAt = e.at;
      s.outcome = e.outcome;
      if (s.counterId) touched.counters.add(s.counterId);
      freeCounterOf(state, s);
      if (e.outcome === 'served') recordServiceTime(state, s);
      touched.steps.add(s.id);
      break;
    }
    case 'step.transferred': {
      const s = mustStep(state, e.stepId);
      if (s.startedAt === null && s.firstCalledAt !== null) s.startedAt = s.firstCalledAt;
      s.state = 'ended';
      s.endedAt = e.at;
      s.outcome = 'transferred';
      if (s.counterId) touched.counters.add(s.counterId);
      freeCounterOf(state, s);
      indexStep(state, { ...e.next }, false);
      touched.steps.add(s.id);
      touched.steps.add(e.next.id);
      break;
    }
    case 'step.requeued': {
      const s = mustStep(state, e.stepId);
      if (s.counterId) touched.counters.add(s.counterId);
      freeCounterOf(state, s);
      s.state = 'waiting';
      s.orderKey = e.orderKey;
      if (e.orderKey > state.maxOrderKey) state.maxOrderKey = e.orderKey;
      touched.steps.add(s.id);
      break;
    }
    case 'step.held': {
      const s = mustStep(state, e.stepId);
      if (s.counterId) touched.counters.add(s.counterId);
      freeCounterOf(state, s);
      s.state = 'held';
      if (e.counterId) s.counterId = e.counterId;
      touched.steps.add(s.id);
      break;
    }
    case 'counter.opened': {
      const l = liveOf(state, e.counterId);
      // A clerk is at one counter at a time: opening here signs them out elsewhere.
      if (e.clerkId) {
        for (const other of state.live.values()) {
          if (other.counterId !== e.counterId && other.clerkId === e.clerkId) {
            if (other.state !== 'closed') state.closedBy.set(other.counterId, e.clerkId);
            other.clerkId = null;
            other.state = 'closed';
            other.stateSince = e.at;
            touched.counters.add(other.counterId);
          }
        }
      }
      l.state = 'open';
      l.clerkId = e.clerkId;
      state.closedBy.delete(e.counterId);
      l.stateSince = e.at;
      touched.counters.add(e.counterId);
      break;
    }
    case 'counter.paused':
    case 'counter.resumed': {
      const l = liveOf(state, e.counterId);
      l.state = e.type === 'counter.paused' ? 'paused' : 'open';
      l.stateSince = e.at;
      touched.counters.add(e.counterId);
      break;
    }
    case 'counter.closed': {
      const l = liveOf(state, e.counterId);
      l.state = 'closed';
      l.clerkId = null;
      l.stateSince = e.at;
      state.closedBy.set(e.counterId, e.by ?? null);
      touched.counters.add(e.counterId);
      break;
    }
    case 'day.closed': {
      for (const id of e.stepIds) {
        const s = mustStep(state, id);
        if (s.state === 'ended') continue;
        if (s.firstCalledAt !== null && s.startedAt === null) s.startedAt = s.firstCalledAt;
        s.state = 'ended';
        s.endedAt = e.at;
        s.outcome = 'unserved';
        touched.steps.add(s.id);
      }
      for (const id of e.counterIds) {
        const l = liveOf(state, id);
        l.state = 'closed';
        l.clerkId = null;
        l.currentStepId = null;
        l.stateSince = e.at;
        state.closedBy.set(id, null);
        touched.counters.add(id);
      }
      break;
    }
    case 'journey.planned':
    case 'journey.advanced':
    case 'pickup.processing':
    case 'pickup.ready':
    case 'pickup.closed':
      applyVisitEvent(state, e, touched);
      break;
    default: {
      const never: never = e;
      throw new Error(`unknown event ${(never as { type: string }).type}`);
    }
  }
  return touched;
}

/** Ids an event concerns, for the stored envelope and indexes. */
export function eventRefs(state: OfficeState, e: DomainEvent): { ticketId: string | null; stepId: string | null; counterId: string | null } {
  switch (e.type) {
    case 'ticket.issued':
      return { ticketId: e.ticket.id, stepId: e.step.id, counterId: null };
    case 'step.called':
    case 'step.recalled':
      return { ticketId: state.steps.get(e.stepId)?.ticketId ?? null, stepId: e.stepId, counterId: e.counterId };
    case 'step.started':
    case 'step.ended':
    case 'step.transferred':
    case 'step.requeued':
    case 'step.held': {
      const s = state.steps.get(e.stepId);
      return { ticketId: s?.ticketId ?? null, stepId: e.stepId, counterId: s?.counterId ?? null };
    }
    case 'counter.opened':
    case 'counter.paused':
    case 'counter.resumed':
    case 'counter.closed':
      return { ticketId: null, stepId: null, counterId: e.counterId };
    case 'day.closed':
      return { ticketId: null, stepId: null, counterId: null };
    case 'journey.planned':
    case 'journey.advanced':
    case 'pickup.processing':
    case 'pickup.ready':
    case 'pickup.closed':
      return visitEventRefs(e);
  }
}
