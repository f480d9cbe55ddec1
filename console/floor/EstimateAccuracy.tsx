import { useEffect, useState } from 'react';
import type { EstimateStats, SummaryReport } from '../reports/types.js';
import { api } from '../../web/api.js';

/** How often the floor refreshes today's estimate accuracy (a one-day report is cheap). */
const REFRESH_MS = 60_000;

const TEXT = {
  ja: { label: '本日の目安の的中', none: '判定できる呼出はまだありません', over: '超過', err: '誤差', n: '件', title: '発券時に表示した待ち時間の目安（範囲）に実際の待ち時間が収まった割合。超過＝範囲より長く待った割合。誤差＝目安（点）との差の中央値。' },
  en: { label: "Today's estimate accuracy", none: 'no called tickets with an estimate yet', over: 'over', err: 'error', n: '', title: 'Share of actual waits inside the range shown at issue; over = waited longer than the range; error = median |actual − point|.' },
};

/** Today's coverage, under-promise and median error of the estimates shown at issue (issue 13). */
export function EstimateAccuracy({ officeId, day, lang }: { officeId: string; day: string; lang: string }) {
  const [est, setEst] = useState<EstimateStats | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<SummaryReport>('GET', `/api/reports/summary?offices=${encodeURIComponent(officeId)}&from=${day}&to=${day}`)
        .then((r) => { if (!stop) setEst(r.total.estimate); })
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => { stop = true; clearInterval(timer); };
  }, [officeId, day]);
  const x = TEXT[lang === 'en' ? 'en' : 'ja'];
  if (!est) return null;
  const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
  const warn = est.underPromise !== null && est.underPromise > 0.1;
  return (
    <span className={`stat est-acc${warn ? ' over' : ''}`} data-testid="estimate-accuracy" title={x.title}>
      {x.label}{' '}
      {est.count === 0 ? <small className="muted">{x.none}</small> : (
        <><b>{pct(est.coverage)}</b> <small>（{x.over} {pct(est.underPromise)}・{x.err} {est.pointMedianAbsErrorMs === null ? '—' : `${(est.pointMedianAbsErrorMs / 60_000).toFixed(1)}${lang === 'en' ? ' min' : '分'}`}・{est.count}{x.n}）</small></>
      )}
    </span>
  );
}
