import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { receiptBytes } from '../print/escpos.js';

/** The printed receipt lists a journey's procedures in order (issue 16); a single-procedure ticket prints no list. */

const has = (b: Buffer, part: Buffer) => b.indexOf(part) >= 0;
const base = { officeName: '中央区役所', display: 'A-001', serviceName: '転入・転居・転出', ahead: 0, estimateText: 'すぐ', counterHint: null, url: 'http://x/t/abc', issuedText: '2026年3月24日 09:30', priority: false };

describe('receipt with a journey', () => {
  it('prints every leg in order', () => {
    const b = receiptBytes({ ...base, legs: ['転入・転居・転出', '国民健康保険・年金', '児童手当・子育て'] });
    expect(has(b, iconv.encode('本日の手続き（この番号札で順に）', 'Shift_JIS'))).toBe(true);
    const i1 = b.indexOf(iconv.encode('1. 転入・転居・転出', 'Shift_JIS'));
    const i2 = b.indexOf(iconv.encode('2. 国民健康保険・年金', 'Shift_JIS'));
    const i3 = b.indexOf(iconv.encode('3. 児童手当・子育て', 'Shift_JIS'));
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    expect(i3).toBeGreaterThan(i2);
  });
  it('prints no list for one procedure', () => {
    expect(has(receiptBytes({ ...base, legs: ['転入・転居・転出'] }), iconv.encode('本日の手続き', 'Shift_JIS'))).toBe(false);
    expect(has(receiptBytes(base), iconv.encode('本日の手続き', 'Shift_JIS'))).toBe(false);
  });
});
