import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, mmc } from './erlang.js';

/** Erlang C straight from the textbook sum with factorials (an independent computation). */
function erlangCBySum(c: number, a: number): number {
  let fact = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    if (k > 0) fact *= k;
    sum += a ** k / fact;
  }
  fact *= c;
  const top = (a ** c / fact) * (c / (c - a));
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('matches textbook values', () => {
    // M/M/1: the probability of waiting is the utilisation.
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    // M/M/2 at ρ = 0.5: P(wait) = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // The call-centre classic: 10 erlangs offered to 11 agents → 68.21 % of calls wait.
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    // Erlang B, 2 servers, 1 erlang: 1/5 blocked.
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
  });

  it('agrees with the factorial form across loads', () => {
    for (const c of [1, 2, 3, 5, 8, 13]) {
      for (const rho of [0.1, 0.5, 0.8, 0.95]) {
        expect(erlangC(c, c * rho)).toBeCloseTo(erlangCBySum(c, c * rho), 10);
      }
    }
  });

  it('gives the M/M/c mean wait Wq = C / (cμ − λ)', () => {
    // M/M/1, λ = 0.5/min, μ = 1/min: Wq = ρ / (μ − λ) = 1 minute.
    expect(mmc(1, 0.5, 1).meanWait).toBeCloseTo(1, 12);
    // 3 counters, 6-minute service, 0.35 arrivals per minute.
    const r = mmc(3, 0.35, 1 / 6);
    expect(r.load).toBeCloseTo(2.1, 12);
    expect(r.meanWait).toBeCloseTo(erlangCBySum(3, 2.1) / (0.5 - 0.35), 10);
    expect(r.pWaitOver(0)).toBeCloseTo(r.pWait, 12);
  });

  it('refuses an unstable or malformed queue', () => {
    expect(() => erlangC(2, 2)).toThrow(RangeError);
    expect(() => erlangC(0, 0.5)).toThrow(RangeError);
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
  });
});
