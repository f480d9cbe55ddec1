import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ja, jaMonthDay, minLabel, minNum, minutes, num, percent, signed } from './format.js';
import { ImportedNote } from './ImportedNote.js';
import { PrintHeader } from './PrintHeader.js';
import { PRINT_CHART_WIDTH, usePrinting } from './usePrinting.js';
import type { SeasonReport, SeasonRow } from './types.js';

type Metric = 'meanMs' | 'medianMs' | 'p90Ms';
const METRICS: [Metric, string][] = [
  ['meanMs', '平均 Mean'],
  ['medianMs', '中央値 Median'],
  ['p90Ms', '90パーセンタイル p90'],
];
const COLOURS = ['#0b5cad', '#e07b00', '#0a7a3d', '#7b3fb0', '#b00020'];
const ALL = '';

/** Busy season year against year, per office: the bar chart the city publishes, and tables. */
export function SeasonView({ report, query }: { report: SeasonReport; query: string }) {
  const printing = usePrinting();
  const [metric, setMetric] = useState<Metric>('meanMs');
  const [service, setService] = useState<string>(ALL);
  const services = useMemo(() => [...new Set(report.rows.filter((r) => r.serviceId !== null).map((r) => ja(r.label)))], [report]);
  const pickRow = (officeId: string, year: number) => report.rows.find((r) => r.officeId === officeId && r.year === year && (service === ALL ? r.serviceId === null : r.serviceId !== null && ja(r.label) === service));
  const officeName = (id: string) => ja(report.offices.find((o) => o.id === id)!.name);
  const data = report.years.map((y) => {
    const live = report.offices.some((o) => pickRow(o.id, y)?.inProgress);
    const row: Record<string, string | number | null> = { year: `${y}年${live ? '（実施中）' : ''}` };
    for (const o of report.offices) row[ja(o.name)] = minNum(pickRow(o.id, y)?.wait[metric] ?? null);
    return row;
  });
  const metricLabel = METRICS.find((m) => m[0] === metric)![1].split(' ')[0];
  const latest = report.years.at(-1);

  if (!report.years.length) return <p className="rp-empty">繁忙期のデータがありません。 No busy-season data.</p>;
  return (
    <section aria-label="繁忙期比較 Busy season">
      <PrintHeader asOf={report.generatedAt} title={`繁忙期比較 — ${service || '全手続'}（${metricLabel}待ち時間）`} offices={report.offices.map((o) => ja(o.name))}
        period={`${report.years[0]}年〜${latest}年の各年の繁忙期`} />
      <div className="rp-controls rp-no-print">
        <label>
          用件 Service{' '}
          <select value={service} onChange={(e) => setService(e.target.value)}>
            <option value={ALL}>全手続 All services</option>
            {services.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <div className="rp-tabs" role="tablist" aria-label="指標 Measure">
          {METRICS.map(([m, label]) => (
            <button key={m} role="tab" aria-selected={metric === m} className={metric === m ? 'rp-on' : ''} onClick={() => setMetric(m)}>{label}</button>
          ))}
        </div>
        <a className="rp-dl" href={`/api/reports/busy-season.csv?${query}`} download>繁忙期比較 CSV</a>
        <a className="rp-dl" href={`/api/reports/busy-season.xlsx?${query}`} download>繁忙期比較 Excel (.xlsx)</a>
      </div>

      <figure className="rp-season-chart">
        <figcaption>
          繁忙期の{metricLabel}待ち時間（分）— {service || '全手続'}
          <small>各年の繁忙期（既定 3月20日〜4月10日）。年度をまたぐため暦年で表示。</small>
        </figcaption>
        <ResponsiveContainer width={printing ? PRINT_CHART_WIDTH : '100%'} height={printing ? 260 : 300}>
          <BarChart data={data} margin={{ top: 24, right: 16, bottom: 0, left: 0 }} barCategoryGap="22%">
            <CartesianGrid stroke="#ddd" vertical={false} />
            <XAxis dataKey="year" />
            <YAxis unit="分" width={60} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? '—' : `${v}分`)} />
            <Legend />
            {report.offices.map((o, i) => (
              <Bar key={o.id} dataKey={ja(o.name)} fill={COLOURS[i % COLOURS.length]} isAnimationActive={false}>
                <LabelList dataKey={ja(o.name)} position="top" fontSize={12} formatter={minLabel} />
              </Bar>
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>

      {report.offices.map((o) => (
        <div key={o.id} className="rp-season-office">
          <h3>{officeName(o.id)} — {service || '全手続'}</h3>
          <div className="rp-scroll">
            <table className="rp-table">
              <thead>
                <tr>
                  <th>年</th><th>和暦</th><th>年度</th><th>期間</th><th>開庁日</th><th>1日あたり{service ? '件数' : '発券数'}</th>
                  <th>平均待ち</th><th>中央値</th><th>90%</th><th>前年比（平均）</th><th>目標内</th><th>閉庁時未対応</th>
                  <th>目安内</th><th>目安超過</th><th>目安誤差</th>
                </tr>
              </thead>
              <tbody>
                {report.years.map((y) => {
                  const r = pickRow(o.id, y);
                  if (!r) return null;
                  return (
                    <tr key={y}>
                      <th scope="row">{r.labels.calendar}</th>
                      <td>{r.labels.era}</td>
                      <td>{r.labels.fiscal}</td>
                      <td>{jaMonthDay(r.startDay)}〜{jaMonthDay(r.endDay)}{(report.periods[o.id] ?? []).find((p) => p.year === y)?.configured ? '' : '（既定）'}{r.inProgress ? <strong className="rp-live">実施中</strong> : null}</td>
                      <td>{num(r.openDays)}</td>
                      <td>{num(r.perDay, 1)}</td>
                      <td>{minutes(r.wait.meanMs)}</td>
                      <td>{minutes(r.wait.medianMs)}</td>
                      <td>{minutes(r.wait.p90Ms)}</td>
                      <td><Change row={r} /></td>
                      <td>{percent(r.serviceLevel)}</td>
                      <td className={r.unserved ? 'rp-warn' : ''}>{num(r.unserved)}</td>
                      <td>{percent(r.estimate.coverage)}</td>
                      <td className={r.estimate.underPromise !== null && r.estimate.underPromise > 0.1 ? 'rp-warn' : ''}>{percent(r.estimate.underPromise)}</td>
                      <td>{minutes(r.estimate.pointMedianAbsErrorMs)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {latest !== undefined && !service && <ServiceMatrix report={report} officeId={o.id} />}
        </div>
      ))}
      {!service && report.city.length > 0 && <CityTable report={report} />}
      {report.skipped.length > 0 && (
        <p className="rp-note rp-skipped">データのない年は表示していません（{report.skipped.map((x) => `${officeName(x.officeId)} ${x.year}年`).join('、')}）。 Years without data are left out.</p>
      )}
      {report.rows.some((r) => r.inProgress) && (
        <p className="rp-note rp-live-note"><strong className="rp-live">実施中</strong> の年は本日までの集計です。前年比は前年の繁忙期全体と比べています。 A season in progress counts up to today, against the whole previous season.</p>
      )}
      <p className="rp-note">待ち時間＝発券から最初の呼出まで（呼び出された手続のみ）。閉庁時未対応は別に数えます。中央値・90%は線形補間（Excel の MEDIAN・PERCENTILE.INC と同じ）。グラフの数値は分（小数第1位）。</p>
      <ImportedNote imported={report.imported} offices={report.offices} />
    </section>
  );
}

/** 市全体: every office of the report pooled, year by year (several offices only). */
function CityTable({ report }: { report: SeasonReport }) {
  return (
    <div className="rp-season-office rp-city">
      <h3>市全体 City-wide — 全手続（{report.offices.map((o) => ja(o.name)).join('・')}）</h3>
      <div className="rp-scroll">
        <table className="rp-table">
          <thead>
            <tr><th>年</th><th>和暦</th><th>年度</th><th>期間</th><th>開庁日</th><th>1日あたり発券数</th><th>平均待ち</th><th>中央値</th><th>90%</th><th>前年比（平均）</th><th>目標内</th><th>閉庁時未対応</th></tr>
          </thead>
          <tbody>
            {report.city.map((r) => (
              <tr key={r.year}>
                <th scope="row">{r.labels.calendar}</th>
                <td>{r.labels.era}</td>
                <td>{r.labels.fiscal}</td>
                <td>{jaMonthDay(r.startDay)}〜{jaMonthDay(r.endDay)}{r.inProgress ? <strong className="rp-live">実施中</strong> : null}</td>
                <td>{num(r.openDays)}</td>
                <td>{num(r.perDay, 1)}</td>
                <td>{minutes(r.wait.meanMs)}</td>
                <td>{minutes(r.wait.medianMs)}</td>
                <td>{minutes(r.wait.p90Ms)}</td>
                <td><Change row={r} /></td>
                <td>{percent(r.serviceLevel)}</td>
                <td className={r.unserved ? 'rp-warn' : ''}>{num(r.unserved)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="rp-note">市全体＝各庁舎の手続をまとめた待ち時間（各庁舎の期間で集計）。1日あたり発券数は各庁舎の合計、開庁日は最も多い庁舎の日数。</p>
    </div>
  );
}

function Change({ row }: { row: SeasonRow }) {
  const c = row.change;
  if (!c || c.waitMeanMs === null) return <span className="rp-muted">—</span>;
  const better = c.waitMeanMs < 0;
  return (
    <span className={better ? 'rp-better' : c.waitMeanMs > 0 ? 'rp-worse' : ''}>
      {better ? '▼' : c.waitMeanMs > 0 ? '▲' : ''}
      {signed(`${Math.abs(c.waitMeanMs / 60_000).toFixed(1)}分`, c.waitMeanMs)}
      {c.waitMeanPct !== null ? `（${signed(`${Math.abs(c.waitMeanPct * 100).toFixed(0)}%`, c.waitMeanPct)}）` : ''}
    </span>
  );
}

/** Mean wait of every service, one column per year. */
function ServiceMatrix({ report, officeId }: { report: SeasonReport; officeId: string }) {
  const rows = report.rows.filter((r) => r.officeId === officeId && r.serviceId !== null);
  const ids = [...new Set(rows.map((r) => r.serviceId!))];
  return (
    <details className="rp-matrix">
      <summary>用件別の平均待ち時間（年別） Mean wait by service and year</summary>
      <div className="rp-scroll">
        <table className="rp-table">
          <thead>
            <tr>
              <th>用件</th>
              {report.years.map((y) => <th key={y}>{y}年</th>)}
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => (
              <tr key={id}>
                <th scope="row">{ja(rows.find((r) => r.serviceId === id)!.label)}</th>
                {report.years.map((y) => <td key={y}>{minutes(rows.find((r) => r.serviceId === id && r.year === y)?.wait.meanMs ?? null)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
