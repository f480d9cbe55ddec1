import { describe, expect, it } from 'vitest';
import { nextNumber } from './numbering.js';

describe('nextNumber', () => {
  it('starts at the start of the range and counts up', () => {
    expect(nextNumber({ start: 1, end: 999 }, null, new Set())).toEqual({ ok: true, number: 1 });
    expect(nextNumber({ start: 1, end: 999 }, 41, new Set([1, 41]))).toEqual({ ok: true, number: 42 });
  });

  it('wraps at the end of its range to the first number not issued today', () => {
    expect(nextNumber({ start: 1, end: 5 }, 5, new Set([3, 4, 5]))).toEqual({ ok: true, number: 1 });
    expect(nextNumber({ start: 1, end: 5 }, 5, new Set([1, 2, 5]))).toEqual({ ok: true, number: 3 });
  });

  it('refuses when every number of the range was issued today (a number is issued once)', () => {
    expect(nextNumber({ start: 1, end: 3 }, 3, new Set([1, 2, 3]))).toEqual({ ok: false, reason: 'NUMBER_RANGE_EXHAUSTED' });
  });

  it('moves into a changed range', () => {
    expect(nextNumber({ start: 100, end: 199 }, 12, new Set([12]))).toEqual({ ok: true, number: 100 });
  });
});
