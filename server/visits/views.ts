import type { JourneyLeg, PickupReadyRecord, StaffPickupView, Step, TicketStatus, WaitEstimate } from '../../common/types.js';
import { estimateAtIssue } from '../queue/estimate.js';
import type { OfficeState } from '../queue/state.js';
import { pickupState } from './journey.js';

/** Read models of whole visits (issue 16): the 交付 panel, the 作成係 list, the journey on the phone page. */

/** Numbers whose papers are ready and not yet called (the display's 交付 panel), oldest first. */
export function pickupsReady(state: OfficeState, day: string): PickupReadyRecord[] {
  const out: PickupReadyRecord[] = [];
  for (const t of state.tickets.values()) {
    if (t.businessDay !== day || !t.pickup || t.pickup.readyAt === null) continue;
    if (pickupState(state, t) === 'ready') out.push({ display: t.display, serviceId: t.pickup.serviceId, readyAt: t.pickup.readyAt });
  }
  return out.sort((a, b) => a.readyAt - b.readyAt || a.display.localeCompare(b.display));
}

/** Tickets in the 交付 stage for staff: processing (書類作成中), ready, called; oldest first. */
export function staffPickups(state: OfficeState): StaffPickupView[] {
  const out: StaffPickupView[] = [];
  for (const t of state.tickets.values()) {
    const p = t.pickup;
    if (!p) continue;
    const st = pickupState(state, t);
    if (st !== 'processing' && st !== 'ready' && st !== 'called') continue;
    const from = state.steps.get(p.fromStepId);
    out.push({ ticketId: t.id, display: t.display, fromServiceId: from?.serviceId ?? '', serviceId: p.serviceId, state: st, processingAt: p.processingAt, readyAt: p.readyAt });
  }
  return out.sort((a, b) => a.processingAt - b.processingAt || a.display.localeCompare(b.display));
}

/** Extra fields of a staff step view: the ticket's remaining legs, and whether it is the 交付 step. */
export function stepVisitFields(state: OfficeState, step: Step): { plan?: string[]; pickup?: boolean } {
  const t = state.tickets.get(step.ticketId);
  return { ...(t?.plan ? { plan: [...t.plan] } : {}), ...(t?.pickup?.stepId === step.id ? { pickup: true } : {}) };
}

/**
 * The whole journey for the phone page: the steps so far (done, current) and the legs still
 * planned with the service's present wait, then the 交付 stage when there is one.
 */
/** Planned legs' estimates, once per office version and service (hundreds of phones ask at the peak). */
const legEstimates = new WeakMap<OfficeState, { version: number; byService: Map<string, WaitEstimate> }>();
function legEstimate(state: OfficeState, version: number, serviceId: string, now: number): WaitEstimate {
  let c = legEstimates.get(state);
  if (!c || c.version !== version) legEstimates.set(state, (c = { version, byService: new Map() }));
  let e = c.byService.get(serviceId);
  if (!e) c.byService.set(serviceId, (e = estimateAtIssue(state, serviceId, false, now, undefined, 12)));
  return e;
}

export function journeyFields(state: OfficeState, ticketId: string, now: number, current: TicketStatus['estimate'], version: number): Pick<TicketStatus, 'journey' | 'pickup'> {
  const t = state.tickets.get(ticketId);
  if (!t) return {};
  const steps = (state.stepsByTicket.get(ticketId) ?? []).map((id) => state.steps.get(id)!).filter(Boolean);
  const name = (id: string) => state.services.get(id)?.name ?? { ja: id };
  const open = steps.some((s) => s.state !== 'ended');
  const legs: JourneyLeg[] = steps
    // A transferred step is one leg handed on; show the leg once, under the service it ended at.
    .filter((s) => s.outcome !== 'transferred')
    .map((s) => ({
      serviceId: s.serviceId, name: name(s.serviceId), state: s.state === 'ended' ? 'done' : 'current', outcome: s.outcome,
      estimate: s.state === 'waiting' ? current : null, ...(t.pickup?.stepId === s.id ? { pickup: true } : {}),
    }));
  const stage = pickupState(state, t);
  if (open || stage === 'processing' || stage === 'ready') {
    for (const id of t.plan ?? []) legs.push({ serviceId: id, name: name(id), state: 'planned', outcome: null, estimate: legEstimate(state, version, id, now) });
  }
  if (t.pickup && t.pickup.stepId === null && !t.pickup.closedAt) legs.push({ serviceId: t.pickup.serviceId, name: name(t.pickup.serviceId), state: 'planned', outcome: null, estimate: null, pickup: true });
  return { journey: legs, pickup: t.pickup && stage ? { state: stage, serviceId: t.pickup.serviceId, readyAt: t.pickup.readyAt } : null };
}
