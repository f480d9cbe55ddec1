import type { Office, Service } from '../../common/types.js';
import { startOfBusinessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import type { ServiceDist } from '../sim/simulate.js';
import type { DayCounts } from './forecast.js';

/** What the planning reads from the office's history (tickets and steps tables; imported history included). */

/** Tickets per business day, local hour and first service, for the days in [from, before). */
export function loadDayCounts(db: DB, office: Office, before: string, from = '0000-01-01'): DayCounts[] {
  // 15-minute buckets: every real time-zone offset is a multiple of 15 minutes, so a bucket lies in one local hour.
  const rows = db
    .prepare(`SELECT business_day AS d, prefix AS p, issued_at / 900000 AS b, count(*) AS n FROM tickets
      WHERE office_id = ? AND business_day >= ? AND business_day < ? GROUP BY business_day, prefix, issued_at / 900000`)
    .all(office.id, from, before) as { d: string; p: string; b: number; n: number }[];
  const byDay = new Map<string, DayCounts>();
  const midnight = new Map<string, number>();
  for (const r of rows) {
    let day = byDay.get(r.d);
    if (!day) {
      day = { date: r.d, hours: new Array<number>(24).fill(0), services: {} };
      byDay.set(r.d, day);
      midnight.set(r.d, startOfBusinessDay(r.d, office.timezone));
    }
    const hour = Math.floor((r.b * 900_000 - midnight.get(r.d)!) / 3_600_000);
    if (hour >= 0 && hour < 24) day.hours[hour]! += r.n;
    day.services[r.p] = (day.services[r.p] ?? 0) + r.n;
  }
  return [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** A procedure as the simulator needs it: service time, no-shows and where the visit goes next. */
export interface ServiceModel {
  prefix: string;
  name: Service['name'];
  meanMin: number;
  cv: number;
  dist: ServiceDist;
  noShow: number;
  next: { prefix: string; p: number }[];
  /** Steps the figures were measured on (0 = the service's default time). */
  measured: number;
}

/** Service times (served and transferred steps), no-show rates and transfer routes over the year before `before`. */
export function loadServiceModels(db: DB, officeId: string, services: Service[], before: number): ServiceModel[] {
  const since = before - 365 * 86_400_000;
  const stats = db
    .prepare(`SELECT service_id AS s, count(*) AS n, avg(ended_at - started_at) AS m, avg((ended_at - started_at) * (ended_at - started_at)) AS m2
      FROM steps WHERE office_id = ? AND outcome IN ('served', 'transferred') AND started_at IS NOT NULL AND ended_at IS NOT NULL AND enqueued_at >= ? AND enqueued_at < ? GROUP BY service_id`)
    .all(officeId, since, before) as { s: string; n: number; m: number; m2: number }[];
  const ends = db
    .prepare(`SELECT service_id AS s, count(*) AS n, sum(outcome = 'no_show') AS ns FROM steps WHERE office_id = ? AND seq = 1 AND ended_at IS NOT NULL AND enqueued_at >= ? AND enqueued_at < ? GROUP BY service_id`)
    .all(officeId, since, before) as { s: string; n: number; ns: number }[];
  const moves = db
    .prepare(`SELECT p.service_id AS a, s.service_id AS b, count(*) AS n FROM steps s JOIN steps p ON p.id = s.from_step_id
      WHERE s.office_id = ? AND p.enqueued_at >= ? AND p.enqueued_at < ? GROUP BY p.service_id, s.service_id`)
    .all(officeId, since, before) as { a: string; b: string; n: number }[];
  const stat = new Map(stats.map((r) => [r.s, r]));
  const end = new Map(ends.map((r) => [r.s, r]));
  const prefixOf = new Map(services.map((s) => [s.id, s.prefix]));
  return services.map((sv) => {
    const st = stat.get(sv.id);
    const meanMs = st && st.n >= 20 ? st.m : null;
    const sd = st && meanMs ? Math.sqrt(Math.max(0, st.m2 - meanMs * meanMs)) : 0;
    const e = end.get(sv.id);
    const done = st?.n ?? 0;
    const next = moves
      .filter((m) => m.a === sv.id && prefixOf.has(m.b) && m.b !== sv.id && done > 0)
      .map((m) => ({ prefix: prefixOf.get(m.b)!, p: Math.min(0.9, m.n / done) }));
    return {
      prefix: sv.prefix,
      name: sv.name,
      meanMin: meanMs ? meanMs / 60_000 : sv.defaultServiceMin,
      cv: meanMs ? Math.min(1.5, Math.max(0.2, sd / meanMs)) : 0.5,
      dist: 'lognormal',
      noShow: e && e.n >= 20 ? e.ns / e.n : 0.03,
      next,
      measured: meanMs ? st!.n : 0,
    };
  });
}
