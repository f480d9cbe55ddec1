import { eraYear, ja, jaMonthDay, num } from './format.js';
import { ImportedNote } from './ImportedNote.js';
import { PrintHeader } from './PrintHeader.js';
import type { SeasonReport, SeasonRow } from './types.js';

const CITY = '*';
const min1 = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(1)}分`);
const delta = (ms: number | null) => (ms === null ? '—' : `${ms > 0 ? '＋' : ms < 0 ? '－' : '±'}${Math.abs(ms / 60_000).toFixed(1)}分`);
const deltaPct = (r: number | null) => (r === null ? '—' : `${r > 0 ? '＋' : r < 0 ? '－' : '±'}${Math.abs(r * 100).toFixed(1)}%`);

/**
 * 繁忙期の待ち時間 — the one-page summary for the mayor and the council: each office's (and the
 * city's) season mean, median and 90% wait for the chosen years, the change from the previous
 * year in minutes and %, and tickets per day; 和暦 labels and formal wording. Prints on one A4
 * landscape page.
 */
export function MayorView({ report }: { report: SeasonReport }) {
  if (!report.years.length) return <p className="rp-empty">繁忙期のデータがありません。 No busy-season data.</p>;
  const first = report.years[0]!;
  const last = report.years.at(-1)!;
  const groups: { id: string; name: string; rows: SeasonRow[] }[] = [
    ...report.offices.map((o) => ({ id: o.id, name: ja(o.name), rows: report.rows.filter((r) => r.officeId === o.id && r.serviceId === null) })),
    ...(report.city.length ? [{ id: CITY, name: '市全体', rows: report.city }] : []),
  ].filter((g) => g.rows.length);
  const span = first === last ? `${eraYear(first)}（${first}年）` : `${eraYear(first)}〜${eraYear(last)}（${first}〜${last}年）`;
  const title = `繁忙期における窓口の待ち時間について（${span}）`;
  return (
    <section className="rp-mayor" aria-label="繁忙期の要約 Busy-season summary">
      <PrintHeader asOf={report.generatedAt} title={title} offices={report.offices.map((o) => ja(o.name))} period={`各年の繁忙期（${span}）`} />
      <h3 className="rp-screen-only">{title}</h3>
      <p className="rp-mayor-lead">
        各庁舎の窓口における繁忙期（3月下旬から4月上旬まで）の待ち時間の推移を、下表のとおりご報告いたします。
        {groups.map((g) => {
          const r = g.rows.at(-1)!;
          return r.change?.waitMeanMs != null ? (
            <span key={g.id} className="rp-mayor-point">
              {g.name}の{eraYear(r.year)}の平均待ち時間は{min1(r.wait.meanMs)}で、前年より{Math.abs(r.change.waitMeanMs / 60_000).toFixed(1)}分（{Math.abs((r.change.waitMeanPct ?? 0) * 100).toFixed(1)}%）{r.change.waitMeanMs < 0 ? '短縮' : '増加'}いたしました{r.inProgress ? '（集計中）' : ''}。
            </span>
          ) : null;
        })}
      </p>
      <table className="rp-table rp-mayor-table">
        <thead>
          <tr>
            <th>庁舎</th><th>年</th><th>繁忙期の期間</th><th>平均待ち時間</th><th>中央値</th><th>90%値</th>
            <th>前年比（分）</th><th>前年比（%）</th><th>1日あたり発券数</th>
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={g.id} className={g.id === CITY ? 'rp-city' : ''}>
            {g.rows.map((r, i) => (
              <tr key={r.year}>
                {i === 0 ? <th scope="rowgroup" rowSpan={g.rows.length}>{g.name}</th> : null}
                <td className="rp-left">{eraYear(r.year)}（{r.year}年）</td>
                <td className="rp-left">{jaMonthDay(r.startDay)}〜{jaMonthDay(r.endDay)}{r.inProgress ? '（集計中）' : ''}</td>
                <td><strong>{min1(r.wait.meanMs)}</strong></td>
                <td>{min1(r.wait.medianMs)}</td>
                <td>{min1(r.wait.p90Ms)}</td>
                <td className={r.change?.waitMeanMs ? (r.change.waitMeanMs < 0 ? 'rp-better' : 'rp-worse') : ''}>{delta(r.change?.waitMeanMs ?? null)}</td>
                <td>{deltaPct(r.change?.waitMeanPct ?? null)}</td>
                <td>{num(r.perDay, 1)}件</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
      <ol className="rp-mayor-notes">
        <li>待ち時間は、番号札の発券（他の手続からの引継ぎを含む。）から最初の呼出までの時間です。呼出のなかった番号札は含みません。</li>
        <li>中央値は待ち時間を短い順に並べたときの中央の値、90%値は来庁者の9割がその時間内に呼び出された値です（線形補間により算出）。</li>
        <li>前年比は、前年の繁忙期の平均待ち時間との差です。1日あたり発券数は、繁忙期の開庁日1日あたりの番号札の発行枚数です{report.city.length ? '（市全体は各庁舎の合計）' : ''}。</li>
        <li>繁忙期は年度をまたぐため、暦年で表示しています（期間の設定がない年は3月20日から4月10日まで）。</li>
        {report.skipped.length ? <li>データのない年は掲載を省略しています（{report.skipped.map((s) => `${ja(report.offices.find((o) => o.id === s.officeId)?.name ?? { ja: s.officeId })} ${eraYear(s.year)}`).join('、')}）。</li> : null}
      </ol>
      <ImportedNote imported={report.imported} offices={report.offices} />
    </section>
  );
}
