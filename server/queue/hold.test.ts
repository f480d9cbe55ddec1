import { beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../common/errors.js';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import { diffReplay } from '../store/replay.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';
import type { Actor } from './decide.js';

/**
 * Hold keeps the ticket for the counter that held it: resume calls it back there, no other
 * counter's call-next or call-by-number takes it, only that counter's clerk or a supervisor
 * resumes it; the staff snapshot says what call-next would take and who closed a counter.
 */

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };

let t: TestOffice;
let engine: Engine;

beforeEach(async () => {
  t = await makeTestDb();
  engine = new Engine({ db: t.db, clock: t.clock });
});

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
function issue(serviceId = 'chuo-A', priority = false): IssuedTicket {
  t.clock.advance(1000);
  return run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId, priority }).ticket as IssuedTicket;
}
function codeOf(fn: () => unknown): ErrorCode | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
  return null;
}
const stepOf = (display: string) => t.db.prepare('SELECT s.* FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY s.seq DESC LIMIT 1').get(display) as Record<string, unknown>;
const eventCount = () => (t.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
const open = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:open', { counterId });
const callNext = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:call-next', { counterId }).display as string;

describe('hold keeps the ticket for the holding counter', () => {
  it('hold → resume returns to the same counter; call-next at another counter does not take it, before or after', () => {
    const a1 = issue().display;
    const a2 = issue().display;
    const a3 = issue().display;
    open('chuo-c3', 'clerk1');
    open('chuo-c2', 'clerk2');
    expect(callNext('chuo-c3', 'clerk1')).toBe(a1);
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    expect(stepOf(a1)).toMatchObject({ state: 'held', counter_id: 'chuo-c3' });
    const held = JSON.parse((t.db.prepare("SELECT data FROM events WHERE type = 'step.held'").get() as { data: string }).data);
    expect(held.counterId).toBe('chuo-c3');
    // The other counter serving A takes the next waiting ticket, never the held one.
    expect(callNext('chuo-c2', 'clerk2')).toBe(a2);
    run(clerk('clerk2'), 'counter:done', { counterId: 'chuo-c2' });
    // The resident is back: the holding clerk resumes and has them at once.
    expect(run(clerk('clerk1'), 'step:resume', { stepId: String(stepOf(a1).id) }).display).toBe(a1);
    expect(stepOf(a1)).toMatchObject({ state: 'called', counter_id: 'chuo-c3', clerk_id: 'clerk1', call_reason: 'resumed', call_count: 2 });
    expect(callNext('chuo-c2', 'clerk2')).toBe(a3);
    expect(engine.staffSnapshot('chuo').counters.find((c) => c.id === 'chuo-c3')!.currentStep?.display).toBe(a1);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('resume by another clerk, or a clerk at no counter, is refused with HELD_BY_OTHER_COUNTER and changes nothing', () => {
    const a1 = issue().display;
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    const stepId = String(stepOf(a1).id);
    const before = eventCount();
    expect(codeOf(() => run(clerk('clerk2'), 'step:resume', { stepId }))).toBe('HELD_BY_OTHER_COUNTER'); // at no counter
    open('chuo-c2', 'clerk2');
    const afterOpen = eventCount();
    expect(codeOf(() => run(clerk('clerk2'), 'step:resume', { stepId }))).toBe('HELD_BY_OTHER_COUNTER');
    expect(codeOf(() => run(clerk('clerk2'), 'counter:call', { counterId: 'chuo-c2', number: a1 }))).toBe('HELD_BY_OTHER_COUNTER');
    expect(eventCount()).toBe(afterOpen);
    expect(afterOpen).toBe(before + 1);
    expect(stepOf(a1)).toMatchObject({ state: 'held', counter_id: 'chuo-c3' });
  });

  it('the holding clerk busy with someone else finishes first (COUNTER_BUSY); calling the held number at its own counter also brings it back', () => {
    const a1 = issue().display;
    const a2 = issue().display;
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    expect(callNext('chuo-c3', 'clerk1')).toBe(a2);
    expect(codeOf(() => run(clerk('clerk1'), 'step:resume', { stepId: String(stepOf(a1).id) }))).toBe('COUNTER_BUSY');
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' });
    expect(run(clerk('clerk1'), 'counter:call', { counterId: 'chuo-c3', number: a1 }).display).toBe(a1);
  });

  it('a supervisor releases a held ticket to the front of its queue, or moves it to another service (floor)', () => {
    const a1 = issue().display;
    const a2 = issue().display;
    const a3 = issue().display;
    open('chuo-c3', 'clerk1');
    open('chuo-c2', 'clerk2');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:hold', { counterId: 'chuo-c3' });
    run(supervisor, 'step:resume', { stepId: String(stepOf(a1).id) });
    expect(stepOf(a1).state).toBe('waiting');
    expect(callNext('chuo-c2', 'clerk2')).toBe(a1); // released: any counter serving A may call it, first
    run(supervisor, 'step:move', { stepId: String(stepOf(a2).id), serviceId: 'chuo-B' });
    expect(stepOf(a2)).toMatchObject({ state: 'waiting', service_id: 'chuo-B' });
    expect(stepOf(a3).state).toBe('waiting');
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});

describe('staff snapshot: next up and who closed a counter', () => {
  it('nextUp of each open counter is exactly what call-next then takes (priority ratio included)', () => {
    for (let i = 0; i < 4; i++) issue('chuo-A');
    issue('chuo-A', true);
    issue('chuo-B', true);
    open('chuo-c1', 'clerk1');
    open('chuo-c3', 'clerk2');
    for (let i = 0; i < 6; i++) {
      const snap = engine.staffSnapshot('chuo');
      const who = i % 2 === 0 ? ['chuo-c1', 'clerk1'] as const : ['chuo-c3', 'clerk2'] as const;
      const expected = snap.counters.find((c) => c.id === who[0])!.nextUp;
      if (!expected) {
        expect(codeOf(() => callNext(who[0], who[1]))).toBe('NO_TICKET_WAITING');
        continue;
      }
      expect(callNext(who[0], who[1])).toBe(expected.display);
      expect(stepOf(expected.display).call_reason).toBe(expected.reason);
      run(clerk(who[1]), 'counter:done', { counterId: who[0] });
    }
    expect(engine.staffSnapshot('chuo').counters.find((c) => c.id === 'chuo-c5')!.nextUp).toBeNull(); // closed
  });

  it('closedBy names the clerk who closed their own counter, or the supervisor who closed it', () => {
    open('chuo-c1', 'clerk1');
    open('chuo-c2', 'clerk2');
    run(clerk('clerk1'), 'counter:close', { counterId: 'chuo-c1' });
    run(supervisor, 'counter:close', { counterId: 'chuo-c2' });
    const snap = engine.staffSnapshot('chuo');
    expect(snap.counters.find((c) => c.id === 'chuo-c1')!.closedBy).toEqual({ id: 'clerk1', name: 'clerk1' });
    expect(snap.counters.find((c) => c.id === 'chuo-c2')!.closedBy).toEqual({ id: 'supervisor', name: 'supervisor' });
    open('chuo-c1', 'clerk1');
    expect(engine.staffSnapshot('chuo').counters.find((c) => c.id === 'chuo-c1')!.closedBy).toBeNull();
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});
