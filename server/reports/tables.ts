import { stringify } from 'csv-stringify/sync';
import { csvCast, safeText } from './cells.js';
import type { LocalizedText } from '../../common/types.js';
import type { GroupStats, StayStats } from './stats.js';
import { LocalTime } from './stats.js';
import { CITY_ID, type GroupKind, type Names, type RawStepRow, type SeasonReport, type SeasonRow, type SummaryReport } from './query.js';
import { eraYear } from './stats.js';

/**
 * Report tables as header + rows, shared by the CSV and XLSX exports. Headers are Japanese;
 * durations are minutes rounded to 2 decimals, rates are percent rounded to 1 decimal.
 */
export type Cell = string | number | null;
export interface Table {
  name: string;
  headers: string[];
  rows: Cell[][];
}

export const min2 = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 600) / 100);
export const pct1 = (r: number | null): number | null => (r === null ? null : Math.round(r * 1000) / 10);
const num2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);
const ja = (t: LocalizedText) => t.ja;

export const GROUP_TITLES: Record<GroupKind, string> = {
  office: '庁舎別',
  service: '用件別',
  counter: '窓口別',
  clerk: '職員別',
  day: '業務日別',
  hour: '時間帯別',
};
const GROUP_COLUMN: Record<GroupKind, string> = { office: '庁舎', service: '用件', counter: '窓口', clerk: '職員', day: '業務日', hour: '時間帯（受付時刻）' };

export const STAT_HEADERS = [
  '件数', '発券数', '呼出済件数',
  '平均待ち時間(分)', '待ち時間中央値(分)', '待ち時間90パーセンタイル(分)', '最大待ち時間(分)',
  '目標時間内件数', '目標時間内の割合(%)',
  '平均処理時間(分)', '処理時間中央値(分)', '処理時間90パーセンタイル(分)',
  '平均移動時間(分)',
  '対応済', '不在', '不在率(%)', '取消', '取消率(%)', '引継ぎ', '閉庁時未対応', '対応中・待機中',
  '対応のあった時間数', '1時間あたり対応件数',
  // Estimate accuracy (issue 13): over called steps with a range recorded at issue.
  '目安あり呼出件数', '目安の範囲内の割合(%)', '目安超過の割合(%)', '目安(点)の絶対誤差中央値(分)', '目安の幅の平均(分)',
];

export function statCells(s: GroupStats): Cell[] {
  return [
    s.steps, s.tickets, s.wait.count,
    min2(s.wait.meanMs), min2(s.wait.medianMs), min2(s.wait.p90Ms), min2(s.wait.maxMs),
    s.withinTarget, pct1(s.serviceLevel),
    min2(s.service.meanMs), min2(s.service.medianMs), min2(s.service.p90Ms),
    min2(s.walk.meanMs),
    s.served, s.noShow, pct1(s.noShowRate), s.cancelled, pct1(s.cancelRate), s.transferred, s.unserved, s.open,
    s.activeHours, num2(s.servedPerHour),
    ...estimateCells(s.estimate),
  ];
}

export function estimateCells(e: GroupStats['estimate']): Cell[] {
  return [e.count, pct1(e.coverage), pct1(e.underPromise), min2(e.pointMedianAbsErrorMs), min2(e.rangeWidthMeanMs)];
}

/** Visit stay columns: office, service (by the ticket's first service) and day tables only. */
export const STAY_HEADERS = [
  '滞在時間（件数・対応済）', '滞在時間（平均・分）', '滞在時間（中央値・分）', '滞在時間（90パーセンタイル・分）', '滞在時間（最大・分）',
  '最終結果が不在の発券数', '最終結果が取消の発券数', '最終結果が閉庁時未対応の発券数',
];
const STAY_KINDS: GroupKind[] = ['office', 'service', 'day'];
const NO_STAY: StayStats = { count: 0, meanMs: null, medianMs: null, p90Ms: null, maxMs: null, noShow: 0, cancelled: 0, unserved: 0 };

export function stayCells(s: StayStats): Cell[] {
  return [s.count, min2(s.meanMs), min2(s.medianMs), min2(s.p90Ms), min2(s.maxMs), s.noShow, s.cancelled, s.unserved];
}

export function summaryTable(r: SummaryReport, kind: GroupKind): Table {
  const stay = STAY_KINDS.includes(kind);
  const rows: Cell[][] = r.groups[kind].map((g) => [ja(g.label), ...statCells(g), ...(stay ? stayCells(g.stay ?? NO_STAY) : [])]);
  rows.push(['合計', ...statCells(r.total), ...(stay ? stayCells(r.stay) : [])]);
  return { name: GROUP_TITLES[kind], headers: [GROUP_COLUMN[kind], ...statCells(r.total).map((_, i) => STAT_HEADERS[i]!), ...(stay ? STAY_HEADERS : [])], rows };
}

/** The busy-season comparison: every office's rows, then the 市全体 rows (several offices). */
export function seasonTable(r: SeasonReport): Table {
  const officeName = new Map(r.offices.map((o) => [o.id, o.name.ja]));
  officeName.set(CITY_ID, '市全体');
  return {
    name: '繁忙期比較',
    headers: [
      '庁舎', '用件', '年', '和暦', '年度', '期間開始', '期間終了', '集計中', '開庁日数', '件数', '発券数', '1日あたり件数',
      '平均待ち時間(分)', '待ち時間中央値(分)', '待ち時間90パーセンタイル(分)', '最大待ち時間(分)', '目標時間内の割合(%)', '閉庁時未対応',
      '前年比 平均待ち時間の差(分)', '前年比 平均待ち時間の増減(%)', '前年比 中央値の差(分)', '前年比 90パーセンタイルの差(分)', '前年比 1日あたり件数の増減(%)',
      '目安あり呼出件数', '目安の範囲内の割合(%)', '目安超過の割合(%)', '目安(点)の絶対誤差中央値(分)', '目安の幅の平均(分)',
    ],
    rows: [...r.rows, ...r.city].map((x) => [
      officeName.get(x.officeId) ?? x.officeId, ja(x.label), x.year, x.labels.era, x.labels.fiscal, x.startDay, x.endDay, x.inProgress ? '実施中' : '', x.openDays, x.steps, x.tickets, num2(x.perDay),
      min2(x.wait.meanMs), min2(x.wait.medianMs), min2(x.wait.p90Ms), min2(x.wait.maxMs), pct1(x.serviceLevel), x.unserved,
      min2(x.change?.waitMeanMs ?? null), pct1(x.change?.waitMeanPct ?? null), min2(x.change?.waitMedianMs ?? null), min2(x.change?.waitP90Ms ?? null), pct1(x.change?.perDayPct ?? null),
      ...estimateCells(x.estimate),
    ]),
  };
}

export const OUTCOME_JA: Record<string, string> = {
  served: '対応済',
  no_show: '不在',
  cancelled: '取消',
  transferred: '引継ぎ',
  unserved: '閉庁時未対応',
};
const STATE_JA: Record<string, string> = { waiting: '待機中', called: '呼出中', serving: '対応中', held: '保留中', ended: '終了' };

export const STEP_HEADERS = [
  '庁舎', '業務日', '番号', '優先', '手続順', '用件', '結果', '窓口', '職員', '呼出回数',
  '発券日時', '受付日時', '初回呼出日時', '開始日時', '終了日時',
  '待ち時間(分)', '移動時間(分)', '処理時間(分)',
  '発券日時(ISO)', '受付日時(ISO)', '初回呼出日時(ISO)', '開始日時(ISO)', '終了日時(ISO)',
  '目安下限(分)', '目安上限(分)', '目安(分)', '目安の方式',
  '段階', '書類作成時間(分)',
];

/** One CSV row per step; every timestamp in office-local time (Excel form) and ISO 8601 with offset. */
export function stepCells(r: RawStepRow, names: Names, lt: LocalTime): Cell[] {
  const t = (at: number | null) => (at === null ? '' : lt.excel(at));
  const iso = (at: number | null) => (at === null ? '' : lt.iso(at));
  const d = (a: number | null, b: number | null) => (a === null || b === null ? null : min2(a - b));
  const counter = r.counter_id ? names.counters.get(r.counter_id) : undefined;
  return [
    names.offices.get(r.office_id)?.name.ja ?? r.office_id,
    r.business_day,
    r.display,
    r.priority ? '優先' : '',
    r.seq,
    names.services.get(r.service_id)?.name.ja ?? r.service_id,
    r.outcome ? OUTCOME_JA[r.outcome]! : STATE_JA[r.state] ?? r.state,
    counter ? counter.name.ja : r.counter_id ?? '',
    r.clerk_id ? names.staff.get(r.clerk_id)?.name ?? r.clerk_id : '',
    r.call_count,
    t(r.issued_at), t(r.enqueued_at), t(r.first_called_at), t(r.started_at), t(r.ended_at),
    d(r.first_called_at, r.enqueued_at),
    d(r.started_at, r.first_called_at),
    r.outcome === 'served' || r.outcome === 'transferred' ? d(r.ended_at, r.started_at) : null,
    iso(r.issued_at), iso(r.enqueued_at), iso(r.first_called_at), iso(r.started_at), iso(r.ended_at),
    r.est_low_min ?? null, r.est_high_min ?? null, r.est_point_min ?? null, r.est_method ?? '',
    // 交付 stage (issue 16): the 受付 and 交付 steps; processing time = ready − 書類作成中 (on both rows once ready).
    r.stage === 'pickup' ? '交付' : r.stage === 'reception' ? '受付' : '',
    r.stage && r.processing_ms != null ? min2(r.processing_ms) : null,
  ];
}

/** CSV text for Japanese Excel: UTF-8 with BOM (first chunk only), CRLF line ends; formula-like text neutralised (cells.ts). */
export function csvChunk(rows: Cell[][], headers: string[] | null): string {
  return stringify(rows, {
    bom: headers !== null,
    header: headers !== null,
    columns: headers ?? undefined,
    record_delimiter: 'windows',
    cast: csvCast,
  });
}

/**
 * The same CSV as csvChunk, written by hand for the raw steps export (tens of thousands of
 * rows): csv-stringify costs ~30 µs a row here, this a few. A test pins that both agree.
 */
export function fastCsvChunk(rows: Cell[][], headers: string[] | null): string {
  const out: string[] = [];
  if (headers) out.push(`\uFEFF${headers.map(csvField).join(',')}\r\n`);
  for (const r of rows) out.push(`${r.map(csvField).join(',')}\r\n`);
  return out.join('');
}

function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const t = safeText(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function tableCsv(t: Table): string {
  return csvChunk(t.rows, t.headers);
}

/** Content-Disposition with a Japanese file name (RFC 6266) and an ASCII fallback. */
export function attachment(asciiName: string, jaName: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(jaName)}`;
}

/**
 * The one-page busy-season summary (for the mayor): each office's and the city's all-services
 * figures per year — mean, median and p90 wait, change of the mean from the previous year in
 * minutes and %, tickets per open day. Years labelled 和暦 (西暦).
 */
export function seasonSummaryTable(r: SeasonReport): Table {
  const officeName = new Map(r.offices.map((o) => [o.id, o.name.ja]));
  const all = [...r.rows.filter((x) => x.serviceId === null), ...r.city];
  return {
    name: '繁忙期要約',
    headers: ['庁舎', '年', '和暦', '期間', '平均待ち時間(分)', '待ち時間中央値(分)', '待ち時間90パーセンタイル(分)', '前年比 平均待ち時間の差(分)', '前年比 平均待ち時間の増減(%)', '1日あたり発券数'],
    rows: all.map((x: SeasonRow) => [
      x.officeId === CITY_ID ? '市全体' : officeName.get(x.officeId) ?? x.officeId, x.year, `${eraYear(x.year)}（${x.year}年）`, `${x.startDay}〜${x.endDay}${x.inProgress ? '（集計中）' : ''}`,
      min2(x.wait.meanMs), min2(x.wait.medianMs), min2(x.wait.p90Ms), min2(x.change?.waitMeanMs ?? null), pct1(x.change?.waitMeanPct ?? null), num2(x.perDay),
    ]),
  };
}

/** Excel number format of a column, from its header: minutes 2 decimals, percents 1, counts with separators. */
export function columnFormat(header: string): string | undefined {
  if (header === '年') return '0';
  if (header.includes('(分)')) return '0.00';
  if (header.includes('(%)')) return '0.0';
  if (header.includes('1日あたり') || header.includes('1時間あたり')) return '#,##0.00';
  if (/件数|発券数|日数|閉庁時未対応|^対応済$|^不在$|^取消$|^引継ぎ$|時間数/.test(header)) return '#,##0';
  return undefined;
}
