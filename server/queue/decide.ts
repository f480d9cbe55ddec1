import { AppError } from '../../common/errors.js';
import { formatTicketNumber, parseTicketNumber, type AnyCommand, type Command } from '../../common/schemas.js';
import type { ActorRole, Counter, CounterLive, Step, Ticket } from '../../common/types.js';
import { estimateAtIssue, toRecorded } from './estimate.js';
import { nextNumber } from './numbering.js';
import { orderKeyFor, pickNext } from './policy.js';
import { liveOf, type DomainEvent, type OfficeState } from './state.js';
import { businessDay, endOfBusinessDay } from './time.js';
import { officeToday, receptionOpen } from '../calendar/reception.js';
import { serviceOpen } from '../calendar/service-hours.js';
import { afterServed, closePickups, decidePlan, decideProcessing, decideReady, journeyLegs, pickupPending } from '../visits/journey.js';

export interface Actor {
  role: ActorRole | 'system';
  staffId: string | null;
  deviceId: string | null;
}

export interface DecideContext {
  now: number;
  actor: Actor;
  newId: () => string;
  newToken: () => string;
}

export interface Decision {
  events: DomainEvent[];
  ticketId?: string;
  stepId?: string;
  counterId?: string;
}

const isManager = (a: Actor) => a.role === 'supervisor' || a.role === 'admin' || a.role === 'system';

/** Validates a command against the state and returns the events it causes; throws AppError. */
export function decide(state: OfficeState, cmd: AnyCommand, ctx: DecideContext): Decision {
  switch (cmd.name) {
    case 'ticket:issue':
      return issue(state, cmd.payload, ctx);
    case 'counter:open':
      return openCounter(state, cmd.payload.counterId, ctx);
    case 'counter:pause':
    case 'counter:resume':
    case 'counter:close':
      return counterState(state, cmd.name, cmd.payload.counterId, ctx);
    case 'counter:call-next':
      return callNext(state, cmd.payload.counterId, ctx);
    case 'counter:call':
      return callSpecific(state, cmd.payload, ctx);
    case 'counter:recall':
    case 'counter:no-show':
    case 'counter:start':
    case 'counter:done':
    case 'counter:hold':
      return currentStepAction(state, cmd.name, cmd.payload.counterId, ctx);
    case 'counter:transfer':
      return transfer(state, cmd.payload, ctx);
    case 'counter:return': {
      const { counter, step } = currentStep(state, cmd.payload.counterId, ctx, ['called', 'serving']);
      const orderKey = orderKeyFor(state, step.serviceId, cmd.payload.position, ctx.now);
      return { events: [{ type: 'step.requeued', at: ctx.now, stepId: step.id, orderKey, reason: 'returned' }], stepId: step.id, ticketId: step.ticketId, counterId: counter.id };
    }
    case 'step:resume':
      return resume(state, cmd.payload, ctx);
    case 'step:move': {
      const step = findStep(state, cmd.payload.stepId);
      if (step.state !== 'waiting' && step.state !== 'held') throw new AppError('TICKET_NOT_WAITING', { state: step.state });
      const next = nextStep(state, step, cmd.payload.serviceId, cmd.payload.position, ctx);
      return { events: [{ type: 'step.transferred', at: ctx.now, stepId: step.id, next }], stepId: next.id, ticketId: step.ticketId };
    }
    case 'ticket:cancel': {
      const ticket = state.tickets.get(cmd.payload.ticketId);
      if (!ticket) throw new AppError('TICKET_NOT_FOUND');
      const step = activeStepOf(state, ticket.id);
      // A 交付 stage still pending (issue 16) ends with the visit.
      const pickup: DomainEvent[] = pickupPending(ticket.pickup) ? [{ type: 'pickup.closed', at: ctx.now, ticketId: ticket.id, reason: 'cancelled' }] : [];
      if (!step && pickup.length) return { events: pickup, ticketId: ticket.id };
      if (!step) throw new AppError('INVALID_TRANSITION', { reason: 'ticket already finished' });
      return { events: [{ type: 'step.ended', at: ctx.now, stepId: step.id, outcome: 'cancelled' }, ...pickup], stepId: step.id, ticketId: ticket.id, counterId: step.counterId ?? undefined };
    }
    case 'office:close-day':
      return closeDay(state, ctx.now, businessDay(ctx.now, state.office.timezone));
    // Whole visits (issue 16): server/visits/journey.ts
    case 'ticket:plan':
      return decidePlan(state, cmd.payload, ctx, activeStepOf);
    case 'counter:processing': {
      const { counter, step } = currentStep(state, cmd.payload.counterId, ctx, ['called', 'serving']);
      return decideProcessing(state, step, counter.id, ctx, newStep);
    }
    case 'ticket:ready':
      return decideReady(state, cmd.payload, ctx, activeStepOf, newStep);
  }
}

function issue(state: OfficeState, p: Command<'ticket:issue'>, ctx: DecideContext): Decision {
  // A journey (issue 16): the first leg is the ticket's service, the rest its plan.
  const [firstLeg, ...plan] = journeyLegs(state, p, ctx.actor.role === 'kiosk');
  const service = state.services.get(firstLeg!);
  if (!service) throw new AppError('SERVICE_NOT_FOUND');
  const fromKiosk = ctx.actor.role === 'kiosk';
  if (!service.active || (fromKiosk && !service.kioskVisible)) throw new AppError('SERVICE_INACTIVE');
  if (fromKiosk && !receptionOpen(state.office, ctx.now)) throw new AppError('OUTSIDE_HOURS', { today: officeToday(state.office, ctx.now) });
  if (fromKiosk && !serviceOpen(state.office, service, ctx.now)) throw new AppError('OUTSIDE_HOURS', { today: officeToday(state.office, ctx.now), serviceHours: service.hours });
  if (p.priority && fromKiosk && !(state.office.kioskPriority && service.priorityAllowed)) {
    throw new AppError('INVALID_INPUT', { field: 'priority' }, 'この用件では優先受付を選べません。');
  }
  const day = businessDay(ctx.now, state.office.timezone);
  const issued = state.issuedCount.get(`${day}|${service.id}`) ?? 0;
  if (service.dailyCap !== null && issued >= service.dailyCap) throw new AppError('DAILY_CAP_REACHED');
  const seq = state.numbering.get(`${day}|${service.prefix}`);
  const next = nextNumber({ start: service.numberStart, end: service.numberEnd }, seq?.last ?? null, seq?.used ?? new Set());
  if (!next.ok) throw new AppError(next.reason);
  const ticket: Ticket = {
    id: ctx.newId(),
    officeId: state.office.id,
    businessDay: day,
    prefix: service.prefix,
    number: next.number,
    display: formatTicketNumber(service.prefix, next.number),
    priority: p.priority,
    priorityReason: p.priority ? p.priorityReason : null,
    lang: p.lang,
    issuedAt: ctx.now,
    token: ctx.newToken(),
    deviceId: ctx.actor.deviceId,
    ...(plan.length ? { plan } : {}),
  };
  const step = newStep(ticket.id, state.office.id, 1, service.id, ctx.now, orderKeyFor(state, service.id, 'back', ctx.now), null, ctx);
  // The estimate the resident is shown is recorded in the event (issue 13), computed before the ticket joins the queue.
  const estimate = toRecorded(estimateAtIssue(state, service.id, ticket.priority, ctx.now));
  return { events: [{ type: 'ticket.issued', at: ctx.now, ticket, step, estimate }], ticketId: ticket.id, stepId: step.id };
}

export function newStep(ticketId: string, officeId: string, seq: number, serviceId: string, at: number, orderKey: number, fromStepId: string | null, ctx: DecideContext): Step {
  return {
    id: ctx.newId(), ticketId, officeId, seq, serviceId, state: 'waiting', enqueuedAt: at, orderKey,
    firstCalledAt: null, lastCalledAt: null, callCount: 0, startedAt: null, endedAt: null, outcome: null,
    counterId: null, clerkId: null, callReason: null, fromStepId,
  };
}

function nextStep(state: OfficeState, from: Step, serviceId: string, position: 'front' | 'back', ctx: DecideContext): Step {
  if (!state.services.has(serviceId)) throw new AppError('SERVICE_NOT_FOUND');
  if (serviceId === from.serviceId) throw new AppError('SAME_SERVICE');
  const seq = (state.stepsByTicket.get(from.ticketId)?.length ?? 0) + 1;
  return newStep(from.ticketId, from.officeId, seq, serviceId, ctx.now, orderKeyFor(state, serviceId, position, ctx.now), from.id, ctx);
}

function findCounter(state: OfficeState, counterId: string): { counter: Counter; live: CounterLive } {
  const counter = state.counters.get(counterId);
  if (!counter || !counter.active) throw new AppError('COUNTER_NOT_FOUND');
  return { counter, live: liveOf(state, counterId) };
}

/** A clerk acts only at the counter they are signed in to; supervisors and admins anywhere. */
function assertAtCounter(live: CounterLive, ctx: DecideContext): void {
  if (isManager(ctx.actor)) return;
  if (ctx.actor.role !== 'clerk' || live.clerkId !== ctx.actor.staffId) throw new AppError('FORBIDDEN', { reason: 'not signed in to this counter' }, 'この窓口にサインインしていません。');
}

function findStep(state: OfficeState, stepId: string): Step {
  const step = state.steps.get(stepId);
  if (!step) throw new AppError('TICKET_NOT_FOUND');
  return step;
}

export function activeStepOf(state: OfficeState, ticketId: string): Step | null {
  const ids = state.stepsByTicket.get(ticketId) ?? [];
  for (const id of ids) {
    const s = state.steps.get(id);
    if (s && s.state !== 'ended') return s;
  }
  return null;
}

function openCounter(state: OfficeState, counterId: string, ctx: DecideContext): Decision {
  const { counter, live } = findCounter(state, counterId);
  const staffId = ctx.actor.staffId;
  if (ctx.actor.role === 'clerk' && live.clerkId && live.clerkId !== staffId && live.state !== 'closed') throw new AppError('COUNTER_OCCUPIED');
  // Moving counters: the clerk's other counter must not be serving someone.
  if (staffId) {
    for (const other of state.live.values()) {
      if (other.counterId !== counterId && other.clerkId === staffId && other.currentStepId) throw new AppError('COUNTER_BUSY', { counterId: other.counterId });
    }
  }
  const clerkId = isManager(ctx.actor) && live.clerkId && live.state !== 'closed' ? live.clerkId : staffId;
  if (live.state === 'open' && live.clerkId === clerkId) return { events: [], counterId: counter.id };
  return { events: [{ type: 'counter.opened', at: ctx.now, counterId: counter.id, clerkId }], counterId: counter.id };
}

function counterState(state: OfficeState, name: 'counter:pause' | 'counter:resume' | 'counter:close', counterId: string, ctx: DecideContext): Decision {
  const { counter, live } = findCounter(state, counterId);
  assertAtCounter(live, ctx);
  const at = ctx.now;
  if (name === 'counter:pause') {
    if (live.state === 'paused') return { events: [], counterId };
    if (live.state !== 'open') throw new AppError('COUNTER_NOT_OPEN');
    if (live.currentStepId) throw new AppError('COUNTER_BUSY');
    return { events: [{ type: 'counter.paused', at, counterId: counter.id }], counterId };
  }
  if (name === 'counter:resume') {
    if (live.state === 'open') return { events: [], counterId };
    if (live.state !== 'paused') throw new AppError('COUNTER_NOT_OPEN');
    return { events: [{ type: 'counter.resumed', at, counterId: counter.id }], counterId };
  }
  if (live.state === 'closed') return { events: [], counterId };
  if (live.currentStepId) throw new AppError('COUNTER_BUSY');
  return { events: [{ type: 'counter.closed', at, counterId: counter.id, by: ctx.actor.staffId }], counterId };
}

function readyToCall(state: OfficeState, counterId: string, ctx: DecideContext): { counter: Counter; live: CounterLive } {
  const found = findCounter(state, counterId);
  assertAtCounter(found.live, ctx);
  if (found.live.state !== 'open') throw new AppError('COUNTER_NOT_OPEN');
  if (found.live.currentStepId) throw new AppError('COUNTER_BUSY');
  return found;
}

function callNext(state: OfficeState, counterId: string, ctx: DecideContext): Decision {
  const { counter, live } = readyToCall(state, counterId, ctx);
  const pick = pickNext(state, counter, ctx.now);
  if (!pick) throw new AppError('NO_TICKET_WAITING');
  return {
    events: [{ type: 'step.called', at: ctx.now, stepId: pick.step.id, counterId: counter.id, clerkId: live.clerkId ?? ctx.actor.staffId, reason: pick.reason }],
    stepId: pick.step.id, ticketId: pick.step.ticketId, counterId: counter.id,
  };
}

function callSpecific(state: OfficeState, p: Command<'counter:call'>, ctx: DecideContext): Decision {
  const { counter, live } = readyToCall(state, p.counterId, ctx);
  const parsed = parseTicketNumber(p.number);
  if (!parsed) throw new AppError('INVALID_INPUT', { field: 'number' });
  const day = businessDay(ctx.now, state.office.timezone);
  let ticket: Ticket | undefined;
  for (const t of state.tickets.values()) if (t.businessDay === day && t.prefix === parsed.prefix && t.number === parsed.number) ticket = t;
  if (!ticket) throw new AppError('TICKET_NOT_FOUND');
  const step = activeStepOf(state, ticket.id);
  if (!step) throw new AppError('TICKET_NOT_WAITING');
  if (step.state === 'called' || step.state === 'serving') throw new AppError('TICKET_ALREADY_CALLED');
  // A held ticket belongs to the counter that held it (a supervisor moves it with step:move or resume).
  if (step.state === 'held' && step.counterId && step.counterId !== counter.id) throw new AppError('HELD_BY_OTHER_COUNTER', { counterId: step.counterId });
  if (!counter.serviceIds.includes(step.serviceId)) throw new AppError('SERVICE_NOT_AT_COUNTER');
  return {
    events: [{ type: 'step.called', at: ctx.now, stepId: step.id, counterId: counter.id, clerkId: live.clerkId ?? ctx.actor.staffId, reason: 'specific' }],
    stepId: step.id, ticketId: ticket.id, counterId: counter.id,
  };
}

export function currentStep(state: OfficeState, counterId: string, ctx: DecideContext, allowed: Step['state'][]): { counter: Counter; live: CounterLive; step: Step } {
  const { counter, live } = findCounter(state, counterId);
  assertAtCounter(live, ctx);
  if (!live.currentStepId) throw new AppError('COUNTER_IDLE');
  const step = state.steps.get(live.currentStepId);
  if (!step) throw new AppError('COUNTER_IDLE');
  if (!allowed.includes(step.state)) throw new AppError('INVALID_TRANSITION', { state: step.state });
  return { counter, live, step };
}

function currentStepAction(state: OfficeState, name: 'counter:recall' | 'counter:no-show' | 'counter:start' | 'counter:done' | 'counter:hold', counterId: string, ctx: DecideContext): Decision {
  const at = ctx.now;
  const allowed: Step['state'][] = name === 'counter:done' || name === 'counter:hold' ? ['called', 'serving'] : ['called'];
  const { counter, step } = currentStep(state, counterId, ctx, allowed);
  const refs = { stepId: step.id, ticketId: step.ticketId, counterId: counter.id };
  switch (name) {
    case 'counter:recall':
      return { events: [{ type: 'step.recalled', at, stepId: step.id, counterId: counter.id }], ...refs };
    case 'counter:no-show':
      if (step.callCount - 1 < state.office.policy.recallsBeforeNoShow) throw new AppError('NO_SHOW_TOO_EARLY', { recallsNeeded: state.office.policy.recallsBeforeNoShow });
      return { events: [{ type: 'step.ended', at, stepId: step.id, outcome: 'no_show' }], ...refs };
    case 'counter:start':
      return { events: [{ type: 'step.started', at, stepId: step.id }], ...refs };
    case 'counter:done':
      // A journey's next leg (or the ready 交付 step) is enqueued by the same command (issue 16).
      return { events: [{ type: 'step.ended', at, stepId: step.id, outcome: 'served' }, ...afterServed(state, step, ctx, newStep)], ...refs };
    case 'counter:hold':
      return { events: [{ type: 'step.held', at, stepId: step.id, counterId: counter.id }], ...refs };
  }
}

/**
 * Resume a held step. The clerk at the holding counter calls it straight back there (the resident
 * returns to the clerk who started the procedure; reason `resumed`), so no other counter's
 * call-next can take it. A supervisor elsewhere releases it to its queue (`position`, default
 * front), where any counter serving the service may call it. Anyone else: HELD_BY_OTHER_COUNTER.
 */
function resume(state: OfficeState, p: Command<'step:resume'>, ctx: DecideContext): Decision {
  const step = findStep(state, p.stepId);
  if (step.state !== 'held') throw new AppError('INVALID_TRANSITION', { state: step.state });
  const holding = step.counterId ? state.live.get(step.counterId) : undefined;
  const atHolding = !!holding && holding.state !== 'closed' && ctx.actor.staffId !== null && holding.clerkId === ctx.actor.staffId;
  if (atHolding) {
    const { counter, live } = readyToCall(state, holding.counterId, ctx);
    return {
      events: [{ type: 'step.called', at: ctx.now, stepId: step.id, counterId: counter.id, clerkId: live.clerkId ?? ctx.actor.staffId, reason: 'resumed' }],
      stepId: step.id, ticketId: step.ticketId, counterId: counter.id,
    };
  }
  if (!isManager(ctx.actor)) throw new AppError('HELD_BY_OTHER_COUNTER', { counterId: step.counterId });
  const orderKey = orderKeyFor(state, step.serviceId, p.position, ctx.now);
  return { events: [{ type: 'step.requeued', at: ctx.now, stepId: step.id, orderKey, reason: 'resumed' }], stepId: step.id, ticketId: step.ticketId };
}

function transfer(state: OfficeState, p: Command<'counter:transfer'>, ctx: DecideContext): Decision {
  const { counter, step } = currentStep(state, p.counterId, ctx, ['called', 'serving']);
  const next = nextStep(state, step, p.serviceId, p.position, ctx);
  return { events: [{ type: 'step.transferred', at: ctx.now, stepId: step.id, next }], stepId: next.id, ticketId: step.ticketId, counterId: counter.id };
}

/**
 * Close of day: every step still open on `day` or earlier ends as "unserved at close", and every
 * counter closes. A day closed after it ended (server was down) is stamped at its last instant.
 */
export function closeDay(state: OfficeState, now: number, day: string): Decision {
  const stepIds: string[] = [];
  for (const s of state.steps.values()) {
    if (s.state === 'ended') continue;
    const t = state.tickets.get(s.ticketId);
    if (t && t.businessDay <= day) stepIds.push(s.id);
  }
  const counterIds = [...state.live.values()].filter((l) => l.state !== 'closed' || l.currentStepId || l.clerkId).map((l) => l.counterId);
  const at = Math.min(now, endOfBusinessDay(day, state.office.timezone));
  const pickups = closePickups(state, day, at); // 交付 stages still pending (issue 16)
  if (stepIds.length === 0 && counterIds.length === 0) return { events: pickups };
  return { events: [{ type: 'day.closed', at, businessDay: day, stepIds, counterIds }, ...pickups] };
}
