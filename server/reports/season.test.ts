import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeTestDb, parseCsv, startTestServer, type TestServer } from '../testing.js';
import { seedOffice } from '../seed.js';
import type { DB } from '../store/db.js';
import { CITY_ID, SEASON_STEPS_SQL, SEASON_WAITS_SQL, seasonReport } from './query.js';
import { percentile } from './stats.js';

/**
 * Busy-season comparison, issue 14: index-only reads of the season windows, years without data
 * left out everywhere, the 市全体 rows, the Excel workbook, and the report errors people read.
 */

const MIN = 60_000;
const tokyo = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`) - 9 * 3_600_000;

let seq = 0;
/** One served ticket at `office` (services A and B of the seed), waited `w` minutes. */
function ticket(db: DB, office: string, service: 'A' | 'B', at: string, w: number | null, outcome = 'served'): void {
  const id = `x${++seq}`;
  const enq = tokyo(at);
  const call = w === null ? null : enq + w * MIN;
  const day = at.slice(0, 10);
  db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, issued_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(id, office, day, service, seq, `${service}-${seq}`, enq, `tok-${id}`);
  db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome)
    VALUES (?, ?, ?, 1, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?)`).run(`${id}-1`, id, office, `${office}-${service}`, enq, enq, call, call, call === null ? 0 : 1, call, (call ?? enq) + 5 * MIN, outcome);
}

describe('busy-season reads', () => {
  it('reads each season window from the covering index only (no table look-ups)', async () => {
    const { db } = await makeTestDb();
    for (const sql of [SEASON_STEPS_SQL, SEASON_WAITS_SQL]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('chuo', 'chuo-A', 0, 1) as { detail: string }[]).map((r) => r.detail);
      expect(plan).toEqual([expect.stringMatching(/^SEARCH steps USING COVERING INDEX steps_office_service \(office_id=\? AND service_id=\? AND enqueued_at>\? AND enqueued_at<\?\)$/)]);
    }
    db.close();
  });

  it('gives the same figures as a direct computation over every step (random history, waits up to nine hours)', async () => {
    const { db } = await makeTestDb();
    let r = 7;
    const rnd = (n: number) => ((r = (r * 48271) % 2147483647), r % n);
    const waits: Record<string, number[]> = { all: [], A: [], B: [] };
    for (let i = 0; i < 400; i++) {
      const svc = rnd(2) ? 'A' : 'B';
      const called = rnd(10) > 0;
      const w = called ? rnd(9 * 60) + rnd(60) / 60 : null; // up to 9 hours, to the second
      ticket(db, 'chuo', svc, `2025-03-${String(20 + (i % 12)).padStart(2, '0')} 09:${String(i % 60).padStart(2, '0')}`, w, called ? 'served' : 'unserved');
      if (w !== null) {
        const ms = Math.round(w * MIN);
        waits.all!.push(ms);
        waits[svc]!.push(ms);
      }
    }
    const rep = seasonReport(db, ['chuo'], { fromYear: 2025, toYear: 2025 });
    for (const [key, serviceId] of [['all', null], ['A', 'chuo-A'], ['B', 'chuo-B']] as const) {
      const row = rep.rows.find((x) => x.serviceId === serviceId)!;
      const v = [...waits[key]!].sort((a, b) => a - b);
      expect(row.wait.count).toBe(v.length);
      expect(row.wait.meanMs).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 6);
      expect(row.wait.medianMs).toBe(percentile(v, 0.5));
      expect(row.wait.p90Ms).toBe(percentile(v, 0.9));
      expect(row.wait.maxMs).toBe(v.at(-1));
    }
    expect(rep.rows.find((x) => x.serviceId === null)!.unserved).toBe(400 - waits.all!.length);
    db.close();
  });
});

describe('busy-season report: empty years, 市全体, Excel, errors', () => {
  let srv: TestServer;
  let cookie: string;
  let supervisor: string;
  beforeAll(async () => {
    srv = await startTestServer();
    seedOffice(srv.db, { id: 'higashi', name: { ja: '東区役所', en: 'Higashi' } }, srv.clock.now());
    // 中央: 2023 and 2025 seasons (none in 2024); 東: 2025 only.
    ticket(srv.db, 'chuo', 'A', '2023-03-24 10:00', 30);
    ticket(srv.db, 'chuo', 'A', '2023-03-24 10:05', 50);
    ticket(srv.db, 'chuo', 'A', '2025-03-24 10:00', 10);
    ticket(srv.db, 'chuo', 'B', '2025-03-25 10:00', 20);
    ticket(srv.db, 'higashi', 'A', '2025-03-24 10:00', 40);
    ticket(srv.db, 'higashi', 'A', '2025-03-24 11:00', 47);
    ticket(srv.db, 'higashi', 'B', '2025-03-24 12:00', 90.9);
    cookie = await login(srv.url, 'admin'); // city-wide
    supervisor = await login(srv.url, 'supervisor');
  });
  afterAll(() => srv.close());

  it('leaves a year without data out of rows and CSV, and says so', async () => {
    const r = seasonReport(srv.db, ['chuo'], { fromYear: 2022, toYear: 2025 });
    expect(r.years).toEqual([2023, 2025]);
    expect(r.emptyYears).toEqual([2022, 2024]);
    expect(r.skipped).toEqual([{ officeId: 'chuo', year: 2022 }, { officeId: 'chuo', year: 2024 }]);
    expect([...new Set(r.rows.map((x) => x.year))]).toEqual([2023, 2025]);
    // 2025 is not compared with 2023: there was no 2024 season
    expect(r.rows.find((x) => x.year === 2025 && x.serviceId === null)!.change).toBeNull();
    const csv = parseCsv(await (await fetch(`${srv.url}/api/reports/busy-season.csv?offices=chuo&fromYear=2022&toYear=2025`, { headers: { cookie } })).text());
    const yearCol = csv[0]!.indexOf('年');
    expect([...new Set(csv.slice(1).map((row) => row[yearCol]))]).toEqual(['2023', '2025']);
    // both offices: 東 has no 2023 season, its rows are left out; 2023 stays for 中央
    const both = seasonReport(srv.db, ['chuo', 'higashi'], { fromYear: 2023, toYear: 2025 });
    expect(both.years).toEqual([2023, 2025]);
    expect(both.skipped).toContainEqual({ officeId: 'higashi', year: 2023 });
    expect(both.rows.some((x) => x.officeId === 'higashi' && x.year === 2023)).toBe(false);
  });

  it('adds 市全体 rows pooling every office of the report', () => {
    const r = seasonReport(srv.db, ['chuo', 'higashi'], { fromYear: 2025, toYear: 2025 });
    expect(r.city).toHaveLength(1);
    const c = r.city[0]!;
    const waits = [10, 20, 40, 47, 90.9].map((m) => Math.round(m * MIN)).sort((a, b) => a - b);
    expect(c).toMatchObject({ officeId: CITY_ID, serviceId: null, label: { ja: '市全体', en: 'City-wide' }, year: 2025, tickets: 5, steps: 5 });
    expect(c.wait).toEqual({ count: 5, meanMs: waits.reduce((a, b) => a + b) / 5, medianMs: percentile(waits, 0.5), p90Ms: percentile(waits, 0.9), maxMs: waits[4] });
    // tickets per day: 中央 2 tickets on 2 open days + 東 3 on 1
    expect(c.perDay).toBe(1 + 3);
    // one office: no city rows
    expect(seasonReport(srv.db, ['chuo']).city).toEqual([]);
  });

  it('busy-season.xlsx: comparison and summary sheets, Japanese headers, numbers as numbers with formats', async () => {
    const res = await fetch(`${srv.url}/api/reports/busy-season.xlsx?offices=chuo,higashi&fromYear=2025&toYear=2025`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain('繁忙期比較.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['繁忙期比較', '繁忙期要約']);
    const ws = wb.getWorksheet('繁忙期要約')!;
    const head = (ws.getRow(1).values as unknown[]).slice(1);
    expect(head).toEqual(['庁舎', '年', '和暦', '期間', '平均待ち時間(分)', '待ち時間中央値(分)', '待ち時間90パーセンタイル(分)', '前年比 平均待ち時間の差(分)', '前年比 平均待ち時間の増減(%)', '1日あたり発券数']);
    const rows = [2, 3, 4].map((i) => (ws.getRow(i).values as unknown[]).slice(1));
    expect(rows.map((x) => x[0])).toEqual(['中央区役所', '東区役所', '市全体']);
    expect(rows[1]![2]).toBe('令和7年（2025年）');
    const mean = ws.getRow(3).getCell(5);
    expect(mean.value).toBe(Math.round(((40 + 47 + 90.9) / 3) * 100) / 100);
    expect(typeof mean.value).toBe('number');
    expect(mean.numFmt).toBe('0.00');
    expect(ws.getRow(3).getCell(2).numFmt).toBe('0');
    const cmp = wb.getWorksheet('繁忙期比較')!;
    expect((cmp.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['庁舎', '用件', '年']);
    const offices = cmp.getColumn(1).values.slice(2).filter((v) => typeof v === 'string');
    expect(offices).toContain('市全体');
    // a definitions note under the table
    expect(offices.some((v) => String(v).startsWith('待ち時間＝発券'))).toBe(true);
  });

  it('summary.xlsx carries the busy-season comparison as a sheet', async () => {
    const res = await fetch(`${srv.url}/api/reports/summary.xlsx?offices=chuo&from=2025-03-01&to=2025-03-31`, { headers: { cookie } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('繁忙期比較');
  });

  it('says what is wrong with a period: over 366 days, reversed, bad years', async () => {
    const get = async (path: string) => {
      const r = await fetch(`${srv.url}${path}`, { headers: { cookie: supervisor } });
      const body = (await r.json()) as { error?: { code: string; message: string } };
      return body.error ? [r.status, body.error.code, body.error.message] : [r.status];
    };
    expect(await get('/api/reports/summary?offices=chuo&from=2025-01-01&to=2026-01-02')).toEqual([400, 'REPORT_PERIOD_TOO_LONG', '期間は366日以内で指定してください。']);
    expect(await get('/api/reports/summary?offices=chuo&from=2025-01-01&to=2026-01-01')).toEqual([200]); // 366 days is allowed
    expect(await get('/api/reports/summary.csv?offices=chuo&from=2025-01-01&to=2026-06-01&by=day')).toEqual([400, 'REPORT_PERIOD_TOO_LONG', '期間は366日以内で指定してください。']);
    expect(await get('/api/reports/summary?offices=chuo&from=2025-03-02&to=2025-03-01')).toEqual([400, 'REPORT_PERIOD_REVERSED', '開始日が終了日より後になっています。']);
    expect(await get('/api/reports/busy-season?offices=chuo&fromYear=2026&toYear=2020')).toEqual([400, 'REPORT_YEARS_INVALID', '年の範囲が正しくありません（開始年は終了年以前、30年以内）。']);
  });
});
