import { officeDay, calendarOf } from '../calendar/office.js';
import { startOfBusinessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import { seasonPosition, type DayInfo } from './forecast.js';
import { syntheticHistory, type SyntheticModel } from './synthetic.js';

/** Test kit: a ticket history (tickets rows only, no steps) with known factors, written straight into an office's tables. */

const HOURLY = (() => {
  const h = new Array<number>(24).fill(0);
  Object.assign(h, { 8: 0.8, 9: 1.6, 10: 1.45, 11: 1.15, 12: 0.75, 13: 1.2, 14: 1.1, 15: 0.9, 16: 0.6, 17: 0.1 });
  return h;
})();

export const WARD_LIKE: SyntheticModel = {
  level: () => 90,
  season: (d) => {
    const p = seasonPosition(d);
    return p >= -12 && p <= 7 ? 2.2 : p >= -20 && p <= 14 ? 1.5 : 1;
  },
  weekday: { 1: 1.25, 2: 1, 3: 1, 4: 1, 5: 1.05 },
  hourShare: HOURLY,
  mix: { A: 0.12, B: 0.3, C: 0.08, D: 0.16, E: 0.12, F: 0.08, G: 0.14 },
};

export function insertHistory(db: DB, officeId: string, from: string, to: string, model: SyntheticModel = WARD_LIKE, info?: DayInfo): number {
  const inf = info ?? ((d: string) => officeDay(d, { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] }, calendarOf(null, [])));
  const days = syntheticHistory(model, inf, from, to, `${officeId}-history`);
  const ins = db.prepare('INSERT INTO tickets (id, office_id, business_day, prefix, number, display, issued_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  let n = 0;
  db.transaction(() => {
    for (const d of days) {
      const midnight = startOfBusinessDay(d.date, 'Asia/Tokyo');
      const numbers = new Map<string, number>();
      const pool = Object.entries(d.services).flatMap(([p, k]) => new Array<string>(k).fill(p));
      let i = 0;
      d.hours.forEach((count, hour) => {
        for (let k = 0; k < count; k++) {
          const prefix = pool[i++ % Math.max(1, pool.length)] ?? 'A';
          const num = (numbers.get(prefix) ?? 0) + 1;
          numbers.set(prefix, num);
          const at = midnight + hour * 3_600_000 + Math.floor(((k + 0.5) / count) * 3_600_000);
          ins.run(`h-${officeId}-${d.date}-${prefix}-${num}`, officeId, d.date, prefix, num, `${prefix}-${String(num).padStart(3, '0')}`, at, `tok-${officeId}-${d.date}-${prefix}-${num}`);
          n += 1;
        }
      });
    }
  })();
  return n;
}
