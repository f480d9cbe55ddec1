import { useEffect, useRef, useState } from 'react';

/**
 * Time helpers shared by the counter console and the supervisor floor. The server's clock is the
 * truth (it may be a test clock): we keep the offset seen in the newest snapshot and tick locally.
 */
export function useServerNow(snapshotNow: number | undefined, everyMs = 1000): number {
  const offset = useRef(0);
  if (snapshotNow !== undefined) offset.current = snapshotNow - Date.now();
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return Date.now() + offset.current;
}

/** "12分", "1時間05分", "40秒" (or English) from milliseconds. */
export function formatDuration(ms: number, lang: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const en = lang === 'en';
  if (s < 60) return en ? `${s} s` : `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return en ? `${m} min` : `${m}分`;
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  return en ? `${h} h ${mm} min` : `${h}時間${mm}分`;
}

/** Local "HH:mm" in the office time zone. */
export function formatClock(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('ja-JP', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
}
