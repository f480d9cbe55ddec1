import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../common/errors.js';
import type { CommandResult } from '../common/events.js';
import type { AnyCommand, CommandName } from '../common/schemas.js';
import type { CallRecord, IssuedTicket, Office, PublicSnapshot, RecordedEstimate, StaffSnapshot, Step, TicketStatus } from '../common/types.js';
import type { Clock } from './queue/clock.js';
import { closeDay, decide, type Actor, type Decision } from './queue/decide.js';
import { estimateWait, fromRecorded } from './queue/estimate.js';
import { learnedScheduleSource } from './estimate/history.js';
import { attachSchedule } from './estimate/view.js';
import { queuePosition } from './queue/policy.js';
import { buildPublicSnapshot, buildSnapshots, buildStaffSnapshot, buildTicketStatus } from './queue/snapshot.js';
import { applyEvent, createState, eventRefs, indexStep, indexTicket, newTouched, RECENT_SERVICE_WINDOW, type DomainEvent, type OfficeState } from './queue/state.js';
import { businessDay, startOfBusinessDay } from './queue/time.js';
import { stmt, type DB } from './store/db.js';
import { dbFaultOf, isUniqueConflict, SERVER_BUSY_TIMEOUT_MS, WriteMonitor } from './store/faults.js';
import { logger, type Logger } from './log.js';
import { loadCounters, loadOffices, loadServices, stepFromRow, ticketFromRow, Writer } from './store/rows.js';

const RECENT_CALLS = 20;
const IDEMPOTENCY_KEEP_MS = 7 * 86_400_000;

export interface ChangeListener {
  (officeId: string): void;
}

interface OfficeRuntime {
  state: OfficeState;
  version: number;
  /** This office's own change counter (its number of events): the public version, which must not reveal other offices' activity. */
  publicVersion: number;
  calls: CallRecord[];
}

export interface EngineOptions {
  db: DB;
  clock: Clock;
  newId?: () => string;
  newToken?: () => string;
  log?: Logger;
  /** Busy timeout of this (the server's) connection; a lock held elsewhere blocks the event loop at most this long. */
  busyTimeoutMs?: number;
  /**
   * Guard of the day turn against wall-clock jumps (null: none, the simulator moves its clock by
   * days on purpose). The tick closes a business day only when it saw the clock reach the day's
   * end by plausible steps (0 ≤ step ≤ maxStepMs between ticks), or when the clock has run
   * continuously for confirmMs since its last jump, or at start. A supervisor's close of day
   * always works.
   */
  dayTurnGuard?: DayTurnGuard | null;
}

export interface DayTurnGuard {
  maxStepMs: number;
  confirmMs: number;
}

/** How long the clock must run continuously after a jump before the tick trusts it to close a day. */
export const DAY_TURN_CONFIRM_MS = 60 * 60_000;

/** The guard for a housekeeping timer of `tickMs`: a step longer than two ticks and 30 s is a jump. */
export function dayTurnGuardFor(tickMs: number): DayTurnGuard {
  return { maxStepMs: 2 * tickMs + 30_000, confirmMs: DAY_TURN_CONFIRM_MS };
}

/**
 * The engine runs commands: idempotency check → domain decision → one SQLite transaction that
 * appends the events and writes the rows they touched → in-memory state → change notification.
 * better-sqlite3 is synchronous and this is the only writer, so commands are serialised: two
 * call-next at the same instant run one after the other and get different tickets (rule 3).
 */
export class Engine {
  readonly db: DB;
  readonly clock: Clock;
  private readonly offices = new Map<string, OfficeRuntime>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly writer: Writer;
  private readonly newId: () => string;
  private readonly newToken: () => string;
  private staffNames = new Map<string, string>();
  private readonly log: Logger;
  private readonly dayTurnGuard: DayTurnGuard | null;
  /** Whether the database accepts writes: the last group commit's outcome, or a probe (/api/health). */
  readonly writeHealth: WriteMonitor;
  /** A failed write could not reload the state from disk: reload before running anything else. */
  private needsReload = false;
  /** Business-clock reading at the previous tick, and since when the clock has run without a jump. */
  private lastTickAt: number | null = null;
  private continuousSince = -Infinity;
  private heldDays = new Set<string>();

  constructor(opts: EngineOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.log = opts.log ?? logger;
    this.dayTurnGuard = opts.dayTurnGuard ?? null;
    this.writeHealth = new WriteMonitor(opts.db);
    // Short on purpose: the group commit runs on the event loop; a write lock held by another
    // process (a backup tool, an sqlite3 shell) must cost milliseconds and a 503 DB_BUSY, not seconds.
    opts.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? SERVER_BUSY_TIMEOUT_MS}`);
    this.writer = new Writer(opts.db);
    this.newId = opts.newId ?? (() => randomUUID());
    this.newToken = opts.newToken ?? (() => randomBytes(18).toString('base64url'));
    this.reloadAll();
  }

  onChange(fn: ChangeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(officeId: string): void {
    // Inside a group commit, listeners hear of the change only after the COMMIT (rule 2).
    if (this.batchNotify) {
      this.batchNotify.add(officeId);
      return;
    }
    for (const fn of this.listeners) fn(officeId);
  }

  /** Commands waiting for the next group commit, and the offices changed by the running one. */
  private queued: { actor: Actor; cmd: AnyCommand; check?: (officeId: string) => void; resolve: (r: CommandResult) => void; reject: (e: unknown) => void }[] = [];
  private flushScheduled = false;
  private batchNotify: Set<string> | null = null;

  /**
   * Group commit: run a command together with every other command submitted in the same turn of
   * the event loop, in ONE SQLite transaction (one fsync for all of them), each command in its own
   * savepoint so a refused or failing one changes nothing and does not affect the others. The
   * promise resolves only after the COMMIT returned, so nothing is acknowledged before it is on
   * disk (rule 2). Commands still run one at a time in arrival order (rules 1, 3 and 4 unchanged).
   * The whole batch runs synchronously — BEGIN … COMMIT never spans an await — so no other code
   * ever sees or writes into an open transaction.
   */
  submit(actor: Actor, cmd: AnyCommand, actorOfficeCheck?: (officeId: string) => void): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ actor, cmd, check: actorOfficeCheck, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Run every queued command in one transaction; settle their promises after the COMMIT. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (!batch.length) return;
    if (this.needsReload) {
      // An earlier failed write left memory possibly ahead of disk and the reload failed too.
      try {
        this.reloadAll();
        this.needsReload = false;
      } catch (err) {
        this.writeHealth.record(err);
        for (const q of batch) q.reject(dbFaultOf(err) ? err : new AppError('INTERNAL'));
        return;
      }
    }
    const outcomes: ({ ok: true; result: CommandResult } | { ok: false; error: unknown })[] = [];
    const changed = new Set<string>();
    this.batchNotify = changed;
    let started = false;
    let fault: unknown = null;
    try {
      // Nested db.transaction() calls in commit() become savepoints of this one. BEGIN IMMEDIATE
      // takes the write lock first: a lock held elsewhere fails here, after the short busy
      // timeout, before any command ran (503 DB_BUSY, nothing to undo, retry with the same id).
      this.db.transaction(() => {
        started = true;
        for (const q of batch) {
          // After a database fault (disk full, I/O error…) run nothing more: SQLite may have rolled
          // the whole transaction back; the rest of the batch is refused with the same fault.
          if (fault !== null || !this.db.inTransaction) {
            outcomes.push({ ok: false, error: fault ?? new AppError('INTERNAL') });
            continue;
          }
          try {
            outcomes.push({ ok: true, result: this.execute(q.actor, q.cmd, q.check) });
          } catch (error) {
            outcomes.push({ ok: false, error });
            if (dbFaultOf(error)) fault = error;
          }
        }
      }).immediate();
    } catch (err) {
      // BEGIN or COMMIT failed: nothing of the batch is on disk; forget the in-memory changes too.
      this.batchNotify = null;
      const cause = fault ?? err;
      this.writeHealth.record(cause);
      if (started) this.reloadOrMark();
      for (const q of batch) q.reject(cause);
      for (const officeId of changed) this.notify(officeId);
      return;
    }
    this.batchNotify = null;
    this.writeHealth.record(fault);
    batch.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) q.resolve(o.result);
      else q.reject(o.error);
    });
    for (const officeId of changed) this.notify(officeId);
  }

  /** After a failed write: make memory equal to disk again, or refuse everything until it can. */
  private reloadOrMark(): void {
    try {
      this.reloadAll();
    } catch (err) {
      this.needsReload = true;
      this.log.error({ err }, 'could not reload the state from the database after a failed write; commands are refused until it can');
    }
  }

  /** (Re)load every office from the database: configuration, live counters, open and today's tickets. */
  reloadAll(): void {
    this.offices.clear();
    for (const office of loadOffices(this.db)) this.offices.set(office.id, this.loadOffice(office));
    this.refreshStaffNames();
  }

  refreshStaffNames(): void {
    this.staffNames = new Map((this.db.prepare('SELECT id, name FROM staff').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
  }

  /** Configuration changed (admin): reload that office's config, keep its live state. */
  reloadOffice(officeId: string): void {
    const office = loadOffices(this.db).find((o) => o.id === officeId);
    if (!office) {
      this.offices.delete(officeId);
    } else {
      this.offices.set(officeId, this.loadOffice(office));
    }
    this.refreshStaffNames();
    this.notify(officeId);
  }

  private loadOffice(office: Office): OfficeRuntime {
    const services = loadServices(this.db, office.id);
    const { counters, live } = loadCounters(this.db, office.id);
    const state = createState(office, services, counters, live);
    // The estimator's counter schedule, learned from the previous business days (issue 13).
    attachSchedule(state, learnedScheduleSource(this.db, office));
    const today = businessDay(this.clock.now(), office.timezone);
    // Today's tickets (numbering, caps) and every ticket with an open step.
    const tickets = this.db
      .prepare(`SELECT * FROM tickets WHERE office_id = ? AND business_day >= ?
        UNION SELECT * FROM tickets WHERE id IN (SELECT ticket_id FROM steps WHERE office_id = ? AND state <> 'ended')
        ORDER BY issued_at`) // issue order, so each prefix's "last number" is the last issued
      .all(office.id, today, office.id) as Record<string, unknown>[];
    for (const r of tickets) indexTicket(state, ticketFromRow(r));
    const stepRows = this.db
      .prepare(`SELECT * FROM steps WHERE ticket_id IN (SELECT id FROM tickets WHERE office_id = ? AND business_day >= ?
          UNION SELECT ticket_id FROM steps WHERE office_id = ? AND state <> 'ended') ORDER BY ticket_id, seq`)
      .all(office.id, today, office.id) as Record<string, unknown>[];
    for (const r of stepRows) {
      const s = stepFromRow(r);
      indexStep(state, s, s.seq === 1);
    }
    // Ratio policy memory: normal calls since the last priority call, today.
    const calls = this.db
      .prepare(`SELECT t.priority FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.office_id = ? AND t.business_day = ? AND s.first_called_at IS NOT NULL ORDER BY s.first_called_at`)
      .all(office.id, today) as { priority: number }[];
    for (const c of calls) state.normalsSincePriority = c.priority ? 0 : state.normalsSincePriority + 1;
    // Recent service durations for the estimate.
    for (const svc of services) {
      const rows = this.db
        .prepare(`SELECT ended_at - started_at AS ms FROM steps WHERE service_id = ? AND outcome = 'served' AND started_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?`)
        .all(svc.id, RECENT_SERVICE_WINDOW) as { ms: number }[];
      state.recentServiceMs.set(svc.id, rows.map((r) => r.ms).reverse());
    }
    const version = (this.db.prepare('SELECT max(id) AS v FROM events WHERE office_id = ?').get(office.id) as { v: number | null }).v ?? 0;
    const callRows = this.db
      .prepare(`SELECT id, at, type, counter_id, step_id FROM events WHERE office_id = ? AND type IN ('step.called','step.recalled') AND at >= ? ORDER BY id DESC LIMIT ?`)
      .all(office.id, startOfBusinessDay(today, office.timezone), RECENT_CALLS) as { id: number; at: number; type: string; counter_id: string; step_id: string }[];
    const publicVersion = (this.db.prepare('SELECT count(*) AS n FROM events WHERE office_id = ?').get(office.id) as { n: number }).n;
    const rt: OfficeRuntime = { state, version, publicVersion, calls: [] };
    for (const r of callRows.reverse()) {
      const rec = this.callRecord(state, r.id, r.at, r.step_id, r.counter_id, r.type === 'step.recalled');
      if (rec) rt.calls.push(rec);
    }
    return rt;
  }

  private callRecord(state: OfficeState, id: number, at: number, stepId: string, counterId: string, recall: boolean): CallRecord | null {
    const step = state.steps.get(stepId);
    const ticket = step && state.tickets.get(step.ticketId);
    const counter = state.counters.get(counterId);
    if (!step || !ticket) return null;
    return { callId: id, display: ticket.display, serviceId: step.serviceId, counterId, counterLabel: counter?.label ?? counterId, at, recall };
  }

  officeIds(): string[] {
    return [...this.offices.keys()];
  }

  hasOffice(officeId: string): boolean {
    return this.offices.has(officeId);
  }

  runtime(officeId: string): OfficeRuntime {
    const rt = this.offices.get(officeId);
    if (!rt) throw new AppError('OFFICE_NOT_FOUND');
    return rt;
  }

  state(officeId: string): OfficeState {
    return this.runtime(officeId).state;
  }

  version(officeId: string): number {
    return this.runtime(officeId).version;
  }

  /** The public snapshot's version: a per-office counter, monotonic per office. */
  publicVersion(officeId: string): number {
    return this.runtime(officeId).publicVersion;
  }

  /** The office a command concerns, found from its payload. */
  officeOf(cmd: AnyCommand): string {
    const p = cmd.payload as Record<string, unknown>;
    if (typeof p.officeId === 'string') {
      if (!this.offices.has(p.officeId)) throw new AppError('OFFICE_NOT_FOUND');
      return p.officeId;
    }
    for (const [id, rt] of this.offices) {
      if (typeof p.counterId === 'string' && rt.state.counters.has(p.counterId)) return id;
      if (typeof p.stepId === 'string' && rt.state.steps.has(p.stepId)) return id;
      if (typeof p.ticketId === 'string' && rt.state.tickets.has(p.ticketId)) return id;
    }
    if (typeof p.counterId === 'string') throw new AppError('COUNTER_NOT_FOUND');
    throw new AppError('TICKET_NOT_FOUND');
  }

  /** Whether this actor already ran this command id (a retry will be answered from the record). */
  isReplay(actor: Actor, commandId: string): boolean {
    return stmt(this.db, 'SELECT 1 FROM idempotency WHERE command_id = ?').get(idempotencyKey(actor, commandId)) !== undefined;
  }

  /**
   * Run a command. A command id seen before returns the first result and changes nothing
   * (rule 4); a refused command changes nothing (rule 9).
   */
  execute(actor: Actor, cmd: AnyCommand, actorOfficeCheck?: (officeId: string) => void): CommandResult {
    if (this.needsReload) {
      this.reloadAll();
      this.needsReload = false;
    }
    const commandId = cmd.payload.commandId;
    // The key is scoped to the actor: another actor replaying someone's command id never sees their result.
    const previous = stmt(this.db, 'SELECT name, result_json FROM idempotency WHERE command_id = ?').get(idempotencyKey(actor, commandId)) as { name: string; result_json: string } | undefined;
    if (previous) {
      if (previous.name !== cmd.name) throw new AppError('IDEMPOTENCY_CONFLICT');
      return { ...(JSON.parse(previous.result_json) as CommandResult), replayed: true };
    }
    const officeId = this.officeOf(cmd);
    actorOfficeCheck?.(officeId);
    const rt = this.runtime(officeId);
    const now = this.clock.now();
    const decision = decide(rt.state, cmd, { now, actor, newId: this.newId, newToken: this.newToken });
    try {
      return this.commit(officeId, rt, decision, actor, commandId, cmd.name, now);
    } catch (err) {
      // The disk already holds this number (memory was behind it: a clock set back, another
      // writer). commit() has reloaded the office from disk; decide once more on that state.
      // The UNIQUE constraint keeps rule 1 whatever happens; a second conflict is an error.
      if (!isUniqueConflict(err) || !decision.events.some((e) => e.type === 'ticket.issued') || this.needsReload) throw err;
      this.log.warn({ officeId, commandId }, 'ticket number already on disk; reloaded the office and numbered again');
      const fresh = this.runtime(officeId);
      const again = decide(fresh.state, cmd, { now, actor, newId: this.newId, newToken: this.newToken });
      return this.commit(officeId, fresh, again, actor, commandId, cmd.name, now);
    }
  }

  private commit(officeId: string, rt: OfficeRuntime, decision: Decision, actor: Actor, commandId: string | null, name: CommandName | 'system', now: number): CommandResult {
    const newCalls: CallRecord[] = [];
    let result!: CommandResult;
    try {
      this.db.transaction(() => {
        const touched = newTouched();
        let version = rt.version;
        for (const e of decision.events) {
          const refs = eventRefs(rt.state, e);
          applyEvent(rt.state, e, touched);
          const after = eventRefs(rt.state, e);
          version = this.writer.event({
            officeId, at: e.at, type: e.type, staffId: actor.staffId, deviceId: actor.deviceId,
            counterId: refs.counterId ?? after.counterId, ticketId: refs.ticketId ?? after.ticketId, stepId: refs.stepId, commandId, data: e,
          });
          if (e.type === 'step.called' || e.type === 'step.recalled') {
            const rec = this.callRecord(rt.state, version, e.at, e.stepId, e.counterId, e.type === 'step.recalled');
            if (rec) newCalls.push(rec);
          }
        }
        for (const id of touched.tickets) this.writer.ticket(rt.state.tickets.get(id)!);
        for (const id of touched.steps) this.writer.step(rt.state.steps.get(id)!);
        for (const id of touched.counters) this.writer.live(rt.state.live.get(id)!);
        result = this.resultOf(rt.state, decision, version);
        if (commandId) {
          stmt(this.db, 'INSERT INTO idempotency (command_id, actor, name, result_json, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(idempotencyKey(actor, commandId), actorKey(actor), name, JSON.stringify(result), now);
        }
        rt.version = version;
        rt.publicVersion += decision.events.length;
      })();
    } catch (err) {
      // The transaction rolled back; the in-memory state may be ahead of it — reload from disk.
      const office = rt.state.office;
      try {
        this.offices.set(officeId, this.loadOffice(office));
      } catch (reloadErr) {
        this.needsReload = true;
        this.log.error({ err: reloadErr }, 'could not reload an office after a failed write');
      }
      throw err;
    }
    if (newCalls.length) rt.calls = [...rt.calls, ...newCalls].slice(-RECENT_CALLS);
    if (decision.events.length) this.notify(officeId);
    return result;
  }

  private resultOf(state: OfficeState, d: Decision, version: number): CommandResult {
    const out: CommandResult = { version };
    if (d.ticketId) out.ticketId = d.ticketId;
    if (d.stepId) out.stepId = d.stepId;
    if (d.counterId) out.counterId = d.counterId;
    const issued = d.events.find((e): e is Extract<DomainEvent, { type: 'ticket.issued' }> => e.type === 'ticket.issued');
    if (issued) out.ticket = this.issuedTicket(state, issued.ticket.id, issued.step, issued.estimate);
    const step = d.stepId ? state.steps.get(d.stepId) : undefined;
    if (step) out.display = state.tickets.get(step.ticketId)?.display;
    return out;
  }

  private issuedTicket(state: OfficeState, ticketId: string, step: Step, recorded: RecordedEstimate | undefined): IssuedTicket {
    const t = state.tickets.get(ticketId)!;
    // The reply shows exactly the estimate recorded in the event (issue 13).
    const estimate = recorded ? fromRecorded(state, step.serviceId, recorded) : estimateWait(state, step.serviceId, queuePosition(state, step.serviceId, step.id));
    return {
      ticketId: t.id, stepId: step.id, display: t.display, serviceId: step.serviceId, priority: t.priority,
      issuedAt: t.issuedAt, token: t.token, businessDay: t.businessDay, estimate,
      ...(t.plan ? { plan: [...t.plan] } : {}), // journey (issue 16)
    };
  }

  /**
   * Housekeeping, run every minute and at start: close business days that have ended (steps still
   * open become "unserved at close"), forget finished tickets of past days, drop old idempotency keys.
   */
  tick(): void {
    const now = this.clock.now();
    const guard = this.dayTurnGuard;
    if (guard && this.lastTickAt !== null) {
      const stepMs = now - this.lastTickAt;
      if (stepMs < 0 || stepMs > guard.maxStepMs) {
        this.continuousSince = now;
        this.heldDays.clear();
        this.log.warn({ from: new Date(this.lastTickAt).toISOString(), to: new Date(now).toISOString(), stepMs }, 'wall clock jumped between housekeeping ticks; no business day is closed until the clock has run continuously past its end (or a supervisor closes it)');
      }
    }
    this.lastTickAt = now;
    // The clock is trusted at start, after a continuous run of confirmMs, or for a day whose end it
    // reached by plausible steps (the last jump was before that midnight).
    const settled = !guard || now - this.continuousSince >= guard.confirmMs;
    for (const [officeId, rt] of this.offices) {
      const tz = rt.state.office.timezone;
      const today = businessDay(now, tz);
      const dayStart = startOfBusinessDay(today, tz);
      const held = !settled && this.continuousSince > dayStart;
      let lastOpenDay: string | null = null;
      for (const s of rt.state.steps.values()) {
        if (s.state === 'ended') continue;
        const d = rt.state.tickets.get(s.ticketId)?.businessDay;
        if (d && d < today && (lastOpenDay === null || d > lastOpenDay)) lastOpenDay = d;
      }
      const staleCounter = [...rt.state.live.values()].some((l) => (l.state !== 'closed' || l.clerkId) && l.stateSince < dayStart);
      if (held) {
        // The clock jumped into this day: closing yesterday, forgetting its numbers or its calls
        // could not be undone if the clock is set back. Hold the whole day turn; retry next tick.
        const key = `${officeId}|${today}`;
        if (lastOpenDay === null && !staleCounter) this.heldDays.delete(key);
        else if (!this.heldDays.has(key)) {
          this.heldDays.add(key);
          this.log.error({ officeId, businessDay: today, clockJumpAt: new Date(this.continuousSince).toISOString() }, 'day turn held: the clock jumped into this business day; waiting tickets stay waiting until the clock has run continuously for an hour or a supervisor closes the day');
        }
        continue;
      }
      this.heldDays.delete(`${officeId}|${today}`);
      if (lastOpenDay !== null || staleCounter) {
        const day = lastOpenDay ?? businessDay(dayStart - 1, tz);
        const decision = closeDay(rt.state, now, day);
        if (decision.events.length) this.commit(officeId, rt, decision, { role: 'system', staffId: null, deviceId: null }, null, 'system', now);
      }
      this.prune(rt.state, today);
      // Yesterday's calls leave the displays at the day turn (the snapshots filter them too).
      const todays = rt.calls.filter((c) => c.at >= dayStart);
      if (todays.length !== rt.calls.length) {
        rt.calls = todays;
        this.notify(officeId);
      }
    }
    if (settled) stmt(this.db, 'DELETE FROM idempotency WHERE created_at < ?').run(now - IDEMPOTENCY_KEEP_MS);
  }

  /** Offices whose close of day the tick is holding because the wall clock jumped (for /api/health). */
  heldDayTurns(): string[] {
    return [...this.heldDays].map((k) => k.split('|')[0]!);
  }

  private prune(state: OfficeState, today: string): void {
    for (const t of [...state.tickets.values()]) {
      if (t.businessDay >= today) continue;
      const ids = state.stepsByTicket.get(t.id) ?? [];
      if (ids.every((id) => state.steps.get(id)?.state === 'ended')) {
        for (const id of ids) state.steps.delete(id);
        state.stepsByTicket.delete(t.id);
        state.tickets.delete(t.id);
      }
    }
    for (const key of [...state.numbering.keys()]) if (key.split('|')[0]! < today) state.numbering.delete(key);
    for (const key of [...state.issuedCount.keys()]) if (key.split('|')[0]! < today) state.issuedCount.delete(key);
  }

  /** Close today for an office now (supervisor or scheduled). */
  closeDayNow(officeId: string, actor: Actor, commandId: string): CommandResult {
    return this.execute(actor, { name: 'office:close-day', payload: { commandId, officeId } });
  }

  /**
   * The recent calls of the current business day only: a server left running overnight must not
   * show yesterday's calls in the morning, even before the minute tick has dropped them.
   */
  private todaysCalls(rt: OfficeRuntime, now: number): CallRecord[] {
    const first = rt.calls[0];
    if (!first) return rt.calls;
    const tz = rt.state.office.timezone;
    const dayStart = startOfBusinessDay(businessDay(now, tz), tz);
    return first.at >= dayStart ? rt.calls : rt.calls.filter((c) => c.at >= dayStart);
  }

  publicSnapshot(officeId: string): PublicSnapshot {
    const rt = this.runtime(officeId);
    const now = this.clock.now();
    return buildPublicSnapshot(rt.state, rt.publicVersion, now, this.todaysCalls(rt, now));
  }

  staffSnapshot(officeId: string): StaffSnapshot {
    const rt = this.runtime(officeId);
    const now = this.clock.now();
    return buildStaffSnapshot(rt.state, rt.version, now, this.todaysCalls(rt, now), (id) => this.staffNames.get(id) ?? null);
  }

  /** Issue 17: the public and staff snapshots of this moment from one build (what a broadcast needs). */
  snapshots(officeId: string): { public: PublicSnapshot; staff: StaffSnapshot } {
    const rt = this.runtime(officeId);
    const now = this.clock.now();
    return buildSnapshots(rt.state, rt.version, rt.publicVersion, now, this.todaysCalls(rt, now), (id) => this.staffNames.get(id) ?? null);
  }

  /** Public tracking by token; falls back to the database for tickets no longer in memory. */
  ticketStatusByToken(token: string): TicketStatus | null {
    for (const rt of this.offices.values()) {
      for (const t of rt.state.tickets.values()) if (t.token === token) return buildTicketStatus(rt.state, t.id, rt.publicVersion, this.clock.now());
    }
    const row = this.db.prepare('SELECT * FROM tickets WHERE token = ?').get(token) as Record<string, unknown> | undefined;
    if (!row) return null;
    const ticket = ticketFromRow(row);
    const rt = this.offices.get(ticket.officeId);
    if (!rt) return null;
    const scratch = createState(rt.state.office, [...rt.state.services.values()], [...rt.state.counters.values()]);
    indexTicket(scratch, ticket);
    for (const r of this.db.prepare('SELECT * FROM steps WHERE ticket_id = ? ORDER BY seq').all(ticket.id) as Record<string, unknown>[]) indexStep(scratch, stepFromRow(r), false);
    return buildTicketStatus(scratch, ticket.id, rt.publicVersion, this.clock.now());
  }
}

/** Who ran a command, as stored with its idempotency key. */
export function actorKey(actor: Actor): string {
  return actor.staffId ? `staff:${actor.staffId}` : actor.deviceId ? `device:${actor.deviceId}` : `role:${actor.role}`;
}

/** Idempotency keys are per actor: the same command id from someone else is a different command. */
export function idempotencyKey(actor: Actor, commandId: string): string {
  return `${actorKey(actor)}|${commandId}`;
}

export type { Actor };
