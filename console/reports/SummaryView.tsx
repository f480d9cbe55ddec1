import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Heatmap } from './Heatmap.js';
import { ja, minNum, minutes, num, percent } from './format.js';
import { ImportedNote } from './ImportedNote.js';
import { PrintHeader } from './PrintHeader.js';
import { PRINT_CHART_WIDTH, usePrinting } from './usePrinting.js';
import type { GroupKind, SummaryReport } from './types.js';

const KINDS: [GroupKind, string][] = [
  ['service', '用件別 Service'],
  ['counter', '窓口別 Counter'],
  ['clerk', '職員別 Clerk'],
  ['day', '業務日別 Day'],
  ['hour', '時間帯別 Hour'],
  ['office', '庁舎別 Office'],
];

export function SummaryView({ report, query }: { report: SummaryReport; query: string }) {
  const printing = usePrinting();
  const [kind, setKind] = useState<GroupKind>('service');
  const t = report.total;
  const st = report.stay;
  const withStay = kind === 'office' || kind === 'service' || kind === 'day';
  const trend = report.groups.day.map((d) => ({ day: d.key.slice(5).replace('-', '/'), 平均: minNum(d.wait.meanMs), 中央値: minNum(d.wait.medianMs), '90%': minNum(d.wait.p90Ms), 件数: d.steps }));
  const hist = report.histogram.map((b) => ({ bin: b.toMin === null ? `${b.fromMin}分〜` : `${b.fromMin}〜${b.toMin}分`, 件数: b.count }));
  return (
    <section aria-label="集計 Summary">
      <PrintHeader asOf={report.generatedAt} title={`待ち時間の集計 — ${KINDS.find((k) => k[0] === kind)![1].split(' ')[0]}`} offices={report.offices.map((o) => ja(o.name))} period={`${report.from}〜${report.to}`} />
      <div className="rp-kpis">
        <Kpi label="件数 Steps" value={num(t.steps)} sub={`発券 ${num(t.tickets)}`} />
        <Kpi label="平均待ち Mean wait" value={minutes(t.wait.meanMs)} sub={`中央値 ${minutes(t.wait.medianMs)}`} />
        <Kpi label="90%の方が Within (p90)" value={minutes(t.wait.p90Ms)} sub={`最大 ${minutes(t.wait.maxMs)}`} />
        <Kpi label="目標時間内 Service level" value={percent(t.serviceLevel)} sub={`${num(t.withinTarget)} / ${num(t.wait.count)}`} />
        <Kpi label="平均滞在時間 Mean visit stay" value={minutes(st.meanMs)} sub={`中央値 ${minutes(st.medianMs)}・${num(st.count)}件`} />
        <Kpi label="平均処理時間 Service time" value={minutes(t.service.meanMs)} sub={`移動 ${minutes(t.walk.meanMs)}`} />
        <Kpi label="不在率 No-show rate" value={percent(t.noShowRate)} sub={`不在 ${num(t.noShow)}件・取消 ${percent(t.cancelRate)}（${num(t.cancelled)}件）`} />
        <Kpi label="閉庁時未対応 Unserved at close" value={num(t.unserved)} sub={t.open ? `対応中 ${num(t.open)}` : ''} warn={t.unserved > 0} />
        <Kpi label="1時間あたり対応 Served/hour" value={num(t.servedPerHour, 1)} sub={`${num(t.activeHours)}時間`} />
        <Kpi label="目安の的中率 Estimate coverage" value={percent(t.estimate.coverage)}
          sub={`超過 ${percent(t.estimate.underPromise)}・誤差中央値 ${minutes(t.estimate.pointMedianAbsErrorMs)}・幅 ${minutes(t.estimate.rangeWidthMeanMs)}（${num(t.estimate.count)}件）`}
          warn={t.estimate.underPromise !== null && t.estimate.underPromise > 0.1} />
      </div>

      <div className="rp-exports rp-no-print">
        <span>ダウンロード Export:</span>
        <a href={`/api/reports/steps.csv?${query}`} download>手続明細 CSV（全件）</a>
        <a href={`/api/reports/summary.csv?${query}&by=${kind}`} download>この表 CSV</a>
        <a href={`/api/reports/summary.xlsx?${query}`} download>集計 Excel (.xlsx)</a>
      </div>

      <div className="rp-charts">
        <figure>
          <figcaption>日別の待ち時間（分） Daily wait</figcaption>
          <ResponsiveContainer width={printing ? PRINT_CHART_WIDTH / 2 - 12 : '100%'} height={printing ? 200 : 240}>
            <LineChart data={trend} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#ddd" />
              <XAxis dataKey="day" />
              <YAxis unit="分" width={56} />
              <Tooltip />
              <Legend />
              <Line type="linear" dataKey="平均" stroke="#0b5cad" strokeWidth={2} dot={trend.length <= 45} isAnimationActive={false} />
              <Line type="linear" dataKey="中央値" stroke="#0a7a3d" dot={false} isAnimationActive={false} />
              <Line type="linear" dataKey="90%" stroke="#b00020" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>待ち時間の分布（件） Wait distribution</figcaption>
          <ResponsiveContainer width={printing ? PRINT_CHART_WIDTH / 2 - 12 : '100%'} height={printing ? 200 : 240}>
            <BarChart data={hist} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#ddd" vertical={false} />
              <XAxis dataKey="bin" interval={0} angle={-30} textAnchor="end" height={50} fontSize={11} />
              <YAxis width={56} />
              <Tooltip />
              <Bar dataKey="件数" fill="#0b5cad" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>

      <figure>
        <figcaption>時間帯×業務日の平均待ち時間 Mean wait by hour (受付時刻)</figcaption>
        <Heatmap cells={report.heatmap} />
      </figure>

      <div className="rp-tabs rp-no-print" role="tablist" aria-label="集計の単位 Group by">
        {KINDS.map(([k, label]) => (
          <button key={k} role="tab" aria-selected={kind === k} className={kind === k ? 'rp-on' : ''} onClick={() => setKind(k)}>{label}</button>
        ))}
      </div>
      <div className="rp-scroll">
        <table className="rp-table">
          <thead>
            <tr>
              <th>{KINDS.find((k) => k[0] === kind)![1].split(' ')[0]!.replace('別', '')}</th>
              <th>件数</th><th>平均待ち</th><th>中央値</th><th>90%</th><th>最大</th><th>目標内</th>
              <th>平均処理</th><th>平均移動</th><th>不在率</th><th>取消率</th><th>閉庁時未対応</th><th>対応/時</th>
              {withStay ? <><th>平均滞在</th><th>滞在中央値</th><th>滞在90%</th></> : null}
              <th>目安内</th><th>目安超過</th><th>目安誤差</th>
            </tr>
          </thead>
          <tbody>
            {report.groups[kind].map((r) => (
              <tr key={`${r.officeId}|${r.key}`}>
                <th scope="row">{ja(r.label)}</th>
                <td>{num(r.steps)}</td>
                <td>{minutes(r.wait.meanMs)}</td>
                <td>{minutes(r.wait.medianMs)}</td>
                <td>{minutes(r.wait.p90Ms)}</td>
                <td>{minutes(r.wait.maxMs)}</td>
                <td>{percent(r.serviceLevel)}</td>
                <td>{minutes(r.service.meanMs)}</td>
                <td>{minutes(r.walk.meanMs)}</td>
                <td>{percent(r.noShowRate)}</td>
                <td>{percent(r.cancelRate)}</td>
                <td className={r.unserved ? 'rp-warn' : ''}>{num(r.unserved)}</td>
                <td>{num(r.servedPerHour, 1)}</td>
                {withStay ? <><td>{minutes(r.stay?.meanMs ?? null)}</td><td>{minutes(r.stay?.medianMs ?? null)}</td><td>{minutes(r.stay?.p90Ms ?? null)}</td></> : null}
                <td>{percent(r.estimate.coverage)}</td>
                <td className={r.estimate.underPromise !== null && r.estimate.underPromise > 0.1 ? 'rp-warn' : ''}>{percent(r.estimate.underPromise)}</td>
                <td>{minutes(r.estimate.pointMedianAbsErrorMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="rp-note">
        待ち時間＝発券（または引継ぎ）から最初の呼出まで。移動時間＝呼出から対応開始まで。処理時間＝対応開始から終了まで。滞在時間＝発券から最後の手続の終了まで（対応済で終わった発券のみ。用件別は最初の用件で集計）。中央値・90%は線形補間（Excel の MEDIAN・PERCENTILE.INC と同じ）。
        目安内＝発券時に表示した待ち時間の目安（範囲）に実際の待ち時間が収まった割合、目安超過＝範囲より長く待った割合、目安誤差＝目安（点）と実際の差の中央値（目安を記録した呼出済の手続のみ）。
        Wait = enqueue → first call; estimate coverage = share of actual waits inside the range shown at issue, over-run = above it, error = median |actual − point|; visit stay = issue → end of the last step (tickets finished served; by first service); percentiles by linear interpolation (as Excel).
      </p>
      <ImportedNote imported={report.imported} offices={report.offices} />
    </section>
  );
}

function Kpi({ label, value, sub, warn }: { label: string; value: string; sub?: string; warn?: boolean }) {
  return (
    <div className={`rp-kpi${warn ? ' rp-kpi-warn' : ''}`}>
      <div className="rp-kpi-label">{label}</div>
      <div className="rp-kpi-value">{value}</div>
      {sub ? <div className="rp-kpi-sub">{sub}</div> : null}
    </div>
  );
}
