import type { LocalizedText } from '../../common/types.js';
import { AppError } from '../../common/errors.js';
import type { DB } from '../store/db.js';
import { endOfBusinessDay, startOfBusinessDay } from '../queue/time.js';
import { Accumulator, distribution, EstimateAcc, type EstimateStats, LocalTime, seasonLabels, type Distribution, type FinalOutcome, type GroupStats, type Outcome, type ReportStep, type StayStats, type YearLabels } from './stats.js';

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
  if (from > to) throw new AppError('INVALID_INPUT', { reason: 'from is after to' });
  if (daySpan(from, to) > MAX_SUMMARY_DAYS) throw new AppError('INVALID_INPUT', { reason: `at most ${MAX_SUMMARY_DAYS} days per report; export the steps CSV for longer periods` });
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
  return { offices, from, to, percentileMethod: PERCENTILE_METHOD, total: total.stats(), stay, groups, heatmap, histogram: histogram(total.waits) };
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
  years: number[];
  percentileMethod: string;
  periods: Record<string, SeasonPeriod[]>;
  rows: SeasonRow[];
}

export const MAX_SEASON_YEARS = 30;
const SEASON_MAX_SERVICES = 1000;
/** Service index for steps of a service no longer in the office's list. */
const SEASON_OTHER = 1023;

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

/** `now` (UTC ms) marks periods still running as in progress. */
export function seasonReport(db: DB, officeIds: string[], opts: { fromYear?: number; toYear?: number; now?: number } = {}, names = loadNames(db)): SeasonReport {
  const offices = requireOffices(names, officeIds);
  let years = dataYears(db, offices);
  if (opts.fromYear !== undefined || opts.toYear !== undefined) {
    const lo = opts.fromYear ?? years[0] ?? opts.toYear!;
    const hi = opts.toYear ?? years.at(-1) ?? opts.fromYear!;
    if (lo > hi) throw new AppError('INVALID_INPUT', { reason: 'fromYear is after toYear' });
    years = [];
    for (let y = lo; y <= hi; y++) years.push(y);
  }
  if (years.length > MAX_SEASON_YEARS) throw new AppError('INVALID_INPUT', { reason: `at most ${MAX_SEASON_YEARS} years` });
  const periods: Record<string, SeasonPeriod[]> = {};
  const rows: SeasonRow[] = [];
  const openDaysStmt = db.prepare('SELECT count(DISTINCT business_day) FROM tickets WHERE office_id = ? AND business_day >= ? AND business_day <= ?').pluck();
  for (const office of offices) {
    const lt = new LocalTime(office.timezone);
    const ps = seasonPeriods(db, office.id, years);
    periods[office.id] = ps;
    const serviceIds = [...names.services.values()].filter((s) => s.officeId === office.id).sort((a, b) => a.sortOrder - b.sortOrder).map((s) => s.id);
    if (serviceIds.length > SEASON_MAX_SERVICES) throw new AppError('INVALID_INPUT', { reason: `more than ${SEASON_MAX_SERVICES} services in office ${office.id}` });
    const targets = serviceIds.map((id) => names.services.get(id)!.targetWaitMin * 60_000);
    // Seasons are the big read (every step of eight or more seasons). Each row comes back as ONE
    // number — wait × 8192 + service index + flags — so no strings or arrays are made per row.
    // The wait is rounded to a whole millisecond in SQL: a fractional instant would corrupt the flags.
    const stmt = db
      .prepare(`SELECT (CASE WHEN first_called_at IS NULL THEN 0 ELSE CAST(round(first_called_at - enqueued_at) AS INTEGER) END) * 8192
          + (CASE service_id ${serviceIds.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ${SEASON_OTHER} END)
          + (seq = 1) * 1024 + (outcome IS 'unserved') * 2048 + (first_called_at IS NOT NULL) * 4096
        FROM steps WHERE office_id = ? AND enqueued_at >= ? AND enqueued_at <= ?`)
      .pluck();
    const caseArgs = serviceIds.flatMap((id, i) => [id, i]);
    // Estimated steps only, by their partial index (history from before issue 13 or imported has none).
    const estStmt = db
      .prepare(`SELECT service_id, CASE WHEN first_called_at IS NULL THEN NULL ELSE first_called_at - enqueued_at END, est_low_min, est_high_min, est_point_min
        FROM steps INDEXED BY steps_estimated WHERE office_id = ? AND enqueued_at >= ? AND enqueued_at <= ? AND est_method IS NOT NULL`)
      .raw(true);
    const prev = new Map<string, SeasonRow>();
    for (const p of ps) {
      const accs: Accumulator[] = serviceIds.map(() => new Accumulator());
      const other = new Accumulator();
      const lo = startOfBusinessDay(p.startDay, office.timezone);
      const hi = endOfBusinessDay(p.endDay, office.timezone);
      for (const v of stmt.iterate(...caseArgs, office.id, lo, hi) as IterableIterator<number>) {
        const flags = ((v % 8192) + 8192) % 8192;
        const idx = flags & 1023;
        const a = idx === SEASON_OTHER ? other : accs[idx]!;
        a.steps++;
        if (flags & 1024) a.tickets++;
        if (flags & 2048) a.unserved++;
        if (flags & 4096) {
          const w = (v - flags) / 8192;
          a.waits.push(w);
          if (w <= (targets[idx] ?? 30 * 60_000)) a.withinTarget++;
        }
      }
      const bySvc = new Map<string, Accumulator>(serviceIds.map((id, i) => [id, accs[i]!]));
      if (other.steps) bySvc.set('', other);
      for (const [sid, waitMs, low, high, point] of estStmt.iterate(office.id, lo, hi) as IterableIterator<[string, number | null, number | null, number | null, number | null]>) {
        (bySvc.get(sid) ?? other).est.add(waitMs, low, high, point);
      }
      const openDays = openDaysStmt.get(office.id, p.startDay, p.endDay) as number;
      const all = new Accumulator();
      for (const a of bySvc.values()) all.merge(a);
      const labels = seasonLabels(p.year, p.startDay, p.endDay);
      const inProgress = opts.now !== undefined && lt.day(opts.now) <= p.endDay;
      const make = (serviceId: string | null, acc: Accumulator): SeasonRow => {
        const wait = distribution(acc.waits);
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
        if (before && before.year === p.year - 1 && before.wait.count > 0 && wait.count > 0) {
          const d = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
          const pct = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : (a - b) / b);
          row.change = {
            year: before.year,
            waitMeanMs: d(wait.meanMs, before.wait.meanMs),
            waitMeanPct: pct(wait.meanMs, before.wait.meanMs),
            waitMedianMs: d(wait.medianMs, before.wait.medianMs),
            waitP90Ms: d(wait.p90Ms, before.wait.p90Ms),
            perDay: d(perDay, before.perDay),
            perDayPct: pct(perDay, before.perDay),
          };
        }
        prev.set(key, row);
        return row;
      };
      rows.push(make(null, all));
      for (const sid of serviceIds) rows.push(make(sid, bySvc.get(sid) ?? new Accumulator()));
      for (const [sid, acc] of bySvc) if (!serviceIds.includes(sid)) rows.push(make(sid, acc));
    }
  }
  return { offices, years, percentileMethod: PERCENTILE_METHOD, periods, rows };
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
