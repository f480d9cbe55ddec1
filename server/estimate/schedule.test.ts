import { describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../engine.js';
import type { Actor } from '../queue/decide.js';
import { startOfBusinessDay } from '../queue/time.js';
import { cid, makeTestDb } from '../testing.js';
import { forwardEstimate, type QueueView, type SimCounter } from './forward.js';
import { learnedSchedule } from './history.js';
import { learnSchedule, planForDay, previousDays, type CounterEventRow, type CounterEventType } from './schedule.js';

const TZ = 'Asia/Tokyo';
/** Epoch ms of a local "HH:MM" on a business day. */
const at = (day: string, hm: string) => {
  const [h, m] = hm.split(':').map(Number) as [number, number];
  return startOfBusinessDay(day, TZ) + (h * 60 + m) * 60_000;
};
const ev = (counterId: string, type: CounterEventType, day: string, hm: string): CounterEventRow => ({ counterId, type, at: at(day, hm) });
const DAYS = ['2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-23'];

/** Five business days: counter 3 always pauses 12:00–13:00; counter 1 never pauses but took a 5-minute break once; counter 2 leaves at 15:00 on four days. */
function history(): CounterEventRow[] {
  const out: CounterEventRow[] = [];
  DAYS.forEach((d, i) => {
    for (const c of ['c1', 'c2', 'c3']) out.push(ev(c, 'counter.opened', d, '08:28'));
    out.push(ev('c3', 'counter.paused', d, '12:00'), ev('c3', 'counter.resumed', d, '13:00'));
    if (i === 2) out.push(ev('c1', 'counter.paused', d, '10:00'), ev('c1', 'counter.resumed', d, '10:05'));
    out.push(ev('c2', 'counter.closed', d, i === 4 ? '17:20' : '15:00'));
    for (const c of ['c1', 'c3']) out.push(ev(c, 'counter.closed', d, '17:20'));
  });
  return out;
}

describe('learned counter schedule (issue 13)', () => {
  it('infers a counter that always pauses 12:00–13:00, drops a one-off break, and learns an early closing with its share of days', () => {
    const s = learnSchedule(history(), TZ, '17:15');
    expect(s.c3!.pauses).toEqual([{ from: '12:00', to: '13:00', p: 1 }]);
    expect(s.c1!.pauses).toEqual([]);
    expect(s.c2!.pauses).toEqual([]);
    expect(s.c2!.closeAt).toEqual({ at: '15:00', p: 0.8 });
    // Closings after reception ends follow the queue, not a schedule.
    expect(s.c1!.closeAt).toBeNull();
    expect(s.c3!.openAt).toEqual({ at: '08:28', p: 1 });
    // Without the reception end, no closing is learned.
    expect(learnSchedule(history(), TZ, null).c2!.closeAt).toBeNull();
  });

  it('gives a pause seen on some days its share, and drops one seen too rarely', () => {
    const events = history().filter((e) => !(e.counterId === 'c3' && e.type !== 'counter.opened' && e.type !== 'counter.closed' && e.at > at('2026-03-18', '00:00')));
    // c3 paused on 2 of 5 days now.
    expect(learnSchedule(events, TZ, '17:15').c3!.pauses).toEqual([{ from: '12:00', to: '13:00', p: 0.4 }]);
    const rare = history().filter((e) => !(e.counterId === 'c3' && e.type !== 'counter.opened' && e.type !== 'counter.closed' && e.at > at('2026-03-17', '00:00')));
    expect(learnSchedule(rare, TZ, '17:15').c3!.pauses).toEqual([]);
  });

  it('learns from the last ten business days before today, and places the schedule on a day in epoch ms', () => {
    const days = Array.from({ length: 14 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
    expect(previousDays([...days, '2026-03-20'], '2026-03-14')).toEqual(days.slice(3, 13));
    const plan = planForDay(learnSchedule(history(), TZ, '17:15'), '2026-03-24', TZ).get('c3')!;
    expect(plan.pauses).toEqual([{ from: at('2026-03-24', '12:00'), to: at('2026-03-24', '13:00'), p: 1 }]);
  });

  it('a ticket issued at 11:30 with that counter shared gets a later estimate than without the schedule', () => {
    const day = '2026-03-24';
    const now = at(day, '11:30');
    // Counter 1 serves A; counter 3 serves A and B (shared). Fifteen A wait, every call takes 5 minutes.
    const counters: SimCounter[] = [
      { id: 'c1', serviceIds: ['A'], state: 'open', stateSince: at(day, '08:30'), current: null },
      { id: 'c3', serviceIds: ['A', 'B'], state: 'open', stateSince: at(day, '08:30'), current: null },
    ];
    const view = (cs: SimCounter[]): QueueView => ({
      now, policy: { normalPerPriority: null, maxWaitMin: null }, normalsSincePriority: 0, counters: cs,
      waiting: Array.from({ length: 15 }, (_, i) => ({ id: `w${i}`, serviceId: 'A', priority: false, orderKey: now - (15 - i) * 60_000, enqueuedAt: now - (15 - i) * 60_000 })),
      samples: new Map([['A', Array(20).fill(5 * 60_000)], ['B', Array(20).fill(5 * 60_000)]]),
      defaultMin: new Map(), priorityRate: new Map(), frontRate: new Map(), residuals: [],
    });
    const target = { id: 'new', serviceId: 'A', priority: false, orderKey: now, enqueuedAt: now };
    const plans = planForDay(learnSchedule(history(), TZ, '17:15'), day, TZ);
    const without = forwardEstimate(view(counters), target, 1);
    const withPlan = forwardEstimate(view(counters.map((c) => ({ ...c, plan: plans.get(c.id) }))), target, 1);
    if (!without.ok || !withPlan.ok) throw new Error('expected estimates');
    // Without: the 16th call on two counters, in the 8th round of 5 minutes → after 35 minutes (12:05).
    expect(without.pointMin).toBe(35);
    // With: counter 3 goes to lunch when it is free at 12:00, so calls 13–16 are counter 1's alone → 12:15.
    expect(withPlan.pointMin).toBe(45);
    expect(withPlan.highMin!).toBeGreaterThan(without.highMin!);
  });

  it('is read from the event log of earlier days when the engine estimates at issue', async () => {
    const day = '2026-03-24';
    const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
    const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
    const office = { counters: [['1', ['A']], ['3', ['A', 'B']]] as [string, string[]][] };
    const setUp = async (withHistory: boolean) => {
      const t = await makeTestDb({ office, now: at('2026-03-17', '08:00') });
      const engine = new Engine({ db: t.db, clock: t.clock });
      const run = <N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'>) =>
        engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId: cid(name), ...payload }) } as never);
      if (withHistory) {
        for (const d of ['2026-03-17', '2026-03-18', '2026-03-19']) {
          t.clock.set(at(d, '08:28'));
          run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
          run(clerk('clerk2'), 'counter:open', { counterId: 'chuo-c3' });
          t.clock.set(at(d, '12:00'));
          run(clerk('clerk2'), 'counter:pause', { counterId: 'chuo-c3' });
          t.clock.set(at(d, '13:00'));
          run(clerk('clerk2'), 'counter:resume', { counterId: 'chuo-c3' });
          t.clock.set(at(d, '17:20'));
          run(clerk('clerk1'), 'counter:close', { counterId: 'chuo-c1' });
          run(clerk('clerk2'), 'counter:close', { counterId: 'chuo-c3' });
        }
        expect(learnedSchedule(t.db, engine.state('chuo').office, day)['chuo-c3']!.pauses).toEqual([{ from: '12:00', to: '13:00', p: 1 }]);
      }
      t.clock.set(at(day, '08:28'));
      run(clerk('clerk1'), 'counter:open', { counterId: 'chuo-c1' });
      run(clerk('clerk2'), 'counter:open', { counterId: 'chuo-c3' });
      t.clock.set(at(day, '11:30'));
      let last!: IssuedTicket;
      for (let i = 0; i < 12; i++) last = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A' }).ticket as IssuedTicket;
      return last.estimate;
    };
    const plain = await setUp(false);
    const learned = await setUp(true);
    expect(plain.method).toBe('queue-sim/2');
    expect(learned.pointMin!).toBeGreaterThan(plain.pointMin!);
  });
});
