import { AppError } from '../../common/errors.js';
import { JOURNEY_MAX_LEGS, type Command } from '../../common/schemas.js';
import type { PickupStage, Step, Ticket } from '../../common/types.js';
import type { DecideContext, Decision } from '../queue/decide.js';
import { orderKeyFor } from '../queue/policy.js';
import { indexStep, type OfficeState, type Touched } from '../queue/state.js';

/**
 * Whole visits (issue 16), pure rules beside server/queue: journeys (several procedures on one
 * ticket, each leg a step enqueued when the previous one ends served) and the 交付 (pickup) stage
 * (受付 ends with 書類作成中, the back office marks the papers ready, a 交付 counter calls the
 * number again). No SQL, no transport; time from the decision context.
 */

export type VisitEvent =
  /** A clerk changed the remaining legs (add, remove, reorder). */
  | { type: 'journey.planned'; at: number; ticketId: string; plan: string[] }
  /** The next leg (or the 交付 step when `pickup`) enqueued at the end of the previous one; `plan`: what remains after it. */
  | { type: 'journey.advanced'; at: number; ticketId: string; next: Step; plan: string[]; pickup?: true }
  /** The 受付 step `stepId` ended with 書類作成中: the papers are being made for the pickup service `serviceId`. */
  | { type: 'pickup.processing'; at: number; ticketId: string; stepId: string; serviceId: string }
  /** The papers are ready; `next` is the 交付 step, or null when the resident is still at another leg (enqueued when that journey ends). */
  | { type: 'pickup.ready'; at: number; ticketId: string; next: Step | null }
  /** The 交付 stage ended without a pickup (ticket cancelled, or still pending at close of day). */
  | { type: 'pickup.closed'; at: number; ticketId: string; reason: 'cancelled' | 'unserved' };

export const VISIT_EVENT_TYPES = ['journey.planned', 'journey.advanced', 'pickup.processing', 'pickup.ready', 'pickup.closed'] as const;

export function isVisitEvent(e: { type: string }): e is VisitEvent {
  return (VISIT_EVENT_TYPES as readonly string[]).includes(e.type);
}

// ── reducer ──────────────────────────────────────────────────────────────────────

function mustTicket(state: OfficeState, id: string): Ticket {
  const t = state.tickets.get(id);
  if (!t) throw new Error(`replay: unknown ticket ${id}`);
  return t;
}

function setPlan(t: Ticket, plan: string[]): void {
  if (plan.length) t.plan = [...plan];
  else delete t.plan;
}

/** The reducer's cases for visit events (called from applyEvent). Copies what it keeps: events are stored after they are applied. */
export function applyVisitEvent(state: OfficeState, e: VisitEvent, touched: Touched): void {
  const t = mustTicket(state, e.ticketId);
  touched.tickets.add(t.id);
  switch (e.type) {
    case 'journey.planned':
      setPlan(t, e.plan);
      break;
    case 'journey.advanced':
      indexStep(state, { ...e.next }, false);
      touched.steps.add(e.next.id);
      setPlan(t, e.plan);
      if (e.pickup && t.pickup) t.pickup = { ...t.pickup, stepId: e.next.id };
      break;
    case 'pickup.processing':
      t.pickup = { serviceId: e.serviceId, fromStepId: e.stepId, processingAt: e.at, readyAt: null, stepId: null };
      break;
    case 'pickup.ready':
      if (!t.pickup) throw new Error(`replay: ticket ${t.id} has no pickup stage`);
      t.pickup = { ...t.pickup, readyAt: e.at, stepId: e.next ? e.next.id : null };
      if (e.next) {
        indexStep(state, { ...e.next }, false);
        touched.steps.add(e.next.id);
      }
      break;
    case 'pickup.closed':
      if (t.pickup) t.pickup = { ...t.pickup, closedAt: e.at };
      break;
  }
}

export function visitEventRefs(e: VisitEvent): { ticketId: string; stepId: string | null; counterId: null } {
  switch (e.type) {
    case 'journey.advanced':
      return { ticketId: e.ticketId, stepId: e.next.id, counterId: null };
    case 'pickup.ready':
      return { ticketId: e.ticketId, stepId: e.next?.id ?? null, counterId: null };
    case 'pickup.processing':
      return { ticketId: e.ticketId, stepId: e.stepId, counterId: null };
    default:
      return { ticketId: e.ticketId, stepId: null, counterId: null };
  }
}

// ── read helpers ─────────────────────────────────────────────────────────────────

/** A 交付 stage still waiting for its step: in processing, or ready while the resident is at another leg. */
export function pickupPending(p: PickupStage | undefined): p is PickupStage {
  return !!p && !p.closedAt && p.stepId === null;
}

/** Whether a ticket's visit goes on: an open step, or a 交付 stage not yet enqueued. */
export function ticketOpen(state: OfficeState, ticketId: string): boolean {
  const t = state.tickets.get(ticketId);
  if (!t) return false;
  if (pickupPending(t.pickup)) return true;
  return (state.stepsByTicket.get(ticketId) ?? []).some((id) => state.steps.get(id)?.state !== 'ended');
}

export function pickupState(state: OfficeState, t: Ticket): 'processing' | 'ready' | 'called' | 'done' | 'closed' | null {
  const p = t.pickup;
  if (!p) return null;
  if (p.closedAt) return 'closed';
  if (p.readyAt === null) return 'processing';
  const s = p.stepId ? state.steps.get(p.stepId) : undefined;
  if (!s || s.state === 'waiting' || s.state === 'held') return 'ready';
  if (s.state === 'called' || s.state === 'serving') return 'called';
  return 'done';
}

// ── decisions ────────────────────────────────────────────────────────────────────

type NewStep = (ticketId: string, officeId: string, seq: number, serviceId: string, at: number, orderKey: number, fromStepId: string | null, ctx: DecideContext) => Step;

function checkServices(state: OfficeState, ids: string[], opts: { combinable: boolean }): void {
  if (new Set(ids).size !== ids.length) throw new AppError('JOURNEY_NOT_ALLOWED', { reason: 'a procedure is listed twice' });
  if (ids.length > JOURNEY_MAX_LEGS) throw new AppError('JOURNEY_NOT_ALLOWED', { reason: `at most ${JOURNEY_MAX_LEGS} procedures` });
  for (const id of ids) {
    const s = state.services.get(id);
    if (!s) throw new AppError('SERVICE_NOT_FOUND', { serviceId: id });
    if (!s.active) throw new AppError('SERVICE_INACTIVE', { serviceId: id });
    if (opts.combinable && (s.journeyRank === null || s.journeyRank === undefined)) throw new AppError('JOURNEY_NOT_ALLOWED', { serviceId: id, reason: 'not combinable' });
  }
}

/**
 * The legs of a ticket issued with a plan: every service must be combinable (journeyRank set by
 * the admin). At the kiosk the office's default order applies (by rank), whatever order the
 * resident tapped; a clerk issuing at a reception desk keeps the order given.
 */
export function journeyLegs(state: OfficeState, p: Command<'ticket:issue'>, fromKiosk: boolean): string[] {
  if (!p.plan?.length) return [p.serviceId];
  const legs = [p.serviceId, ...p.plan];
  checkServices(state, legs, { combinable: true });
  if (fromKiosk) {
    const rank = (id: string) => state.services.get(id)!.journeyRank ?? 0;
    legs.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
  return legs;
}

/**
 * The events that follow a step ending served (done, or 受付 ended with 書類作成中): the next
 * planned leg enqueued at the back of its queue now — its wait is measured from this instant —
 * or, when no leg remains and the papers are ready, the 交付 step.
 */
export function afterServed(state: OfficeState, step: Step, ctx: DecideContext, newStep: NewStep): VisitEvent[] {
  const t = state.tickets.get(step.ticketId);
  if (!t) return [];
  const seq = (state.stepsByTicket.get(t.id)?.length ?? 0) + 1;
  const plan = t.plan ?? [];
  const nextService = plan.find((id) => state.services.get(id)?.active);
  if (nextService) {
    const rest = plan.slice(plan.indexOf(nextService) + 1);
    const next = newStep(t.id, t.officeId, seq, nextService, ctx.now, orderKeyFor(state, nextService, 'back', ctx.now), step.id, ctx);
    return [{ type: 'journey.advanced', at: ctx.now, ticketId: t.id, next, plan: rest }];
  }
  const p = t.pickup;
  if (pickupPending(p) && p.readyAt !== null) {
    const next = newStep(t.id, t.officeId, seq, p.serviceId, ctx.now, orderKeyFor(state, p.serviceId, 'back', ctx.now), step.id, ctx);
    return [{ type: 'journey.advanced', at: ctx.now, ticketId: t.id, next, plan: [], pickup: true }];
  }
  return [];
}

/** A clerk changes the remaining legs of a ticket whose visit is still open (any active services, like a transfer). */
export function decidePlan(state: OfficeState, p: Command<'ticket:plan'>, ctx: DecideContext, activeStepOf: (s: OfficeState, id: string) => Step | null): Decision {
  const t = state.tickets.get(p.ticketId);
  if (!t) throw new AppError('TICKET_NOT_FOUND');
  const active = activeStepOf(state, t.id);
  if (!active) throw new AppError('TICKET_FINISHED');
  checkServices(state, p.plan, { combinable: false });
  const same = (t.plan ?? []).join('|') === p.plan.join('|');
  return { events: same ? [] : [{ type: 'journey.planned', at: ctx.now, ticketId: t.id, plan: [...p.plan] }], ticketId: t.id, stepId: active.id };
}

/** The clerk ends the 受付 step with 書類作成中: served, the papers go to the back office, the journey goes on. */
export function decideProcessing(state: OfficeState, step: Step, counterId: string, ctx: DecideContext, newStep: NewStep): Decision {
  const service = state.services.get(step.serviceId);
  const pickupService = service?.pickupServiceId ? state.services.get(service.pickupServiceId) : undefined;
  if (!pickupService) throw new AppError('NO_PICKUP_STAGE');
  const t = state.tickets.get(step.ticketId)!;
  if (t.pickup && !t.pickup.closedAt && pickupState(state, t) !== 'done') throw new AppError('INVALID_TRANSITION', { reason: 'the ticket is already in a pickup stage' });
  return {
    events: [
      { type: 'step.ended', at: ctx.now, stepId: step.id, outcome: 'served' },
      { type: 'pickup.processing', at: ctx.now, ticketId: t.id, stepId: step.id, serviceId: pickupService.id },
      ...afterServed(state, step, ctx, newStep),
    ],
    stepId: step.id, ticketId: t.id, counterId,
  };
}

/** The back office marks the papers ready: the 交付 step joins the pickup queue now, or after the resident's current leg(s). */
export function decideReady(state: OfficeState, p: Command<'ticket:ready'>, ctx: DecideContext, activeStepOf: (s: OfficeState, id: string) => Step | null, newStep: NewStep): Decision {
  const t = state.tickets.get(p.ticketId);
  if (!t) throw new AppError('TICKET_NOT_FOUND');
  if (!pickupPending(t.pickup) || t.pickup.readyAt !== null) throw new AppError('NOT_PROCESSING');
  const busy = activeStepOf(state, t.id);
  const seq = (state.stepsByTicket.get(t.id)?.length ?? 0) + 1;
  const next = busy ? null : newStep(t.id, t.officeId, seq, t.pickup.serviceId, ctx.now, orderKeyFor(state, t.pickup.serviceId, 'back', ctx.now), t.pickup.fromStepId, ctx);
  return { events: [{ type: 'pickup.ready', at: ctx.now, ticketId: t.id, next }], ticketId: t.id, stepId: next?.id };
}

/** Pending 交付 stages of tickets of `day` or earlier, closed at close of day. */
export function closePickups(state: OfficeState, day: string, at: number): VisitEvent[] {
  const out: VisitEvent[] = [];
  for (const t of state.tickets.values()) if (t.businessDay <= day && pickupPending(t.pickup)) out.push({ type: 'pickup.closed', at, ticketId: t.id, reason: 'unserved' });
  return out;
}
