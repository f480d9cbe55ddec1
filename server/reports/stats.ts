import { tzOffset } from '@date-fns/tz';

/**
 * Pure helpers for reports: percentiles, a per-group accumulator, fast office-local day/hour
 * bucketing, and year labels (西暦・令和・年度). No SQL here.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Percentile by linear interpolation between closest ranks — the method of Excel's
 * PERCENTILE.INC and MEDIAN (and numpy's default), so a supervisor who checks an exported CSV in
 * Excel gets the same figure. `sorted` must be sorted ascending; p in [0, 1]. Empty → null.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Distribution {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
  maxMs: number | null;
}

export function distribution(values: number[]): Distribution {
  return sortedDistribution(Float64Array.from(values).sort());
}

/** distribution() of values already sorted ascending (the same figures, summed in the same order). */
export function sortedDistribution(sorted: Float64Array): Distribution {
  const n = sorted.length;
  if (n === 0) return { count: 0, meanMs: null, medianMs: null, p90Ms: null, maxMs: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { count: n, meanMs: sum / n, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9), maxMs: sorted[n - 1]! };
}

/** Sorted arrays → one sorted array (k-way merge, linear): the busy season's all-services and 市全体 rows. */
export function mergeSorted(parts: Float64Array[]): Float64Array {
  const live = parts.filter((p) => p.length > 0);
  if (live.length === 0) return new Float64Array(0);
  if (live.length === 1) return live[0]!;
  let out = live[0]!;
  for (let k = 1; k < live.length; k++) {
    const a = out;
    const b = live[k]!;
    const m = new Float64Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < a.length && j < b.length) m[o++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
    while (i < a.length) m[o++] = a[i++]!;
    while (j < b.length) m[o++] = b[j++]!;
    out = m;
  }
  return out;
}

export type Outcome = 'served' | 'no_show' | 'cancelled' | 'transferred' | 'unserved';

/** One step as reports see it (times are UTC epoch ms). */
export interface ReportStep {
  enqueuedAt: number;
  firstCalledAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  outcome: Outcome | null;
  /** Target wait of the step's service, ms. */
  targetMs: number;
  /** 1 for the step the ticket was issued for (a ticket), >1 for steps after a transfer. */
  seq: number;
  /** The estimate recorded at issue (minutes); absent when none was recorded. */
  est?: { lowMin: number | null; highMin: number | null; pointMin: number | null } | null;
}

/**
 * Accuracy of the estimates shown at issue (DESIGN "Estimate accuracy"), over called steps with a
 * recorded range: the actual wait (first call − enqueue) inside [low, high] minutes (both ends
 * included) is covered, above high is an under-promise, below low an over-promise.
 */
export interface EstimateStats {
  /** Called steps with a recorded range. */
  count: number;
  inside: number;
  above: number;
  below: number;
  /** inside / count. */
  coverage: number | null;
  /** above / count: waited longer than promised. */
  underPromise: number | null;
  /** Median of |wait − point| (ms). */
  pointMedianAbsErrorMs: number | null;
  /** Mean of high − low (ms). */
  rangeWidthMeanMs: number | null;
  /** Steps issued with no range (no open counter serving the service), called or not. */
  noRange: number;
}

/** Adds one step to estimate counts; returns nothing. Exported for the season read, which has no ReportStep. */
export class EstimateAcc {
  count = 0;
  inside = 0;
  above = 0;
  errors: number[] = [];
  widthSum = 0;
  noRange = 0;

  add(waitMs: number | null, lowMin: number | null, highMin: number | null, pointMin: number | null): void {
    if (lowMin === null || highMin === null) {
      this.noRange++;
      return;
    }
    if (waitMs === null) return;
    this.count++;
    if (waitMs > highMin * 60_000) this.above++;
    else if (waitMs >= lowMin * 60_000) this.inside++;
    this.widthSum += (highMin - lowMin) * 60_000;
    if (pointMin !== null) this.errors.push(Math.abs(waitMs - pointMin * 60_000));
  }

  merge(o: EstimateAcc): void {
    this.count += o.count;
    this.inside += o.inside;
    this.above += o.above;
    for (const e of o.errors) this.errors.push(e);
    this.widthSum += o.widthSum;
    this.noRange += o.noRange;
  }

  stats(): EstimateStats {
    const n = this.count;
    const sorted = Float64Array.from(this.errors).sort();
    return {
      count: n, inside: this.inside, above: this.above, below: n - this.inside - this.above,
      coverage: n ? this.inside / n : null, underPromise: n ? this.above / n : null,
      pointMedianAbsErrorMs: percentile(sorted, 0.5), rangeWidthMeanMs: n ? this.widthSum / n : null, noRange: this.noRange,
    };
  }
}

export interface GroupStats {
  /** Steps enqueued in the period (every outcome, open ones too). */
  steps: number;
  /** Tickets issued (first steps). */
  tickets: number;
  /** Wait = first call − enqueue, over steps that were called. */
  wait: Distribution;
  /** Service time = end − start, over steps served or transferred on. */
  service: Distribution;
  /** Walk time = start − first call, over steps with both. */
  walk: Distribution;
  served: number;
  noShow: number;
  cancelled: number;
  transferred: number;
  /** Steps closed as "unserved at close". */
  unserved: number;
  /** Steps still open (today's queue). */
  open: number;
  noShowRate: number | null;
  cancelRate: number | null;
  /** Called steps whose wait was within the service's target. */
  withinTarget: number;
  /** withinTarget / called steps (DESIGN: share of steps called within the target wait). */
  serviceLevel: number | null;
  /** Distinct (business day, local hour) slots in which at least one step of the group ended served. */
  activeHours: number;
  /** served / activeHours. */
  servedPerHour: number | null;
  /** Accuracy of the estimates recorded at issue (issue 13). */
  estimate: EstimateStats;
}

/**
 * Visit stay (滞在時間) of a group's tickets = the last step's ended_at − the ticket's issued_at
 * (DESIGN "How waiting is measured"), over tickets whose every step has ended and whose last step
 * ended served; tickets whose last step ended otherwise are only counted, by that outcome.
 * Tickets with a step still open are not counted at all.
 */
export interface StayStats extends Distribution {
  /** Finished tickets whose last step ended no-show / cancelled / unserved at close (no stay figure). */
  noShow: number;
  cancelled: number;
  unserved: number;
}

/** A finished ticket's last step outcome (never 'transferred': a transferred step has a successor). */
export type FinalOutcome = 'served' | 'no_show' | 'cancelled' | 'unserved';

export class Accumulator {
  steps = 0;
  tickets = 0;
  waits: number[] = [];
  services: number[] = [];
  walks: number[] = [];
  served = 0;
  noShow = 0;
  cancelled = 0;
  transferred = 0;
  unserved = 0;
  open = 0;
  withinTarget = 0;
  servedSlots = new Set<number>();
  /** Visit stays (ms) of tickets finished served, and counts of tickets finished otherwise. */
  stays: number[] = [];
  stayNoShow = 0;
  stayCancelled = 0;
  stayUnserved = 0;
  est = new EstimateAcc();

  /** One finished ticket: `stayMs` = last step's end − issue, `outcome` = the last step's. */
  addStay(outcome: FinalOutcome, stayMs: number): void {
    if (outcome === 'served') this.stays.push(stayMs);
    else if (outcome === 'no_show') this.stayNoShow++;
    else if (outcome === 'cancelled') this.stayCancelled++;
    else this.stayUnserved++;
  }

  stayStats(): StayStats {
    return { ...distribution(this.stays), noShow: this.stayNoShow, cancelled: this.stayCancelled, unserved: this.stayUnserved };
  }

  /** `servedSlot`: local hour index (hours since epoch, local) of ended_at, for served steps. */
  add(s: ReportStep, servedSlot: number | null): void {
    this.steps++;
    if (s.seq === 1) this.tickets++;
    if (s.firstCalledAt !== null) {
      const w = s.firstCalledAt - s.enqueuedAt;
      this.waits.push(w);
      if (w <= s.targetMs) this.withinTarget++;
      if (s.startedAt !== null) this.walks.push(s.startedAt - s.firstCalledAt);
    }
    if (s.est) this.est.add(s.firstCalledAt === null ? null : s.firstCalledAt - s.enqueuedAt, s.est.lowMin, s.est.highMin, s.est.pointMin);
    if ((s.outcome === 'served' || s.outcome === 'transferred') && s.startedAt !== null && s.endedAt !== null) this.services.push(s.endedAt - s.startedAt);
    switch (s.outcome) {
      case 'served':
        this.served++;
        if (servedSlot !== null) this.servedSlots.add(servedSlot);
        break;
      case 'no_show':
        this.noShow++;
        break;
      case 'cancelled':
        this.cancelled++;
        break;
      case 'transferred':
        this.transferred++;
        break;
      case 'unserved':
        this.unserved++;
        break;
      default:
        this.open++;
    }
  }

  /** Fold another group's steps into this one (a total from its parts). */
  merge(o: Accumulator): void {
    this.steps += o.steps;
    this.tickets += o.tickets;
    for (const w of o.waits) this.waits.push(w);
    for (const w of o.services) this.services.push(w);
    for (const w of o.walks) this.walks.push(w);
    this.served += o.served;
    this.noShow += o.noShow;
    this.cancelled += o.cancelled;
    this.transferred += o.transferred;
    this.unserved += o.unserved;
    this.open += o.open;
    this.withinTarget += o.withinTarget;
    for (const s of o.servedSlots) this.servedSlots.add(s);
    this.est.merge(o.est);
    this.mergeStays(o);
  }

  /** Fold only another group's visit stays into this one. */
  mergeStays(o: Accumulator): void {
    for (const s of o.stays) this.stays.push(s);
    this.stayNoShow += o.stayNoShow;
    this.stayCancelled += o.stayCancelled;
    this.stayUnserved += o.stayUnserved;
  }

  stats(): GroupStats {
    const wait = distribution(this.waits);
    const activeHours = this.servedSlots.size;
    return {
      steps: this.steps,
      tickets: this.tickets,
      wait,
      service: distribution(this.services),
      walk: distribution(this.walks),
      served: this.served,
      noShow: this.noShow,
      cancelled: this.cancelled,
      transferred: this.transferred,
      unserved: this.unserved,
      open: this.open,
      noShowRate: this.steps ? this.noShow / this.steps : null,
      cancelRate: this.steps ? this.cancelled / this.steps : null,
      withinTarget: this.withinTarget,
      serviceLevel: wait.count ? this.withinTarget / wait.count : null,
      activeHours,
      servedPerHour: activeHours ? this.served / activeHours : null,
      estimate: this.est.stats(),
    };
  }
}

/**
 * Office-local calendar day and hour for many timestamps, fast: the zone's UTC offset is looked
 * up per UTC day (per quarter hour on a day it changes — zones change on quarter-hour
 * boundaries), then day and hour are plain arithmetic. Correct across DST for any IANA zone,
 * whatever the process TZ.
 */
export class LocalTime {
  /** UTC day number → the zone's offset that whole day, or null when it changes that day. */
  private dayOffsets = new Map<number, number | null>();
  private offsets = new Map<number, number>();
  private days = new Map<number, string>();
  constructor(readonly timezone: string) {}

  private lookup(at: number): number {
    return tzOffset(this.timezone, new Date(at)) * 60_000;
  }

  offsetMs(at: number): number {
    // Intl is slow (tens of µs a call): ask twice per UTC day, and per quarter hour only on a
    // day the offset changes (DST), so a season of rows costs a few hundred look-ups, not one each.
    const d = Math.floor(at / DAY_MS);
    let off = this.dayOffsets.get(d);
    if (off === undefined) {
      const a = this.lookup(d * DAY_MS);
      off = a === this.lookup(d * DAY_MS + DAY_MS - 1) ? a : null;
      this.dayOffsets.set(d, off);
    }
    if (off !== null) return off;
    const key = Math.floor(at / 900_000);
    let q = this.offsets.get(key);
    if (q === undefined) {
      q = this.lookup(key * 900_000);
      this.offsets.set(key, q);
    }
    return q;
  }

  /** Local wall-clock time as if it were UTC ms (use getUTC* on it). */
  local(at: number): number {
    return at + this.offsetMs(at);
  }

  /** yyyy-MM-dd of the local day. */
  day(at: number): string {
    const n = Math.floor(this.local(at) / DAY_MS);
    let s = this.days.get(n);
    if (s === undefined) {
      s = new Date(n * DAY_MS).toISOString().slice(0, 10);
      this.days.set(n, s);
    }
    return s;
  }

  hour(at: number): number {
    return Math.floor(this.local(at) / HOUR_MS) % 24;
  }

  /** Local hours since the epoch: a (day, hour) slot number. */
  slot(at: number): number {
    return Math.floor(this.local(at) / HOUR_MS);
  }

  /** "2026/03/24 09:30:05" — the form Japanese Excel reads as a date and time. */
  excel(at: number): string {
    const local = this.local(at);
    const n = Math.floor(local / DAY_MS);
    const d = this.day(at);
    return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)} ${clock(local - n * DAY_MS, false)}`;
  }

  /** ISO 8601 with the office's offset, e.g. "2026-03-24T09:30:05.000+09:00". */
  iso(at: number): string {
    const off = this.offsetMs(at);
    const local = at + off;
    const n = Math.floor(local / DAY_MS);
    const abs = Math.abs(off) / 60_000;
    return `${this.day(at)}T${clock(local - n * DAY_MS, true)}${off < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  }
}

const pad2 = (x: number) => (x < 10 ? `0${x}` : String(x));

/** hh:mm:ss(.SSS) of ms since local midnight. */
function clock(ms: number, withMs: boolean): string {
  const s = Math.floor(ms / 1000);
  const base = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  if (!withMs) return base;
  const frac = ms - s * 1000;
  return `${base}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** Japanese era year: 令和 from 2019 (元年), 平成 before. The busy season is labelled by calendar year. */
export function eraYear(year: number): string {
  if (year >= 2019) {
    const n = year - 2018;
    return `令和${n === 1 ? '元' : n}年`;
  }
  const n = year - 1988;
  return `平成${n === 1 ? '元' : n}年`;
}

/** 年度 (April–March) label for the fiscal year starting in April of `fy`, e.g. 2025 → "令和7年度". */
export function fiscalYearLabel(fy: number): string {
  return `${eraYear(fy).replace(/年$/, '')}年度`;
}

/** Fiscal year (年度) a business day belongs to: April–March. */
export function fiscalYearOf(day: string): number {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m >= 4 ? y : y - 1;
}

export interface YearLabels {
  /** "2026年" */
  calendar: string;
  /** "令和8年" */
  era: string;
  /** The 年度 the season spans, e.g. "令和7年度末〜令和8年度初" (a season straddles 1 April). */
  fiscal: string;
}

export function seasonLabels(year: number, startDay: string, endDay: string): YearLabels {
  const a = fiscalYearOf(startDay);
  const b = fiscalYearOf(endDay);
  return {
    calendar: `${year}年`,
    era: eraYear(year),
    fiscal: a === b ? fiscalYearLabel(a) : `${fiscalYearLabel(a)}末〜${fiscalYearLabel(b)}初`,
  };
}
