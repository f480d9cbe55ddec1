import { beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import { stmt } from '../store/db.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';
import { MINUTE_MS } from './clock.js';
import type { Actor } from './decide.js';
import { queuePosition, serviceQueue, waitingCount } from './policy.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });

let t: TestOffice;
let engine: Engine;

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
const issue = (serviceId: string, priority = false) => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId, priority }).ticket as IssuedTicket;

describe('queue position without sorting the queue', () => {
  beforeEach(async () => {
    t = await makeTestDb({ policy: { normalPerPriority: 2, maxWaitMin: null } });
    engine = new Engine({ db: t.db, clock: t.clock });
  });

  it('an issued ticket\'s "ahead" and every waiting step\'s position equal its index in the sorted queue', () => {
    const state = engine.state('chuo');
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const seen: number[] = [];
    // A mix of normal and priority tickets for two services, calls and transfers to the front and
    // back, so the queue order is not the issue order.
    for (let i = 0; i < 40; i++) {
      t.clock.advance(MINUTE_MS / 4);
      const svc = i % 3 === 0 ? 'chuo-B' : 'chuo-A';
      const before = serviceQueue(state, svc);
      const tk = issue(svc, i % 5 === 1);
      const sorted = serviceQueue(state, svc).map((s) => s.id);
      expect(tk.estimate.ahead).toBe(sorted.indexOf(tk.stepId));
      expect(sorted.length).toBe(before.length + 1);
      seen.push(tk.estimate.ahead);
      if (i % 7 === 6) {
        const called = run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c1' });
        const to = state.steps.get(called.stepId!)!.serviceId === 'chuo-B' ? 'chuo-A' : 'chuo-B';
        run(clerk('clerk1'), 'counter:transfer', { counterId: 'chuo-c1', serviceId: to, position: i % 2 ? 'front' : 'back' });
      }
    }
    // Priority tickets jump ahead: positions are not simply growing with the issue order.
    expect(seen.some((a, i) => i > 0 && a < seen[i - 1]!)).toBe(true);
    for (const svc of ['chuo-A', 'chuo-B', 'chuo-C']) {
      const sorted = serviceQueue(state, svc);
      expect(waitingCount(state, svc)).toBe(sorted.length);
      sorted.forEach((s, i) => expect(queuePosition(state, svc, s.id)).toBe(i));
    }
    // Not waiting (called, or another service): 0, as findIndex → -1 → max(0, …) gave before.
    const called = [...state.steps.values()].find((s) => s.state !== 'waiting')!;
    expect(queuePosition(state, called.serviceId, called.id)).toBe(0);
    const b = serviceQueue(state, 'chuo-B').at(-1)!;
    expect(queuePosition(state, 'chuo-A', b.id)).toBe(0);
    // The public snapshot's counts and the ticket status page agree with the sorted queue.
    const pub = engine.publicSnapshot('chuo');
    expect(pub.services.find((s) => s.id === 'chuo-A')!.waiting).toBe(serviceQueue(state, 'chuo-A').length);
    const last = serviceQueue(state, 'chuo-A').at(-1)!;
    const token = state.tickets.get(last.ticketId)!.token;
    expect(engine.ticketStatusByToken(token)!.estimate!.ahead).toBe(serviceQueue(state, 'chuo-A').length - 1);
  });
});

describe('prepared statement cache', () => {
  it('prepares a statement once per connection and SQL text, and re-prepares after a schema change', async () => {
    const a = await makeTestDb();
    const b = await makeTestDb();
    const s1 = stmt(a.db, 'SELECT count(*) AS n FROM offices');
    expect(stmt(a.db, 'SELECT count(*) AS n FROM offices')).toBe(s1);
    expect(stmt(b.db, 'SELECT count(*) AS n FROM offices')).not.toBe(s1);
    expect((s1.get() as { n: number }).n).toBe(1);
    a.db.exec('CREATE TABLE extra (x INTEGER); CREATE INDEX extra_x ON extra (x)');
    expect((stmt(a.db, 'SELECT count(*) AS n FROM offices').get() as { n: number }).n).toBe(1);
  });
});
