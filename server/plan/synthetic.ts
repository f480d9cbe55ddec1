import { Rng } from '../sim/random.js';
import { datesBetween, weekdayOf } from '../calendar/office.js';
import type { DayCounts, DayInfo } from './forecast.js';

/**
 * Synthetic ticket histories with known factors, for the forecast's tests and the backtest bench:
 * Poisson counts per day, hour and service from level × season × weekday × effects × hour share × mix.
 */
export interface SyntheticModel {
  level(year: number): number;
  season(date: string): number;
  weekday: Record<number, number>;
  /** Extra factor for a day (calendar effects); default 1. */
  extra?(date: string, info: DayInfo): number;
  hourShare: number[];
  mix: Record<string, number>;
}

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

export function syntheticHistory(m: SyntheticModel, info: DayInfo, from: string, to: string, seed: string, keep: (date: string) => boolean = () => true): DayCounts[] {
  const rng = new Rng(seed);
  const out: DayCounts[] = [];
  const hs = m.hourShare.reduce((a, b) => a + b, 0);
  const ms = Object.values(m.mix).reduce((a, b) => a + b, 0);
  for (const date of datesBetween(from, to)) {
    if (!keep(date) || !info(date).open) continue;
    const mean = m.level(Number(date.slice(0, 4))) * m.season(date) * (m.weekday[weekdayOf(date)] ?? 1) * (m.extra?.(date, info) ?? 1);
    const hours = m.hourShare.map((x) => poisson(rng, (mean * x) / hs));
    const total = hours.reduce((a, b) => a + b, 0);
    const services: Record<string, number> = {};
    // split the day's tickets by the mix (multinomial by rounding the expectation and the remainder at random)
    let left = total;
    const entries = Object.entries(m.mix);
    entries.forEach(([p, x], i) => {
      const n = i === entries.length - 1 ? left : Math.min(left, poisson(rng, (total * x) / ms));
      services[p] = n;
      left -= n;
    });
    out.push({ date, hours, services });
  }
  return out;
}
