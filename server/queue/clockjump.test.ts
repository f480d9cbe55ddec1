import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { ErrorBody } from '../../common/errors.js';
import type { CommandResult } from '../../common/events.js';
import type { IssuedTicket } from '../../common/types.js';
import { dayTurnGuardFor, Engine } from '../engine.js';
import type { Logger } from '../log.js';
import { cid, http, makeTestDb, startTestServer, type TestOffice, type TestServer } from '../testing.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './clock.js';
import type { Actor } from './decide.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk: Actor = { role: 'clerk', staffId: 'clerk1', deviceId: null };
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };
const TICK_MS = 30_000;

let t: TestOffice;
let engine: Engine;
let logs: string[];

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
const issue = () => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A' }).ticket as IssuedTicket;
const stepState = (stepId: string) => engine.state('chuo').steps.get(stepId) ?? (t.db.prepare('SELECT state, outcome FROM steps WHERE id = ?').get(stepId) as { state: string; outcome: string | null });
const diskStep = (stepId: string) => t.db.prepare('SELECT state, outcome FROM steps WHERE id = ?').get(stepId) as { state: string; outcome: string | null };
const counterState = () => engine.state('chuo').live.get('chuo-c1')!.state;
/** Housekeeping every 30 s from now until `until` (a continuous clock). */
function tickUntil(until: number): void {
  while (t.clock.now() + TICK_MS <= until) {
    t.clock.advance(TICK_MS);
    engine.tick();
  }
}
/** 2026-03-24 + days at hh:mm in Tokyo. */
const tokyo = (days: number, hh: number, mm: number) => Date.UTC(2026, 2, 24 + days, hh - 9, mm);

describe('day turn: a wall-clock jump past midnight does not close the day', () => {
  beforeEach(async () => {
    t = await makeTestDb({ now: tokyo(0, 10, 0) });
    logs = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) }) as unknown as Logger;
    engine = new Engine({ db: t.db, clock: t.clock, log, dayTurnGuard: dayTurnGuardFor(TICK_MS) });
    engine.tick(); // at start
  });

  it('a jump forward past midnight leaves waiting tickets waiting and counters open, logs it, and a supervisor can still close the day', () => {
    run(clerk, 'counter:open', { counterId: 'chuo-c1' });
    const a = issue();
    const b = issue();
    tickUntil(tokyo(0, 10, 5));
    t.clock.set(tokyo(1, 10, 5)); // the clock jumps a whole day ahead
    engine.tick();
    tickUntil(tokyo(1, 10, 30)); // and keeps running from there for a while
    expect(stepState(a.stepId).state).toBe('waiting');
    expect(stepState(b.stepId).state).toBe('waiting');
    expect(diskStep(a.stepId)).toEqual({ state: 'waiting', outcome: null });
    expect(counterState()).not.toBe('closed');
    expect(logs.some((l) => l.includes('wall clock jumped'))).toBe(true);
    expect(logs.some((l) => l.includes('day turn held') && l.includes('"level":50'))).toBe(true);
    expect(engine.heldDayTurns()).toEqual(['chuo']);

    // The supervisor's close of day is not held back.
    run(supervisor, 'office:close-day', { officeId: 'chuo' });
    expect(diskStep(a.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
    expect(diskStep(b.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
    expect(counterState()).toBe('closed');
    engine.tick();
    expect(engine.heldDayTurns()).toEqual([]);
  });

  it('a jump forward that is corrected back closes nothing; the day closes at the real midnight, and numbers of both days stay distinct', () => {
    t.clock.set(tokyo(0, 23, 40));
    engine.tick();
    run(clerk, 'counter:open', { counterId: 'chuo-c1' });
    const a = issue();
    tickUntil(tokyo(0, 23, 45));
    t.clock.set(tokyo(1, 23, 45)); // wrong clock: a day ahead
    engine.tick();
    const during = issue(); // issued while the clock was wrong: it belongs to "tomorrow"
    expect(during).toMatchObject({ display: 'A-001', businessDay: '2026-03-25' });
    t.clock.set(tokyo(0, 23, 46)); // corrected
    engine.tick();
    expect(stepState(a.stepId).state).toBe('waiting');
    const b = issue();
    expect(b).toMatchObject({ display: 'A-002', businessDay: '2026-03-24' });

    tickUntil(tokyo(1, 0, 2)); // the real midnight, crossed by 30-second steps
    expect(diskStep(a.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
    expect(diskStep(b.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
    expect(diskStep(during.stepId)).toEqual({ state: 'waiting', outcome: null });
    // The 25th already used A-001 while the clock was wrong: the next is A-002, never a second A-001.
    const c = issue();
    expect(c).toMatchObject({ display: 'A-002', businessDay: '2026-03-25' });
    const n = t.db.prepare("SELECT count(*) AS n, count(DISTINCT number) AS d FROM tickets WHERE business_day = '2026-03-25'").get() as { n: number; d: number };
    expect(n).toEqual({ n: 2, d: 2 });
  });

  it('a clock that stays ahead is trusted after running continuously for an hour, and the day is closed then', () => {
    const a = issue();
    tickUntil(tokyo(0, 10, 5));
    t.clock.set(tokyo(1, 9, 0));
    engine.tick();
    tickUntil(tokyo(1, 9, 50));
    expect(diskStep(a.stepId).state).toBe('waiting');
    tickUntil(tokyo(1, 10, 1));
    expect(diskStep(a.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
  });

  it('the midnight crossed by ordinary ticks closes the day as before', () => {
    const a = issue();
    t.clock.set(tokyo(0, 23, 58));
    engine.tick(); // a long gap before midnight is a jump, but a jump within the same day holds nothing
    tickUntil(tokyo(1, 0, 1));
    expect(diskStep(a.stepId)).toEqual({ state: 'ended', outcome: 'unserved' });
  });
});

describe('numbering after the clock was set back', () => {
  it('an engine without the guard (the day already closed and forgotten by a jump) reloads from disk on the UNIQUE conflict and numbers again: no error, distinct numbers', async () => {
    t = await makeTestDb({ now: tokyo(0, 10, 0) });
    engine = new Engine({ db: t.db, clock: t.clock, log: pino({ level: 'silent' }) as unknown as Logger });
    const first = [issue(), issue(), issue()];
    t.clock.advance(DAY_MS);
    engine.tick(); // no guard: closes the 24th and forgets its numbers
    t.clock.advance(-DAY_MS + MINUTE_MS); // corrected back
    const next = issue();
    expect(next).toMatchObject({ display: 'A-004', businessDay: '2026-03-24' });
    const displays = (t.db.prepare("SELECT display FROM tickets WHERE business_day = '2026-03-24' ORDER BY number").all() as { display: string }[]).map((r) => r.display);
    expect(displays).toEqual([...first.map((x) => x.display), 'A-004']);
  });

  it('a number another writer put on disk is skipped, not a 500', async () => {
    t = await makeTestDb({ now: tokyo(0, 10, 0) });
    engine = new Engine({ db: t.db, clock: t.clock });
    const a = issue();
    // Another writer (an import, a second process) takes A-002 behind the engine's back.
    t.db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, issued_at, token) SELECT 'foreign', office_id, business_day, prefix, 2, 'A-002', issued_at, 'foreign-token-000000000000' FROM tickets WHERE id = ?`).run(a.ticketId);
    const b = issue();
    expect(b.display).toBe('A-003');
  });
});

describe('over HTTP: clock jump forward, issue, clock back, issue', () => {
  let srv: TestServer | null = null;
  afterEach(async () => {
    await srv?.close();
    srv = null;
  });

  it('answers 200 every time with distinct numbers per business day, and closes nothing', async () => {
    srv = await startTestServer({ now: tokyo(0, 10, 0) });
    const post = () => http<{ data: CommandResult } & ErrorBody>(srv!.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv!.kioskToken });
    const label = (d: CommandResult) => `${(d.ticket as IssuedTicket).businessDay} ${(d.ticket as IssuedTicket).display}`;
    const shown: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await post();
      expect(r.status).toBe(200);
      shown.push(label(r.body.data));
    }
    srv.clock.advance(DAY_MS + HOUR_MS);
    srv.app.engine.tick();
    const ahead = await post();
    expect(ahead.status).toBe(200);
    shown.push(label(ahead.body.data));
    srv.clock.advance(-DAY_MS - HOUR_MS + MINUTE_MS);
    srv.app.engine.tick();
    for (let i = 0; i < 2; i++) {
      const r = await post();
      expect(r.status).toBe(200);
      shown.push(label(r.body.data));
    }
    expect(shown).toEqual(['2026-03-24 A-001', '2026-03-24 A-002', '2026-03-25 A-001', '2026-03-24 A-003', '2026-03-24 A-004']);
    const unserved = (srv.db.prepare("SELECT count(*) AS n FROM steps WHERE outcome = 'unserved'").get() as { n: number }).n;
    expect(unserved).toBe(0);
  });
});
