import { useEffect, useState } from 'react';
import type { VisitsReport } from '../../server/visits/report.js';
import { api } from '../../web/api.js';

/**
 * Whole visits in the reports (issue 16): visit stay by journey, waits per leg, and the 交付
 * stage's processing time and pickup wait apart from the counter wait (docs/API.md, Visits report).
 */

const min = (ms: number | null) => (ms === null ? '—' : (ms / 60_000).toFixed(1));

export function VisitsView({ query }: { query: string }) {
  const [report, setReport] = useState<VisitsReport | null>(null);
  useEffect(() => {
    let stop = false;
    api<VisitsReport>('GET', `/api/reports/visits?${query}`).then((r) => !stop && setReport(r)).catch(() => !stop && setReport(null));
    return () => {
      stop = true;
    };
  }, [query]);
  if (!report) return null;
  const journeys = report.journeys.filter((j) => j.serviceIds.length > 1);
  const p = report.pickup;
  if (!journeys.length && !p.tickets) return null;
  return (
    <section className="rp-visits rp-scroll" data-testid="report-visits">
      <h3>まとめ手続き・交付 <small>Journeys and pick-up</small></h3>
      {journeys.length > 0 && (
        <table className="rp-table">
          <thead><tr><th>手続きの組み合わせ Journey</th><th>発券</th><th>滞在（平均・分）</th><th>滞在（中央値・分）</th><th>各手続きの待ち（平均・分）</th></tr></thead>
          <tbody>
            {journeys.map((j) => (
              <tr key={j.key}>
                <td>{j.label.ja}</td><td>{j.tickets}</td><td>{min(j.stay.meanMs)}</td><td>{min(j.stay.medianMs)}</td>
                <td>{j.legWaits.map((w) => min(w.meanMs)).join(' → ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.tickets > 0 && (
        <table className="rp-table" data-testid="report-pickup">
          <thead><tr><th>交付 Pick-up</th><th>件数</th><th>平均（分）</th><th>中央値（分）</th><th>90%（分）</th></tr></thead>
          <tbody>
            <tr><td>受付の待ち時間 Counter wait</td><td>{p.counterWait.count}</td><td>{min(p.counterWait.meanMs)}</td><td>{min(p.counterWait.medianMs)}</td><td>{min(p.counterWait.p90Ms)}</td></tr>
            <tr><td>書類作成時間 Processing</td><td>{p.processing.count}</td><td>{min(p.processing.meanMs)}</td><td>{min(p.processing.medianMs)}</td><td>{min(p.processing.p90Ms)}</td></tr>
            <tr><td>交付待ち時間 Pickup wait</td><td>{p.pickupWait.count}</td><td>{min(p.pickupWait.meanMs)}</td><td>{min(p.pickupWait.medianMs)}</td><td>{min(p.pickupWait.p90Ms)}</td></tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
