import type { LocalizedText } from '../../common/types.js';
import { AppError } from '../../common/errors.js';
import type { DB } from '../store/db.js';
import { endOfBusinessDay, startOfBusinessDay } from '../queue/time.js';
import { Accumulator, distribution, EstimateAcc, mergeSorted, sortedDistribution, type EstimateStats, LocalTime, seasonLabels, type Distribution, type FinalOutcome, type GroupStats, type Outcome, type ReportStep, type StayStats, type YearLabels } from './stats.js';

/**
 * Report queries. Steps are read per office by the index on (office_id, enqueued_at) with only
 * the columns needed, in raw mode; business day and hour of day are computed in JS in the office's
 * time zone (LocalTime), so reports are right whatever the process TZ and across DST.
 *
 * Definitions (docs/DESIGN "How waiting is measured"): a step belongs to the business day and
 * hour in which it was enqueued (issued, transferred or returned to a queue).
 *
 * Visit stay (滞在時間) is per ticket = last step's ended_at − ticket issued_at. A ticket is
 * finished when a step of it ends with an outcome other than "transferred" (a transferred step
 * always has a successor, and a ticket has one open step at a time), so the same single pass
 * reads it from that last step: for a first step issued_at is its own enqueued_at (both are the
 * issue instant); for a step after a transfer two index look-ups fetch the ticket's issued_at and
 * first service, only on that row. A ticket is grouped by office, by its business day (the day
 * of issue) and by its FIRST service — the one the resident queued for at the kiosk, so a
 * transfer's time counts against the service the visit started with, and each ticket is in
 * exactly one service row. Stay figures are over tickets finished served; tickets finished
 * no-show, cancelled or unserved at close are counted separately; unfinished tickets are left out.
 */

export const MAX_SUMMARY_DAYS = 366;
export const DEFAULT_SEASON = { start: '03-20', end: '04-10' };
export const PERCENTILE_METHOD = 'linear interpolation between closest ranks (Excel PERCENTILE.INC / MEDIAN)';

export interface OfficeInfo {
  id: string;
  name: LocalizedText;
  timezone: string;
}

export interface Names {
  offices: Map<string, OfficeInfo>;
  services: Map<string, { id: string; officeId: string; prefix: string; name: LocalizedText; targetWaitMin: number; sortOrder: number }>;
  counters: Map<string, { id: string; officeId: string; label: string; name: LocalizedText; sortOrder: number }>;
  staff: Map<string, { id: string; name: string }>;
}

export function loadNames(db: DB): Names {
  const offices = new Map<string, OfficeInfo>();
  for (const r of db.prepare('SELECT id, name_json, timezone FROM offices ORDER BY sort_order, id').all() as { id: string; name_json: string; timezone: string }[]) {
    offices.set(r.id, { id: r.id, name: JSON.parse(r.name_json) as LocalizedText, timezone: r.timezone });
  }
  const services: Names['services'] = new Map();
  for (const r of db.prepare('SELECT id, office_id, prefix, name_json, target_wait_min, sort_order FROM services').all() as { id: string; office_id: string; prefix: string; name_json: string; target_wait_min: number; sort_order: number }[]) {
    services.set(r.id, { id: r.id, officeId: r.office_id, prefix: r.prefix, name: JSON.parse(r.name_json) as LocalizedText, targetWaitMin: r.target_wait_min, sortOrder: r.sort_order });
  }
  const counters: Names['counters'] = new Map();
  for (const r of db.prepare('SELECT id, office_id, label, name_json, sort_order FROM counters').all() as { id: string; office_id: string; label: string; name_json: string; sort_order: number }[]) {
    counters.set(r.id, { id: r.id, officeId: r.office_id, label: r.label, name: JSON.parse(r.name_json) as LocalizedText, sortOrder: r.sort_order });
  }
  const staff: Names['staff'] = new Map();
  for (const r of db.prepare('SELECT id, name FROM staff').all() as { id: string; name: string }[]) staff.set(r.id, r);
  return { offices, services, counters, staff };
}

export function requireOffices(names: Names, officeIds: string[]): OfficeInfo[] {
  return officeIds.map((id) => {
    const o = names.offices.get(id);
    if (!o) throw new AppError('OFFICE_NOT_FOUND', { officeId: id });
    return o;
  });
}

/** A report period: from ≤ to (REPORT_PERIOD_REVERSED), at most 366 days (REPORT_PERIOD_TOO_LONG). */
export function checkPeriod(from: string, to: string, maxDays: number | null = MAX_SUMMARY_DAYS): void {
  if (from > to) throw new AppError('REPORT_PERIOD_REVERSED', { from, to });
  const days = daySpan(from, to);
  if (maxDays !== null && days > maxDays) throw new AppError('REPORT_PERIOD_TOO_LONG', { days, maxDays, hint: 'export the steps CSV for longer periods' });
}

/** Days from `from` to `to` inclusive (yyyy-MM-dd). */
export function daySpan(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

// Columns in raw mode, in this order.
const LAST_STEP = "s.seq > 1 AND s.outcome <> 'transferred'";
const STEP_COLUMNS = `s.service_id, s.counter_id, s.clerk_id, s.seq, s.enqueued_at, s.first_called_at, s.started_at, s.ended_at, s.outcome,
  CASE WHEN ${LAST_STEP} THEN (SELECT t.issued_at FROM tickets t WHERE t.id = s.ticket_id) END,
  CASE WHEN ${LAST_STEP} THEN (SELECT f.service_id FROM steps f WHERE f.ticket_id = s.ticket_id AND f.seq = 1) END,
  s.est_method IS NOT NULL, s.est_low_min, s.est_high_min, s.est_point_min,
  CASE WHEN s.outcome = 'served' THEN EXISTS (SELECT 1 FROM steps n WHERE n.ticket_id = s.ticket_id AND n.seq = s.seq + 1) END`;
/** Then the ticket's issued_at and first service, only on the last step of a transferred ticket; then the recorded estimate (issue 13); then whether a served step has a next leg (a journey, issue 16: not the visit's end). */
type RawStep = [string, string | null, string | null, number, number, number | null, number | null, number | null, Outcome | null, number | null, string | null, number, number | null, number | null, number | null, number | null];

function stepsStatement(db: DB) {
  return db.prepare(`SELECT ${STEP_COLUMNS} FROM steps s WHERE s.office_id = ? AND s.enqueued_at >= ? AND s.enqueued_at <= ?`).raw(true);
}

export type GroupKind = 'office' | 'service' | 'counter' | 'clerk' | 'day' | 'hour';
export const GROUP_KINDS: GroupKind[] = ['office', 'service', 'counter', 'clerk', 'day', 'hour'];

export interface ReportRow extends GroupStats {
  key: string;
  /** Office of the row (service and counter rows); null when the row spans offices. */
  officeId: string | null;
  label: LocalizedText;
  /** Visit stay of the tickets of the row: office, service (the ticket's first service) and day rows only. */
  stay?: StayStats;
}

export interface HeatCell {
  day: string;
  hour: number;
  steps: number;
  called: number;
  waitMeanMs: number | null;
}

export interface HistogramBin {
  fromMin: number;
  /** null = open-ended last bin. */
  toMin: number | null;
  count: number;
}

export interface SummaryReport {
  offices: OfficeInfo[];
  from: string;
  to: string;
  percentileMethod: string;
  total: GroupStats;
  /** Visit stay of every finished ticket of the report (see the definition above). */
  stay: StayStats;
  groups: Record<GroupKind, ReportRow[]>;
  heatmap: HeatCell[];
  histogram: HistogramBin[];
  /** Imported history among the report's steps (counted like recorded ones). */
  imported: ImportedInfo;
  /** When the figures were taken (UTC ms; the HTTP reply only): データ基準日 on the printed page. */
  generatedAt?: number;
}

/**
 * Imported history (issue 14) inside a report: counted exactly like recorded steps; this only
 * says how many of the report's steps were imported and from which sources, for the note under it.
 */
export interface ImportedInfo {
  steps: number;
  sources: { batchId: number; officeId: string; source: string }[];
}

export function importedSummary(db: DB, windows: { officeId: string; lo: number; hi: number }[]): ImportedInfo {
  const counts = db.prepare('SELECT import_batch AS b, count(*) AS n FROM steps INDEXED BY steps_imported WHERE office_id = ? AND enqueued_at >= ? AND enqueued_at <= ? AND import_batch IS NOT NULL GROUP BY import_batch');
  const byBatch = new Map<number, number>();
  for (const w of windows) for (const r of counts.all(w.officeId, w.lo, w.hi) as { b: number; n: number }[]) byBatch.set(r.b, (byBatch.get(r.b) ?? 0) + r.n);
  if (byBatch.size === 0) return { steps: 0, sources: [] };
  const batch = db.prepare('SELECT id, office_id, source FROM import_batches WHERE id = ?');
  const sources = [...byBatch.keys()].sort((a, b) => a - b).map((id) => {
    const b = batch.get(id) as { id: number; office_id: string; source: string };
    return { batchId: b.id, officeId: b.office_id, source: b.source };
  });
  return { steps: [...byBatch.values()].reduce((a, n) => a + n, 0), sources };
}

export const HISTOGRAM_EDGES_MIN = [0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240];

export function histogram(waitsMs: number[]): HistogramBin[] {
  const bins: HistogramBin[] = HISTOGRAM_EDGES_MIN.map((m, i) => ({ fromMin: m, toMin: HISTOGRAM_EDGES_MIN[i + 1] ?? null, count: 0 }));
  for (const w of waitsMs) {
    const min = w / 60_000;
    let i = bins.length - 1;
    while (i > 0 && min < bins[i]!.fromMin) i--;
    bins[i]!.count++;
  }
  return bins;
}

const NONE_LABEL: LocalizedText = { ja: '（呼出なし）', en: '(not called)' };

/** The report for a range of business days over one or more offices, every grouping at once. */
export function summaryReport(db: DB, officeIds: string[], from: string, to: string, names = loadNames(db)): SummaryReport {
  checkPeriod(from, to);
  const offices = requireOffices(names, officeIds);
  const multi = offices.length > 1;
  const total = new Accumulator();
  // Accumulators keyed cheaply per row; labels and order are worked out once per group at the end.
  const byOffice = new Map<string, Accumulator>();
  const byService = new Map<string, Accumulator>();
  const byCounter = new Map<string, Accumulator>(); // `${officeId}|${counterId ?? ''}`
  const byClerk = new Map<string, Accumulator>();
  const byDay = new Map<string, Accumulator>();
  const byHour: (Accumulator | undefined)[] = [];
  const heat = new Map<string, { day: string; hour: number; steps: number; called: number; sum: number }>();
  const acc = <K>(m: Map<K, Accumulator>, k: K): Accumulator => {
    let a = m.get(k);
    if (!a) m.set(k, (a = new Accumulator()));
    return a;
  };
  const stmt = stepsStatement(db);
  for (const office of offices) {
    const lt = new LocalTime(office.timezone);
    const lo = startOfBusinessDay(from, office.timezone);
    const hi = endOfBusinessDay(to, office.timezone);
    const officeAcc = acc(byOffice, office.id);
    const counterAccs = new Map<string | null, Accumulator>();
    for (const r of stmt.iterate(office.id, lo, hi) as IterableIterator<RawStep>) {
      const [serviceId, counterId, clerkId, seq, enqueuedAt, firstCalledAt, startedAt, endedAt, outcome, ticketIssuedAt, firstServiceId, hasEst, estLow, estHigh, estPoint, hasNext] = r;
      const step: ReportStep = { enqueuedAt, firstCalledAt, startedAt, endedAt, outcome, seq, targetMs: (names.services.get(serviceId)?.targetWaitMin ?? 30) * 60_000 };
      if (hasEst) step.est = { lowMin: estLow, highMin: estHigh, pointMin: estPoint };
      const slot = outcome === 'served' && endedAt !== null ? lt.slot(endedAt) : null;
      const day = lt.day(enqueuedAt);
      const hour = lt.hour(enqueuedAt);
      total.add(step, slot);
      officeAcc.add(step, slot);
      const serviceAcc = acc(byService, serviceId);
      serviceAcc.add(step, slot);
      let c = counterAccs.get(counterId);
      if (!c) {
        c = acc(byCounter, `${office.id}|${counterId ?? ''}`);
        counterAccs.set(counterId, c);
      }
      c.add(step, slot);
      acc(byClerk, clerkId ?? '').add(step, slot);
      const dayAcc = acc(byDay, day);
      dayAcc.add(step, slot);
      (byHour[hour] ??= new Accumulator()).add(step, slot);
      const hk = day + hour;
      let cell = heat.get(hk);
      if (!cell) heat.set(hk, (cell = { day, hour, steps: 0, called: 0, sum: 0 }));
      cell.steps++;
      if (firstCalledAt !== null) {
        cell.called++;
        cell.sum += firstCalledAt - enqueuedAt;
      }
      // The last step of a finished ticket: its visit stay.
      if (outcome !== null && outcome !== 'transferred' && !hasNext && endedAt !== null) {
        const first = seq === 1;
        const issuedAt = first ? enqueuedAt : ticketIssuedAt;
        const firstService = first ? serviceId : firstServiceId;
        if (issuedAt !== null && firstService !== null) {
          const o = outcome as FinalOutcome;
          const stayMs = endedAt - issuedAt;
          officeAcc.addStay(o, stayMs);
          (first ? serviceAcc : acc(byService, firstService)).addStay(o, stayMs);
          (first ? dayAcc : acc(byDay, lt.day(issuedAt))).addStay(o, stayMs);
        }
      }
    }
  }
  const withOffice = (officeId: string, t: LocalizedText): LocalizedText => {
    if (!multi) return t;
    const o = names.offices.get(officeId)!.name as Record<string, string>;
    return Object.fromEntries(Object.entries(t).map(([l, v]) => [l, `${o[l] ?? o.ja} ${v}`])) as LocalizedText;
  };
  const officeOrder = (id: string) => String(offices.findIndex((o) => o.id === id)).padStart(3, '0');
  const rows = <K>(m: Map<K, Accumulator>, describe: (k: K) => { key: string; officeId: string | null; label: LocalizedText; order: string }, withStay = false): ReportRow[] =>
    [...m.entries()]
      .map(([k, a]) => ({ d: describe(k), a }))
      .sort((x, y) => (x.d.order < y.d.order ? -1 : x.d.order > y.d.order ? 1 : 0))
      .map(({ d, a }) => ({ key: d.key, officeId: d.officeId, label: d.label, ...a.stats(), ...(withStay ? { stay: a.stayStats() } : {}) }));
  const groups: Record<GroupKind, ReportRow[]> = {
    office: rows(byOffice, (id) => ({ key: id, officeId: id, label: names.offices.get(id)!.name, order: officeOrder(id) }), true),
    service: rows(byService, (id) => {
      const svc = names.services.get(id);
      const officeId = svc?.officeId ?? '';
      return { key: id, officeId, label: withOffice(officeId, svc?.name ?? { ja: id }), order: `${officeOrder(officeId)}|${String(svc?.sortOrder ?? 9999).padStart(4, '0')}|${id}` };
    }, true),
    counter: rows(byCounter, (k) => {
      const officeId = k.slice(0, k.indexOf('|'));
      const id = k.slice(officeId.length + 1);
      const c = id ? names.counters.get(id) : undefined;
      return { key: id, officeId, label: withOffice(officeId, c ? c.name : id ? { ja: id } : NONE_LABEL), order: `${officeOrder(officeId)}|${id ? String(c?.sortOrder ?? 9998).padStart(4, '0') : '9999'}|${id}` };
    }),
    clerk: rows(byClerk, (id) => {
      const name = id ? names.staff.get(id)?.name ?? id : '';
      return { key: id, officeId: null, label: id ? { ja: name } : NONE_LABEL, order: id ? `0${name}` : '1' };
    }),
    day: rows(byDay, (d) => ({ key: d, officeId: null, label: { ja: d }, order: d }), true),
    hour: byHour.flatMap((a, h) => (a ? [{ key: String(h), officeId: null, label: { ja: `${h}時`, en: `${String(h).padStart(2, '0')}:00` }, ...a.stats() }] : [])),
  };
  // The total's stays are the offices' (each ticket has one office): one office's row is the total.
  let stay: StayStats;
  if (groups.office.length === 1) stay = groups.office[0]!.stay!;
  else {
    for (const a of byOffice.values()) total.mergeStays(a);
    stay = total.stayStats();
  }
  const heatmap = [...heat.values()]
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.hour - b.hour))
    .map((c) => ({ day: c.day, hour: c.hour, steps: c.steps, called: c.called, waitMeanMs: c.called ? c.sum / c.called : null }));
  const imported = importedSummary(db, offices.map((o) => ({ officeId: o.id, lo: startOfBusinessDay(from, o.timezone), hi: endOfBusinessDay(to, o.timezone) })));
  return { offices, from, to, percentileMethod: PERCENTILE_METHOD, total: total.stats(), stay, groups, heatmap, histogram: histogram(total.waits), imported };
}

// ---------------------------------------------------------------------------------------------
// Busy season

export interface SeasonPeriod {
  year: number;
  startDay: string;
  endDay: string;
  /** true when configured in busy_seasons, false for the default 20 March – 10 April. */
  configured: boolean;
}

/** The busy season of `year` for an office: its own period, else the city-wide one, else the default. */
export function seasonPeriods(db: DB, officeId: string, years: number[]): SeasonPeriod[] {
  const rows = db.prepare('SELECT office_id, year, start_day, end_day FROM busy_seasons WHERE office_id = ? OR office_id IS NULL').all(officeId) as { office_id: string | null; year: number; start_day: string; end_day: string }[];
  return years.map((year) => {
    const own = rows.find((r) => r.year === year && r.office_id === officeId) ?? rows.find((r) => r.year === year && r.office_id === null);
    return own
      ? { year, startDay: own.start_day, endDay: own.end_day, configured: true }
      : { year, startDay: `${year}-${DEFAULT_SEASON.start}`, endDay: `${year}-${DEFAULT_SEASON.end}`, configured: false };
  });
}

export interface SeasonChange {
  /** Previous year compared with. */
  year: number;
  waitMeanMs: number | null;
  waitMeanPct: number | null;
  waitMedianMs: number | null;
  waitP90Ms: number | null;
  perDay: number | null;
  perDayPct: number | null;
}

export interface SeasonRow {
  officeId: string;
  /** null = every service of the office (the office's figure). */
  serviceId: string | null;
  label: LocalizedText;
  year: number;
  startDay: string;
  endDay: string;
  labels: YearLabels;
  /** Days in the period the office issued at least one ticket. */
  openDays: number;
  steps: number;
  tickets: number;
  /** Office row: tickets per open day; service row: steps of the service per open day. */
  perDay: number | null;
  wait: Distribution;
  withinTarget: number;
  serviceLevel: number | null;
  unserved: number;
  /** The period has not ended yet (today is on or before its last day): figures so far. */
  inProgress: boolean;
  change: SeasonChange | null;
  /** Accuracy of the estimates recorded at issue in the period (issue 13). */
  estimate: EstimateStats;
}

export interface SeasonReport {
  offices: OfficeInfo[];
  /** Years with data in at least one office's season (years with none are in emptyYears). */
  years: number[];
  percentileMethod: string;
  periods: Record<string, SeasonPeriod[]>;
  rows: SeasonRow[];
  /** 市全体 (all offices of the report pooled), one row per year; empty for one office. */
  city: SeasonRow[];
  /** Years asked for (or between the first and last year of data) with no data in any office: left out. */
  emptyYears: number[];
  /** Office seasons with no step and no open day: left out of rows, chart and exports. */
  skipped: { officeId: string; year: number }[];
  /** Imported history among the seasons' steps (counted like recorded ones). */
  imported: ImportedInfo;
  /** When the figures were taken (UTC ms; the HTTP reply only). */
  generatedAt?: number;
}

export const MAX_SEASON_YEARS = 30;
const SEASON_MAX_SERVICES = 1000;

/** Calendar years that hold steps of these offices. */
export function dataYears(db: DB, offices: OfficeInfo[]): number[] {
  let min = Infinity;
  let max = -Infinity;
  // Two index seeks (min()/max() with a WHERE would walk the office's whole index range).
  const first = db.prepare('SELECT enqueued_at FROM steps WHERE office_id = ? ORDER BY enqueued_at LIMIT 1').pluck();
  const last = db.prepare('SELECT enqueued_at FROM steps WHERE office_id = ? ORDER BY enqueued_at DESC LIMIT 1').pluck();
  for (const o of offices) {
    const lo = first.get(o.id) as number | undefined;
    const hi = last.get(o.id) as number | undefined;
    if (lo === undefined || hi === undefined) continue;
    const lt = new LocalTime(o.timezone);
    min = Math.min(min, Number(lt.day(lo).slice(0, 4)));
    max = Math.max(max, Number(lt.day(hi).slice(0, 4)));
  }
  if (!Number.isFinite(min)) return [];
  const years: number[] = [];
  for (let y = min; y <= max; y++) years.push(y);
  return years;
}

/**
 * The season read, per service and window. Every column both statements touch is in the index
 * steps_office_service (office_id, service_id, enqueued_at, first_called_at, seq, outcome;
 * migration 0017), so each is one index range read with no table look-ups: the cost follows the
 * seasons' rows, not the table (the plan is pinned in reports.test.ts and printed by the bench).
 */
export const SEASON_STEPS_SQL = `SELECT ifnull(first_called_at - enqueued_at, 0) * 8 + (seq = 1) + (outcome IS 'unserved') * 2 + (first_called_at IS NOT NULL) * 4
  FROM steps WHERE office_id = ? AND service_id = ? AND enqueued_at >= ? AND enqueued_at <= ?`;
export const SEASON_COUNTS_SQL = `SELECT count(*), sum(seq = 1), sum(outcome IS 'unserved')
  FROM steps WHERE office_id = ? AND service_id = ? AND enqueued_at >= ? AND enqueued_at <= ?`;
export const SEASON_WAITS_SQL = `SELECT first_called_at - enqueued_at
  FROM steps WHERE office_id = ? AND service_id = ? AND enqueued_at >= ? AND enqueued_at <= ? AND first_called_at IS NOT NULL`;

/** `now` (UTC ms) marks periods still running as in progress. */
export function seasonReport(db: DB, officeIds: string[], opts: { fromYear?: number; toYear?: number; now?: number } = {}, names = loadNames(db)): SeasonReport {
  const offices = requireOffices(names, officeIds);
  let years = dataYears(db, offices);
  if (opts.fromYear !== undefined || opts.toYear !== undefined) {
    const lo = opts.fromYear ?? years[0] ?? opts.toYear!;
    const hi = opts.toYear ?? years.at(-1) ?? opts.fromYear!;
    if (lo > hi) throw new AppError('REPORT_YEARS_INVALID', { reason: 'fromYear is after toYear' });
    years = [];
    for (let y = lo; y <= hi; y++) years.push(y);
  }
  if (years.length > MAX_SEASON_YEARS) throw new AppError('REPORT_YEARS_INVALID', { reason: `at most ${MAX_SEASON_YEARS} years` });
  const periods: Record<string, SeasonPeriod[]> = {};
  const rows: SeasonRow[] = [];
  const skipped: { officeId: string; year: number }[] = [];
  const windows: { officeId: string; lo: number; hi: number }[] = [];
  /** Per year: every office's all-services figures, pooled into the 市全体 row. */
  const cityParts = new Map<number, { acc: Accumulator; sorted: Float64Array[]; perDay: number | null; openDays: number; startDay: string; endDay: string; inProgress: boolean }>();
  const openDaysStmt = db.prepare('SELECT count(DISTINCT business_day) FROM tickets WHERE office_id = ? AND business_day >= ? AND business_day <= ?').pluck();
  for (const office of offices) {
    const lt = new LocalTime(office.timezone);
    const ps = seasonPeriods(db, office.id, years);
    periods[office.id] = ps;
    const serviceIds = [...names.services.values()].filter((s) => s.officeId === office.id).sort((a, b) => a.sortOrder - b.sortOrder).map((s) => s.id);
    if (serviceIds.length > SEASON_MAX_SERVICES) throw new AppError('INVALID_INPUT', { reason: `more than ${SEASON_MAX_SERVICES} services in office ${office.id}` });
    const targets = serviceIds.map((id) => names.services.get(id)!.targetWaitMin * 60_000);
    // Seasons are the big read (every step of eight or more seasons): per service and window,
    // one aggregate (steps, tickets, unserved) and the list of waits, each one index range read
    // of steps_office_service (covering: no table look-ups, no per-row strings or CASE).
    const stepStmt = db.prepare(SEASON_STEPS_SQL).pluck();
    const countStmt = db.prepare(SEASON_COUNTS_SQL).raw(true);
    const waitStmt = db.prepare(SEASON_WAITS_SQL).pluck();
    // Steps of a service not in this office's list (moved or another office's): one 'other' row, target 30 min as before.
    const otherIds = [...names.services.keys()].filter((id) => !serviceIds.includes(id));
    // Estimated steps only, by their partial index (history from before issue 13 or imported has none).
    const estStmt = db
      .prepare(`SELECT service_id, CASE WHEN first_called_at IS NULL THEN NULL ELSE first_called_at - enqueued_at END, est_low_min, est_high_min, est_point_min
        FROM steps INDEXED BY steps_estimated WHERE office_id = ? AND enqueued_at >= ? AND enqueued_at <= ? AND est_method IS NOT NULL`)
      .raw(true);
    const prev = new Map<string, SeasonRow>();
    const read = (a: Accumulator, serviceId: string, target: number, lo: number, hi: number) => {
      // One number per step: wait × 8 + (first step) + (unserved) × 2 + (called) × 4.
      const rows = stepStmt.all(office.id, serviceId, lo, hi) as number[];
      if (rows.length === 0) return;
      const waits: number[] = [];
      let tickets = 0;
      let unserved = 0;
      let within = 0;
      let exact = true;
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i]!;
        if (!Number.isInteger(v)) {
          exact = false; // a fractional instant: the packing does not hold, read this window the long way
          break;
        }
        const f = ((v % 8) + 8) % 8; // arithmetic, not bitwise: v may exceed 32 bits
        if (f & 1) tickets++;
        if (f & 2) unserved++;
        if (f & 4) {
          const w = (v - f) / 8;
          waits.push(w);
          if (w <= target) within++;
        }
      }
      if (!exact) {
        const [, t, u] = countStmt.get(office.id, serviceId, lo, hi) as [number, number | null, number | null];
        tickets = t ?? 0;
        unserved = u ?? 0;
        waits.length = 0;
        within = 0;
        for (const raw of waitStmt.all(office.id, serviceId, lo, hi) as number[]) {
          const w = Math.round(raw); // to the whole millisecond, as before
          waits.push(w);
          if (w <= target) within++;
        }
      }
      a.steps += rows.length;
      a.tickets += tickets;
      a.unserved += unserved;
      a.withinTarget += within;
      for (const w of waits) a.waits.push(w);
    };
    for (const p of ps) {
      const accs: Accumulator[] = serviceIds.map(() => new Accumulator());
      const other = new Accumulator();
      const lo = startOfBusinessDay(p.startDay, office.timezone);
      const hi = endOfBusinessDay(p.endDay, office.timezone);
      windows.push({ officeId: office.id, lo, hi });
      serviceIds.forEach((id, i) => read(accs[i]!, id, targets[i]!, lo, hi));
      for (const id of otherIds) read(other, id, 30 * 60_000, lo, hi);
      const bySvc = new Map<string, Accumulator>(serviceIds.map((id, i) => [id, accs[i]!]));
      if (other.steps) bySvc.set('', other);
      for (const [sid, waitMs, low, high, point] of estStmt.iterate(office.id, lo, hi) as IterableIterator<[string, number | null, number | null, number | null, number | null]>) {
        (bySvc.get(sid) ?? other).est.add(waitMs, low, high, point);
      }
      const openDays = openDaysStmt.get(office.id, p.startDay, p.endDay) as number;
      // Each group's waits sorted once; the all-services row merges them (linear) instead of sorting again.
      const sorted = new Map<Accumulator, Float64Array>();
      for (const a of bySvc.values()) {
        sorted.set(a, Float64Array.from(a.waits).sort());
        a.waits = [];
      }
      const all = new Accumulator();
      for (const a of bySvc.values()) all.merge(a);
      sorted.set(all, mergeSorted([...bySvc.values()].map((a) => sorted.get(a)!)));
      // A season with no step and no open day (before the office used Madoguchi, or a year with no
      // data) is left out everywhere — rows, chart, CSV, Excel — and listed in `skipped`.
      if (all.steps === 0 && openDays === 0) {
        skipped.push({ officeId: office.id, year: p.year });
        continue;
      }
      const labels = seasonLabels(p.year, p.startDay, p.endDay);
      const inProgress = opts.now !== undefined && lt.day(opts.now) <= p.endDay;
      let part = cityParts.get(p.year);
      if (!part) cityParts.set(p.year, (part = { acc: new Accumulator(), sorted: [], perDay: null, openDays: 0, startDay: p.startDay, endDay: p.endDay, inProgress: false }));
      part.acc.merge(all);
      part.sorted.push(sorted.get(all)!);
      const officePerDay = openDays ? all.tickets / openDays : null;
      if (officePerDay !== null) part.perDay = (part.perDay ?? 0) + officePerDay;
      part.openDays = Math.max(part.openDays, openDays);
      if (p.startDay < part.startDay) part.startDay = p.startDay;
      if (p.endDay > part.endDay) part.endDay = p.endDay;
      part.inProgress ||= inProgress;
      const make = (serviceId: string | null, acc: Accumulator): SeasonRow => {
        const wait = sortedDistribution(sorted.get(acc) ?? Float64Array.from(acc.waits).sort());
        const count = serviceId === null ? acc.tickets : acc.steps;
        const key = serviceId ?? '';
        const before = prev.get(key);
        const perDay = openDays ? count / openDays : null;
        const row: SeasonRow = {
          officeId: office.id,
          serviceId,
          label: serviceId === null ? { ja: '全手続', en: 'All services' } : names.services.get(serviceId)?.name ?? { ja: serviceId || 'その他', en: serviceId || 'Other' },
          year: p.year,
          startDay: p.startDay,
          endDay: p.endDay,
          labels,
          openDays,
          steps: acc.steps,
          tickets: acc.tickets,
          perDay,
          wait,
          withinTarget: acc.withinTarget,
          serviceLevel: wait.count ? acc.withinTarget / wait.count : null,
          unserved: acc.unserved,
          inProgress,
          change: null,
          estimate: acc.est.stats(),
        };
        row.change = seasonChange(row, before);
        prev.set(key, row);
        return row;
      };
      rows.push(make(null, all));
      for (const sid of serviceIds) rows.push(make(sid, bySvc.get(sid) ?? new Accumulator()));
      for (const [sid, acc] of bySvc) if (!serviceIds.includes(sid)) rows.push(make(sid, acc));
    }
  }
  // 市全体: every office's all-services steps of each year pooled (waits of all offices in one
  // distribution); tickets per day = the sum of the offices' tickets per open day.
  const city: SeasonRow[] = [];
  if (offices.length > 1) {
    let before: SeasonRow | undefined;
    for (const y of years) {
      const part = cityParts.get(y);
      if (!part) continue;
      const wait = sortedDistribution(mergeSorted(part.sorted));
      const row: SeasonRow = {
        officeId: CITY_ID, serviceId: null, label: { ja: '市全体', en: 'City-wide' }, year: y, startDay: part.startDay, endDay: part.endDay,
        labels: seasonLabels(y, part.startDay, part.endDay), openDays: part.openDays, steps: part.acc.steps, tickets: part.acc.tickets, perDay: part.perDay, wait,
        withinTarget: part.acc.withinTarget, serviceLevel: wait.count ? part.acc.withinTarget / wait.count : null, unserved: part.acc.unserved, inProgress: part.inProgress,
        change: null, estimate: part.acc.est.stats(),
      };
      row.change = seasonChange(row, before);
      city.push(row);
      before = row;
    }
  }
  const kept = years.filter((y) => cityParts.has(y));
  return {
    offices, years: kept, percentileMethod: PERCENTILE_METHOD, periods, rows, city,
    emptyYears: years.filter((y) => !cityParts.has(y)), skipped, imported: importedSummary(db, windows),
  };
}

/** `officeId` of the 市全体 rows (no office id can be "*"). */
export const CITY_ID = '*';

/** Change from the previous calendar year's season (none when that year has no row or no wait). */
function seasonChange(row: SeasonRow, before: SeasonRow | undefined): SeasonChange | null {
  if (!before || before.year !== row.year - 1 || before.wait.count === 0 || row.wait.count === 0) return null;
  const d = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  const pct = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : (a - b) / b);
  return {
    year: before.year,
    waitMeanMs: d(row.wait.meanMs, before.wait.meanMs),
    waitMeanPct: pct(row.wait.meanMs, before.wait.meanMs),
    waitMedianMs: d(row.wait.medianMs, before.wait.medianMs),
    waitP90Ms: d(row.wait.p90Ms, before.wait.p90Ms),
    perDay: d(row.perDay, before.perDay),
    perDayPct: pct(row.perDay, before.perDay),
  };
}

// ---------------------------------------------------------------------------------------------
// Raw steps, in pages (a long-lived iterator would keep the connection busy and block commands)

export interface RawStepRow {
  rowid: number;
  office_id: string;
  business_day: string;
  display: string;
  priority: number;
  issued_at: number;
  seq: number;
  service_id: string;
  enqueued_at: number;
  first_called_at: number | null;
  last_called_at: number | null;
  call_count: number;
  started_at: number | null;
  ended_at: number | null;
  outcome: Outcome | null;
  state: string;
  counter_id: string | null;
  clerk_id: string | null;
  call_reason: string | null;
  /** The estimate recorded at issue (issue 13); null when none. */
  est_low_min: number | null;
  est_high_min: number | null;
  est_point_min: number | null;
  est_method: string | null;
  /** 交付 stage (issue 16): 'reception' (the 受付 step), 'pickup' (the 交付 step), null otherwise; and the processing time (ready − 書類作成中). */
  stage?: 'reception' | 'pickup' | null;
  processing_ms?: number | null;
}

export const STEP_PAGE = 5000;

/** One page of steps of an office in [lo, hi] by enqueue time, after the (enqueued_at, rowid) cursor. */
export function stepPage(db: DB, officeId: string, lo: number, hi: number, after: { at: number; rowid: number } | null, limit = STEP_PAGE): RawStepRow[] {
  const sql = `SELECT s.rowid AS rowid, s.office_id, t.business_day, t.display, t.priority, t.issued_at, s.seq, s.service_id, s.enqueued_at,
      s.first_called_at, s.last_called_at, s.call_count, s.started_at, s.ended_at, s.outcome, s.state, s.counter_id, s.clerk_id, s.call_reason,
      s.est_low_min, s.est_high_min, s.est_point_min, s.est_method,
      CASE WHEN t.pickup_json IS NULL THEN NULL WHEN json_extract(t.pickup_json, '$.stepId') = s.id THEN 'pickup' WHEN json_extract(t.pickup_json, '$.fromStepId') = s.id THEN 'reception' END AS stage,
      CASE WHEN t.pickup_json IS NOT NULL THEN json_extract(t.pickup_json, '$.readyAt') - json_extract(t.pickup_json, '$.processingAt') END AS processing_ms
    FROM steps s JOIN tickets t ON t.id = s.ticket_id
    WHERE s.office_id = ? AND s.enqueued_at >= ? AND s.enqueued_at <= ?${after ? ' AND (s.enqueued_at > ? OR s.rowid > ?)' : ''}
    ORDER BY s.enqueued_at, s.rowid LIMIT ?`;
  const args = after ? [officeId, after.at, hi, after.at, after.rowid, limit] : [officeId, lo, hi, limit];
  return db.prepare(sql).all(...args) as RawStepRow[];
}
