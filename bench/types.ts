/**
 * One figure of a benchmark, measured against a baseline taken in the same run on the same
 * machine. `ratio` = value / baseline (for a rate, higher is better; for a time, lower is better —
 * `target` says which way the goal reads).
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  baselineName: string;
  ratio: number;
  target?: string;
}

/** Every `bench/*.bench.ts` exports this as its default. */
export type Bench = () => Promise<BenchRow[]>;

export function row(r: Omit<BenchRow, 'ratio'> & { ratio?: number }): BenchRow {
  const ratio = r.ratio ?? (r.baseline === 0 ? 0 : r.value / r.baseline);
  return { ...r, ratio: Math.round(ratio * 1000) / 1000 };
}

/** Percentile of a sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
