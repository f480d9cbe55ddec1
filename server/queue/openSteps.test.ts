import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandSchemas, type CommandName } from '../../common/schemas.js';
import type { Step } from '../../common/types.js';
import { Engine } from '../engine.js';
import { cid, makeTestDb } from '../testing.js';
import type { Actor } from './decide.js';
import { aheadAtIssue } from './estimate.js';
import { compareQueue, isPriority, orderKeyFor, pickNext, queuePosition, serviceQueue, waitingCount } from './policy.js';
import type { OfficeState } from './state.js';
import { businessDay } from './time.js';

/**
 * Issue 17: the per-service index of open steps and the one-pass picks change no answer. Each
 * function is compared with the plain scan of every step it replaced, over random office days.
 */

const naiveWaiting = (state: OfficeState, serviceId: string) => [...state.steps.values()].filter((s) => s.state === 'waiting' && s.serviceId === serviceId);

function naivePick(state: OfficeState, counterId: string, now: number): { step: Step; reason: string } | null {
  const counter = state.counters.get(counterId)!;
  const served = new Set(counter.serviceIds);
  const candidates = [...state.steps.values()].filter((s) => s.state === 'waiting' && served.has(s.serviceId));
  if (!candidates.length) return null;
  const rank = (id: string) => counter.serviceIds.indexOf(id);
  const fifo = (a: Step, b: Step) => a.orderKey - b.orderKey || rank(a.serviceId) - rank(b.serviceId) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const policy = state.office.policy;
  if (policy.maxWaitMin !== null) {
    const overdue = candidates.filter((s) => now - s.enqueuedAt >= policy.maxWaitMin! * 60_000).sort((a, b) => a.enqueuedAt - b.enqueuedAt || fifo(a, b));
    if (overdue.length) return { step: overdue[0]!, reason: 'max_wait' };
  }
  const pri = candidates.filter((s) => isPriority(state, s)).sort(fifo);
  const nor = candidates.filter((s) => !isPriority(state, s)).sort(fifo);
  if (!pri.length) return { step: nor[0]!, reason: 'fifo' };
  if (!nor.length) return { step: pri[0]!, reason: 'priority' };
  if (policy.normalPerPriority !== null && state.normalsSincePriority < policy.normalPerPriority) return { step: nor[0]!, reason: 'ratio' };
  return { step: pri[0]!, reason: 'priority' };
}

const SERVICES = ['chuo-A', 'chuo-B', 'chuo-C'];
const COUNTERS = ['chuo-c1', 'chuo-c2', 'chuo-c3', 'chuo-c4'];
const op = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constant('issue' as const), fc.nat(2), fc.boolean()) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom<CommandName>('counter:call-next', 'counter:done', 'counter:no-show', 'counter:hold', 'counter:return', 'counter:transfer', 'counter:start'), fc.nat(3), fc.boolean()) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('wait' as const), fc.nat(40), fc.boolean()) },
);

describe('open-step index and one-pass picks', () => {
  it('answer exactly as scanning every step did, over random days (max wait and priority ratio on)', async () => {
    const t = await makeTestDb({ policy: { maxWaitMin: 30, normalPerPriority: 2 } });
    try {
      // Counters opened by actors without a clerk, so all four stay open.
      const engine = new Engine({ db: t.db, clock: t.clock });
      const noClerk: Actor = { role: 'supervisor', staffId: null, deviceId: null };
      const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
      const exec = (actor: Actor, name: CommandName, payload: Record<string, unknown>) => {
        try {
          engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId: cid(name), ...payload }) } as never);
        } catch {
          /* refused: nothing changed */
        }
      };
      for (const c of COUNTERS) exec(noClerk, 'counter:open', { counterId: c });
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
          for (const [kind, n, flag] of ops) {
            if (kind === 'issue') exec(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: SERVICES[n]!, priority: flag });
            else if (kind === 'wait') t.clock.advance(n * 60_000);
            else exec(noClerk, kind, kind === 'counter:transfer' ? { counterId: COUNTERS[n]!, serviceId: SERVICES[n % 3]! } : { counterId: COUNTERS[n]! });
          }
          const state = engine.state('chuo');
          const now = t.clock.now();
          for (const c of COUNTERS) {
            const a = pickNext(state, state.counters.get(c)!, now);
            const b = naivePick(state, c, now);
            expect(a && { id: a.step.id, reason: a.reason }).toEqual(b && { id: b.step.id, reason: b.reason });
          }
          for (const svc of [...state.services.keys()]) {
            const naive = naiveWaiting(state, svc);
            expect(waitingCount(state, svc)).toBe(naive.length);
            expect(serviceQueue(state, svc).map((s) => s.id)).toEqual([...naive].sort(compareQueue(state, () => 0)).map((s) => s.id));
            expect(aheadAtIssue(state, svc, false)).toBe(naive.length);
            expect(aheadAtIssue(state, svc, true)).toBe(naive.filter((s) => isPriority(state, s)).length);
            const front = Math.min(now, ...naive.map((s) => s.orderKey)) - 1;
            expect(orderKeyFor(state, svc, 'front', now)).toBe(front);
            const sorted = [...naive].sort(compareQueue(state, () => 0));
            for (const [i, s] of sorted.entries()) expect(queuePosition(state, svc, s.id)).toBe(i);
          }
        }),
        { numRuns: 30 },
      );
    } finally {
      t.db.close();
    }
  });
});

describe('business day cached within its bounds', () => {
  it('is the local calendar date for any instant and zone, in any order of asking', () => {
    const zones = ['Asia/Tokyo', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.constantFrom(...zones)), { minLength: 1, maxLength: 50 }), (xs) => {
        for (const [at, tz] of xs) {
          expect(businessDay(at, tz)).toBe(format(new TZDate(at, tz), 'yyyy-MM-dd'));
          // Right at and around local midnight too.
          const day = businessDay(at, tz);
          const [y, m, d] = day.split('-').map(Number) as [number, number, number];
          const midnight = new TZDate(y, m - 1, d, 0, 0, 0, 0, tz).getTime();
          for (const x of [midnight - 1, midnight, midnight + 1]) expect(businessDay(x, tz)).toBe(format(new TZDate(x, tz), 'yyyy-MM-dd'));
        }
      }),
      { numRuns: 200 },
    );
  });
});
