import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * True while the page is being printed. Charts measure their container on screen; a printed A4
 * landscape page is narrower than most screens, so while printing they are drawn at a fixed width
 * that fits the page (PRINT_CHART_WIDTH) instead of being cut at the edge. `beforeprint` is
 * flushed synchronously so the print layout already has the narrow charts.
 */
export const PRINT_CHART_WIDTH = 1000; // px: A4 landscape less 10 mm margins is about 1047 px

export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => typeof window !== 'undefined' && window.matchMedia('print').matches);
  useEffect(() => {
    const mq = window.matchMedia('print');
    const set = (v: boolean) => flushSync(() => setPrinting(v));
    const onChange = (e: MediaQueryListEvent) => set(e.matches);
    const before = () => set(true);
    const after = () => set(mq.matches);
    mq.addEventListener('change', onChange);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      mq.removeEventListener('change', onChange);
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);
  return printing;
}
