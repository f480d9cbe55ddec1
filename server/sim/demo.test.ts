import { beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../queue/clock.js';
import type { DB } from '../store/db.js';
import { diffReplay } from '../store/replay.js';
import { makeTestDb } from '../testing.js';
import { inDefaultBusySeason } from './calendar.js';
import { demoDays, seedDemo, SMALL_DEMO_DAYS, type DemoResult } from './demo.js';

/** Mean wait (first call − enqueue) in minutes of an office's steps on the given days. */
function meanWait(db: DB, officeId: string, days: string[]): number {
  const marks = days.map(() => '?').join(',');
  const r = db.prepare(`SELECT avg(s.first_called_at - s.enqueued_at) AS w, count(*) AS n FROM steps s JOIN tickets t ON t.id = s.ticket_id
    WHERE t.office_id = ? AND t.business_day IN (${marks}) AND s.first_called_at IS NOT NULL`).get(officeId, ...days) as { w: number; n: number };
  expect(r.n).toBeGreaterThan(0);
  return r.w / MINUTE_MS;
}

describe('seedDemo, small variant, on the test kit database', () => {
  let db: DB;
  let result: DemoResult;

  beforeAll(async () => {
    // The same database a browser test gets from startTestServer: chuo with staff and devices.
    const t = await makeTestDb();
    db = t.db;
    result = await seedDemo(db, { small: true });
  }, 120_000);

  it('adds 東区役所 with its own counters, devices and staff', () => {
    expect(db.prepare("SELECT name_json FROM offices WHERE id = 'higashi'").get()).toEqual({ name_json: expect.stringContaining('東区役所') });
    expect((db.prepare("SELECT count(*) AS n FROM counters WHERE office_id = 'higashi'").get() as { n: number }).n).toBe(8);
    expect(db.prepare("SELECT kind FROM devices WHERE office_id = 'higashi' ORDER BY kind").all()).toEqual([{ kind: 'display' }, { kind: 'kiosk' }]);
    expect((db.prepare("SELECT count(*) AS n FROM staff WHERE office_id = 'higashi' AND role = 'clerk'").get() as { n: number }).n).toBeGreaterThanOrEqual(8);
    // and 中央区役所's seasonal counters, configured beside its eleven
    expect((db.prepare("SELECT count(*) AS n FROM counters WHERE office_id = 'chuo'").get() as { n: number }).n).toBe(14);
  });

  it('writes tickets for both offices in two busy seasons and in ordinary weeks', () => {
    expect(result.days).toEqual(SMALL_DEMO_DAYS);
    for (const office of ['chuo', 'higashi']) {
      for (const year of ['2025', '2026']) {
        const busy = db.prepare("SELECT count(*) AS n FROM tickets WHERE office_id = ? AND business_day BETWEEN ? AND ?").get(office, `${year}-03-20`, `${year}-04-10`) as { n: number };
        const ordinary = db.prepare("SELECT count(*) AS n FROM tickets WHERE office_id = ? AND business_day BETWEEN ? AND ?").get(office, `${year}-02-01`, `${year}-02-28`) as { n: number };
        expect(busy.n, `${office} ${year} busy`).toBeGreaterThan(200);
        expect(ordinary.n, `${office} ${year} ordinary`).toBeGreaterThan(100);
        expect(busy.n / 3).toBeGreaterThan((ordinary.n / 3) * 1.4); // busy days are visibly heavier
      }
    }
    const summary = Object.fromEntries(result.offices.map((s) => [s.officeId, s]));
    expect(summary.chuo!.tickets).toBe((db.prepare("SELECT count(*) AS n FROM tickets WHERE office_id = 'chuo'").get() as { n: number }).n);
  });

  it('replays cleanly and leaves no step open and no counter staffed', () => {
    expect(diffReplay(db, 'chuo')).toEqual([]);
    expect(diffReplay(db, 'higashi')).toEqual([]);
    expect((db.prepare("SELECT count(*) AS n FROM steps WHERE state <> 'ended' OR ended_at IS NULL OR outcome IS NULL").get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT count(*) AS n FROM counters WHERE state <> 'closed' OR clerk_id IS NOT NULL OR current_step_id IS NOT NULL").get() as { n: number }).n).toBe(0);
    // Every step's times are in order: enqueued ≤ first call ≤ start ≤ end.
    const bad = db.prepare(`SELECT count(*) AS n FROM steps WHERE first_called_at < enqueued_at OR started_at < first_called_at OR ended_at < coalesce(started_at, enqueued_at)`).get() as { n: number };
    expect(bad.n).toBe(0);
  });

  it('makes the busy season wait longer than ordinary days, and 中央区役所 2026 better than 2025', () => {
    const busy = result.days.filter(inDefaultBusySeason);
    const ordinary = result.days.filter((d) => !inDefaultBusySeason(d));
    for (const office of ['chuo', 'higashi']) expect(meanWait(db, office, busy), office).toBeGreaterThan(meanWait(db, office, ordinary));
    const chuo2025 = meanWait(db, 'chuo', busy.filter((d) => d.startsWith('2025')));
    const chuo2026 = meanWait(db, 'chuo', busy.filter((d) => d.startsWith('2026')));
    expect(chuo2026).toBeLessThan(chuo2025 * 0.7); // the reform: seasonal counters 12–14
    const higashi2025 = meanWait(db, 'higashi', busy.filter((d) => d.startsWith('2025')));
    const higashi2026 = meanWait(db, 'higashi', busy.filter((d) => d.startsWith('2026')));
    expect(higashi2026).toBeGreaterThan(higashi2025 * 0.9); // no reform there
    const seasonal = db.prepare("SELECT count(*) AS n, min(t.business_day) AS first FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE s.counter_id IN ('chuo-c12','chuo-c13','chuo-c14')").get() as { n: number; first: string };
    expect(seasonal.n).toBeGreaterThan(0);
    expect(seasonal.first >= '2026-03-01').toBe(true);
  });

  it('chooses its days: two years by default, busy seasons plus a week a month unless full', () => {
    const now = Date.UTC(2026, 10, 25, 3);
    const seasons = demoDays({}, now);
    const full = demoDays({ coverage: 'full' }, now);
    expect(full[0]! >= '2024-11-24' && full.at(-1) === '2026-11-24').toBe(true);
    expect(full.length).toBeGreaterThan(480);
    expect(seasons.filter((d) => d.slice(5, 7) === '03').length).toBe(full.filter((d) => d.slice(5, 7) === '03').length);
    expect(seasons.filter((d) => d.startsWith('2025-06')).length).toBeLessThanOrEqual(5);
    expect(() => demoDays({ from: '2026-02-30' })).toThrow(RangeError);
  });
});
