import { beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import { MINUTE_MS } from '../queue/clock.js';
import type { Actor } from '../queue/decide.js';
import { aheadAtIssue, estimateWait } from '../queue/estimate.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';
import { forwardEstimate, shapeRange, type QueueView } from './forward.js';

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });

let t: TestOffice;
let engine: Engine;
function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'>) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
const issue = (serviceId: string) => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId }).ticket as IssuedTicket;
const COUNTERS: [string, string][] = [['chuo-c1', 'clerk1'], ['chuo-c2', 'clerk2']];

/** Both counters call, take exactly `min` minutes, finish; returns the numbers called. */
function round(min: number): string[] {
  const called: string[] = [];
  for (const [c, who] of COUNTERS) {
    try {
      called.push(run(clerk(who), 'counter:call-next', { counterId: c }).display as string);
    } catch {
      /* nobody waiting for this counter */
    }
  }
  t.clock.advance(min * MINUTE_MS);
  for (const [c, who] of COUNTERS) {
    try {
      run(clerk(who), 'counter:done', { counterId: c });
    } catch {
      /* idle */
    }
  }
  return called;
}

describe('forward-simulation estimator (issue 13)', () => {
  beforeEach(async () => {
    // Two counters, both serving A and B (a shared pair), every service exactly 5 minutes.
    t = await makeTestDb({ office: { counters: [['1', ['A', 'B']], ['2', ['A', 'B']]] } });
    engine = new Engine({ db: t.db, clock: t.clock });
  });

  it("a shared-counter case where today's formula is wrong by a factor of two is estimated within its range", () => {
    for (const [c, who] of COUNTERS) run(clerk(who), 'counter:open', { counterId: c });
    // Warm up: five A and five B served, 5 minutes each, so both know today's service time.
    for (let i = 0; i < 5; i++) { issue('chuo-A'); issue('chuo-B'); }
    for (let i = 0; i < 5; i++) round(5);
    // Six B residents wait, then four A: a new A resident has 4 A ahead — and the 6 B on the same counters.
    for (let i = 0; i < 6; i++) issue('chuo-B');
    for (let i = 0; i < 4; i++) issue('chuo-A');
    const state = engine.state('chuo');
    const baseline = estimateWait(state, 'chuo-A', aheadAtIssue(state, 'chuo-A', false));
    const mine = issue('chuo-A');
    expect(mine.estimate.ahead).toBe(4);
    // Play the day out: both counters call in policy order (FIFO across A and B), 5 minutes each.
    const issuedAt = mine.issuedAt;
    let calledAt: number | null = null;
    for (let r = 0; r < 20 && calledAt === null; r++) {
      const now = t.clock.now();
      if (round(5).includes(mine.display)) calledAt = now;
    }
    const actualMin = (calledAt! - issuedAt) / MINUTE_MS;
    expect(actualMin).toBe(25); // 10 ahead on 2 counters: the sixth round
    // Today's formula: 4 ahead × 5 min ÷ 2 counters = 10 min — off by more than a factor of two.
    expect(baseline.pointMin).toBe(10);
    expect(actualMin / baseline.pointMin!).toBeGreaterThanOrEqual(2);
    expect(actualMin).toBeGreaterThan(baseline.highMin!);
    // The forward simulation sees the shared counters and the B residents ahead.
    const e = mine.estimate;
    expect(e.method).toBe('queue-sim/2');
    expect(actualMin).toBeGreaterThanOrEqual(e.lowMin!);
    expect(actualMin).toBeLessThanOrEqual(e.highMin!);
    expect(Math.abs(e.pointMin! - actualMin)).toBeLessThanOrEqual(2);
    expect(e.highMin! - e.lowMin!).toBeLessThanOrEqual(Math.max(10, 0.6 * e.pointMin!));
  });

  it('the range is null with a reason when no counter serving the service is open (a paused one is not open)', () => {
    issue('chuo-A');
    const none = issue('chuo-A');
    expect(none.estimate).toMatchObject({ ahead: 1, lowMin: null, highMin: null, pointMin: null, openCounters: 0, reason: 'NO_OPEN_COUNTER' });
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    run(clerk('clerk1'), 'counter:pause', { counterId: 'chuo-c1' });
    expect(issue('chuo-A').estimate).toMatchObject({ lowMin: null, reason: 'NO_OPEN_COUNTER' });
    // The public list says the same, per service.
    const svc = engine.publicSnapshot('chuo').services.find((s) => s.id === 'chuo-B')!;
    expect(svc.estimate).toMatchObject({ lowMin: null, highMin: null, reason: 'NO_OPEN_COUNTER' });
    run(clerk('clerk1'), 'counter:resume', { counterId: 'chuo-c1' });
    expect(issue('chuo-A').estimate).toMatchObject({ reason: null, openCounters: 1 });
  });

  it('the phone page estimate follows the queue as it moves', () => {
    run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
    for (let i = 0; i < 5; i++) issue('chuo-B');
    const mine = issue('chuo-B');
    const before = engine.ticketStatusByToken(mine.token)!.estimate!;
    round(5);
    round(5);
    const after = engine.ticketStatusByToken(mine.token)!.estimate!;
    expect(after.ahead).toBe(before.ahead - 2);
    expect(after.pointMin!).toBeLessThan(before.pointMin!);
  });
});

describe('range shape and policy', () => {
  it('keeps high − low within max(10 min, 60 % of the point), whole minutes, point inside', () => {
    for (const [lo, p, hi] of [[0, 3, 40], [10, 60, 200], [55, 60, 61], [0, 0, 0.2], [20.4, 30.2, 49.9]] as const) {
      const r = shapeRange(lo, p, hi);
      expect(r.highMin - r.lowMin).toBeLessThanOrEqual(Math.max(10, 0.6 * r.pointMin));
      expect(r.lowMin).toBeLessThanOrEqual(r.pointMin);
      expect(r.highMin).toBeGreaterThanOrEqual(r.pointMin);
      expect(Number.isInteger(r.lowMin) && Number.isInteger(r.highMin)).toBe(true);
    }
  });

  const view = (over: Partial<QueueView> = {}): QueueView => ({
    now: 0, policy: { normalPerPriority: null, maxWaitMin: null }, normalsSincePriority: 0,
    counters: [{ id: 'c1', serviceIds: ['A'], state: 'open', stateSince: 0, current: null }],
    waiting: Array.from({ length: 6 }, (_, i) => ({ id: `w${i}`, serviceId: 'A', priority: false, orderKey: i, enqueuedAt: i })),
    samples: new Map([['A', [5, 5, 5, 5, 5, 5].map((m) => m * MINUTE_MS)]]), defaultMin: new Map([['A', 5]]),
    priorityRate: new Map(), frontRate: new Map(), residuals: [], ...over,
  });

  it('a priority newcomer goes before normal tickets; with a 2:1 ratio two normals go first', () => {
    const target = { id: 'new', serviceId: 'A', priority: true, orderKey: 100, enqueuedAt: 0 };
    const first = forwardEstimate(view(), target, 1);
    expect(first.ok && first.pointMin).toBe(0);
    const ratio = forwardEstimate(view({ policy: { normalPerPriority: 2, maxWaitMin: null } }), target, 1);
    expect(ratio.ok && ratio.pointMin).toBe(10);
  });

  it('a counter busy with a long call and a counter paused for lunch delay the newcomer', () => {
    const target = { id: 'new', serviceId: 'A', priority: false, orderKey: 100, enqueuedAt: 0 };
    const idle = forwardEstimate(view(), target, 1);
    expect(idle.ok && idle.pointMin).toBe(30);
    const paused = forwardEstimate(view({ counters: [{ id: 'c1', serviceIds: ['A'], state: 'open', stateSince: 0, current: null }, { id: 'c2', serviceIds: ['A'], state: 'paused', stateSince: 0, current: null }] }), target, 1);
    // c2 comes back after 60 min: it does not help a 30-minute wait.
    expect(paused.ok && paused.pointMin).toBe(30);
    const two = forwardEstimate(view({ counters: [{ id: 'c1', serviceIds: ['A'], state: 'open', stateSince: 0, current: null }, { id: 'c2', serviceIds: ['A'], state: 'open', stateSince: 0, current: null }] }), target, 1);
    expect(two.ok && two.pointMin).toBe(15);
  });
});
