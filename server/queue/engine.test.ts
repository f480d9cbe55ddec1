import { beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../common/errors.js';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import { diffReplay } from '../store/replay.js';
import { cid, makeTestDb, T0, type TestOffice } from '../testing.js';
import { MINUTE_MS } from './clock.js';
import type { Actor } from './decide.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };

let t: TestOffice;
let engine: Engine;

async function setup(opts: Parameters<typeof makeTestDb>[0] = {}) {
  t = await makeTestDb(opts);
  engine = new Engine({ db: t.db, clock: t.clock });
}

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}

function issue(serviceId = 'chuo-A', extra: { priority?: boolean } = {}): IssuedTicket {
  return run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId, ...extra }).ticket as IssuedTicket;
}

function expectCode(fn: () => unknown, code: ErrorCode) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const count = (sql: string, ...args: unknown[]) => (t.db.prepare(sql).get(...args) as { n: number }).n;
const eventCount = () => count('SELECT count(*) AS n FROM events');
const stepOf = (display: string) => t.db.prepare('SELECT s.* FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY s.seq DESC LIMIT 1').get(display) as Record<string, unknown>;

function open(counterId: string, staffId: string) {
  run(clerk(staffId), 'counter:open', { counterId });
}
const callNext = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:call-next', { counterId }).display as string;

describe('numbering per office, prefix and business day', () => {
  beforeEach(() => setup());

  it('numbers each prefix on its own, from 001', () => {
    expect(issue('chuo-A').display).toBe('A-001');
    expect(issue('chuo-A').display).toBe('A-002');
    expect(issue('chuo-B').display).toBe('B-001');
  });

  it('refuses past the daily cap and changes nothing', () => {
    t.db.prepare("UPDATE services SET daily_cap = 2 WHERE id = 'chuo-B'").run();
    engine.reloadOffice('chuo');
    issue('chuo-B');
    issue('chuo-B');
    const before = eventCount();
    expectCode(() => issue('chuo-B'), 'DAILY_CAP_REACHED');
    expect(eventCount()).toBe(before);
    expect(count("SELECT count(*) AS n FROM tickets WHERE prefix = 'B'")).toBe(2);
    expect(engine.publicSnapshot('chuo').services.find((s) => s.id === 'chuo-B')!.refusal).toBe('DAILY_CAP_REACHED');
  });

  it('wraps at the end of the range and refuses when the range is used up', () => {
    t.db.prepare("UPDATE services SET number_start = 1, number_end = 3 WHERE id = 'chuo-C'").run();
    engine.reloadOffice('chuo');
    expect([issue('chuo-C'), issue('chuo-C'), issue('chuo-C')].map((x) => x.display)).toEqual(['C-001', 'C-002', 'C-003']);
    expectCode(() => issue('chuo-C'), 'NUMBER_RANGE_EXHAUSTED');
  });

  it('the business day turns at midnight Tokyo while the process runs with TZ=UTC', () => {
    expect(process.env.TZ).toBe('UTC');
    t.clock.set(Date.UTC(2026, 2, 24, 14, 59)); // 23:59 in Tokyo
    const late = issue('chuo-A');
    expect(late).toMatchObject({ display: 'A-001', businessDay: '2026-03-24' });
    issue('chuo-A');
    t.clock.advance(2 * MINUTE_MS); // 00:01 in Tokyo, still 15:01 on the same UTC date
    engine.tick();
    const next = issue('chuo-A');
    expect(next).toMatchObject({ display: 'A-001', businessDay: '2026-03-25' });
    // The tick closed yesterday's open steps as unserved at close.
    expect(count("SELECT count(*) AS n FROM steps WHERE outcome = 'unserved'")).toBe(2);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});

describe('call policy', () => {
  it('equal-priority tickets go oldest first (not newest)', async () => {
    await setup({ policy: { normalPerPriority: null, maxWaitMin: null } });
    const a = issue('chuo-A');
    t.clock.advance(MINUTE_MS);
    const b = issue('chuo-B');
    t.clock.advance(MINUTE_MS);
    issue('chuo-A');
    open('chuo-c1', 'clerk1'); // serves A then B
    expect(callNext('chuo-c1', 'clerk1')).toBe(a.display);
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c1' });
    expect(callNext('chuo-c1', 'clerk1')).toBe(b.display);
  });

  it('priority first, oldest priority first, and the reason is written into the call event', async () => {
    await setup({ policy: { normalPerPriority: null, maxWaitMin: null } });
    issue('chuo-A');
    t.clock.advance(MINUTE_MS);
    const p1 = issue('chuo-A', { priority: true });
    t.clock.advance(MINUTE_MS);
    issue('chuo-A', { priority: true });
    open('chuo-c3', 'clerk1');
    expect(callNext('chuo-c3', 'clerk1')).toBe(p1.display);
    const ev = t.db.prepare("SELECT data FROM events WHERE type = 'step.called' ORDER BY id DESC LIMIT 1").get() as { data: string };
    expect(JSON.parse(ev.data).reason).toBe('priority');
  });

  it('the priority ratio (2 normal : 1 priority) holds over a long run', async () => {
    await setup({ policy: { normalPerPriority: 2, maxWaitMin: null } });
    for (let i = 0; i < 40; i++) {
      issue('chuo-A');
      issue('chuo-A', { priority: i % 2 === 0 });
      t.clock.advance(1000);
    }
    // 60 normal, 20 priority waiting; call 60 while both kinds remain.
    open('chuo-c3', 'clerk1');
    const kinds: string[] = [];
    for (let i = 0; i < 60; i++) {
      const display = callNext('chuo-c3', 'clerk1');
      kinds.push(t.db.prepare('SELECT priority FROM tickets WHERE display = ?').pluck().get(display) ? 'P' : 'N');
      run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    }
    expect(kinds.join('')).toBe('NNP'.repeat(20));
  });

  it('the maximum-wait guarantee calls a long-waiting normal ticket before fresh priority ones', async () => {
    await setup({ policy: { normalPerPriority: null, maxWaitMin: 30 } });
    const old = issue('chuo-A');
    t.clock.advance(25 * MINUTE_MS);
    issue('chuo-A', { priority: true });
    open('chuo-c3', 'clerk1');
    expect(callNext('chuo-c3', 'clerk1')).not.toBe(old.display); // 25 min: priority still first
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    issue('chuo-A', { priority: true });
    t.clock.advance(6 * MINUTE_MS); // old ticket has now waited 31 min
    expect(callNext('chuo-c3', 'clerk1')).toBe(old.display);
    expect(stepOf(old.display).call_reason).toBe('max_wait');
  });
});

describe('state machine', () => {
  beforeEach(() => setup({ policy: { normalPerPriority: null, maxWaitMin: null, recallsBeforeNoShow: 1 } }));

  it('two call-next on two counters never get the same ticket', () => {
    for (let i = 0; i < 10; i++) issue('chuo-A');
    open('chuo-c1', 'clerk1');
    open('chuo-c2', 'clerk2');
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const a = callNext('chuo-c1', 'clerk1');
      const b = callNext('chuo-c2', 'clerk2');
      expect(a).not.toBe(b);
      seen.add(a).add(b);
      run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c1' });
      run(clerk('clerk2'), 'counter:done', { counterId: 'chuo-c2' });
    }
    expect(seen.size).toBe(10);
  });

  it('a retried command returns the first result and changes nothing', () => {
    const commandId = cid('retry');
    const first = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', commandId });
    const events = eventCount();
    const again = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', commandId });
    expect(again.ticket).toEqual(first.ticket);
    expect(again.replayed).toBe(true);
    expect(eventCount()).toBe(events);
    expect(count('SELECT count(*) AS n FROM tickets')).toBe(1);

    issue('chuo-A');
    open('chuo-c3', 'clerk1');
    const callId = cid('call');
    const c1 = run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c3', commandId: callId });
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    const before = eventCount();
    const c2 = run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c3', commandId: callId });
    expect(c2.display).toBe(c1.display);
    expect(eventCount()).toBe(before);
    expectCode(() => run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3', commandId: callId } as never), 'IDEMPOTENCY_CONFLICT');
  });

  it('recall, no-show after the required recall', () => {
    const a = issue('chuo-A');
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    expectCode(() => run(clerk('clerk1'), 'counter:no-show', { counterId: 'chuo-c3' }), 'NO_SHOW_TOO_EARLY');
    run(clerk('clerk1'), 'counter:recall', { counterId: 'chuo-c3' });
    run(clerk('clerk1'), 'counter:no-show', { counterId: 'chuo-c3' });
    expect(stepOf(a.display)).toMatchObject({ state: 'ended', outcome: 'no_show', call_count: 2 });
    expect(engine.staffSnapshot('chuo').counters.find((c) => c.id === 'chuo-c3')!.currentStep).toBeNull();
  });

  it('start and done record walk and service time; done without start counts from the call', () => {
    const a = issue('chuo-A');
    open('chuo-c3', 'clerk1');
    t.clock.advance(10 * MINUTE_MS);
    callNext('chuo-c3', 'clerk1');
    t.clock.advance(MINUTE_MS);
    run(clerk('clerk1'), 'counter:start', { counterId: 'chuo-c3' });
    t.clock.advance(5 * MINUTE_MS);
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    const s = stepOf(a.display);
    expect(Number(s.first_called_at) - Number(s.enqueued_at)).toBe(10 * MINUTE_MS);
    expect(Number(s.started_at) - Number(s.first_called_at)).toBe(MINUTE_MS);
    expect(Number(s.ended_at) - Number(s.started_at)).toBe(5 * MINUTE_MS);
    expect(s.outcome).toBe('served');
  });

  it('transfer keeps the number and puts the visit at the front of the other service', () => {
    issue('chuo-E');
    const a = issue('chuo-A');
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:transfer', { counterId: 'chuo-c3', serviceId: 'chuo-E', position: 'front' });
    const steps = t.db.prepare('SELECT s.seq, s.service_id, s.state, s.outcome, s.from_step_id FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY seq').all(a.display) as Record<string, unknown>[];
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatchObject({ service_id: 'chuo-A', outcome: 'transferred' });
    expect(steps[1]).toMatchObject({ service_id: 'chuo-E', state: 'waiting' });
    open('chuo-c8', 'clerk2'); // serves E
    expect(callNext('chuo-c8', 'clerk2')).toBe(a.display); // ahead of E-001, which was there first
    expectCode(() => run(clerk('clerk2'), 'counter:transfer', { counterId: 'chuo-c8', serviceId: 'chuo-E' }), 'SAME_SERVICE');
  });

  it('hold frees the counter; resume calls the step back to the same counter; return to queue puts it back', () => {
    issue('chuo-A');
    const a = issue('chuo-A');
    open('chuo-c3', 'clerk1');
    const first = callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    expect(stepOf(first).state).toBe('held');
    expect(callNext('chuo-c3', 'clerk1')).toBe(a.display);
    run(clerk('clerk1'), 'counter:return', { counterId: 'chuo-c3', position: 'back' });
    expect(stepOf(a.display).state).toBe('waiting');
    expect(run(clerk('clerk1'), 'step:resume', { stepId: String(stepOf(first).id) }).display).toBe(first);
    expect(stepOf(first)).toMatchObject({ state: 'called', counter_id: 'chuo-c3', call_reason: 'resumed' });
    expectCode(() => run(clerk('clerk1'), 'step:resume', { stepId: String(stepOf(first).id) }), 'INVALID_TRANSITION');
  });

  it('call a specific ticket, and refuse one already called', () => {
    issue('chuo-A');
    issue('chuo-A');
    const c = issue('chuo-A');
    open('chuo-c1', 'clerk1');
    open('chuo-c2', 'clerk2');
    expect(run(clerk('clerk1'), 'counter:call', { counterId: 'chuo-c1', number: 'a3' }).display).toBe(c.display);
    expect(stepOf(c.display).call_reason).toBe('specific');
    expectCode(() => run(clerk('clerk2'), 'counter:call', { counterId: 'chuo-c2', number: 'A-003' }), 'TICKET_ALREADY_CALLED');
    expectCode(() => run(clerk('clerk2'), 'counter:call', { counterId: 'chuo-c2', number: 'A-099' }), 'TICKET_NOT_FOUND');
  });

  it('a clerk acts only at the counter they are signed in to; a busy counter cannot call again', () => {
    issue('chuo-A');
    issue('chuo-A');
    open('chuo-c3', 'clerk1');
    expectCode(() => run(clerk('clerk2'), 'counter:call-next', { counterId: 'chuo-c3' }), 'FORBIDDEN');
    expectCode(() => run(clerk('clerk2'), 'counter:open', { counterId: 'chuo-c3' }), 'COUNTER_OCCUPIED');
    callNext('chuo-c3', 'clerk1');
    expectCode(() => callNext('chuo-c3', 'clerk1'), 'COUNTER_BUSY');
    expectCode(() => run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' }), 'COUNTER_BUSY');
    expectCode(() => run(clerk('clerk1'), 'counter:pause', { counterId: 'chuo-c3' }), 'COUNTER_BUSY');
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    run(clerk('clerk1'), 'counter:pause', { counterId: 'chuo-c3' });
    expectCode(() => callNext('chuo-c3', 'clerk1'), 'COUNTER_NOT_OPEN');
    run(clerk('clerk1'), 'counter:resume', { counterId: 'chuo-c3' });
    // Moving to another counter closes the first one.
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const snap = engine.staffSnapshot('chuo');
    expect(snap.counters.find((c) => c.id === 'chuo-c3')!.state).toBe('closed');
    expect(snap.counters.find((c) => c.id === 'chuo-c1')!.clerk?.id).toBe('clerk1');
  });

  it('close of day closes every open step as unserved and every counter', () => {
    for (const svc of ['chuo-A', 'chuo-A', 'chuo-A', 'chuo-B']) issue(svc);
    open('chuo-c1', 'clerk1');
    open('chuo-c2', 'clerk2');
    callNext('chuo-c1', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c1' }); // held
    callNext('chuo-c1', 'clerk1'); // called
    callNext('chuo-c2', 'clerk2');
    run(clerk('clerk2'), 'counter:start', { counterId: 'chuo-c2' }); // serving
    expect(count("SELECT count(*) AS n FROM steps WHERE state <> 'ended'")).toBe(4);
    run(supervisor, 'office:close-day', { officeId: 'chuo' });
    expect(count("SELECT count(*) AS n FROM steps WHERE state <> 'ended'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM steps WHERE outcome = 'unserved'")).toBe(4);
    expect(count("SELECT count(*) AS n FROM counters WHERE state <> 'closed' OR current_step_id IS NOT NULL OR clerk_id IS NOT NULL")).toBe(0);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('a refused command changes nothing, and the events replay to the stored state', () => {
    for (let i = 0; i < 5; i++) issue(i % 2 ? 'chuo-A' : 'chuo-B');
    open('chuo-c1', 'clerk1');
    callNext('chuo-c1', 'clerk1');
    run(clerk('clerk1'), 'counter:transfer', { counterId: 'chuo-c1', serviceId: 'chuo-F', position: 'back' });
    callNext('chuo-c1', 'clerk1');
    run(clerk('clerk1'), 'counter:recall', { counterId: 'chuo-c1' });
    run(clerk('clerk1'), 'counter:no-show', { counterId: 'chuo-c1' });
    callNext('chuo-c1', 'clerk1');
    const tickets = t.db.prepare('SELECT id FROM tickets ORDER BY rowid').pluck().all() as string[];
    run(supervisor, 'ticket:cancel', { ticketId: tickets[4]! });
    const dump = () => JSON.stringify([t.db.prepare('SELECT * FROM steps ORDER BY id').all(), t.db.prepare('SELECT * FROM counters ORDER BY id').all(), eventCount()]);
    const before = dump();
    expectCode(() => callNext('chuo-c1', 'clerk1'), 'COUNTER_BUSY');
    expectCode(() => run(clerk('clerk1'), 'counter:start', { counterId: 'chuo-c9' }), 'FORBIDDEN');
    expectCode(() => run(supervisor, 'ticket:cancel', { ticketId: tickets[4]! }), 'INVALID_TRANSITION');
    expect(dump()).toBe(before);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});

describe('wait estimate', () => {
  beforeEach(() => setup());

  it('is a range from people ahead, open counters and the default service time; none without an open counter', () => {
    const first = issue('chuo-B');
    expect(first.estimate).toMatchObject({ ahead: 0, openCounters: 0, lowMin: null, highMin: null });
    open('chuo-c4', 'clerk1'); // B, C, G
    open('chuo-c5', 'clerk2'); // B, C
    for (let i = 0; i < 9; i++) issue('chuo-B');
    const eleventh = issue('chuo-B');
    // 10 ahead on 2 idle counters, 5 min (+ walk) each: called after 5 rounds, ≈ 29 min (forward simulation, issue 13)
    expect(eleventh.estimate).toMatchObject({ ahead: 10, openCounters: 2, method: 'queue-sim/2', reason: null });
    const e = eleventh.estimate as Required<typeof eleventh.estimate> & { lowMin: number; highMin: number; pointMin: number };
    expect(e.pointMin).toBeGreaterThan(24);
    expect(e.pointMin).toBeLessThan(34);
    expect(e.lowMin).toBeLessThanOrEqual(e.pointMin);
    expect(e.highMin).toBeGreaterThanOrEqual(e.pointMin);
    expect(e.highMin - e.lowMin).toBeLessThanOrEqual(Math.max(10, 0.6 * e.pointMin));
    const svc = engine.publicSnapshot('chuo').services.find((s) => s.id === 'chuo-B')!;
    expect(svc.waiting).toBe(11);
    expect(svc.estimate.lowMin).toBeLessThanOrEqual(svc.estimate.highMin!);
  });
});

it('T0 is a Tuesday morning in Tokyo', () => {
  expect(new Date(T0).toISOString()).toBe('2026-03-24T00:30:00.000Z');
});
