import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOffice } from '../seed.js';
import { login, startTestServer, type TestServer } from '../testing.js';
import { summaryReport, type SummaryReport } from './query.js';

/**
 * Visit stay (滞在時間) = last step's ended_at − ticket issued_at, per ticket, against values
 * computed here independently from hand-made tickets (some with a transfer, so two steps).
 * Counted: tickets whose every step has ended and whose last step ended served; tickets finished
 * no-show / cancelled / unserved are counted separately; unfinished tickets are left out.
 * Grouped by office, by business day of issue and by the ticket's FIRST service.
 */

const MIN = 60_000;
/** Tokyo wall-clock "yyyy-MM-dd HH:mm" → UTC ms (Tokyo is UTC+9 all year). */
const tokyo = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`) - 9 * 3_600_000;
const tokyoDay = (at: number) => new Date(at + 9 * 3_600_000).toISOString().slice(0, 10);

type Svc = 'A' | 'B' | 'C';
type Outcome = 'served' | 'no_show' | 'cancelled' | 'transferred' | 'unserved' | null;
interface Step {
  service: Svc;
  enq: string;
  call: string | null;
  start: string | null;
  end: string | null;
  outcome: Outcome;
}
interface Ticket {
  id: string;
  steps: Step[];
}

const st = (service: Svc, enq: string, call: string | null, start: string | null, end: string | null, outcome: Outcome): Step => ({ service, enq, call, start, end, outcome });

const TICKETS: Ticket[] = [
  // transfer A → B, served at B: stay 09:00 → 09:50 = 50 min, first service A
  { id: 'k1', steps: [st('A', '2026-03-24 09:00', '2026-03-24 09:10', '2026-03-24 09:11', '2026-03-24 09:25', 'transferred'), st('B', '2026-03-24 09:25', '2026-03-24 09:40', '2026-03-24 09:41', '2026-03-24 09:50', 'served')] },
  // single steps, served
  { id: 'k2', steps: [st('A', '2026-03-24 10:00', '2026-03-24 10:20', '2026-03-24 10:21', '2026-03-24 10:40', 'served')] },
  { id: 'k3', steps: [st('B', '2026-03-24 10:05', '2026-03-24 10:10', '2026-03-24 10:10', '2026-03-24 10:17', 'served')] },
  { id: 'k4', steps: [st('A', '2026-03-24 11:00', '2026-03-24 11:30', '2026-03-24 11:31', '2026-03-24 11:35', 'served')] },
  // issued 08:45 Tokyo = 23:45 UTC the day before: business day 24th
  { id: 'k5', steps: [st('B', '2026-03-24 08:45', '2026-03-24 08:50', '2026-03-24 08:51', '2026-03-24 09:03', 'served')] },
  // finished otherwise: counted by last outcome, no stay
  { id: 'k6', steps: [st('B', '2026-03-24 11:10', '2026-03-24 11:30', null, '2026-03-24 11:40', 'no_show')] },
  { id: 'k7', steps: [st('A', '2026-03-24 14:00', null, null, '2026-03-24 14:10', 'cancelled')] },
  // transfer A → B, left unserved at close: counted under A (first service) as unserved
  { id: 'k8', steps: [st('A', '2026-03-24 16:00', '2026-03-24 16:10', '2026-03-24 16:11', '2026-03-24 16:30', 'transferred'), st('B', '2026-03-24 16:30', null, null, '2026-03-24 17:15', 'unserved')] },
  // transfer B → A, the second step still waiting: not finished, not counted anywhere
  { id: 'k9', steps: [st('B', '2026-03-24 13:00', '2026-03-24 13:05', '2026-03-24 13:06', '2026-03-24 13:20', 'transferred'), st('A', '2026-03-24 13:20', null, null, null, null)] },
  // transfer B → C → A (three steps), served: first service B, stay 09:30 → 11:15 on the 25th
  {
    id: 'k10',
    steps: [
      st('B', '2026-03-25 09:30', '2026-03-25 09:35', '2026-03-25 09:36', '2026-03-25 09:50', 'transferred'),
      st('C', '2026-03-25 09:50', '2026-03-25 10:20', '2026-03-25 10:21', '2026-03-25 10:40', 'transferred'),
      st('A', '2026-03-25 10:40', '2026-03-25 10:55', '2026-03-25 10:56', '2026-03-25 11:15', 'served'),
    ],
  },
  { id: 'k11', steps: [st('C', '2026-03-25 09:00', '2026-03-25 09:02', '2026-03-25 09:03', '2026-03-25 09:30', 'served')] },
  { id: 'k12', steps: [st('A', '2026-03-25 13:00', '2026-03-25 13:40', '2026-03-25 13:42', '2026-03-25 14:07', 'served')] },
];

function insert(srv: TestServer): void {
  const db = srv.db;
  const insT = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, 'chuo', ?, ?, ?, ?, 0, 'ja', ?, ?)`);
  const insS = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id)
    VALUES (?, ?, 'chuo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const t = (s: string | null) => (s === null ? null : tokyo(s));
  db.transaction(() => {
    TICKETS.forEach((k, i) => {
      const issued = tokyo(k.steps[0]!.enq);
      const prefix = k.steps[0]!.service;
      insT.run(k.id, tokyoDay(issued), prefix, 100 + i, `${prefix}-${100 + i}`, issued, `tok-${k.id}`);
      k.steps.forEach((s, j) => {
        const ended = s.outcome !== null;
        insS.run(`${k.id}-${j + 1}`, k.id, j + 1, `chuo-${s.service}`, ended ? 'ended' : 'waiting', tokyo(s.enq), tokyo(s.enq), t(s.call), t(s.call), s.call ? 1 : 0, t(s.start), t(s.end), s.outcome, s.call ? 'chuo-c1' : null, s.call ? 'clerk1' : null);
      });
    });
  })();
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

interface Expected {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
  maxMs: number | null;
  noShow: number;
  cancelled: number;
  unserved: number;
}

function expectedStay(tickets: Ticket[]): Expected {
  const stays: number[] = [];
  const e = { noShow: 0, cancelled: 0, unserved: 0 };
  for (const k of tickets) {
    if (k.steps.some((s) => s.outcome === null)) continue;
    const last = k.steps[k.steps.length - 1]!;
    if (last.outcome === 'served') stays.push(tokyo(last.end!) - tokyo(k.steps[0]!.enq));
    else if (last.outcome === 'no_show') e.noShow++;
    else if (last.outcome === 'cancelled') e.cancelled++;
    else if (last.outcome === 'unserved') e.unserved++;
  }
  return {
    count: stays.length,
    meanMs: stays.length ? stays.reduce((a, b) => a + b, 0) / stays.length : null,
    medianMs: pct(stays, 0.5),
    p90Ms: pct(stays, 0.9),
    maxMs: stays.length ? Math.max(...stays) : null,
    ...e,
  };
}

const firstService = (k: Ticket) => k.steps[0]!.service;
const issueDay = (k: Ticket) => tokyoDay(tokyo(k.steps[0]!.enq));
const min2 = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 600) / 100));

describe('visit stay (滞在時間)', () => {
  let srv: TestServer;
  let cookie: string;
  let report: SummaryReport;
  beforeAll(async () => {
    srv = await startTestServer();
    insert(srv);
    cookie = await login(srv.url, 'supervisor');
    report = summaryReport(srv.db, ['chuo'], '2026-03-24', '2026-03-25');
  });
  afterAll(() => srv.close());

  it('the hand-made data is what the test means: known stays in minutes', () => {
    // k1 50, k2 40, k3 12, k4 35, k5 18, k10 105, k11 30, k12 67
    const e = expectedStay(TICKETS);
    expect(e.count).toBe(8);
    expect(e.meanMs).toBe(((50 + 40 + 12 + 35 + 18 + 105 + 30 + 67) / 8) * MIN);
    expect(e.maxMs).toBe(105 * MIN);
    expect(e).toMatchObject({ noShow: 1, cancelled: 1, unserved: 1 });
  });

  it('total: count, mean, median, p90, max over tickets finished served; others counted by last outcome', () => {
    expect(report.stay).toEqual(expectedStay(TICKETS));
  });

  it('service rows group a ticket under its FIRST service, transfers included', () => {
    for (const svc of ['A', 'B', 'C'] as Svc[]) {
      const row = report.groups.service.find((r) => r.key === `chuo-${svc}`)!;
      expect(row.stay, svc).toEqual(expectedStay(TICKETS.filter((k) => firstService(k) === svc)));
    }
    // k10 (B → C → A, 105 min) is B's, not A's or C's
    expect(report.groups.service.find((r) => r.key === 'chuo-B')!.stay!.maxMs).toBe(105 * MIN);
    expect(report.groups.service.find((r) => r.key === 'chuo-C')!.stay!.count).toBe(1);
  });

  it('day rows group by the Tokyo business day of issue; the office row equals the total', () => {
    for (const day of ['2026-03-24', '2026-03-25']) {
      const row = report.groups.day.find((r) => r.key === day)!;
      expect(row.stay, day).toEqual(expectedStay(TICKETS.filter((k) => issueDay(k) === day)));
    }
    expect(report.groups.office[0]!.stay).toEqual(expectedStay(TICKETS));
    // rows of other groupings carry no stay (a ticket is not one counter's or one hour's)
    expect(report.groups.counter.every((r) => r.stay === undefined)).toBe(true);
    expect(report.groups.hour.every((r) => r.stay === undefined)).toBe(true);
  });

  it('a one-day report counts only that day’s tickets', () => {
    const one = summaryReport(srv.db, ['chuo'], '2026-03-25', '2026-03-25');
    expect(one.stay).toEqual(expectedStay(TICKETS.filter((k) => issueDay(k) === '2026-03-25')));
  });

  it('over two offices the total is the sum of both; each office row has its own tickets only', () => {
    seedOffice(srv.db, { id: 'higashi', name: { ja: '東区役所' } }, tokyo('2026-03-01 09:00'));
    const db = srv.db;
    db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES ('h1', 'higashi', '2026-03-24', 'A', 1, 'A-001', 0, 'ja', ?, 'tok-h1')`).run(tokyo('2026-03-24 09:00'));
    db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, started_at, ended_at, outcome)
      VALUES ('h1-1', 'h1', 'higashi', 1, 'higashi-A', 'ended', ?, ?, ?, ?, ?, 'served')`).run(tokyo('2026-03-24 09:00'), tokyo('2026-03-24 09:00'), tokyo('2026-03-24 10:00'), tokyo('2026-03-24 10:01'), tokyo('2026-03-24 12:00'));
    const both = summaryReport(srv.db, ['chuo', 'higashi'], '2026-03-24', '2026-03-25');
    const h1 = 3 * 60 * MIN;
    const stays = [...TICKETS.filter((k) => k.steps.every((x) => x.outcome !== null) && k.steps.at(-1)!.outcome === 'served').map((k) => tokyo(k.steps.at(-1)!.end!) - tokyo(k.steps[0]!.enq)), h1];
    expect(both.stay).toEqual({ ...expectedStay(TICKETS), count: stays.length, meanMs: stays.reduce((a, b) => a + b, 0) / stays.length, medianMs: pct(stays, 0.5), p90Ms: pct(stays, 0.9), maxMs: Math.max(...stays) });
    expect(both.groups.office.find((r) => r.key === 'chuo')!.stay).toEqual(expectedStay(TICKETS));
    expect(both.groups.office.find((r) => r.key === 'higashi')!.stay).toMatchObject({ count: 1, meanMs: h1, maxMs: h1, noShow: 0 });
  });

  const get = (path: string) =>
    fetch(`${srv.url}${path}`, { headers: { Cookie: cookie } }).catch((e: { cause?: { code?: string } }) => {
      if (e.cause?.code === 'ECONNRESET') return fetch(`${srv.url}${path}`, { headers: { Cookie: cookie } });
      throw e;
    });

  it('the JSON reply carries the stay figures', async () => {
    const res = await get('/api/reports/summary?offices=chuo&from=2026-03-24&to=2026-03-25');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: SummaryReport };
    expect(body.data.stay).toEqual(expectedStay(TICKETS));
    expect(body.data.groups.service.find((r) => r.key === 'chuo-A')!.stay).toEqual(expectedStay(TICKETS.filter((k) => firstService(k) === 'A')));
  });

  it('the aggregated CSV has the stay columns (minutes, 2 decimals) by service and day, and none by hour', async () => {
    const text = await (await get('/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-25&by=service')).text();
    const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((l) => l.split(','));
    const header = lines[0]!;
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, name).toBeGreaterThan(0);
      return i;
    };
    const cells = (label: string) => lines.find((l) => l[0] === label)!;
    const a = expectedStay(TICKETS.filter((k) => firstService(k) === 'A'));
    const rowA = cells('転入・転居・転出');
    expect(rowA[col('滞在時間（件数・対応済）')]).toBe(String(a.count));
    expect(rowA[col('滞在時間（平均・分）')]).toBe(min2(a.meanMs));
    expect(rowA[col('滞在時間（中央値・分）')]).toBe(min2(a.medianMs));
    expect(rowA[col('滞在時間（90パーセンタイル・分）')]).toBe(min2(a.p90Ms));
    expect(rowA[col('滞在時間（最大・分）')]).toBe(min2(a.maxMs));
    expect(rowA[col('最終結果が閉庁時未対応の発券数')]).toBe(String(a.unserved));
    expect(rowA[col('最終結果が取消の発券数')]).toBe(String(a.cancelled));
    const all = expectedStay(TICKETS);
    expect(cells('合計')[col('滞在時間（平均・分）')]).toBe(min2(all.meanMs));

    const dayText = await (await get('/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-25&by=day')).text();
    const dayLines = dayText.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((l) => l.split(','));
    const di = dayLines[0]!.indexOf('滞在時間（90パーセンタイル・分）');
    expect(dayLines.find((l) => l[0] === '2026-03-25')![di]).toBe(min2(expectedStay(TICKETS.filter((k) => issueDay(k) === '2026-03-25')).p90Ms));

    const hourText = await (await get('/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-25&by=hour')).text();
    expect(hourText).not.toContain('滞在時間');
  });

  it('the XLSX office, service and day sheets have the stay columns', async () => {
    const res = await get('/api/reports/summary.xlsx?offices=chuo&from=2026-03-24&to=2026-03-25');
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('庁舎別')!;
    const header = (ws.getRow(1).values as unknown[]).map(String);
    const i = header.indexOf('滞在時間（平均・分）');
    expect(i).toBeGreaterThan(0);
    expect(ws.getRow(2).getCell(i).value).toBe(Number(min2(expectedStay(TICKETS).meanMs)));
  });
});
