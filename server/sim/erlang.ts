/**
 * Erlang C: the M/M/c queue (Poisson arrivals at rate λ, exponential service at rate μ per
 * counter, c counters, first come first served). Used to check the simulator against theory.
 *
 *   a = λ/μ (offered load in erlangs), ρ = a/c < 1
 *   C(c, a) = (a^c/c! · c/(c−a)) / (Σ_{k<c} a^k/k! + a^c/c! · c/(c−a))   — probability of waiting
 *   Wq = C(c, a) / (cμ − λ)                                               — mean wait in queue
 *
 * Computed through the Erlang B recursion B(0)=1, B(k) = a·B(k−1) / (k + a·B(k−1)), and
 * C = c·B / (c − a(1 − B)), which stays stable for large c.
 */
export function erlangB(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 0) throw new RangeError('c must be a non-negative integer');
  if (!(a >= 0)) throw new RangeError('offered load must be non-negative');
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Probability that an arrival has to wait, C(c, a). Needs a < c (a stable queue). */
export function erlangC(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 1) throw new RangeError('c must be a positive integer');
  if (!(a >= 0) || a >= c) throw new RangeError('offered load must be below the number of counters');
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

export interface MMcResult {
  /** offered load λ/μ in erlangs */
  load: number;
  /** utilisation per counter */
  rho: number;
  /** probability of waiting */
  pWait: number;
  /** mean wait in queue, in the time unit of the rates */
  meanWait: number;
  /** probability the wait exceeds t: C · e^{−(cμ−λ)t} */
  pWaitOver(t: number): number;
}

/** M/M/c figures from arrival rate λ and service rate μ (same time unit). */
export function mmc(c: number, lambda: number, mu: number): MMcResult {
  const load = lambda / mu;
  const pWait = erlangC(c, load);
  const gap = c * mu - lambda;
  return { load, rho: load / c, pWait, meanWait: pWait / gap, pWaitOver: (t: number) => pWait * Math.exp(-gap * t) };
}
