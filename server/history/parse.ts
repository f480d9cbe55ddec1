import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { OUTCOME_JA } from '../reports/tables.js';
import { LocalTime, type Outcome } from '../reports/stats.js';

/**
 * History import, parsing half (pure: no SQL). A file becomes a list of tickets, each with its
 * steps, or a list of per-row errors with the file's line numbers. Two formats:
 *
 * - `madoguchi`: Madoguchi's own 手続明細 CSV (GET /api/reports/steps.csv), read by its header
 *   names; times from the ISO columns (exact to the millisecond), tickets keyed by 業務日 + 番号.
 * - `mapped`: another system's export, read through a saved column mapping (which column holds
 *   what, the date/time format, the words for each outcome, service codes → our services).
 */

export const OUTCOMES: Outcome[] = ['served', 'no_show', 'cancelled', 'transferred', 'unserved'];

const header = z.string().trim().min(1).max(100);
export const mappingSchema = z.strictObject({
  /** 'utf-8' (a BOM is allowed) or 'shift_jis' (older Japanese systems' CSV). */
  encoding: z.enum(['utf-8', 'shift_jis']).default('utf-8'),
  delimiter: z.enum([',', '\t', ';']).default(','),
  columns: z.strictObject({
    /** The ticket's number or id in the source system (one visit; several rows = several steps). */
    ticket: header,
    /** Business day, when times are given without a date. */
    date: header.optional(),
    issued: header,
    called: header.optional(),
    started: header.optional(),
    ended: header,
    outcome: header,
    service: header,
    counter: header.optional(),
    clerk: header.optional(),
    /** Order of the ticket's steps (1, 2 …); else by issue time, then file order. */
    seq: header.optional(),
  }),
  /** Format of the `date` column (tokens yyyy MM M dd d); used only with columns.date. */
  dateFormat: z.string().min(2).max(40).default('yyyy/MM/dd'),
  /** Format of the time columns: with a date (tokens yyyy MM M dd d HH H mm ss SSS) or, with columns.date, a time only (HH:mm[:ss]). */
  timeFormat: z.string().min(2).max(60).default('yyyy/MM/dd HH:mm:ss'),
  /** Source word → our outcome, e.g. { "完了": "served", "不在": "no_show", "取消": "cancelled" }. */
  outcomes: z.record(z.string().min(1).max(40), z.enum(OUTCOMES as [Outcome, ...Outcome[]])).refine((o) => Object.keys(o).length > 0, 'at least one outcome word'),
  /** Source service code or name → our service id, e.g. { "01": "chuo-A" }. */
  services: z.record(z.string().min(1).max(100), z.string().regex(/^[\w-]{1,64}$/)).refine((o) => Object.keys(o).length > 0, 'at least one service'),
});
export type Mapping = z.infer<typeof mappingSchema>;

export interface ImportStep {
  seq: number;
  serviceId: string;
  enqueuedAt: number;
  firstCalledAt: number | null;
  lastCalledAt: number | null;
  callCount: number;
  startedAt: number | null;
  endedAt: number;
  outcome: Outcome;
  counterId: string | null;
  clerkId: string | null;
  est: { low: number | null; high: number | null; point: number | null; method: string | null };
  line: number;
}

export interface ImportTicket {
  /** Key in the source, unique per office: `${businessDay}|${number}`. */
  key: string;
  businessDay: string;
  /** Madoguchi files: the ticket's own prefix and number; foreign files get the history prefix. */
  prefix: string | null;
  number: number | null;
  display: string;
  priority: boolean;
  issuedAt: number;
  steps: ImportStep[];
  line: number;
}

export interface RowError {
  line: number;
  message: string;
}

/** What the parser needs to know of the target office. */
export interface ImportTarget {
  officeId: string;
  timezone: string;
  officeName: string;
  /** Today's business day in the office: only earlier days can be imported (today's queue is live). */
  today: string;
  /** Service ids of the office, and its services by Japanese name. */
  serviceIds: Set<string>;
  serviceByName: Map<string, string>;
  counterByName: Map<string, string>;
  staffByName: Map<string, string>;
}

export interface Parsed {
  tickets: ImportTicket[];
  rows: number;
  errors: RowError[];
}

export const MAX_ERRORS = 100;

/** Bytes → text: UTF-8 (BOM stripped) or Shift_JIS. */
export function decode(buf: Buffer, encoding: 'utf-8' | 'shift_jis'): string {
  const text = encoding === 'shift_jis' ? iconv.decode(buf, 'Shift_JIS') : buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface Record_ {
  cells: string[];
  line: number;
}

/** RFC 4180 CSV → records with the line each starts on (1 = header). Malformed quoting → one error. */
export function records(text: string, delimiter = ','): { header: string[]; rows: Record_[] } | RowError {
  let out: { record: string[]; info: { lines: number } }[];
  try {
    out = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    return { line, message: `CSVの形式が正しくありません（引用符の閉じ忘れなど）。 Malformed CSV near line ${line}.` };
  }
  if (out.length === 0) return { line: 1, message: 'ファイルが空です。 The file is empty.' };
  // info.lines is the line a record ends on; a record starts one line after the previous one ended.
  const rows: Record_[] = [];
  let prevEnd = out[0]!.info.lines;
  for (let i = 1; i < out.length; i++) {
    rows.push({ cells: out[i]!.record, line: prevEnd + 1 });
    prevEnd = out[i]!.info.lines;
  }
  return { header: out[0]!.record.map((h) => h.trim()), rows };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;

function isoMs(s: string): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

const OUTCOME_BY_JA = new Map(Object.entries(OUTCOME_JA).map(([k, v]) => [v, k as Outcome]));
const DISPLAY = /^(.{1,3})-(\d{1,6})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Collects rows into tickets by key; checks each ticket's steps run 1, 2, … on one business day. */
class TicketSet {
  tickets = new Map<string, ImportTicket>();
  errors: RowError[] = [];
  rows = 0;

  error(line: number, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ line, message });
    else if (this.errors.length === MAX_ERRORS) this.errors.push({ line, message: `ほかにも誤りがあります（最初の${MAX_ERRORS}件を表示）。 More errors not shown.` });
  }

  add(t: Omit<ImportTicket, 'steps'>, step: ImportStep): void {
    const have = this.tickets.get(t.key);
    if (!have) this.tickets.set(t.key, { ...t, steps: [step] });
    else if (have.steps.some((s) => s.seq === step.seq)) this.error(step.line, `番号札 ${t.display}（${t.businessDay}）の手続順 ${step.seq} が重複しています（${have.steps.find((s) => s.seq === step.seq)!.line}行目と同じ）。 Duplicate step.`);
    else have.steps.push(step);
  }

  finish(sortBySeq: boolean): Parsed {
    for (const t of this.tickets.values()) {
      if (sortBySeq) t.steps.sort((a, b) => a.seq - b.seq);
      else {
        t.steps.sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.line - b.line);
        t.steps.forEach((s, i) => (s.seq = i + 1));
      }
      t.steps.forEach((s, i) => {
        if (s.seq !== i + 1) this.error(s.line, `番号札 ${t.display}（${t.businessDay}）の手続順が 1 から続いていません（${i + 1} がありません）。 Steps must be numbered 1, 2, …`);
      });
      const first = t.steps[0]!;
      t.line = first.line;
      for (const s of t.steps.slice(0, -1)) {
        if (s.outcome !== 'transferred') this.error(s.line, `番号札 ${t.display} の手続 ${s.seq} は「引継ぎ」でないのに後に手続があります。 Only a transferred step can have a next step.`);
      }
      if (t.steps.at(-1)!.outcome === 'transferred') this.error(t.steps.at(-1)!.line, `番号札 ${t.display} の最後の手続が「引継ぎ」です（引継ぎ先の行がありません）。 A transferred step needs its next step.`);
    }
    return { tickets: [...this.tickets.values()].sort((a, b) => a.issuedAt - b.issuedAt || a.line - b.line), rows: this.rows, errors: this.errors };
  }
}

/** Checks shared by both formats: a finished step, sane times, a past business day of this office. */
function checkStep(set: TicketSet, target: ImportTarget, day: string, s: ImportStep, issuedAt: number): boolean {
  const fail = (m: string) => (set.error(s.line, m), false);
  if (!DAY.test(day)) return fail(`業務日「${day}」が日付ではありません。 Business day is not a date.`);
  if (day >= target.today) return fail(`業務日 ${day} は本日以降です。本日より前の業務日だけ取り込めます。 Only days before today can be imported.`);
  if (issuedAt > s.enqueuedAt) return fail('受付日時が発券日時より前です。 Enqueued before issue.');
  if (s.firstCalledAt !== null && s.firstCalledAt < s.enqueuedAt) return fail('初回呼出日時が受付日時より前です。 Called before enqueued.');
  if (s.startedAt !== null && s.firstCalledAt !== null && s.startedAt < s.firstCalledAt) return fail('開始日時が初回呼出日時より前です。 Started before called.');
  if (s.endedAt < s.enqueuedAt) return fail('終了日時が受付日時より前です。 Ended before enqueued.');
  if (s.endedAt - s.enqueuedAt > 2 * 86_400_000) return fail('受付から終了まで2日を超えています。 Step spans more than two days.');
  return true;
}

/** Madoguchi's own steps.csv. Office, service, counter and clerk by their Japanese names. */
export function parseMadoguchi(text: string, target: ImportTarget): Parsed {
  const set = new TicketSet();
  const rec = records(text);
  if ('message' in rec) return { tickets: [], rows: 0, errors: [rec] };
  const col = new Map(rec.header.map((h, i) => [h, i]));
  const need = ['庁舎', '業務日', '番号', '優先', '手続順', '用件', '結果', '窓口', '職員', '呼出回数', '発券日時(ISO)', '受付日時(ISO)', '初回呼出日時(ISO)', '開始日時(ISO)', '終了日時(ISO)'];
  const missing = need.filter((h) => !col.has(h));
  if (missing.length) {
    return { tickets: [], rows: 0, errors: [{ line: 1, message: `Madoguchi の手続明細CSVではありません。見出しがありません: ${missing.join('、')}。 Not a Madoguchi steps.csv (missing columns).` }] };
  }
  const minCells = Math.max(...need.map((h) => col.get(h)!)) + 1;
  const get = (cells: string[], h: string) => (cells[col.get(h)!] ?? '').trim();
  const opt = (cells: string[], h: string) => (col.has(h) ? get(cells, h) : '');
  let office: string | null = null;
  for (const { cells, line } of rec.rows) {
    set.rows++;
    const fail = (m: string) => set.error(line, m);
    if (cells.length < minCells) { fail(`列が足りません（${cells.length}列）。 Too few columns.`); continue; }
    const officeName = get(cells, '庁舎');
    if (office === null) office = officeName;
    if (officeName !== office) { fail(`1つのファイルには1つの庁舎の行だけを入れてください（「${office}」と「${officeName}」）。 One office per file.`); continue; }
    const day = get(cells, '業務日');
    const display = get(cells, '番号');
    const dm = DISPLAY.exec(display);
    if (!dm) { fail(`番号「${display}」が読めません（例: A-012）。 Bad ticket number.`); continue; }
    const seq = Number(get(cells, '手続順'));
    if (!Number.isInteger(seq) || seq < 1 || seq > 50) { fail(`手続順「${get(cells, '手続順')}」が正しくありません。 Bad step order.`); continue; }
    const serviceName = get(cells, '用件');
    const serviceId = target.serviceByName.get(serviceName) ?? (target.serviceIds.has(serviceName) ? serviceName : undefined);
    if (!serviceId) { fail(`用件「${serviceName}」は取込先の庁舎（${target.officeName}）にありません。用件の名前を合わせてください。 Unknown service.`); continue; }
    const resultJa = get(cells, '結果');
    const outcome = OUTCOME_BY_JA.get(resultJa);
    if (!outcome) { fail(`結果「${resultJa}」の手続は終了していません。終了した手続だけ取り込めます（前日までの期間で書き出してください）。 Only finished steps can be imported.`); continue; }
    const times: Record<string, number | null> = {};
    let bad = false;
    for (const h of ['発券日時(ISO)', '受付日時(ISO)', '初回呼出日時(ISO)', '開始日時(ISO)', '終了日時(ISO)']) {
      const v = get(cells, h);
      if (v === '') times[h] = null;
      else if ((times[h] = isoMs(v)) === null) { fail(`${h}「${v}」が日時ではありません（例: 2026-03-24T08:30:00.000+09:00）。 Bad time.`); bad = true; break; }
    }
    if (bad) continue;
    const issuedAt = times['発券日時(ISO)']!;
    const enq = times['受付日時(ISO)']!;
    const end = times['終了日時(ISO)']!;
    if (issuedAt === null || enq === null || end === null) { fail('発券日時・受付日時・終了日時は必須です。 Issue, enqueue and end times are required.'); continue; }
    const calls = Number(get(cells, '呼出回数') || '0');
    const counterName = get(cells, '窓口');
    const clerkName = get(cells, '職員');
    const num = (h: string) => { const v = opt(cells, h); return v === '' || Number.isNaN(Number(v)) ? null : Number(v); };
    const step: ImportStep = {
      seq, serviceId, enqueuedAt: enq, firstCalledAt: times['初回呼出日時(ISO)'] ?? null, lastCalledAt: times['初回呼出日時(ISO)'] ?? null,
      callCount: Number.isInteger(calls) && calls >= 0 ? calls : 0, startedAt: times['開始日時(ISO)'] ?? null, endedAt: end, outcome,
      counterId: counterName ? target.counterByName.get(counterName) ?? counterName : null,
      clerkId: clerkName ? target.staffByName.get(clerkName) ?? clerkName : null,
      est: { low: num('目安下限(分)'), high: num('目安上限(分)'), point: num('目安(分)'), method: opt(cells, '目安の方式') || null },
      line,
    };
    if (!checkStep(set, target, day, step, issuedAt)) continue;
    set.add({ key: `${day}|${display}`, businessDay: day, prefix: dm[1]!, number: Number(dm[2]), display, priority: get(cells, '優先') === '優先', issuedAt, line }, step);
  }
  return set.finish(true);
}

/** A date/time format (yyyy MM M dd d HH H mm m ss s SSS) → a reader of wall-clock parts. */
export function formatReader(format: string): (s: string) => { y?: number; mo?: number; d?: number; h: number; mi: number; s: number; ms: number } | null {
  const tokens: [RegExp, string][] = [[/^yyyy/, '(\\d{4})'], [/^MM/, '(\\d{2})'], [/^M/, '(\\d{1,2})'], [/^dd/, '(\\d{2})'], [/^d/, '(\\d{1,2})'], [/^HH/, '(\\d{2})'], [/^H/, '(\\d{1,2})'], [/^mm/, '(\\d{2})'], [/^m/, '(\\d{1,2})'], [/^ss/, '(\\d{2})'], [/^s/, '(\\d{1,2})'], [/^SSS/, '(\\d{3})']];
  const order: string[] = [];
  let re = '';
  let rest = format;
  while (rest.length) {
    const t = tokens.find(([p]) => p.test(rest));
    if (t) {
      const tok = t[0].exec(rest)![0];
      order.push(tok);
      re += t[1];
      rest = rest.slice(tok.length);
    } else {
      re += rest[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rest = rest.slice(1);
    }
  }
  const rx = new RegExp(`^${re}$`);
  return (s) => {
    const m = rx.exec(s.trim());
    if (!m) return null;
    const v: Record<string, number> = {};
    order.forEach((tok, i) => (v[tok[0]!] = Number(m[i + 1])));
    return { y: v.y, mo: v.M, d: v.d, h: v.H ?? 0, mi: v.m ?? 0, s: v.s ?? 0, ms: v.S ?? 0 };
  };
}

/** Office wall-clock time (written as if UTC) → UTC ms, with the zone's offset cached per day (LocalTime). */
export function wallToUtc(lt: LocalTime, wall: number): number {
  const first = wall - lt.offsetMs(wall);
  const off = lt.offsetMs(first);
  return wall - off;
}

/** Another system's export through a saved mapping. Times are wall-clock in the office's time zone. */
export function parseMapped(text: string, m: Mapping, target: ImportTarget): Parsed {
  const set = new TicketSet();
  const rec = records(text, m.delimiter);
  if ('message' in rec) return { tickets: [], rows: 0, errors: [rec] };
  const col = new Map(rec.header.map((h, i) => [h, i]));
  const c = m.columns;
  const missing = Object.values(c).filter((h) => h !== undefined && !col.has(h));
  if (missing.length) return { tickets: [], rows: 0, errors: [{ line: 1, message: `対応付けの列がファイルにありません: ${missing.join('、')}。 Mapped columns missing from the file.` }] };
  const lt = new LocalTime(target.timezone);
  const readDate = formatReader(m.dateFormat);
  const readTime = formatReader(m.timeFormat);
  for (const [code, id] of Object.entries(m.services)) {
    if (!target.serviceIds.has(id)) return { tickets: [], rows: 0, errors: [{ line: 1, message: `対応付けの用件 ${code} → ${id} は取込先の庁舎（${target.officeName}）の用件ではありません。 Mapped service is not of this office.` }] };
  }
  for (const { cells, line } of rec.rows) {
    set.rows++;
    const fail = (msg: string) => set.error(line, msg);
    const get = (h: string | undefined) => (h === undefined ? '' : (cells[col.get(h)!] ?? '').trim());
    let day: string | null = null;
    if (c.date) {
      const d = readDate(get(c.date));
      if (!d || d.y === undefined || d.mo === undefined || d.d === undefined) { fail(`${c.date}「${get(c.date)}」が日付の形式（${m.dateFormat}）ではありません。 Bad date.`); continue; }
      day = `${d.y}-${String(d.mo).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
    }
    let bad = false;
    const time = (h: string | undefined, required: boolean): number | null => {
      const v = get(h);
      if (v === '') {
        if (required) { fail(`${h} が空です。 ${h} is required.`); bad = true; }
        return null;
      }
      const t = readTime(v);
      let y = t?.y, mo = t?.mo, d = t?.d;
      if (t && y === undefined && day) [y, mo, d] = day.split('-').map(Number) as [number, number, number];
      if (!t || y === undefined || mo === undefined || d === undefined || mo < 1 || mo > 12 || d < 1 || d > 31 || t.h > 23 || t.mi > 59 || t.s > 59) {
        fail(`${h}「${v}」が日時の形式（${m.timeFormat}）ではありません。 Bad time.`);
        bad = true;
        return null;
      }
      return wallToUtc(lt, Date.UTC(y, mo - 1, d, t.h, t.mi, t.s, t.ms));
    };
    const issued = time(c.issued, true);
    const called = bad ? null : time(c.called, false);
    const started = bad ? null : time(c.started, false);
    const ended = bad ? null : time(c.ended, true);
    if (bad || issued === null || ended === null) continue;
    const word = get(c.outcome);
    const outcome = m.outcomes[word];
    if (!outcome) { fail(`結果「${word}」が対応付けにありません（${Object.keys(m.outcomes).join('・')}）。 Unknown outcome word.`); continue; }
    const code = get(c.service);
    const serviceId = m.services[code];
    if (!serviceId) { fail(`用件コード「${code}」が対応付けにありません。 Unmapped service code.`); continue; }
    const ticketNo = get(c.ticket);
    if (!ticketNo || ticketNo.length > 20) { fail(`${c.ticket}（番号）が空か長すぎます。 Ticket number missing.`); continue; }
    const seqText = get(c.seq);
    const seq = c.seq ? Number(seqText) : 0;
    if (c.seq && (!Number.isInteger(seq) || seq < 1 || seq > 50)) { fail(`${c.seq}「${seqText}」が正しくありません。 Bad step order.`); continue; }
    const localDay = day ?? lt.day(issued);
    const counterName = get(c.counter);
    const clerkName = get(c.clerk);
    // A foreign row is one step; the first row of a ticket is enqueued at issue, a later one when the previous ended (no better figure).
    const step: ImportStep = {
      seq, serviceId, enqueuedAt: issued, firstCalledAt: called, lastCalledAt: called, callCount: called === null ? 0 : 1, startedAt: started ?? (outcome === 'served' || outcome === 'transferred' ? called : null),
      endedAt: ended, outcome, counterId: counterName ? target.counterByName.get(counterName) ?? counterName : null, clerkId: clerkName ? target.staffByName.get(clerkName) ?? clerkName : null,
      est: { low: null, high: null, point: null, method: null }, line,
    };
    if (!checkStep(set, target, localDay, step, issued)) continue;
    set.add({ key: `${localDay}|${ticketNo}`, businessDay: localDay, prefix: null, number: null, display: ticketNo, priority: false, issuedAt: issued, line }, step);
  }
  const parsed = set.finish(c.seq !== undefined);
  // A step after a transfer is enqueued when the previous one ended.
  for (const t of parsed.tickets) {
    t.issuedAt = t.steps[0]!.enqueuedAt;
    for (let i = 1; i < t.steps.length; i++) {
      const s = t.steps[i]!;
      s.enqueuedAt = Math.max(s.enqueuedAt, t.steps[i - 1]!.endedAt);
    }
  }
  return parsed;
}
