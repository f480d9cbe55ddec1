import { beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';
import { MINUTE_MS } from './clock.js';
import type { Actor } from './decide.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });

let t: TestOffice;
let engine: Engine;

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
const issue = (serviceId: string, priority = false) => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId, priority }).ticket as IssuedTicket;

describe('day turn: calls shown on displays belong to the current business day', () => {
  beforeEach(async () => {
    t = await makeTestDb();
    engine = new Engine({ db: t.db, clock: t.clock });
  });

  it('yesterday\'s calls leave the snapshots at midnight Tokyo, before and after the tick', () => {
    t.clock.set(Date.UTC(2026, 2, 24, 14, 40)); // 23:40 in Tokyo (the process runs with TZ=UTC)
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const late = issue('chuo-A');
    run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c1' });
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c1' });
    run(clerk('clerk1'), 'counter:close', { counterId: 'chuo-c1' });
    expect(engine.publicSnapshot('chuo').recentCalls.map((c) => c.display)).toEqual([late.display]);

    // 00:05 the next day, before the minute tick has run: nothing of yesterday is shown.
    t.clock.set(Date.UTC(2026, 2, 24, 15, 5));
    expect(engine.publicSnapshot('chuo').recentCalls).toEqual([]);
    expect(engine.staffSnapshot('chuo').recentCalls).toEqual([]);

    // The tick forgets them and pushes fresh snapshots to the screens.
    const changed: string[] = [];
    engine.onChange((id) => changed.push(id));
    engine.tick();
    expect(changed).toContain('chuo');
    t.clock.set(Date.UTC(2026, 2, 24, 23, 30)); // 08:30 the next morning, opening
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const morning = issue('chuo-A');
    run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c1' });
    expect(morning.businessDay).toBe('2026-03-25');
    expect(engine.publicSnapshot('chuo').recentCalls.map((c) => c.display)).toEqual([morning.display]);
    expect(engine.staffSnapshot('chuo').recentCalls.map((c) => c.display)).toEqual([morning.display]);
    // A restarted server loads the same: today's calls only.
    const again = new Engine({ db: t.db, clock: t.clock });
    expect(again.publicSnapshot('chuo').recentCalls.map((c) => c.display)).toEqual([morning.display]);
  });

  it('the tick leaves today\'s calls alone and does not notify when nothing was dropped', () => {
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    const a = issue('chuo-A');
    run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c1' });
    const changed: string[] = [];
    engine.onChange((id) => changed.push(id));
    t.clock.advance(MINUTE_MS);
    engine.tick();
    expect(changed).toEqual([]);
    expect(engine.publicSnapshot('chuo').recentCalls.map((c) => c.display)).toEqual([a.display]);
  });
});
