import { describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import type { Actor } from '../queue/decide.js';
import { cid, makeTestDb } from '../testing.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });

describe('estimate cost on the issue path (issue 13)', () => {
  it('a burst of issues in one minute with no counter change reuses one simulation per service, moved by the time per person ahead; a counter change simulates again', async () => {
    const t = await makeTestDb({ office: { counters: [['1', ['A']], ['2', ['A']]] } });
    const engine = new Engine({ db: t.db, clock: t.clock });
    const run = <N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'>) =>
      engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId: cid(name), ...payload }) } as never);
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    run(clerk('clerk2'), 'counter:open', { counterId: 'chuo-c2' });
    const issued: IssuedTicket[] = [];
    for (let i = 0; i < 16; i++) issued.push(run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A' }).ticket as IssuedTicket);
    // From 10 ahead on (the 11th ticket simulated), each next resident is the same step later.
    const points = issued.slice(10).map((k) => k.estimate.pointMin!);
    const steps = points.slice(1).map((p, i) => Math.round((p - points[i]!) * 10) / 10);
    expect(steps[0]).toBeGreaterThan(0);
    for (const s of steps) expect(Math.abs(s - steps[0]!)).toBeLessThanOrEqual(0.1);
    expect(issued.slice(10).map((k) => k.estimate.ahead)).toEqual([10, 11, 12, 13, 14, 15]);
    // A counter pauses: the next estimate is a fresh simulation on one counter, about twice as long.
    run(clerk('clerk2'), 'counter:pause', { counterId: 'chuo-c2' });
    const after = (run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A' }).ticket as IssuedTicket).estimate;
    expect(after.ahead).toBe(16);
    expect(after.pointMin!).toBeGreaterThan(points.at(-1)! * 1.3);
  });
});
