import type { SummaryReport } from './types.js';
import { minutes } from './format.js';

/** Hour × business day heatmap of mean wait, a CSS grid: a row per day, a column per hour. */
export function Heatmap({ cells }: { cells: SummaryReport['heatmap'] }) {
  if (!cells.length) return <p className="rp-empty">データがありません No data</p>;
  const days = [...new Set(cells.map((c) => c.day))].sort();
  const hours = cells.map((c) => c.hour);
  const lo = Math.min(...hours);
  const hi = Math.max(...hours);
  const cols = hi - lo + 1;
  const at = new Map(cells.map((c) => [`${c.day}|${c.hour}`, c]));
  return (
    <div className="rp-heat" role="table" aria-label="時間帯×業務日の平均待ち時間 Mean wait by hour and day" style={{ gridTemplateColumns: `6.5em repeat(${cols}, minmax(2.2em, 1fr))` }}>
      <div className="rp-heat-corner" role="columnheader">業務日＼時</div>
      {Array.from({ length: cols }, (_, i) => (
        <div key={i} className="rp-heat-h" role="columnheader">{lo + i}</div>
      ))}
      {days.map((d) => [
        <div key={d} className="rp-heat-d" role="rowheader">{d.slice(5).replace('-', '/')}</div>,
        ...Array.from({ length: cols }, (_, i) => {
          const c = at.get(`${d}|${lo + i}`);
          const m = c?.waitMeanMs ?? null;
          return (
            <div key={`${d}|${i}`} role="cell" className="rp-heat-c" style={{ background: heatColour(m) }} title={c ? `${d} ${lo + i}時台: ${c.steps}件 平均待ち ${minutes(m)}` : ''}>
              {m === null ? '' : Math.round(m / 60_000)}
            </div>
          );
        }),
      ])}
      <div className="rp-heat-legend">数字は平均待ち時間（分）。色が濃いほど長い。 Minutes of mean wait; darker = longer.</div>
    </div>
  );
}

/** 0 min → pale, 120 min and more → deep red. */
function heatColour(ms: number | null): string {
  if (ms === null) return '#f4f4f4';
  const t = Math.min(1, ms / (120 * 60_000));
  const l = 96 - t * 58;
  return `hsl(${40 - t * 40}, 85%, ${l}%)`;
}
