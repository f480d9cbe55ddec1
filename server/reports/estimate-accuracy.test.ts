import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDb } from '../testing.js';
import type { DB } from '../store/db.js';
import { seasonReport, stepPage, summaryReport, type SeasonReport, type SummaryReport } from './query.js';
import { LocalTime } from './stats.js';
import { seasonTable, STAT_HEADERS, STEP_HEADERS, stepCells, summaryTable } from './tables.js';
import { loadNames } from './query.js';

/**
 * Estimate accuracy (issue 13) against a hand-made example: eight first steps of 24 March 2026
 * (Tokyo) with recorded ranges, worked out by hand below.
 */
const MIN = 60_000;
const tokyo = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`) - 9 * 3_600_000;

interface E { id: string; service: 'A' | 'B'; at: string; waitMin: number | null; low: number | null; high: number | null; point: number | null }
const STEPS: E[] = [
  // service A, hour 9
  { id: 'e1', service: 'A', at: '2026-03-24 09:00', waitMin: 12, low: 10, high: 20, point: 15 }, // inside, |err| 3
  { id: 'e2', service: 'A', at: '2026-03-24 09:10', waitMin: 25, low: 10, high: 20, point: 15 }, // above (under-promise), |err| 10
  { id: 'e3', service: 'A', at: '2026-03-24 09:20', waitMin: 20, low: 10, high: 20, point: 14 }, // inside (high end included), |err| 6
  // service B, hour 10
  { id: 'e4', service: 'B', at: '2026-03-24 10:00', waitMin: 2, low: 5, high: 10, point: 7 }, // below, |err| 5
  { id: 'e5', service: 'B', at: '2026-03-24 10:05', waitMin: 8, low: 5, high: 15, point: 8 }, // inside, |err| 0
  { id: 'e6', service: 'B', at: '2026-03-24 10:10', waitMin: null, low: 5, high: 15, point: 10 }, // not called: not counted
  { id: 'e7', service: 'B', at: '2026-03-24 10:15', waitMin: 30, low: null, high: null, point: null }, // no range (no open counter)
  // no estimate recorded at all (history from before): ignored
  { id: 'e8', service: 'B', at: '2026-03-24 10:20', waitMin: 5, low: null, high: null, point: null },
];

function insert(db: DB): void {
  const insT = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, 'chuo', '2026-03-24', ?, ?, ?, 0, 'ja', ?, ?)`);
  const insS = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id,
      est_low_min, est_high_min, est_point_min, est_method, est_ahead)
    VALUES (?, ?, 'chuo', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  STEPS.forEach((s, i) => {
    const enq = tokyo(s.at);
    const call = s.waitMin === null ? null : enq + s.waitMin * MIN;
    insT.run(`t-${s.id}`, s.service, i + 1, `${s.service}-${i + 1}`, enq, `tok-${s.id}`);
    const method = s.id === 'e8' ? null : 'test/1';
    insS.run(s.id, `t-${s.id}`, `chuo-${s.service}`, call === null ? 'waiting' : 'ended', enq, enq, call, call, call === null ? 0 : 1, call, call === null ? null : call + 5 * MIN,
      call === null ? null : 'served', call === null ? null : 'chuo-c1', call === null ? null : 'clerk1', s.low, s.high, s.point, method, method ? 3 : null);
  });
}

let db: DB;
let report: SummaryReport;
let season: SeasonReport;
beforeAll(async () => {
  ({ db } = await makeTestDb());
  insert(db);
  report = summaryReport(db, ['chuo'], '2026-03-24', '2026-03-24');
  season = seasonReport(db, ['chuo']);
});
afterAll(() => db.close());

describe('estimate accuracy in the reports (hand-made example)', () => {
  it('total: coverage, under-promise, median absolute error of the point and mean width', () => {
    // Called with a range: e1–e5 → 5. Inside: e1, e3, e5 → 3/5. Above: e2 → 1/5. Below: e4.
    // |errors| 3, 10, 6, 5, 0 → sorted 0 3 5 6 10 → median 5 min. Widths 10, 10, 10, 5, 10 → mean 9 min.
    expect(report.total.estimate).toEqual({
      count: 5, inside: 3, above: 1, below: 1, coverage: 0.6, underPromise: 0.2,
      pointMedianAbsErrorMs: 5 * MIN, rangeWidthMeanMs: 9 * MIN, noRange: 1,
    });
  });

  it('by service, hour and day', () => {
    const svc = (id: string) => report.groups.service.find((r) => r.key === id)!.estimate;
    // A: e1 e2 e3 → inside 2/3, above 1/3, |err| 3 10 6 → 6, width 10.
    expect(svc('chuo-A')).toMatchObject({ count: 3, inside: 2, above: 1, below: 0, pointMedianAbsErrorMs: 6 * MIN, rangeWidthMeanMs: 10 * MIN, noRange: 0 });
    expect(svc('chuo-A').coverage).toBeCloseTo(2 / 3, 10);
    // B: e4 e5 → inside 1/2, below 1, |err| 5 0 → 2.5, widths 5 10 → 7.5; e7 had no range.
    expect(svc('chuo-B')).toEqual({ count: 2, inside: 1, above: 0, below: 1, coverage: 0.5, underPromise: 0, pointMedianAbsErrorMs: 2.5 * MIN, rangeWidthMeanMs: 7.5 * MIN, noRange: 1 });
    const hour = (h: string) => report.groups.hour.find((r) => r.key === h)!.estimate;
    expect(hour('9')).toEqual(svc('chuo-A'));
    expect(hour('10')).toEqual(svc('chuo-B'));
    expect(report.groups.day.find((r) => r.key === '2026-03-24')!.estimate).toEqual(report.total.estimate);
  });

  it('in the busy-season comparison (24 March is in the default season)', () => {
    const row = (sid: string | null) => season.rows.find((r) => r.year === 2026 && r.serviceId === sid)!.estimate;
    expect(row(null)).toEqual(report.total.estimate);
    expect(row('chuo-B')).toEqual(report.groups.service.find((r) => r.key === 'chuo-B')!.estimate);
  });

  it('as CSV columns: summary, season and step tables', () => {
    const t = summaryTable(report, 'service');
    const col = (name: string) => t.headers.indexOf(name);
    expect(STAT_HEADERS.slice(-5)).toEqual(['目安あり呼出件数', '目安の範囲内の割合(%)', '目安超過の割合(%)', '目安(点)の絶対誤差中央値(分)', '目安の幅の平均(分)']);
    const total = t.rows.at(-1)!;
    expect([col('目安あり呼出件数'), col('目安の範囲内の割合(%)'), col('目安超過の割合(%)'), col('目安(点)の絶対誤差中央値(分)'), col('目安の幅の平均(分)')].map((i) => total[i])).toEqual([5, 60, 20, 5, 9]);
    const s = seasonTable(season);
    const office2026 = s.rows.find((r) => r[2] === 2026 && r[1] === '全手続')!;
    expect(office2026.slice(-5)).toEqual([5, 60, 20, 5, 9]);
    const names = loadNames(db);
    const rows = stepPage(db, 'chuo', tokyo('2026-03-24 00:00'), tokyo('2026-03-25 00:00'), null);
    const e2 = rows.find((r) => r.display === 'A-2')!;
    // The estimate columns, then the 交付 stage columns (issue 16).
    expect(STEP_HEADERS.slice(-6, -2)).toEqual(['目安下限(分)', '目安上限(分)', '目安(分)', '目安の方式']);
    expect(stepCells(e2, names, new LocalTime('Asia/Tokyo')).slice(-6, -2)).toEqual([10, 20, 15, 'test/1']);
  });
});
