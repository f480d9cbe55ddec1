import type { LocalizedText } from '../../common/types.js';

/** Formatting for report screens: minutes with one decimal, percents, Japanese dates. */
export const minutes = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : `${(ms / 60_000).toFixed(1)}分`);
export const minNum = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.round(ms / 6_000) / 10);
export const percent = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
export const num = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined ? '—' : x.toLocaleString('ja-JP', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const signed = (s: string, x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${s}`);
export const ja = (t: LocalizedText) => t.ja;

/** Today's date in Tokyo as yyyy-MM-dd, whatever the browser's zone. */
export function tokyoToday(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** "3月20日" from yyyy-MM-dd */
export function jaMonthDay(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
}

/** Chart labels: minutes, always one decimal ("47.0", "90.9"), the same everywhere. */
export const minLabel = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '');

/** Japanese era year of a calendar year: 令和 from 2019 (元年), 平成 before. */
export function eraYear(year: number): string {
  if (year >= 2019) return `令和${year === 2019 ? '元' : year - 2018}年`;
  return `平成${year === 1989 ? '元' : year - 1988}年`;
}

/** "令和8年3月20日" from yyyy-MM-dd. */
export function eraDate(day: string): string {
  return `${eraYear(Number(day.slice(0, 4)))}${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
}
