import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedOffice } from '../server/seed.js';
import { migrate, openDatabase, type DB } from '../server/store/db.js';
import { startOfBusinessDay } from '../server/queue/time.js';
import { SEASON_STEPS_SQL, SEASON_WAITS_SQL, seasonReport, summaryReport } from '../server/reports/query.js';
import type { BenchRow } from './types.js';

/**
 * Report benchmark (not a test): five million steps of two ward offices over eight years in a
 * temporary file database, then the busy-season comparison and a one-month report by service
 * and hour, each against a full scan of the steps table on the same database.
 * Run alone: `npx tsx bench/reports.bench.ts`.
 */


export const STEPS = Number(process.env.REPORTS_BENCH_STEPS ?? 5_000_000);
const OFFICES = ['chuo', 'higashi'];
const FIRST_YEAR = 2019;
const LAST_DAY = '2026-11-20';
const DAY_MS = 86_400_000;

interface Day {
  officeId: string;
  day: string;
  open: number;
  weight: number;
}

/** Weekdays of each office, busy season (20 Mar – 10 Apr) weighted 2.5×, scaled to `total` steps. */
function plan(total: number): { day: Day; count: number }[] {
  const days: Day[] = [];
  for (const officeId of OFFICES) {
    for (let t = Date.UTC(FIRST_YEAR, 0, 1); ; t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (day > LAST_DAY) break;
      const dow = new Date(t).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      const md = day.slice(5);
      const busy = md >= '03-20' && md <= '04-10';
      // 08:30 local opening
      days.push({ officeId, day, open: startOfBusinessDay(day, 'Asia/Tokyo') + 8.5 * 3_600_000, weight: busy ? 2.5 : 1 });
    }
  }
  const sum = days.reduce((a, d) => a + d.weight, 0);
  let left = total;
  return days.map((d, i) => {
    const count = i === days.length - 1 ? left : Math.round((total * d.weight) / sum);
    left -= count;
    return { day: d, count };
  });
}

/** Fill `path` with `total` steps (and their tickets) in one transaction of INSERT … SELECT. */
export function generate(path: string, total = STEPS): void {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  migrate(db);
  // The rows are consistent by construction; checking three foreign keys per row would double the time.
  db.pragma('foreign_keys = OFF');
  for (const id of OFFICES) seedOffice(db, { id, name: { ja: id === 'chuo' ? '中央区役所' : '東区役所' } }, Date.UTC(FIRST_YEAR, 0, 1));
  const p = plan(total);
  const max = Math.max(...p.map((x) => x.count));
  const step = (what: string, t0: number) => process.env.REPORTS_BENCH_VERBOSE && console.log(what, Math.round(performance.now() - t0), 'ms');
  db.transaction(() => {
    let t0 = performance.now();
    db.exec('CREATE TEMP TABLE plan (k INTEGER PRIMARY KEY, office_id TEXT, day TEXT, open INTEGER, busy INTEGER, n INTEGER)');
    const ins = db.prepare('INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?)');
    p.forEach((x, k) => ins.run(k, x.day.officeId, x.day.day, x.day.open, x.day.weight > 1 ? 1 : 0, x.count));
    db.exec('CREATE TEMP TABLE seq (i INTEGER PRIMARY KEY)');
    db.exec(`INSERT INTO seq WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${max - 1}) SELECT i FROM c`);
    // One row per (day, i), in id order so every B-tree only appends.
    const gen = `SELECT p.k AS k, seq.i AS i, p.office_id AS office_id, p.day AS day, p.busy AS busy,
        p.open + seq.i * (30600000 / p.n) AS enq, ((seq.i * 2654435761 + p.k * 40503) % 1000) AS r
      FROM plan p JOIN seq ON seq.i < p.n ORDER BY p.k, seq.i`;
    step('plan', t0);
    t0 = performance.now();
    db.exec(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token)
      SELECT printf('t%08d-%05d', k, i), office_id, day, char(65 + i % 7), i / 7 + 1, printf('%s-%03d', char(65 + i % 7), i / 7 + 1), 0, 'ja', enq, printf('k%08d-%05d', k, i) FROM (${gen})`);
    step('tickets', t0);
    t0 = performance.now();
    // Waits: normal days 0–40 min, busy season 0–150 min; 4% no-show, 2% cancelled before a call,
    // 1% unserved at close, the rest served in 3–30 min after a 0–2 min walk.
    db.exec(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id)
      SELECT printf('s%08d-%05d', k, i), printf('t%08d-%05d', k, i), office_id, 1, office_id || '-' || char(65 + i % 7), 'ended', enq, enq,
        CASE WHEN r < 30 THEN NULL ELSE enq + (r * 7919 % 1000) * (CASE busy WHEN 1 THEN 9000 ELSE 2400 END) END,
        CASE WHEN r < 30 THEN NULL ELSE enq + (r * 7919 % 1000) * (CASE busy WHEN 1 THEN 9000 ELSE 2400 END) END,
        CASE WHEN r < 30 THEN 0 ELSE 1 END,
        CASE WHEN r < 70 THEN NULL ELSE enq + (r * 7919 % 1000) * (CASE busy WHEN 1 THEN 9000 ELSE 2400 END) + (r % 120) * 1000 END,
        CASE WHEN r < 20 THEN enq + 3600000 WHEN r < 30 THEN enq + 1800000 WHEN r < 70 THEN enq + (r * 7919 % 1000) * 2400 + 300000
             ELSE enq + (r * 7919 % 1000) * (CASE busy WHEN 1 THEN 9000 ELSE 2400 END) + (r % 120) * 1000 + 180000 + (r * 31 % 1000) * 1620 END,
        CASE WHEN r < 10 THEN 'unserved' WHEN r < 20 THEN 'unserved' WHEN r < 30 THEN 'cancelled' WHEN r < 70 THEN 'no_show' ELSE 'served' END,
        CASE WHEN r < 30 THEN NULL ELSE office_id || '-c' || (1 + i % 11) END,
        CASE WHEN r < 30 THEN NULL ELSE 'clerk' || (1 + i % 20) END
      FROM (${gen})`);
    step('steps', t0);
    db.exec('DROP TABLE seq; DROP TABLE plan;');
  })();
  db.exec('ANALYZE');
  db.close();
}

/** Median wall and CPU milliseconds of `runs` runs (CPU time shows the work on a shared machine). */
function time(fn: () => unknown, runs = 3): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const mid = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(runs / 2)]!;
  return { wall: mid(wall), cpu: mid(cpu) };
}

export default async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-reports-bench-'));
  const path = join(dir, 'bench.db');
  try {
    const g = performance.now();
    generate(path);
    const genMs = performance.now() - g;
    const db: DB = openDatabase(path);
    const count = (db.prepare('SELECT count(*) AS n FROM steps').get() as { n: number }).n;
    const baselineName = `full scan SELECT count(*), sum(wait) FROM steps (${(count / 1e6).toFixed(1)} M steps)`;
    const baseline = time(() => db.prepare('SELECT count(*), sum(first_called_at - enqueued_at) FROM steps').get());
    const season = time(() => seasonReport(db, ['chuo']));
    const seasonBoth = time(() => seasonReport(db, ['chuo', 'higashi']));
    const month = time(() => summaryReport(db, ['chuo'], '2026-03-01', '2026-03-31'));
    const monthBoth = time(() => summaryReport(db, ['chuo', 'higashi'], '2026-03-01', '2026-03-31'));
    // Issue 14: the season read must be an index range read with no table look-ups.
    const plan = [SEASON_STEPS_SQL, SEASON_WAITS_SQL].map((q) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all('chuo', 'chuo-A', 0, 1) as { detail: string }[]).map((r) => r.detail).join('; ')).join(' | ');
    if (process.env.REPORTS_BENCH_VERBOSE || (plan.match(/COVERING INDEX steps_office_service/g) ?? []).length !== 2) console.log('season plan:', plan);
    const rows: [string, { wall: number; cpu: number }, string][] = [
      ['reports: busy-season comparison, 1 office × 8 years', season, '< 200 ms'],
      ['reports: busy-season comparison, 2 offices × 8 years', seasonBoth, '< 300 ms'],
      ['reports: one-month report by service, counter, clerk, day and hour, 1 office', month, '< 100 ms'],
      ['reports: one-month report, 2 offices', monthBoth, '< 200 ms'],
    ];
    db.close();
    return [
      ...rows.map(([name, v, target]) => ({ name, value: round(v.wall), unit: 'ms', baseline: round(baseline.wall), baselineName, ratio: round(v.wall / baseline.wall), target })),
      ...rows.map(([name, v]) => ({ name: `${name} (CPU time)`, value: round(v.cpu), unit: 'ms CPU', baseline: round(baseline.cpu), baselineName: `${baselineName}, CPU time`, ratio: round(v.cpu / baseline.cpu) })),
      { name: `reports: generate ${(count / 1e6).toFixed(1)} M steps + tickets (setup)`, value: round(genMs), unit: 'ms', baseline: round(baseline.wall), baselineName, ratio: round(genMs / baseline.wall) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const rows = await run();
  console.table(rows.map((r) => ({ name: r.name, value: `${r.value} ${r.unit}`, baseline: `${r.baseline} ms`, ratio: r.ratio, target: r.target ?? '' })));
}
