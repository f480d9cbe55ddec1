import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../queue/clock.js';
import { startOfBusinessDay } from '../queue/time.js';
import { insertDevice, seedOffice } from '../seed.js';
import { migrate, openDatabase, type DB } from '../store/db.js';
import { diffReplay } from '../store/replay.js';
import { addDays, businessDays, isBusinessDay } from './calendar.js';
import { mmc } from './erlang.js';
import { chuoProfile } from './profiles.js';
import { domainRuntime } from './domain.js';
import { expectedArrivals, runDays, simulate, type OfficeProfile } from './simulate.js';

function freshDb(): DB {
  const db = openDatabase(':memory:');
  migrate(db);
  return db;
}

/** A stored history as one digest: every event (time, type, actor, payload) in order. */
function historyDigest(db: DB): string {
  const h = createHash('sha256');
  for (const r of db.prepare('SELECT office_id, at, type, staff_id, device_id, counter_id, command_id, data FROM events ORDER BY id').iterate() as Iterable<Record<string, unknown>>) h.update(JSON.stringify(r));
  return h.digest('hex');
}

describe('simulate drives the real engine', () => {
  function chuoDb(): DB {
    const db = freshDb();
    seedOffice(db, { id: 'chuo', name: { ja: '中央区役所' } });
    insertDevice(db, { id: 'chuo-kiosk-1', officeId: 'chuo', kind: 'kiosk', name: 'kiosk' });
    return db;
  }
  const days = ['2026-03-25', '2026-06-10'];

  it('is deterministic: the same seed writes the same history, another seed a different one', () => {
    const runs = ['s1', 's1', 's2'].map((seed) => {
      const db = chuoDb();
      const [summary] = simulate({ db, profiles: [chuoProfile()], days, seed, scale: 0.5 });
      return { summary, digest: historyDigest(db) };
    });
    expect(runs[0]!.summary!.tickets).toBeGreaterThan(100);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]!.digest).not.toBe(runs[0]!.digest);
  });

  it('writes a day a real office would: hours, lunch rotation, transfers, no-shows, closed at the end', () => {
    const db = chuoDb();
    const [s] = simulate({ db, profiles: [chuoProfile()], days: ['2026-03-25'], seed: 'day', scale: 0.7 });
    const tz = 'Asia/Tokyo';
    const open = startOfBusinessDay('2026-03-25', tz);
    const issued = db.prepare('SELECT min(issued_at) AS a, max(issued_at) AS b, count(*) AS n FROM tickets').get() as { a: number; b: number; n: number };
    expect(issued.n).toBe(s!.tickets);
    expect(issued.a).toBeGreaterThanOrEqual(open + (8 * 60 + 30) * MINUTE_MS);
    expect(issued.b).toBeLessThan(open + (17 * 60 + 15) * MINUTE_MS);
    // Lunch: counters pause at noon and resume at one.
    const paused = db.prepare("SELECT count(*) AS n FROM events WHERE type = 'counter.paused' AND at BETWEEN ? AND ?").get(open + 12 * 60 * MINUTE_MS, open + 13 * 60 * MINUTE_MS) as { n: number };
    expect(paused.n).toBeGreaterThanOrEqual(3);
    // Transfers keep the ticket: 転入 (A) → 国保 (E) as a second step of the same ticket.
    const transfers = db.prepare("SELECT count(*) AS n FROM steps s JOIN steps p ON p.id = s.from_step_id WHERE p.service_id = 'chuo-A' AND s.service_id = 'chuo-E' AND s.ticket_id = p.ticket_id").get() as { n: number };
    expect(transfers.n).toBeGreaterThan(0);
    expect(s!.noShows).toBeGreaterThan(0);
    expect(s!.transferred).toBeGreaterThan(0);
    // Every no-show was recalled first (the office policy), every step ended, every counter closed.
    const early = db.prepare("SELECT count(*) AS n FROM steps WHERE outcome = 'no_show' AND call_count < 2").get() as { n: number };
    expect(early.n).toBe(0);
    expect((db.prepare("SELECT count(*) AS n FROM steps WHERE state <> 'ended'").get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT count(*) AS n FROM counters WHERE state <> 'closed' OR clerk_id IS NOT NULL").get() as { n: number }).n).toBe(0);
    expect(diffReplay(db, 'chuo')).toEqual([]);
  });

  it('refuses to write over days that already have history', () => {
    const db = chuoDb();
    simulate({ db, profiles: [chuoProfile()], days: ['2026-06-10'], seed: 'x', scale: 0.2 });
    expect(() => simulate({ db, profiles: [chuoProfile()], days: ['2026-06-09'], seed: 'x', scale: 0.2 })).toThrow(/already has/);
  });
});

describe('the calendar', () => {
  it('knows business days, holidays and the moving season', () => {
    expect(isBusinessDay('2026-03-20')).toBe(false); // 春分の日
    expect(isBusinessDay('2026-03-23')).toBe(true);
    expect(isBusinessDay('2025-12-29')).toBe(false); // year-end closure
    expect(businessDays('2026-05-01', '2026-05-08')).toEqual(['2026-05-01', '2026-05-07', '2026-05-08']); // Golden Week
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    const p = chuoProfile();
    const total = (d: string) => [...expectedArrivals(p, d).values()].reduce((a, b) => a + b, 0);
    expect(total('2026-03-31')).toBeGreaterThan(1.5 * total('2026-06-10')); // peak season Tuesday vs June Wednesday
    expect(total('2026-06-08')).toBeGreaterThan(total('2026-06-10')); // Mondays are heavier
    expect(total('2026-05-07')).toBeGreaterThan(total('2026-06-11')); // so is the day after a holiday
  });
});

describe('simulator against queueing theory', () => {
  // One procedure, three counters, Poisson arrivals 0.35/min, exponential 6-minute service,
  // nobody walks, no no-shows: an M/M/3 queue with ρ = 0.7.
  const c = 3;
  const lambdaPerMin = 0.35;
  const meanMin = 6;
  function mmcDb(): DB {
    const db = freshDb();
    seedOffice(db, {
      id: 'mmc', name: { ja: '検証' }, hours: null, policy: { maxWaitMin: null, normalPerPriority: null },
      services: [{ prefix: 'Q', name: { ja: '検証' }, description: { ja: '' }, targetWaitMin: 10, defaultServiceMin: meanMin }],
      counters: Array.from({ length: c }, (_, i) => [String(i + 1), ['Q']] as [string, string[]]),
    });
    return db;
  }
  const profile: OfficeProfile = {
    officeId: 'mmc',
    ticketsPerDay: lambdaPerMin * 60 * 20, // reception 01:00–21:00 at a flat rate
    services: [{ prefix: 'Q', share: 1, busyBoost: 1, meanMin, cv: 1, dist: 'exponential', noShow: 0 }],
    hourly: new Array<number>(24).fill(1),
    reception: { open: '01:00', close: '21:00' },
    staffing: () => ({ shifts: Array.from({ length: c }, (_, i) => ({ counter: String(i + 1), from: '01:00', to: '23:59' })), overtimeMin: 170 }),
    dayWeight: () => 1,
    priorityShare: 0,
    walkSec: [0, 0],
    slowShare: 0,
    recallSec: 60,
    langs: [['ja', 1]],
    clerks: ['k1', 'k2', 'k3'],
    kioskDeviceId: null,
  };
  const daysFrom = (n: number) => Array.from({ length: n }, (_, i) => addDays('2025-06-02', i));
  const timeline = (steps: { enqueuedAt: number; firstCalledAt: number | null; startedAt: number | null; endedAt: number | null; outcome: string | null; counterId: string | null }[]) =>
    steps.map((s) => [s.enqueuedAt, s.firstCalledAt, s.startedAt, s.endedAt, s.outcome, s.counterId].join(' ')).sort();

  it('the bare domain and the engine write the same history for the same seed', () => {
    const days = daysFrom(3);
    const viaEngine = mmcDb();
    simulate({ db: viaEngine, profiles: [profile], days, seed: 'same' });
    const stored = (viaEngine.prepare("SELECT * FROM steps WHERE office_id = 'mmc'").all() as Record<string, unknown>[]).map((r) => ({
      enqueuedAt: r.enqueued_at as number, firstCalledAt: r.first_called_at as number | null, startedAt: r.started_at as number | null, endedAt: r.ended_at as number | null, outcome: r.outcome as string | null, counterId: r.counter_id as string | null,
    }));
    const rt = domainRuntime(mmcDb(), startOfBusinessDay(days[0]!, 'Asia/Tokyo'));
    runDays(rt, [profile], days, 'same');
    rt.clock.set(startOfBusinessDay(addDays(days.at(-1)!, 1), 'Asia/Tokyo'));
    rt.engine.tick();
    expect(stored.length).toBeGreaterThan(1000);
    expect(timeline(rt.engine.finished)).toEqual(timeline(stored));
  });

  it('M/M/3: mean wait within 10% of Erlang C over 300 simulated days', () => {
    // Long enough for a stable mean: ~110 000 residents. Each day starts empty, so only those
    // who arrived after a two-hour warm-up count.
    const days = daysFrom(300);
    const rt = domainRuntime(mmcDb(), startOfBusinessDay(days[0]!, 'Asia/Tokyo'));
    runDays(rt, [profile], days, 'erlang');
    rt.clock.set(startOfBusinessDay(addDays(days.at(-1)!, 1), 'Asia/Tokyo'));
    rt.engine.tick();
    let sum = 0;
    let n = 0;
    let waited = 0;
    for (const s of rt.engine.finished) {
      const minuteOfDay = ((s.enqueuedAt - startOfBusinessDay(days[0]!, 'Asia/Tokyo')) / MINUTE_MS) % 1440;
      if (minuteOfDay < 180 || s.firstCalledAt === null) continue;
      const w = (s.firstCalledAt - s.enqueuedAt) / MINUTE_MS;
      sum += w;
      n += 1;
      if (w > 0) waited += 1;
    }
    const theory = mmc(c, lambdaPerMin, 1 / meanMin);
    const simulated = sum / n;
    expect(rt.engine.finished.every((s) => s.outcome === 'served')).toBe(true);
    expect(n).toBeGreaterThan(90_000);
    expect(Math.abs(simulated - theory.meanWait) / theory.meanWait).toBeLessThan(0.1);
    expect(Math.abs(waited / n - theory.pWait)).toBeLessThan(0.03);
  }, 120_000);
});
