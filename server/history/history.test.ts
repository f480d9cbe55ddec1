import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login, parseCsv, startTestServer, type TestServer } from '../testing.js';
import type { DB } from '../store/db.js';
import { seasonReport, summaryReport, type SeasonReport, type SummaryReport } from '../reports/query.js';
import type { Batch, ImportResult, Preview } from './store.js';

/**
 * History import (issue 14). Server A records a history (rows written straight into its tables,
 * as the engine leaves them); its steps.csv is imported into server B, and every report of B must
 * give A's figures. Then: importing twice adds nothing, a bad row refuses the whole file with its
 * line number, removing the batch restores B's reports, and a foreign CSV goes in through a mapping.
 */

const MIN = 60_000;
const tokyo = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`) - 9 * 3_600_000;

/** A deterministic history: busy seasons 2024 and 2025, 20–23 March 2026 (the kit's "today" is 24 March 2026). */
function recordHistory(db: DB): number {
  const days = ['2024-03-21', '2024-03-22', '2024-04-05', '2025-03-24', '2025-03-25', '2025-04-08', '2026-03-20', '2026-03-23'];
  const insT = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, 'chuo', ?, ?, ?, ?, ?, 'ja', ?, ?)`);
  const insS = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id, from_step_id,
      est_low_min, est_high_min, est_point_min, est_method)
    VALUES (?, ?, 'chuo', ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let r = 12345;
  const rnd = (n: number) => ((r = (r * 1103515245 + 12345) % 2147483648), r % n);
  let steps = 0;
  db.transaction(() => {
    for (const day of days) {
      const numbers: Record<string, number> = {};
      for (let i = 0; i < 40; i++) {
        const p = 'ABC'[rnd(3)]!;
        const num = (numbers[p] = (numbers[p] ?? 0) + 1);
        const tid = `t-${day}-${i}`;
        const issued = tokyo(`${day} 08:30`) + i * 7 * MIN + rnd(60_000);
        insT.run(tid, day, p, num, `${p}-${String(num).padStart(3, '0')}`, rnd(10) === 0 ? 1 : 0, issued, `tok-${tid}`);
        const kind = rnd(20);
        const wait = (5 + rnd(120)) * MIN + rnd(1000);
        const call = issued + wait;
        const counter = `chuo-c${1 + rnd(3)}`;
        const clerk = rnd(2) ? 'clerk1' : 'clerk2';
        const est = rnd(3) ? [Math.round(wait / MIN) - 10, Math.round(wait / MIN) + 5, Math.round(wait / MIN), 'history'] : [null, null, null, null];
        if (kind === 0) insS.run(`${tid}-1`, tid, 1, `chuo-${p}`, issued, issued, null, null, 0, null, issued + 30 * MIN, 'cancelled', null, null, null, ...est);
        else if (kind === 1) insS.run(`${tid}-1`, tid, 1, `chuo-${p}`, issued, issued, call, call + 3 * MIN, 2, null, call + 5 * MIN, 'no_show', counter, clerk, null, ...est);
        else if (kind === 2) insS.run(`${tid}-1`, tid, 1, `chuo-${p}`, issued, issued, null, null, 0, null, tokyo(`${day} 17:15`), 'unserved', null, null, null, ...est);
        else if (kind < 6) {
          // served, then transferred on to another service
          const end1 = call + MIN + 10 * MIN;
          insS.run(`${tid}-1`, tid, 1, `chuo-${p}`, issued, issued, call, call, 1, call + MIN, end1, 'transferred', counter, clerk, null, ...est);
          const call2 = end1 + (1 + rnd(40)) * MIN;
          insS.run(`${tid}-2`, tid, 2, `chuo-${p === 'A' ? 'E' : 'A'}`, end1, end1, call2, call2, 1, call2 + 30_000, call2 + 12 * MIN, 'served', 'chuo-c2', 'clerk2', `${tid}-1`, null, null, null, null);
          steps++;
        } else insS.run(`${tid}-1`, tid, 1, `chuo-${p}`, issued, issued, call, call, 1, call + 45_000, call + (3 + rnd(20)) * MIN, 'served', counter, clerk, null, ...est);
        steps++;
      }
    }
  })();
  return steps;
}

let a: TestServer;
let b: TestServer;
let cookieA: string;
let cookieB: string;
let recorded = 0;
let stepsCsv = '';

const get = (srv: TestServer, cookie: string, path: string) => fetch(`${srv.url}${path}`, { headers: { cookie } });
const text = async (srv: TestServer, cookie: string, path: string) => {
  const r = await get(srv, cookie, path);
  expect(r.status, path).toBe(200);
  return r.text();
};
const xlsxTables = async (srv: TestServer, cookie: string, path: string) => {
  const r = await get(srv, cookie, path);
  expect(r.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ExcelJS.Buffer);
  return wb.worksheets.map((ws) => ({ name: ws.name, rows: ws.getSheetValues().slice(1).map((row) => (Array.isArray(row) ? row.slice(1) : row)) }));
};
/** Figures only: the note on imported history and the reply's office list are the same or expected to differ. */
const figures = (r: SummaryReport | SeasonReport) => ({ ...r, imported: undefined });

const FROM = '2024-01-01';
const TO = '2026-03-23';
/** Summary periods within 366 days. */
const PERIODS: [string, string][] = [['2024-03-01', '2024-04-30'], ['2025-03-01', '2025-04-30'], ['2026-03-01', '2026-03-23']];

beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer();
  recorded = recordHistory(a.db);
  cookieA = await login(a.url, 'admin');
  cookieB = await login(b.url, 'admin');
  stepsCsv = await text(a, cookieA, `/api/reports/steps.csv?offices=chuo&from=${FROM}&to=${TO}`);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
});

const postB = <T>(path: string, body: unknown) => http<T>(b.url, 'POST', path, body, { cookie: cookieB });
const count = (db: DB, table: string) => (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);

describe('history import: Madoguchi steps.csv round trip', () => {
  it('preview counts the file and writes nothing', async () => {
    const r = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'madoguchi', csv: stepsCsv });
    expect(r.status).toBe(200);
    const p = r.body.data;
    expect(p.errors).toEqual([]);
    expect(p.steps).toBe(recorded);
    expect(p.tickets).toBe(8 * 40);
    expect(p.rows).toBe(recorded);
    expect(p.newSteps).toBe(recorded);
    expect(p.alreadyImported).toBe(0);
    expect([p.firstDay, p.lastDay]).toEqual(['2024-03-21', '2026-03-23']);
    expect(p.sample).toHaveLength(10);
    expect(p.sample[0]).toMatchObject({ line: 2, businessDay: '2024-03-21', display: expect.stringMatching(/^[ABC]-001$/), seq: 1 });
    expect(count(b.db, 'steps')).toBe(0);
    expect(count(b.db, 'import_batches')).toBe(0);
  });

  let batch: Batch;
  let before: { summary: SummaryReport[]; season: SeasonReport; csv: string[] };

  it('import into another server: summary, busy season and their CSV give the same figures', async () => {
    before = {
      summary: PERIODS.map(([f, t]) => summaryReport(b.db, ['chuo'], f, t)),
      season: seasonReport(b.db, ['chuo'], { now: b.clock.now() }),
      csv: [await text(b, cookieB, '/api/reports/busy-season.csv?offices=chuo&fromYear=2024&toYear=2026')],
    };
    const events = count(b.db, 'events');
    const r = await postB<{ data: ImportResult }>('/api/admin/history/import', { officeId: 'chuo', format: 'madoguchi', csv: stepsCsv, source: '中央区役所サーバー（2024〜2026年）', fileName: 'steps.csv' });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ addedTickets: 320, addedSteps: recorded, alreadyImported: 0 });
    batch = r.body.data.batch!;
    expect(batch).toMatchObject({ officeId: 'chuo', source: '中央区役所サーバー（2024〜2026年）', format: 'madoguchi', tickets: 320, steps: recorded, firstDay: '2024-03-21', lastDay: '2026-03-23', removedAt: null });
    // never in the event log or the live queue
    expect(count(b.db, 'events')).toBe(events);
    expect(b.db.prepare("SELECT count(*) FROM steps WHERE state <> 'ended'").pluck().get()).toBe(0);
    // every report of B equals A's
    for (const [f, t] of PERIODS) {
      const ra = summaryReport(a.db, ['chuo'], f, t);
      const rb = summaryReport(b.db, ['chuo'], f, t);
      expect(figures(rb)).toEqual(figures(ra));
      expect(rb.total.steps).toBeGreaterThan(0);
      expect(rb.imported.steps).toBe(rb.total.steps);
      expect(rb.imported.sources).toEqual([{ batchId: batch.id, officeId: 'chuo', source: '中央区役所サーバー（2024〜2026年）' }]);
      expect(ra.imported).toEqual({ steps: 0, sources: [] });
      for (const by of ['service', 'counter', 'clerk', 'day', 'hour', 'office']) {
        const q = `/api/reports/summary.csv?offices=chuo&from=${f}&to=${t}&by=${by}`;
        expect(await text(b, cookieB, q)).toBe(await text(a, cookieA, q));
      }
    }
    const sa = seasonReport(a.db, ['chuo'], { now: a.clock.now() });
    const sb = seasonReport(b.db, ['chuo'], { now: b.clock.now() });
    expect(figures(sb)).toEqual(figures(sa));
    expect(sb.years).toEqual([2024, 2025, 2026]);
    expect(sb.rows.find((x) => x.year === 2025 && x.serviceId === null)!.change).not.toBeNull();
    const q = '/api/reports/busy-season.csv?offices=chuo&fromYear=2024&toYear=2026';
    expect(await text(b, cookieB, q)).toBe(await text(a, cookieA, q));
    // and the steps themselves come back the same
    expect(await text(b, cookieB, `/api/reports/steps.csv?offices=chuo&from=${FROM}&to=${TO}`)).toBe(stepsCsv);
    // the import is audited
    const auditRow = b.db.prepare("SELECT staff_id, office_id, target, detail_json FROM audit_log WHERE action = 'history.import'").get() as { staff_id: string; office_id: string; target: string; detail_json: string };
    expect(auditRow).toMatchObject({ staff_id: 'admin', office_id: 'chuo', target: `batch:${batch.id}` });
    expect(JSON.parse(auditRow.detail_json)).toMatchObject({ addedSteps: recorded, fileName: 'steps.csv' });
  });

  it('importing the same file again adds nothing', async () => {
    const tickets = count(b.db, 'tickets');
    const steps = count(b.db, 'steps');
    const p = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'madoguchi', csv: stepsCsv });
    expect(p.body.data).toMatchObject({ alreadyImported: 320, newTickets: 0, newSteps: 0, errors: [] });
    const r = await postB<{ data: ImportResult }>('/api/admin/history/import', { officeId: 'chuo', format: 'madoguchi', csv: stepsCsv, source: 'again' });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ batch: null, addedTickets: 0, addedSteps: 0, alreadyImported: 320 });
    expect([count(b.db, 'tickets'), count(b.db, 'steps'), count(b.db, 'import_batches')]).toEqual([tickets, steps, 1]);
    expect(figures(seasonReport(b.db, ['chuo'], { now: b.clock.now() }))).toEqual(figures(seasonReport(a.db, ['chuo'], { now: a.clock.now() })));
  });

  it('the busy-season workbook says where imported rows are included', async () => {
    const sheets = await xlsxTables(b, cookieB, '/api/reports/busy-season.xlsx?offices=chuo');
    expect(sheets.map((s) => s.name)).toEqual(['繁忙期比較', '繁忙期要約']);
    const flat = sheets[0]!.rows.flat().map(String);
    expect(flat.some((c) => c.includes(`取り込んだ過去のデータ ${recorded.toLocaleString('ja-JP')}件を含みます`))).toBe(true);
  });

  it('removing the batch restores the reports, and is audited', async () => {
    const r = await http<{ data: Batch }>(b.url, 'DELETE', `/api/admin/history/batches/${batch.id}`, {}, { cookie: cookieB });
    expect(r.status).toBe(200);
    expect(r.body.data.removedAt).toBe(b.clock.now());
    expect([count(b.db, 'tickets'), count(b.db, 'steps')]).toEqual([0, 0]);
    expect(PERIODS.map(([f, t]) => summaryReport(b.db, ['chuo'], f, t))).toEqual(before.summary);
    expect(seasonReport(b.db, ['chuo'], { now: b.clock.now() })).toEqual(before.season);
    expect(await text(b, cookieB, '/api/reports/busy-season.csv?offices=chuo&fromYear=2024&toYear=2026')).toBe(before.csv[0]);
    expect(b.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'history.remove' AND target = ?").pluck().get(`batch:${batch.id}`)).toBe(1);
    const again = await http<{ error: { code: string } }>(b.url, 'DELETE', `/api/admin/history/batches/${batch.id}`, {}, { cookie: cookieB });
    expect([again.status, again.body.error.code]).toEqual([404, 'IMPORT_BATCH_NOT_FOUND']);
    const list = await http<{ data: Batch[] }>(b.url, 'GET', '/api/admin/history/batches', undefined, { cookie: cookieB });
    expect(list.body.data.map((x) => [x.id, x.removedAt !== null])).toEqual([[batch.id, true]]);
  });

  it('a bad row refuses the whole file with its line number; nothing is imported', async () => {
    const lines = stepsCsv.split('\r\n');
    const header = parseCsv(lines[0]!)[0]!;
    const broken = [...lines];
    // line 6 of the file (the 5th data row): an impossible first-call time
    const cells = parseCsv(broken[5]!)[0]!;
    cells[header.indexOf('初回呼出日時(ISO)')] = '2025-13-45T99:00:00.000+09:00';
    broken[5] = cells.join(',');
    // line 9: a service the office does not have
    const cells9 = parseCsv(broken[8]!)[0]!;
    cells9[header.indexOf('用件')] = '存在しない手続';
    broken[8] = cells9.join(',');
    const csv = broken.join('\r\n');
    const p = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'madoguchi', csv });
    // (a transferred ticket's other step fails with its broken first step, on its own line)
    expect(p.body.data.errors.map((e) => e.line).slice(0, 2)).toEqual([6, 9]);
    expect(p.body.data.errors[0]!.message).toContain('初回呼出日時(ISO)');
    expect(p.body.data.errors[1]!.message).toContain('存在しない手続');
    const r = await postB<{ error: { code: string; message: string; details: { errors: { line: number; message: string }[] } } }>('/api/admin/history/import', { officeId: 'chuo', format: 'madoguchi', csv, source: 'broken' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_INVALID');
    expect(r.body.error.message).toBe('ファイルに取り込めない行があります。何も取り込んでいません。');
    expect(r.body.error.details.errors).toEqual(p.body.data.errors);
    expect([count(b.db, 'tickets'), count(b.db, 'steps'), count(b.db, 'import_batches')]).toEqual([0, 0, 1]);
  });

  it("refuses today's business day and unfinished steps (the live queue is not history)", async () => {
    const head = stepsCsv.split('\r\n')[0]!;
    const header = parseCsv(head)[0]!;
    const row = parseCsv(stepsCsv.split('\r\n')[1]!)[0]!;
    const today = [...row];
    today[header.indexOf('業務日')] = '2026-03-24';
    const open = [...row];
    open[header.indexOf('結果')] = '待機中';
    const p = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'madoguchi', csv: [head, today.join(','), open.join(',')].join('\r\n') });
    expect(p.body.data.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(p.body.data.errors[0]!.message).toContain('本日より前の業務日だけ');
    expect(p.body.data.errors[1]!.message).toContain('終了した手続だけ');
  });

  it('refuses a file that is not a steps.csv, and non-admins', async () => {
    const p = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'madoguchi', csv: 'a,b\r\n1,2\r\n' });
    expect(p.body.data.errors).toHaveLength(1);
    expect(p.body.data.errors[0]!.line).toBe(1);
    const sup = await login(b.url, 'supervisor');
    const r = await http<{ error: { code: string } }>(b.url, 'POST', '/api/admin/history/import', { officeId: 'chuo', format: 'madoguchi', csv: stepsCsv, source: 'x' }, { cookie: sup });
    expect([r.status, r.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(count(b.db, 'steps')).toBe(0);
  });
});

describe('history import: a foreign CSV through a saved mapping', () => {
  const mapping = {
    encoding: 'shift_jis',
    columns: { ticket: '受付番号', date: '受付日', issued: '発券時刻', called: '呼出時刻', ended: '終了時刻', outcome: '状態', service: '業務コード', counter: '窓口' },
    dateFormat: 'yyyy/M/d',
    timeFormat: 'H:mm',
    outcomes: { 完了: 'served', 不在: 'no_show', 取消: 'cancelled' },
    services: { '01': 'chuo-A', '02': 'chuo-B' },
  };
  // Three visits on 1 April 2025: waits 40 and 20 minutes served, one no-show after 60 minutes, one cancelled.
  const file = [
    '受付番号,受付日,発券時刻,呼出時刻,終了時刻,状態,業務コード,窓口',
    '101,2025/4/1,9:00,9:40,10:00,完了,01,1番',
    '102,2025/4/1,9:10,9:30,9:35,完了,02,2番',
    '103,2025/4/1,9:20,10:20,10:25,不在,01,1番',
    '104,2025/4/1,9:30,,9:50,取消,02,',
  ].join('\r\n');

  it('saves the mapping by name, previews, imports, and counts it like recorded steps', async () => {
    const put = await http(b.url, 'PUT', `/api/admin/history/mappings/${encodeURIComponent('旧受付システム')}`, mapping, { cookie: cookieB });
    expect(put.status).toBe(200);
    const list = await http<{ data: { name: string }[] }>(b.url, 'GET', '/api/admin/history/mappings', undefined, { cookie: cookieB });
    expect(list.body.data.map((m) => m.name)).toEqual(['旧受付システム']);
    const base64 = iconv.encode(file, 'Shift_JIS').toString('base64');
    const p = await postB<{ data: Preview }>('/api/admin/history/preview', { officeId: 'chuo', format: 'mapped', mapping: '旧受付システム', base64 });
    expect(p.body.data).toMatchObject({ errors: [], tickets: 4, steps: 4, newSteps: 4, firstDay: '2025-04-01', lastDay: '2025-04-01', byOutcome: { served: 2, no_show: 1, cancelled: 1 } });
    expect(p.body.data.sample[0]).toMatchObject({ display: '101', service: '転入・転居・転出', issuedAt: '2025-04-01T09:00:00.000+09:00', waitMin: 40 });
    const r = await postB<{ data: ImportResult }>('/api/admin/history/import', { officeId: 'chuo', format: 'mapped', mapping: '旧受付システム', base64, source: '旧受付システム 2025年度' });
    expect(r.body.data).toMatchObject({ addedTickets: 4, addedSteps: 4 });
    expect(r.body.data.batch).toMatchObject({ format: 'mapped', mappingName: '旧受付システム' });
    const s = summaryReport(b.db, ['chuo'], '2025-04-01', '2025-04-01');
    expect(s.total).toMatchObject({ steps: 4, tickets: 4, served: 2, noShow: 1, cancelled: 1 });
    expect(s.total.wait).toEqual({ count: 3, meanMs: 40 * MIN, medianMs: 40 * MIN, p90Ms: 56 * MIN, maxMs: 60 * MIN });
    expect(s.groups.counter.map((c) => c.label.ja)).toEqual(expect.arrayContaining(['1番', '2番']));
    const season = seasonReport(b.db, ['chuo'], { fromYear: 2025, toYear: 2025 });
    expect(season.rows.find((x) => x.serviceId === null)!.wait.meanMs).toBe(40 * MIN);
    expect(season.imported.steps).toBe(4);
    // the same file again adds nothing
    const again = await postB<{ data: ImportResult }>('/api/admin/history/import', { officeId: 'chuo', format: 'mapped', mapping: '旧受付システム', base64, source: 'again' });
    expect(again.body.data).toMatchObject({ batch: null, addedSteps: 0, alreadyImported: 4 });
  });

  it('an outcome word or service code the mapping lacks refuses the file with the line', async () => {
    const bad = `${file.split('\r\n')[0]}\r\n201,2025/4/2,9:00,9:10,9:20,完了,01,1番\r\n202,2025/4/2,9:00,9:10,9:20,保留,01,1番\r\n203,2025/4/2,9:00,9:10,9:20,完了,09,1番`;
    const r = await postB<{ error: { code: string; details: { errors: { line: number; message: string }[] } } }>('/api/admin/history/import', {
      officeId: 'chuo', format: 'mapped', mapping: '旧受付システム', base64: iconv.encode(bad, 'Shift_JIS').toString('base64'), source: 'bad',
    });
    expect(r.body.error.code).toBe('IMPORT_INVALID');
    expect(r.body.error.details.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(r.body.error.details.errors[0]!.message).toContain('保留');
    expect(r.body.error.details.errors[1]!.message).toContain('09');
    expect(summaryReport(b.db, ['chuo'], '2025-04-02', '2025-04-02').total.steps).toBe(0);
  });

  it('an unknown mapping name is a stable error', async () => {
    const r = await postB<{ error: { code: string } }>('/api/admin/history/preview', { officeId: 'chuo', format: 'mapped', mapping: 'nope', csv: file });
    expect([r.status, r.body.error.code]).toEqual([404, 'IMPORT_MAPPING_NOT_FOUND']);
  });
});
