import { Router, type Request, type Response } from 'express';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { queryRoute } from '../access.js';
import { audit } from '../audit/audit.js';
import type { AppContext } from '../context.js';
import { allow, assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { endOfBusinessDay, startOfBusinessDay } from '../queue/time.js';
import { rangeQuery, seasonQuery, tableQuery } from './params.js';
import { checkPeriod, GROUP_KINDS, loadNames, requireOffices, seasonReport, stepPage, summaryReport, type SeasonReport } from './query.js';
import { safeCell } from './cells.js';
import { LocalTime } from './stats.js';
import { attachment, columnFormat, fastCsvChunk, seasonSummaryTable, seasonTable, STEP_HEADERS, stepCells, summaryTable, tableCsv, type Table } from './tables.js';

/** Reports, busy-season comparison and exports for supervisors and admins (access: `// reports`). */

export { rangeQuery, seasonQuery, tableQuery } from './params.js';

function officesFor(req: Request, ids: string[]): string[] {
  for (const id of ids) assertOfficeAccess(req.principal, id);
  return ids;
}

function get(r: Router, path: string, handler: (req: Request, res: Response) => Promise<void> | void): void {
  r.get(path, allow(queryRoute('GET', path).roles), async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy(err as Error);
        return;
      }
      next(err);
    }
  });
}

function sendCsv(res: Response, ascii: string, jaName: string, text: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', attachment(ascii, jaName));
  res.setHeader('Cache-Control', 'no-store');
  res.send(text);
}

const drain = (res: Response) => new Promise<void>((resolve, reject) => {
  if (res.destroyed) return reject(new Error('client went away'));
  const done = () => { res.off('drain', done); res.off('close', closed); resolve(); };
  const closed = () => { res.off('drain', done); reject(new Error('client went away')); };
  res.once('drain', done);
  res.once('close', closed);
});

/**
 * One table as a worksheet: Japanese headers (bold, frozen), numbers as numbers with a format per
 * column (tables.ts columnFormat), formula-like text neutralised (cells.ts), then note lines.
 */
function addSheet(wb: ExcelJS.Workbook, t: Table, notes: string[] = [], frozenColumns = 1): void {
  const ws = wb.addWorksheet(t.name);
  ws.addRow(t.headers.map(safeCell)).font = { bold: true };
  for (const row of t.rows) ws.addRow(row.map(safeCell));
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: frozenColumns }];
  t.headers.forEach((h, i) => {
    const col = ws.getColumn(i + 1);
    col.width = i === 0 ? 24 : Math.max(10, Math.min(28, h.length * 1.6));
    const fmt = columnFormat(h);
    if (fmt) col.eachCell((cell, row) => { if (row > 1) cell.numFmt = fmt; });
  });
  if (notes.length) {
    ws.addRow([]);
    for (const n of notes) ws.addRow([n]).font = { italic: true, color: { argb: 'FF555555' } };
  }
}

/** Lines under a busy-season sheet: definitions, left-out years, imported history. */
export function seasonNotes(r: SeasonReport): string[] {
  const name = new Map(r.offices.map((o) => [o.id, o.name.ja]));
  const notes = [
    '待ち時間＝発券（または引継ぎ）から最初の呼出まで（呼び出された手続のみ）。中央値・90パーセンタイルは線形補間（Excel の MEDIAN・PERCENTILE.INC と同じ）。',
    '繁忙期は年度をまたぐため暦年で表示（既定 3月20日〜4月10日、設定があればその期間）。1日あたり発券数＝発券数÷開庁日数。市全体＝全庁舎の手続をまとめた値（1日あたりは各庁舎の合計）。',
  ];
  if (r.emptyYears.length || r.skipped.length) {
    notes.push(`データのない年は省略しています：${r.skipped.map((x) => `${name.get(x.officeId) ?? x.officeId} ${x.year}年`).join('、')}`);
  }
  if (r.imported.steps > 0) notes.push(importedNote(r.imported, name));
  return notes;
}

export function importedNote(i: SeasonReport['imported'], name: Map<string, string>): string {
  return `取り込んだ過去のデータ ${i.steps.toLocaleString('ja-JP')}件を含みます（${i.sources.map((s) => `${name.get(s.officeId) ?? s.officeId}：${s.source}`).join('、')}）。記録された手続と同じ方法で集計しています。`;
}

export function reportsRouter(ctx: AppContext): Router {
  const r = Router();
  const { db, clock } = ctx;

  on(r, 'GET', '/api/reports/summary', (req) => {
    const q = rangeQuery.parse(req.query);
    return { ...summaryReport(db, officesFor(req, q.offices), q.from, q.to), generatedAt: clock.now() };
  });

  on(r, 'GET', '/api/reports/busy-season', (req) => {
    const q = seasonQuery.parse(req.query);
    return { ...seasonReport(db, officesFor(req, q.offices), { fromYear: q.fromYear, toYear: q.toYear, now: clock.now() }), generatedAt: clock.now() };
  });

  get(r, '/api/reports/summary.csv', (req, res) => {
    const q = tableQuery.parse(req.query);
    const report = summaryReport(db, officesFor(req, q.offices), q.from, q.to);
    const t = summaryTable(report, q.by);
    audit(db, req, clock.now(), { officeId: q.offices.length === 1 ? q.offices[0]! : null, action: 'report.export', target: `summary.csv:${q.by}`, detail: q });
    sendCsv(res, `report-${q.by}-${q.from}-${q.to}.csv`, `待ち時間レポート_${t.name}_${q.from}_${q.to}.csv`, tableCsv(t));
  });

  get(r, '/api/reports/busy-season.csv', (req, res) => {
    const q = seasonQuery.parse(req.query);
    const report = seasonReport(db, officesFor(req, q.offices), { fromYear: q.fromYear, toYear: q.toYear, now: clock.now() });
    audit(db, req, clock.now(), { officeId: q.offices.length === 1 ? q.offices[0]! : null, action: 'report.export', target: 'busy-season.csv', detail: q });
    sendCsv(res, 'busy-season.csv', '繁忙期比較.csv', tableCsv(seasonTable(report)));
  });

  get(r, '/api/reports/summary.xlsx', async (req, res) => {
    const q = rangeQuery.parse(req.query);
    const report = summaryReport(db, officesFor(req, q.offices), q.from, q.to);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Madoguchi';
    for (const kind of GROUP_KINDS) addSheet(wb, summaryTable(report, kind));
    // The busy-season comparison of the same offices (every year with data), as its own sheet.
    const season = seasonReport(db, q.offices, { now: clock.now() });
    addSheet(wb, seasonTable(season), seasonNotes(season), 2);
    audit(db, req, clock.now(), { officeId: q.offices.length === 1 ? q.offices[0]! : null, action: 'report.export', target: 'summary.xlsx', detail: q });
    const buf = await wb.xlsx.writeBuffer();
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachment(`report-${q.from}-${q.to}.xlsx`, `待ち時間レポート_${q.from}_${q.to}.xlsx`));
    res.setHeader('Cache-Control', 'no-store');
    res.send(Buffer.from(buf as ArrayBuffer));
  });

  get(r, '/api/reports/busy-season.xlsx', async (req, res) => {
    const q = seasonQuery.parse(req.query);
    const report = seasonReport(db, officesFor(req, q.offices), { fromYear: q.fromYear, toYear: q.toYear, now: clock.now() });
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Madoguchi';
    addSheet(wb, seasonTable(report), seasonNotes(report), 2);
    addSheet(wb, seasonSummaryTable(report), seasonNotes(report), 2);
    audit(db, req, clock.now(), { officeId: q.offices.length === 1 ? q.offices[0]! : null, action: 'report.export', target: 'busy-season.xlsx', detail: q });
    const buf = await wb.xlsx.writeBuffer();
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachment('busy-season.xlsx', '繁忙期比較.xlsx'));
    res.setHeader('Cache-Control', 'no-store');
    res.send(Buffer.from(buf as ArrayBuffer));
  });

  /**
   * Every step of the range, streamed page by page (keyset on enqueued_at, rowid): memory stays
   * flat and the database is free for commands between pages.
   */
  get(r, '/api/reports/steps.csv', async (req, res) => {
    const q = rangeQuery.parse(req.query);
    const names = loadNames(db);
    const offices = requireOffices(names, officesFor(req, q.offices));
    checkPeriod(q.from, q.to, null); // any length: the export is streamed
    audit(db, req, clock.now(), { officeId: q.offices.length === 1 ? q.offices[0]! : null, action: 'report.export', target: 'steps.csv', detail: q });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', attachment(`steps-${q.from}-${q.to}.csv`, `手続明細_${q.from}_${q.to}.csv`));
    res.setHeader('Cache-Control', 'no-store');
    let first = true;
    for (const office of offices) {
      const lt = new LocalTime(office.timezone);
      const lo = startOfBusinessDay(q.from, office.timezone);
      const hi = endOfBusinessDay(q.to, office.timezone);
      let after: { at: number; rowid: number } | null = null;
      for (;;) {
        if (res.destroyed) return; // the client went away: stop reading
        const page = stepPage(db, office.id, lo, hi, after);
        if (page.length === 0 && !first) break;
        const chunk = fastCsvChunk(page.map((row) => stepCells(row, names, lt)), first ? STEP_HEADERS : null);
        first = false;
        if (!res.write(chunk)) await drain(res);
        if (page.length === 0) break;
        const last = page.at(-1)!;
        after = { at: last.enqueued_at, rowid: last.rowid };
      }
    }
    res.end();
  });

  return r;
}
