import { beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket, RecordedEstimate } from '../../common/types.js';
import { Engine } from '../engine.js';
import type { Actor } from '../queue/decide.js';
import { replayOffice, diffReplay } from '../store/replay.js';
import { stepFromRow } from '../store/rows.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };

let t: TestOffice;
let engine: Engine;
function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'>) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
const issue = (actor: Actor = kiosk, serviceId = 'chuo-A') => run(actor, 'ticket:issue', { officeId: 'chuo', serviceId }).ticket as IssuedTicket;
const issuedEvent = (ticketId: string) => JSON.parse((t.db.prepare("SELECT data FROM events WHERE type = 'ticket.issued' AND ticket_id = ?").get(ticketId) as { data: string }).data) as { estimate?: RecordedEstimate };
const storedStep = (stepId: string) => stepFromRow(t.db.prepare('SELECT * FROM steps WHERE id = ?').get(stepId) as Record<string, unknown>);

describe('the estimate shown at issue is recorded with the ticket (issue 13)', () => {
  beforeEach(async () => {
    t = await makeTestDb();
    engine = new Engine({ db: t.db, clock: t.clock });
  });

  it('stores range, point and method in the ticket.issued event and on the step, exactly as the reply showed it', () => {
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    for (let i = 0; i < 4; i++) issue();
    const tk = issue();
    expect(tk.estimate.ahead).toBe(4);
    expect(tk.estimate.lowMin).not.toBeNull();
    const recorded = issuedEvent(tk.ticketId).estimate!;
    expect(recorded).toEqual({ lowMin: tk.estimate.lowMin, highMin: tk.estimate.highMin, pointMin: tk.estimate.pointMin, method: tk.estimate.method, ahead: 4 });
    expect(recorded.pointMin).toBeGreaterThan(0);
    expect(recorded.lowMin!).toBeLessThanOrEqual(recorded.pointMin!);
    expect(recorded.highMin!).toBeGreaterThanOrEqual(recorded.pointMin!);
    expect(storedStep(tk.stepId).estimate).toEqual(recorded);
  });

  it('records staff issue too, and a null range with its method when no counter is open', () => {
    const tk = issue(supervisor, 'chuo-B');
    expect(tk.estimate).toMatchObject({ lowMin: null, highMin: null, pointMin: null, reason: 'NO_OPEN_COUNTER' });
    const recorded = issuedEvent(tk.ticketId).estimate!;
    expect(recorded).toMatchObject({ lowMin: null, highMin: null, pointMin: null, ahead: 0 });
    expect(typeof recorded.method).toBe('string');
    expect(storedStep(tk.stepId).estimate).toEqual(recorded);
  });

  it('survives replay: the reducer rebuilds the step estimate from the event, and the estimate stays on the step after it is called and served', () => {
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const a = issue();
    const b = issue();
    run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c1' });
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c1' });
    const replayed = replayOffice(t.db, 'chuo');
    expect(replayed.steps.get(a.stepId)!.estimate).toEqual(storedStep(a.stepId).estimate);
    expect(replayed.steps.get(b.stepId)!.estimate).toEqual(issuedEvent(b.ticketId).estimate);
    expect(storedStep(a.stepId).estimate).toBeDefined();
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('a retried issue returns the recorded estimate, not a new one', () => {
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    issue();
    const payload = commandSchemas['ticket:issue'].parse({ commandId: 'same-retry-1', officeId: 'chuo', serviceId: 'chuo-A' });
    const first = engine.execute(kiosk, { name: 'ticket:issue', payload } as never).ticket as IssuedTicket;
    issue();
    const again = engine.execute(kiosk, { name: 'ticket:issue', payload } as never).ticket as IssuedTicket;
    expect(again.estimate).toEqual(first.estimate);
  });
});
