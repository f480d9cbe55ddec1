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
