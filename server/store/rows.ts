import type { Counter, CounterLive, Office, Service, Step, Ticket } from '../../common/types.js';
import type { DB } from './db.js';
import { DEFAULT_CALENDAR_SETTINGS } from '../../common/calendar.js';
import { loadCalendarEntries } from '../calendar/store.js';

/** Row ⇄ object mapping and the plain queries the engine needs. */

type Row = Record<string, unknown>;
const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' && v ? (JSON.parse(v) as T) : fallback);
const bool = (v: unknown) => v === 1 || v === true;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function officeFromRow(r: Row): Office {
  return {
    id: String(r.id),
    name: json(r.name_json, { ja: String(r.id) }),
    timezone: String(r.timezone),
    hours: json(r.hours_json, null),
    policy: json(r.policy_json, { normalPerPriority: null, maxWaitMin: null, recallsBeforeNoShow: 1 }),
    kioskPriority: bool(r.kiosk_priority),
    ticker: String(r.ticker ?? ''),
    announcement: json(r.announcement_json, { ja: '', en: '', english: false }),
    texts: json(r.texts_json, {}),
    calendar: { settings: json(r.calendar_json, DEFAULT_CALENDAR_SETTINGS), entries: [] },
    ...(typeof r.notify_json === 'string' && r.notify_json !== '{}' ? { notify: json(r.notify_json, {}) } : {}),
  };
}

export function serviceFromRow(r: Row): Service {
  return {
    id: String(r.id),
    officeId: String(r.office_id),
    prefix: String(r.prefix),
    name: json(r.name_json, { ja: '' }),
    description: json(r.description_json, { ja: '' }),
    numberStart: Number(r.number_start),
    numberEnd: Number(r.number_end),
    dailyCap: numOrNull(r.daily_cap),
    targetWaitMin: Number(r.target_wait_min),
    defaultServiceMin: Number(r.default_service_min),
    sortOrder: Number(r.sort_order),
    active: bool(r.active),
    kioskVisible: bool(r.kiosk_visible),
    priorityAllowed: bool(r.priority_allowed),
    hours: r.reception_open && r.reception_close ? { open: String(r.reception_open), close: String(r.reception_close) } : null,
    journeyRank: numOrNull(r.journey_rank),
    pickupServiceId: (r.pickup_service_id as string | null | undefined) ?? null,
  };
}

export function ticketFromRow(r: Row): Ticket {
  return {
    id: String(r.id),
    officeId: String(r.office_id),
    businessDay: String(r.business_day),
    prefix: String(r.prefix),
    number: Number(r.number),
    display: String(r.display),
    priority: bool(r.priority),
    priorityReason: (r.priority_reason as string | null) ?? null,
    lang: r.lang as Ticket['lang'],
    issuedAt: Number(r.issued_at),
    token: String(r.token),
    deviceId: (r.device_id as string | null) ?? null,
    // Journey and 交付 stage (issue 16): present only when the ticket has them.
    ...(typeof r.plan_json === 'string' && r.plan_json !== '[]' ? { plan: json<string[]>(r.plan_json, []) } : {}),
    ...(typeof r.pickup_json === 'string' ? { pickup: json(r.pickup_json, null) as unknown as NonNullable<Ticket['pickup']> } : {}),
  };
}

export function stepFromRow(r: Row): Step {
  return {
    id: String(r.id),
    ticketId: String(r.ticket_id),
    officeId: String(r.office_id),
    seq: Number(r.seq),
    serviceId: String(r.service_id),
    state: r.state as Step['state'],
    enqueuedAt: Number(r.enqueued_at),
    orderKey: Number(r.order_key),
    firstCalledAt: numOrNull(r.first_called_at),
    lastCalledAt: numOrNull(r.last_called_at),
    callCount: Number(r.call_count),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    outcome: (r.outcome as Step['outcome']) ?? null,
    counterId: (r.counter_id as string | null) ?? null,
    clerkId: (r.clerk_id as string | null) ?? null,
    callReason: (r.call_reason as Step['callReason']) ?? null,
    fromStepId: (r.from_step_id as string | null) ?? null,
    ...(typeof r.est_method === 'string'
      ? { estimate: { lowMin: numOrNull(r.est_low_min), highMin: numOrNull(r.est_high_min), pointMin: numOrNull(r.est_point_min), method: r.est_method, ahead: Number(r.est_ahead ?? 0) } }
      : {}),
  };
}

export function liveFromRow(r: Row): CounterLive {
  return {
    counterId: String(r.id),
    state: r.state as CounterLive['state'],
    clerkId: (r.clerk_id as string | null) ?? null,
    currentStepId: (r.current_step_id as string | null) ?? null,
    stateSince: Number(r.state_since),
  };
}

export function loadOffices(db: DB): Office[] {
  const entries = loadCalendarEntries(db);
  return (db.prepare('SELECT * FROM offices ORDER BY sort_order, id').all() as Row[]).map((r) => {
    const o = officeFromRow(r);
    o.calendar!.entries = entries.get(o.id) ?? [];
    return o;
  });
}

export function loadServices(db: DB, officeId: string): Service[] {
  return (db.prepare('SELECT * FROM services WHERE office_id = ? ORDER BY sort_order, id').all(officeId) as Row[]).map(serviceFromRow);
}

export function loadCounters(db: DB, officeId: string): { counters: Counter[]; live: CounterLive[] } {
  const rows = db.prepare('SELECT * FROM counters WHERE office_id = ? ORDER BY sort_order, id').all(officeId) as Row[];
  const links = db
    .prepare('SELECT cs.counter_id, cs.service_id FROM counter_services cs JOIN counters c ON c.id = cs.counter_id WHERE c.office_id = ? ORDER BY cs.counter_id, cs.position')
    .all(officeId) as { counter_id: string; service_id: string }[];
  const byCounter = new Map<string, string[]>();
  for (const l of links) byCounter.set(l.counter_id, [...(byCounter.get(l.counter_id) ?? []), l.service_id]);
  return {
    counters: rows.map((r) => ({
      id: String(r.id),
      officeId: String(r.office_id),
      label: String(r.label),
      name: json(r.name_json, { ja: String(r.label) }),
      serviceIds: byCounter.get(String(r.id)) ?? [],
      sortOrder: Number(r.sort_order),
      active: bool(r.active),
    })),
    live: rows.map(liveFromRow),
  };
}

export class Writer {
  private readonly upsertTicketStmt;
  private readonly upsertStepStmt;
  private readonly updateLiveStmt;
  private readonly insertEventStmt;

  constructor(db: DB) {
    this.upsertTicketStmt = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, priority_reason, lang, issued_at, token, device_id, plan_json, pickup_json)
      VALUES (@id, @officeId, @businessDay, @prefix, @number, @display, @priority, @priorityReason, @lang, @issuedAt, @token, @deviceId, @planJson, @pickupJson)
      ON CONFLICT(id) DO UPDATE SET plan_json=excluded.plan_json, pickup_json=excluded.pickup_json`);
    this.upsertStepStmt = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id, call_reason, from_step_id,
        est_low_min, est_high_min, est_point_min, est_method, est_ahead)
      VALUES (@id, @ticketId, @officeId, @seq, @serviceId, @state, @enqueuedAt, @orderKey, @firstCalledAt, @lastCalledAt, @callCount, @startedAt, @endedAt, @outcome, @counterId, @clerkId, @callReason, @fromStepId,
        @estLowMin, @estHighMin, @estPointMin, @estMethod, @estAhead)
      ON CONFLICT(id) DO UPDATE SET state=excluded.state, order_key=excluded.order_key, first_called_at=excluded.first_called_at, last_called_at=excluded.last_called_at,
        call_count=excluded.call_count, started_at=excluded.started_at, ended_at=excluded.ended_at, outcome=excluded.outcome, counter_id=excluded.counter_id,
        clerk_id=excluded.clerk_id, call_reason=excluded.call_reason`);
    this.updateLiveStmt = db.prepare('UPDATE counters SET state=@state, clerk_id=@clerkId, current_step_id=@currentStepId, state_since=@stateSince WHERE id=@counterId');
    this.insertEventStmt = db.prepare(`INSERT INTO events (office_id, at, type, staff_id, device_id, counter_id, ticket_id, step_id, command_id, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  ticket(t: Ticket): void {
    const { plan, pickup, ...row } = t;
    this.upsertTicketStmt.run({ ...row, priority: t.priority ? 1 : 0, planJson: plan?.length ? JSON.stringify(plan) : null, pickupJson: pickup ? JSON.stringify(pickup) : null });
  }
  step(s: Step): void {
    // The recorded estimate is written once with the step (it never changes afterwards).
    const e = s.estimate;
    const { estimate: _e, ...row } = s;
    this.upsertStepStmt.run({ ...row, estLowMin: e?.lowMin ?? null, estHighMin: e?.highMin ?? null, estPointMin: e?.pointMin ?? null, estMethod: e?.method ?? null, estAhead: e?.ahead ?? null });
  }
  live(l: CounterLive): void {
    this.updateLiveStmt.run(l);
  }
  event(e: { officeId: string; at: number; type: string; staffId: string | null; deviceId: string | null; counterId: string | null; ticketId: string | null; stepId: string | null; commandId: string | null; data: unknown }): number {
    const r = this.insertEventStmt.run(e.officeId, e.at, e.type, e.staffId, e.deviceId, e.counterId, e.ticketId, e.stepId, e.commandId, JSON.stringify(e.data));
    return Number(r.lastInsertRowid);
  }
}
