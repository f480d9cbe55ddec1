import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeTestDb, parseCsv, startTestServer, type TestServer } from '../testing.js';
import type { DB } from '../store/db.js';
import { seasonReport, summaryReport, type SeasonReport, type SummaryReport } from './query.js';
import { csvChunk, fastCsvChunk, type Cell } from './tables.js';
import { eraYear, fiscalYearLabel, LocalTime, percentile, seasonLabels } from './stats.js';

/**
 * Report figures against values computed here, independently, from a small hand-made set of
 * steps inserted straight into the tables. Times are written as Tokyo wall-clock (UTC+9, no DST)
 * and the test process runs with TZ=UTC.
 */

const MIN = 60_000;
/** Tokyo wall-clock "yyyy-MM-dd HH:mm" → UTC ms (Tokyo is UTC+9 all year). */
const tokyo = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`) - 9 * 3_600_000;
const tokyoDay = (at: number) => new Date(at + 9 * 3_600_000).toISOString().slice(0, 10);
const tokyoHour = (at: number) => new Date(at + 9 * 3_600_000).getUTCHours();

type Outcome = 'served' | 'no_show' | 'cancelled' | 'transferred' | 'unserved' | null;
interface S {
  id: string;
  service: 'A' | 'B';
  enq: number;
  call: number | null;
  start: number | null;
  end: number | null;
  outcome: Outcome;
  counter?: string;
  clerk?: string;
  seq?: number;
  ticket?: string;
}

const TARGET: Record<'A' | 'B', number> = { A: 30 * MIN, B: 15 * MIN }; // seed: 転入 30 min, 証明 15 min

let n = 0;
/** A served step: enqueued at `at`, waited `w` min, walked `walk` min, served `svc` min. */
function served(service: 'A' | 'B', at: string, w: number, walk: number, svc: number, counter = 'chuo-c1', clerk = 'clerk1'): S {
  const enq = tokyo(at);
  const call = enq + w * MIN;
  const start = call + walk * MIN;
  return { id: `s${++n}`, service, enq, call, start, end: start + svc * MIN, outcome: 'served', counter, clerk };
}

/** 24 March 2026 (a Tuesday in the busy season) and neighbours. */
const MARCH: S[] = [
  served('A', '2026-03-24 09:00', 10, 1, 20),
  served('A', '2026-03-24 09:05', 25, 0.5, 30),
  served('A', '2026-03-24 09:40', 45, 2, 25, 'chuo-c2', 'clerk2'),
  served('B', '2026-03-24 09:10', 5, 1, 4, 'chuo-c4', 'clerk2'),
  served('B', '2026-03-24 10:15', 20, 1, 6, 'chuo-c4', 'clerk2'),
  served('B', '2026-03-24 10:20', 14.5, 0, 5, 'chuo-c4', 'clerk2'),
  served('B', '2026-03-24 13:00', 16, 1, 3),
  // 23:30 UTC on the 23rd is 08:30 on the 24th in Tokyo: business day 24th, hour 8.
  { ...served('B', '2026-03-24 08:30', 40, 1, 5), enq: Date.UTC(2026, 2, 23, 23, 30), call: Date.UTC(2026, 2, 23, 23, 30) + 40 * MIN, start: Date.UTC(2026, 2, 24, 0, 11), end: Date.UTC(2026, 2, 24, 0, 16) },
  // called twice, never came
  { id: `s${++n}`, service: 'A', enq: tokyo('2026-03-24 11:00'), call: tokyo('2026-03-24 11:50'), start: null, end: tokyo('2026-03-24 11:55'), outcome: 'no_show', counter: 'chuo-c1', clerk: 'clerk1' },
  // cancelled before being called
  { id: `s${++n}`, service: 'B', enq: tokyo('2026-03-24 11:10'), call: null, start: null, end: tokyo('2026-03-24 11:30'), outcome: 'cancelled' },
  // served at A, transferred on to B: the second step is enqueued at the transfer
  { ...served('A', '2026-03-24 14:00', 35, 1, 15), id: 'tA', ticket: 'tk-transfer', outcome: 'transferred' },
  { id: 'tB', ticket: 'tk-transfer', seq: 2, service: 'B', enq: tokyo('2026-03-24 15:06'), call: tokyo('2026-03-24 15:16'), start: tokyo('2026-03-24 15:17'), end: tokyo('2026-03-24 15:20'), outcome: 'served', counter: 'chuo-c4', clerk: 'clerk2' },
  // left in the queue at close: never called, and one called but not served (started = call)
  { id: `s${++n}`, service: 'A', enq: tokyo('2026-03-24 16:50'), call: null, start: null, end: tokyo('2026-03-24 17:15'), outcome: 'unserved' },
  { id: `s${++n}`, service: 'B', enq: tokyo('2026-03-24 16:40'), call: tokyo('2026-03-24 17:14'), start: tokyo('2026-03-24 17:14'), end: tokyo('2026-03-24 17:15'), outcome: 'unserved', counter: 'chuo-c4', clerk: 'clerk2' },
  // just outside the day on both sides (23:59 on the 23rd, 00:00 on the 25th Tokyo)
  served('A', '2026-03-23 23:59', 1, 0, 1),
  served('A', '2026-03-25 00:00', 1, 0, 1),
];

/** Busy-season boundaries: 2025 uses the default 20 Mar – 10 Apr, 2026 a configured 22 Mar – 11 Apr. */
const SEASON: S[] = [
  served('A', '2025-03-19 16:00', 100, 0, 10), // out (day before)
  served('A', '2025-03-20 08:45', 20, 0, 10), // in (first day)
  served('A', '2025-04-10 16:59', 40, 0, 10), // in (last day)
  served('B', '2025-04-10 23:50', 12, 0, 5), // in: 14:50 UTC, still the 10th in Tokyo
  served('A', '2025-04-11 00:05', 300, 0, 10), // out: 15:05 UTC on 10 April, but the 11th in Tokyo
  served('A', '2025-03-25 10:00', 60, 0, 10), // in
  served('A', '2026-03-21 10:00', 90, 0, 10), // out in 2026 (season starts 22nd)
  served('A', '2026-04-11 10:00', 15, 0, 10), // in 2026 (season ends 11th)
  { id: 'u26', service: 'A', enq: tokyo('2026-04-11 16:00'), call: null, start: null, end: tokyo('2026-04-11 17:15'), outcome: 'unserved' },
];

function insertSteps(db: DB, steps: S[]): void {
  const insT = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, 'chuo', ?, ?, ?, ?, 0, 'ja', ?, ?)`);
  const insS = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id)
    VALUES (?, ?, 'chuo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const numbers = new Map<string, number>();
  db.transaction(() => {
    for (const s of steps) {
      const tid = s.ticket ?? `tk-${s.id}`;
      if ((s.seq ?? 1) === 1) {
        const day = tokyoDay(s.enq);
        const k = `${day}|${s.service}`;
        const num = (numbers.get(k) ?? 0) + 1;
        numbers.set(k, num);
        insT.run(tid, day, s.service, num, `${s.service}-${String(num).padStart(3, '0')}`, s.enq, `tok-${tid}`);
      }
      insS.run(s.id, tid, s.seq ?? 1, `chuo-${s.service}`, s.outcome ? 'ended' : 'waiting', s.enq, s.enq, s.call, s.call, s.call === null ? 0 : s.outcome === 'no_show' ? 2 : 1, s.start, s.end, s.outcome, s.counter ?? null, s.clerk ?? null);
    }
  })();
}

/** The CSV read back as objects keyed by the header row (parseCsv of the test kit). */
function parse(text: string, _opts?: unknown): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

// ---- the independent computation -------------------------------------------------------------

/** Linear interpolation between closest ranks (Excel PERCENTILE.INC), written out again here. */
function pct(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = (v.length - 1) * p;
  const i = Math.floor(pos);
  return i + 1 < v.length ? v[i]! + (pos - i) * (v[i + 1]! - v[i]!) : v[i]!;
}
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);

function expected(steps: S[]) {
  const called = steps.filter((s) => s.call !== null);
  const waits = called.map((s) => s.call! - s.enq);
  const serviceTimes = steps.filter((s) => (s.outcome === 'served' || s.outcome === 'transferred') && s.start !== null).map((s) => s.end! - s.start!);
  const walks = called.filter((s) => s.start !== null).map((s) => s.start! - s.call!);
  const within = called.filter((s) => s.call! - s.enq <= TARGET[s.service]).length;
  const servedSteps = steps.filter((s) => s.outcome === 'served');
  const slots = new Set(servedSteps.map((s) => `${tokyoDay(s.end!)} ${tokyoHour(s.end!)}`));
  return {
    steps: steps.length,
    tickets: steps.filter((s) => (s.seq ?? 1) === 1).length,
    wait: { count: waits.length, meanMs: mean(waits), medianMs: pct(waits, 0.5), p90Ms: pct(waits, 0.9), maxMs: waits.length ? Math.max(...waits) : null },
    serviceMean: mean(serviceTimes),
    serviceMedian: pct(serviceTimes, 0.5),
    walkMean: mean(walks),
    served: servedSteps.length,
    noShow: steps.filter((s) => s.outcome === 'no_show').length,
    cancelled: steps.filter((s) => s.outcome === 'cancelled').length,
    transferred: steps.filter((s) => s.outcome === 'transferred').length,
    unserved: steps.filter((s) => s.outcome === 'unserved').length,
    serviceLevel: called.length ? within / called.length : null,
    servedPerHour: slots.size ? servedSteps.length / slots.size : null,
  };
}

function expectStats(actual: SummaryReport['total'], steps: S[]) {
  const e = expected(steps);
  expect(actual.steps).toBe(e.steps);
  expect(actual.tickets).toBe(e.tickets);
  expect(actual.wait.count).toBe(e.wait.count);
  expect(actual.wait.meanMs).toBeCloseTo(e.wait.meanMs!, 6);
  expect(actual.wait.medianMs).toBeCloseTo(e.wait.medianMs!, 6);
  expect(actual.wait.p90Ms).toBeCloseTo(e.wait.p90Ms!, 6);
  expect(actual.wait.maxMs).toBe(e.wait.maxMs);
  expect(actual.service.meanMs).toBeCloseTo(e.serviceMean!, 6);
  expect(actual.service.medianMs).toBeCloseTo(e.serviceMedian!, 6);
  expect(actual.walk.meanMs).toBeCloseTo(e.walkMean!, 6);
  expect([actual.served, actual.noShow, actual.cancelled, actual.transferred, actual.unserved]).toEqual([e.served, e.noShow, e.cancelled, e.transferred, e.unserved]);
  expect(actual.noShowRate).toBeCloseTo(e.noShow / e.steps, 9);
  expect(actual.cancelRate).toBeCloseTo(e.cancelled / e.steps, 9);
  expect(actual.serviceLevel).toBeCloseTo(e.serviceLevel!, 9);
  expect(actual.servedPerHour).toBeCloseTo(e.servedPerHour!, 9);
}

describe('percentile and labels', () => {
  it('interpolates linearly between closest ranks like Excel PERCENTILE.INC', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 9); // PERCENTILE.INC({10..50},0.9) = 46
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('labels years 令和 and 年度 (令和 N = year − 2018; 年度 April–March)', () => {
    expect(eraYear(2026)).toBe('令和8年');
    expect(eraYear(2019)).toBe('令和元年');
    expect(fiscalYearLabel(2025)).toBe('令和7年度');
    expect(seasonLabels(2026, '2026-03-20', '2026-04-10')).toEqual({ calendar: '2026年', era: '令和8年', fiscal: '令和7年度末〜令和8年度初' });
  });

  it('computes Tokyo day and hour whatever the process time zone', () => {
    expect(process.env.TZ).toBe('UTC');
    const lt = new LocalTime('Asia/Tokyo');
    const at = Date.UTC(2026, 2, 23, 23, 30);
    expect([lt.day(at), lt.hour(at), lt.excel(at), lt.iso(at)]).toEqual(['2026-03-24', 8, '2026/03/24 08:30:00', '2026-03-24T08:30:00.000+09:00']);
    const ny = new LocalTime('America/New_York'); // DST began 8 March 2026 at 02:00 local
    expect(ny.iso(Date.UTC(2026, 2, 8, 6, 59))).toBe('2026-03-08T01:59:00.000-05:00');
    expect(ny.iso(Date.UTC(2026, 2, 8, 7, 0))).toBe('2026-03-08T03:00:00.000-04:00');
  });
});

describe('CSV writers', () => {
  it('the hand-written CSV of the steps export equals csv-stringify output', () => {
    const rows: Cell[][] = [[1, 'a,b', null, '引用"符"', 'x\r\ny', 2.5, '']];
    expect(fastCsvChunk(rows, ['列1', '列2', '列3', '列4', '列5', '列6', '列7'])).toBe(csvChunk(rows, ['列1', '列2', '列3', '列4', '列5', '列6', '列7']));
    expect(fastCsvChunk(rows, null)).toBe(csvChunk(rows, null));
  });
});

describe('summary report', () => {
  let db: DB;
  let report: SummaryReport;
  const inDay = MARCH.filter((s) => tokyoDay(s.enq) === '2026-03-24');

  beforeAll(async () => {
    ({ db } = await makeTestDb());
    insertSteps(db, [...MARCH, ...SEASON]);
    report = summaryReport(db, ['chuo'], '2026-03-24', '2026-03-24');
  });
  afterAll(() => db.close());

  it('takes exactly the steps enqueued on the Tokyo business day, edges included', () => {
    expect(inDay.length).toBe(MARCH.length - 2);
    expect(report.total.steps).toBe(inDay.length);
  });

  it('total: count, mean, median, p90, max wait, service and walk time, rates, service level, served per hour', () => {
    expectStats(report.total, inDay);
  });

  it('by service', () => {
    for (const svc of ['A', 'B'] as const) {
      const row = report.groups.service.find((r) => r.key === `chuo-${svc}`)!;
      expectStats(row, inDay.filter((s) => s.service === svc));
    }
    expect(report.groups.service.map((r) => r.label.ja)).toEqual(['転入・転居・転出', '住民票・戸籍の証明']);
  });

  it('by counter and by clerk', () => {
    for (const c of ['chuo-c1', 'chuo-c4']) expectStats(report.groups.counter.find((r) => r.key === c)!, inDay.filter((s) => s.counter === c));
    expectStats(report.groups.clerk.find((r) => r.key === 'clerk2')!, inDay.filter((s) => s.clerk === 'clerk2'));
    const none = report.groups.clerk.find((r) => r.key === '')!;
    expect(none.steps).toBe(inDay.filter((s) => !s.clerk).length);
    expect(none.wait.count).toBe(0);
  });

  it('buckets hours in Tokyo time: 23:30 UTC counts as 08:30 the next day', () => {
    const hours = [...new Set(inDay.map((s) => tokyoHour(s.enq)))].sort((a, b) => a - b);
    expect(report.groups.hour.map((r) => Number(r.key))).toEqual(hours);
    expect(hours[0]).toBe(8);
    for (const h of hours) {
      const row = report.groups.hour.find((r) => Number(r.key) === h)!;
      const exp = inDay.filter((s) => tokyoHour(s.enq) === h);
      expect(row.steps).toBe(exp.length);
      const w = exp.filter((s) => s.call !== null).map((s) => s.call! - s.enq);
      expect(row.wait.meanMs).toBe(mean(w));
      const cell = report.heatmap.find((c) => c.day === '2026-03-24' && c.hour === h)!;
      expect(cell.waitMeanMs).toBe(mean(w));
    }
    expect(report.groups.day.map((r) => r.key)).toEqual(['2026-03-24']);
  });

  it('counts unserved at close separately and keeps uncalled ones out of the wait figures', () => {
    expect(report.total.unserved).toBe(2);
    expect(report.total.wait.count).toBe(inDay.filter((s) => s.call !== null).length);
    expect(report.histogram.reduce((a, b) => a + b.count, 0)).toBe(report.total.wait.count);
  });

  it('reports several days and offices: a 3-day range puts each step on its own Tokyo day', () => {
    const r3 = summaryReport(db, ['chuo'], '2026-03-23', '2026-03-25');
    expect(r3.groups.day.map((r) => [r.key, r.steps])).toEqual([
      ['2026-03-23', 1],
      ['2026-03-24', inDay.length],
      ['2026-03-25', 1],
    ]);
  });
});

describe('busy-season comparison', () => {
  let db: DB;
  let report: SeasonReport;
  beforeAll(async () => {
    ({ db } = await makeTestDb());
    insertSteps(db, SEASON);
    db.prepare(`INSERT INTO busy_seasons (office_id, year, start_day, end_day) VALUES ('chuo', 2026, '2026-03-22', '2026-04-11')`).run();
    report = seasonReport(db, ['chuo']);
  });
  afterAll(() => db.close());

  const in2025 = () => SEASON.filter((s) => s.enq >= tokyo('2025-03-20 00:00') && s.enq < tokyo('2025-04-11 00:00'));
  const in2026 = () => SEASON.filter((s) => s.enq >= tokyo('2026-03-22 00:00') && s.enq < tokyo('2026-04-12 00:00'));

  it('uses the default 20 March – 10 April and a configured period, with Tokyo day boundaries', () => {
    expect(report.years).toEqual([2025, 2026]);
    expect(report.periods.chuo).toEqual([
      { year: 2025, startDay: '2025-03-20', endDay: '2025-04-10', configured: false },
      { year: 2026, startDay: '2026-03-22', endDay: '2026-04-11', configured: true },
    ]);
    const all25 = report.rows.find((r) => r.year === 2025 && r.serviceId === null)!;
    const e25 = in2025();
    expect(e25.length).toBe(4);
    expect(all25.steps).toBe(4);
    const w = e25.map((s) => s.call! - s.enq);
    expect(all25.wait.meanMs).toBeCloseTo(mean(w)!, 6);
    expect(all25.wait.medianMs).toBeCloseTo(pct(w, 0.5)!, 6);
    expect(all25.wait.p90Ms).toBeCloseTo(pct(w, 0.9)!, 6);
    const days = new Set(e25.map((s) => tokyoDay(s.enq)));
    expect(all25.openDays).toBe(days.size);
    expect(all25.perDay).toBeCloseTo(e25.length / days.size, 9);
    expect(all25.labels).toEqual({ calendar: '2025年', era: '令和7年', fiscal: '令和6年度末〜令和7年度初' });
    const within = e25.filter((s) => s.call! - s.enq <= TARGET[s.service]).length;
    expect(all25.serviceLevel).toBeCloseTo(within / e25.length, 9);
    expect(all25.withinTarget).toBe(within);
  });

  it('per service, with the change from the previous year, and unserved at close counted', () => {
    const a25 = report.rows.find((r) => r.year === 2025 && r.serviceId === 'chuo-A')!;
    const a26 = report.rows.find((r) => r.year === 2026 && r.serviceId === 'chuo-A')!;
    const w25 = in2025().filter((s) => s.service === 'A').map((s) => s.call! - s.enq);
    const e26 = in2026().filter((s) => s.service === 'A');
    const w26 = e26.filter((s) => s.call !== null).map((s) => s.call! - s.enq);
    expect(a25.wait.meanMs).toBeCloseTo(mean(w25)!, 6);
    expect(a26.steps).toBe(e26.length);
    expect(a26.unserved).toBe(1);
    expect(a26.wait.count).toBe(1);
    expect(a26.change!.year).toBe(2025);
    expect(a26.change!.waitMeanMs).toBeCloseTo(mean(w26)! - mean(w25)!, 6);
    expect(a26.change!.waitMeanPct).toBeCloseTo((mean(w26)! - mean(w25)!) / mean(w25)!, 9);
    expect(report.rows.find((r) => r.year === 2025 && r.serviceId === 'chuo-A')!.change).toBeNull();
  });

  it('marks a season still running as in progress (its last day is today or later, Tokyo time)', () => {
    const during = seasonReport(db, ['chuo'], { now: Date.UTC(2026, 3, 11, 14, 59) }); // 23:59 on 11 April in Tokyo
    expect(during.rows.filter((r) => r.serviceId === null).map((r) => [r.year, r.inProgress])).toEqual([[2025, false], [2026, true]]);
    const after = seasonReport(db, ['chuo'], { now: Date.UTC(2026, 3, 11, 15, 0) }); // 00:00 on 12 April in Tokyo
    expect(after.rows.filter((r) => r.serviceId === null).map((r) => r.inProgress)).toEqual([false, false]);
  });

  it('takes waits to the whole millisecond when instants were stored with fractions (older simulator data)', async () => {
    const { db: frac } = await makeTestDb();
    const steps: S[] = [served('A', '2025-03-25 10:00', 20, 0, 10), served('B', '2025-03-25 10:10', 7, 0, 5)];
    steps[0] = { ...steps[0]!, enq: steps[0]!.enq + 0.675, call: steps[0]!.call! + 0.25 };
    steps[1] = { ...steps[1]!, call: steps[1]!.call! + 0.6 };
    insertSteps(frac, steps);
    const r = seasonReport(frac, ['chuo']);
    frac.close();
    const waits = steps.map((x) => Math.round(x.call! - x.enq));
    const all = r.rows.find((x) => x.serviceId === null)!;
    expect(all.steps).toBe(2);
    expect(all.wait.meanMs).toBeCloseTo(mean(waits)!, 6);
    expect(r.rows.find((x) => x.serviceId === 'chuo-B')!.wait.meanMs).toBe(waits[1]);
  });
});

describe('report routes and exports', () => {
  let srv: TestServer;
  let cookie: string;
  const steps = [...MARCH, ...SEASON];
  beforeAll(async () => {
    srv = await startTestServer();
    insertSteps(srv.db, steps);
    cookie = await login(srv.url, 'supervisor');
  });
  afterAll(() => srv.close());

  // A kept-alive socket the server closes after its idle timeout can reset under a loaded
  // machine just as fetch reuses it; that is transport noise, so such a request is retried once.
  const get = (path: string, c = cookie) =>
    fetch(`${srv.url}${path}`, { headers: { Cookie: c } }).catch((e: { cause?: { code?: string } }) => {
      if (e.cause?.code === 'ECONNRESET') return fetch(`${srv.url}${path}`, { headers: { Cookie: c } });
      throw e;
    });

  it('the steps CSV opens as Japanese Excel reads it: BOM, Japanese headers, CRLF, one row per step, Tokyo and ISO times', async () => {
    const res = await get('/api/reports/steps.csv?offices=chuo&from=2026-03-24&to=2026-03-24');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n').length - 1).toBe(text.split('\n').length - 1); // every line ends CRLF
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    const inDay = MARCH.filter((s) => tokyoDay(s.enq) === '2026-03-24');
    expect(rows.length).toBe(inDay.length);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['業務日', '番号', '用件', '結果', '窓口', '職員', '受付日時', '初回呼出日時', '受付日時(ISO)', '待ち時間(分)']));
    // the 23:30 UTC step: Tokyo 08:30 on the 24th, in both forms, and the ISO form parses back
    const early = rows.find((r) => r['受付日時(ISO)'] === '2026-03-24T08:30:00.000+09:00')!;
    expect(early['受付日時']).toBe('2026/03/24 08:30:00');
    expect(early['業務日']).toBe('2026-03-24');
    expect(Date.parse(early['受付日時(ISO)']!)).toBe(Date.UTC(2026, 2, 23, 23, 30));
    expect(Number(early['待ち時間(分)'])).toBe(40);
    for (const r of rows) {
      const s = inDay.find((x) => x.enq === Date.parse(r['受付日時(ISO)']!))!;
      expect(s).toBeDefined();
      expect(r['初回呼出日時(ISO)'] ? Date.parse(r['初回呼出日時(ISO)']) : null).toBe(s.call);
      expect(r['終了日時(ISO)'] ? Date.parse(r['終了日時(ISO)']) : null).toBe(s.end);
      // local form = the ISO form's wall clock
      expect(r['受付日時']).toBe(r['受付日時(ISO)']!.slice(0, 19).replace('T', ' ').replace(/-/g, '/'));
    }
    expect(rows.filter((r) => r['結果'] === '閉庁時未対応').length).toBe(2);
    expect(rows.find((r) => r['番号'] === 'A-001' && r['業務日'] === '2026-03-24')!['用件']).toBe('転入・転居・転出');
  });

  it('streams a large steps CSV page by page with every row', async () => {
    const many: S[] = [];
    for (let i = 0; i < 12_000; i++) many.push({ id: `big${i}`, service: 'B', enq: tokyo('2026-05-11 09:00') + i * 1000, call: tokyo('2026-05-11 09:00') + i * 1000 + 60_000, start: null, end: null, outcome: null });
    // numbers restart per day in insertSteps; these share the day so numbers go up to 12000 – fine for a raw table
    insertSteps(srv.db, many);
    const res = await get('/api/reports/steps.csv?offices=chuo&from=2026-05-11&to=2026-05-11');
    const body = await res.text();
    const rows = parse(body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(12_000);
    expect(new Set(rows.map((r) => r['受付日時(ISO)'])).size).toBe(12_000);
  });

  it('aggregated CSV per grouping has Japanese headers and the report figures', async () => {
    const res = await get('/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-24&by=service');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    const e = expected(MARCH.filter((s) => tokyoDay(s.enq) === '2026-03-24' && s.service === 'B'));
    const b = rows.find((r) => r['用件'] === '住民票・戸籍の証明')!;
    expect(Number(b['平均待ち時間(分)'])).toBe(Math.round(e.wait.meanMs! / 600) / 100);
    expect(Number(b['待ち時間90パーセンタイル(分)'])).toBe(Math.round(e.wait.p90Ms! / 600) / 100);
    expect(Number(b['閉庁時未対応'])).toBe(e.unserved);
    expect(rows.at(-1)!['用件']).toBe('合計');
  });

  it('busy-season CSV and XLSX download', async () => {
    const csv = await (await get('/api/reports/busy-season.csv?offices=chuo')).text();
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.some((r) => r['年'] === '2026' && r['和暦'] === '令和8年' && r['用件'] === '全手続')).toBe(true);
    const x = await get('/api/reports/summary.xlsx?offices=chuo&from=2026-03-24&to=2026-03-24');
    expect(x.status).toBe(200);
    const buf = Buffer.from(await x.arrayBuffer());
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('用件別')!;
    expect(ws.getRow(1).getCell(1).value).toBe('用件');
  });

  it('refuses clerks, other offices and bad input with stable codes', async () => {
    const clerk = await login(srv.url, 'clerk1');
    expect((await get('/api/reports/summary?offices=chuo&from=2026-03-24&to=2026-03-24', clerk)).status).toBe(403);
    expect((await fetch(`${srv.url}/api/reports/steps.csv?offices=chuo&from=2026-03-24&to=2026-03-24`)).status).toBe(401);
    const bad = async (q: string) => {
      const r = await get(`/api/reports/summary?${q}`);
      return [r.status, ((await r.json()) as { error: { code: string } }).error.code];
    };
    expect(await bad('offices=chuo&from=2026-03-25&to=2026-03-24')).toEqual([400, 'REPORT_PERIOD_REVERSED']);
    expect(await bad('offices=chuo&from=2026-02-30&to=2026-03-24')).toEqual([400, 'INVALID_INPUT']);
    expect(await bad('offices=chuo&from=2024-01-01&to=2026-03-24')).toEqual([400, 'REPORT_PERIOD_TOO_LONG']);
    expect(await bad('offices=chuo&from=2026-03-24&to=2026-03-24&x=1')).toEqual([400, 'INVALID_INPUT']);
    // an office outside the supervisor's own is refused without saying whether it exists
    expect(await bad('offices=nowhere&from=2026-03-24&to=2026-03-24')).toEqual([403, 'FORBIDDEN']);
    // a supervisor of chuo cannot read another office
    srv.db.prepare(`INSERT INTO offices (id, name_json, timezone, policy_json, announcement_json, created_at) VALUES ('higashi', '{"ja":"東区役所"}', 'Asia/Tokyo', '{}', '{}', 0)`).run();
    expect(await bad('offices=chuo,higashi&from=2026-03-24&to=2026-03-24')).toEqual([403, 'FORBIDDEN']);
    const admin = await login(srv.url, 'admin');
    const ok = await get('/api/reports/summary?offices=chuo,higashi&from=2026-03-24&to=2026-03-24', admin);
    expect(ok.status).toBe(200);
    const both = ((await ok.json()) as { data: SummaryReport }).data;
    expect(both.groups.office.map((o) => [o.key, o.steps > 0])).toEqual([['chuo', true], ['higashi', false]]);
    const missing = await get('/api/reports/summary?offices=nowhere&from=2026-03-24&to=2026-03-24', admin);
    expect(missing.status).toBe(404);
  });

  it('logs every export in the audit log and refuses a reversed range for the steps CSV', async () => {
    const before = (srv.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'report.export'`).pluck().get() as number);
    await (await get('/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-24&by=hour')).arrayBuffer();
    const rows = srv.db.prepare(`SELECT staff_id, target FROM audit_log WHERE action = 'report.export' ORDER BY id`).all() as { staff_id: string; target: string }[];
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toEqual({ staff_id: 'supervisor', target: 'summary.csv:hour' });
    const bad = await get('/api/reports/steps.csv?offices=chuo&from=2026-03-25&to=2026-03-24');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('REPORT_PERIOD_REVERSED');
  });

  it('the JSON summary carries the same figures as the module', async () => {
    const res = await get('/api/reports/summary?offices=chuo&from=2026-03-24&to=2026-03-24');
    const body = (await res.json()) as { data: SummaryReport };
    expectStats(body.data.total, MARCH.filter((s) => tokyoDay(s.enq) === '2026-03-24'));
  });
});
