/**
 * Ticket numbering per office, prefix and business day. The sequence goes up from the range's
 * start and wraps at its end, skipping any number already issued today (rule 1: a number is
 * issued once a day), and refuses when none is left.
 */
export interface NumberRange {
  start: number;
  end: number;
}

export type NextNumber = { ok: true; number: number } | { ok: false; reason: 'NUMBER_RANGE_EXHAUSTED' };

export function nextNumber(range: NumberRange, last: number | null, usedToday: ReadonlySet<number>): NextNumber {
  const size = range.end - range.start + 1;
  if (size <= 0) return { ok: false, reason: 'NUMBER_RANGE_EXHAUSTED' };
  let candidate = last === null || last < range.start || last >= range.end ? range.start : last + 1;
  if (last !== null && last >= range.end) candidate = range.start; // wrap
  for (let i = 0; i < size; i++) {
    if (!usedToday.has(candidate)) return { ok: true, number: candidate };
    candidate = candidate >= range.end ? range.start : candidate + 1;
  }
  return { ok: false, reason: 'NUMBER_RANGE_EXHAUSTED' };
}
