import type { CounterPlan, CounterPlanWindow, CounterSchedule } from '../../common/types.js';
import { businessDay, localMinuteOfDay, startOfBusinessDay } from '../queue/time.js';

/**
 * The learned counter schedule (issue 13). Pure: no SQL. From the counter events of the office's
 * previous business days (counter.opened / paused / resumed / closed) it infers, per counter, its
 * usual pause windows (lunch), its usual first opening and an early closing, each with how often
 * it happened: the forward simulation then applies them today with that probability, so a ticket
 * issued at 11:30 already counts on the lunch pause that starts at 12:00 — before, a pause was seen
 * only once it had begun. An explicit day plan can feed the same `CounterSchedule` (p = 1).
 */

/** Previous business days learned from (those with counter events), most recent first. */
export const SCHEDULE_DAYS = 10;
/** A pause shorter than this (a break) is not planned: a median window shorter is dropped. */
export const MIN_PAUSE_MIN = 10;
/** A window seen on fewer than this share of the counter's working days is not planned. */
export const MIN_SHARE = 0.3;
/** Pauses starting within this many minutes of a window's first start belong to that window. */
const CLUSTER_MIN = 45;
/** An open counter this long into its usual pause window is taken to skip it today. */
export const SKIP_AFTER_MIN = 15;

export type CounterEventType = 'counter.opened' | 'counter.paused' | 'counter.resumed' | 'counter.closed';
export interface CounterEventRow {
  counterId: string;
  type: CounterEventType;
  at: number;
}

interface CounterDay {
  firstOpen: number | null;
  lastClose: number | null;
  pauses: [number, number][];
}

const hm = (min: number) => {
  const r = Math.round(min);
  return `${String(Math.floor(r / 60)).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}`;
};
export const parseHm = (s: string): number => {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * The schedule learned from `events` (counter events of earlier business days; the caller picks
 * the days). `receptionClose` ("HH:MM", the office's reception end): only closings before it are
 * a schedule (later ones follow the queue); null learns no closing.
 */
export function learnSchedule(events: CounterEventRow[], timezone: string, receptionClose: string | null): CounterSchedule {
  const days = new Set<string>();
  const byCounter = new Map<string, Map<string, CounterDay>>();
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const day = businessDay(e.at, timezone);
    days.add(day);
    let perDay = byCounter.get(e.counterId);
    if (!perDay) byCounter.set(e.counterId, (perDay = new Map()));
    let d = perDay.get(day);
    if (!d) perDay.set(day, (d = { firstOpen: null, lastClose: null, pauses: [] }));
    const min = localMinuteOfDay(e.at, timezone) + (e.at % 60_000) / 60_000;
    const open = d.pauses.length && d.pauses[d.pauses.length - 1]![1] < 0;
    if (e.type === 'counter.opened') {
      if (d.firstOpen === null) d.firstOpen = min;
      d.lastClose = null;
    } else if (e.type === 'counter.paused') {
      if (!open) d.pauses.push([min, -1]);
    } else if (e.type === 'counter.resumed') {
      if (open) d.pauses[d.pauses.length - 1]![1] = min;
    } else {
      // Closing while paused ends the day, not a pause.
      if (open) d.pauses.pop();
      d.lastClose = min;
    }
  }
  const closeMin = receptionClose === null ? null : parseHm(receptionClose);
  const out: CounterSchedule = {};
  for (const [counterId, perDay] of byCounter) {
    const worked = [...perDay.values()].filter((d) => d.firstOpen !== null);
    if (worked.length === 0) continue;
    // Pause windows: pauses of all days grouped by start, each group counted once per day.
    const all: { from: number; to: number; day: number }[] = [];
    worked.forEach((d, i) => { for (const [from, to] of d.pauses) if (to >= 0) all.push({ from, to, day: i }); });
    all.sort((a, b) => a.from - b.from);
    const pauses: CounterPlanWindow[] = [];
    for (let i = 0; i < all.length; ) {
      let j = i;
      while (j < all.length && all[j]!.from <= all[i]!.from + CLUSTER_MIN) j++;
      const group = all.slice(i, j);
      i = j;
      const p = new Set(group.map((g) => g.day)).size / worked.length;
      // A pause starts when the clerk is next free after the planned time: the window opens at the
      // early side of the starts seen (their lower quartile), not their median.
      const from = quantile(group.map((g) => g.from), 0.25);
      const to = median(group.map((g) => g.to));
      if (p >= MIN_SHARE && to - from >= MIN_PAUSE_MIN) pauses.push({ from: hm(from), to: hm(to), p: round2(p) });
    }
    const opens = worked.map((d) => d.firstOpen!);
    const early = closeMin === null ? [] : worked.filter((d) => d.lastClose !== null && d.lastClose < closeMin).map((d) => d.lastClose!);
    const closeP = early.length / worked.length;
    const plan: CounterPlan = {
      pauses,
      openAt: { at: hm(median(opens)), p: round2(worked.length / days.size) },
      closeAt: closeP >= MIN_SHARE ? { at: hm(median(early)), p: round2(closeP) } : null,
    };
    out[counterId] = plan;
  }
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A counter's plan on one business day, in epoch ms (what the forward simulation reads). */
export interface DayPlan {
  pauses: { from: number; to: number; p: number }[];
  openAt: { at: number; p: number } | null;
  closeAt: { at: number; p: number } | null;
}

/** The schedule placed on `day` in the office's time zone. */
export function planForDay(schedule: CounterSchedule, day: string, timezone: string): Map<string, DayPlan> {
  const midnight = startOfBusinessDay(day, timezone);
  const at = (s: string) => midnight + parseHm(s) * 60_000;
  const out = new Map<string, DayPlan>();
  for (const [counterId, plan] of Object.entries(schedule)) {
    out.set(counterId, {
      pauses: plan.pauses.map((w) => ({ from: at(w.from), to: at(w.to), p: w.p })),
      openAt: plan.openAt ? { at: at(plan.openAt.at), p: plan.openAt.p } : null,
      closeAt: plan.closeAt ? { at: at(plan.closeAt.at), p: plan.closeAt.p } : null,
    });
  }
  return out;
}

/** The business days to learn from: the last SCHEDULE_DAYS days before `today` that have counter events. */
export function previousDays(eventDays: string[], today: string, n = SCHEDULE_DAYS): string[] {
  return [...new Set(eventDays)].filter((d) => d < today).sort().slice(-n);
}
