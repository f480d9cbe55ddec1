import { useEffect, useState } from 'react';
import { CROWD_LEVELS, type CrowdCalendar, type CrowdDay, type DayPlan, type Forecast, type SavedPlan, type SimResult, type WaitTarget } from '../../common/plan.js';
import type { LocalizedText, StaffInfo } from '../../common/types.js';
import { api, ApiError } from '../../web/api.js';
import './plan.css';

/**
 * 計画 Planning (issue 12): demand forecast with ranges, forecast vs actual of a past season,
 * counters advice, what-if of two day plans side by side (saved plans), and the 混雑予想カレンダー
 * (draft, hand adjustments, publish, versions). Supervisors and admins.
 */

type View = 'forecast' | 'backtest' | 'advice' | 'whatif' | 'crowding';
const WD = ['', '月', '火', '水', '木', '金', '土', '日'];
const AVOID_RE = /^\s*(\d{1,2}(\s*,\s*\d{1,2})*)?\s*$/;

interface AdviceView { plan: DayPlan; holds: boolean; rounds: number; hours: { hour: number; arrivals: number; load: number; erlang: number; recommended: number }[]; check: SimResult; naive: { counterHours: number }; ms: number }
interface Backtest { days: { date: string; forecast: number; low: number; high: number; actual: number }[]; mape: number; bias: number; coverage: number; from: string; to: string }
interface WhatIf { date: string; forecast: { mean: number; low: number; high: number }; results: SimResult[] }

function useOffice(staff: StaffInfo): [string, (id: string) => void, { id: string; name: LocalizedText }[]] {
  const [offices, setOffices] = useState<{ id: string; name: LocalizedText }[]>([]);
  const [office, setOffice] = useState(staff.officeId ?? '');
  useEffect(() => {
    void api<{ id: string; name: LocalizedText }[]>('GET', '/api/public/offices').then((all) => {
      const mine = staff.officeId ? all.filter((o) => o.id === staff.officeId) : all;
      setOffices(mine);
      setOffice((o) => o || mine[0]?.id || '');
    });
  }, [staff.officeId]);
  return [office, setOffice, offices];
}

const errText = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : '読み込みに失敗しました。 Failed to load.');

export function PlanPage({ staff }: { staff: StaffInfo }) {
  const [view, setView] = useState<View>('forecast');
  const [office, setOffice, offices] = useOffice(staff);
  const views: [View, string][] = [['forecast', '需要予測 Forecast'], ['backtest', '予測と実績 Forecast vs actual'], ['advice', '窓口数の提案 Counters advice'], ['whatif', 'What-if 比較'], ['crowding', '混雑予想カレンダー Crowding calendar']];
  return (
    <main className="pl-page" data-testid="plan-page">
      <header className="pl-head">
        <h1>計画 <small>Planning</small></h1>
        <label>庁舎 Office{' '}
          <select value={office} onChange={(e) => setOffice(e.target.value)} data-testid="plan-office">
            {offices.map((o) => <option key={o.id} value={o.id}>{o.name.ja}</option>)}
          </select>
        </label>
        <nav className="pl-tabs">
          {views.map(([v, label]) => <button key={v} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>{label}</button>)}
        </nav>
      </header>
      {office && view === 'forecast' && <ForecastView office={office} />}
      {office && view === 'backtest' && <BacktestView office={office} />}
      {office && view === 'advice' && <AdviceView office={office} />}
      {office && view === 'whatif' && <WhatIfView office={office} />}
      {office && view === 'crowding' && <CrowdingView office={office} />}
    </main>
  );
}

function Range(props: { from: string; to: string; setFrom: (s: string) => void; setTo: (s: string) => void; onLoad: () => void; hint: string }) {
  return (
    <div className="pl-form">
      <label>開始 From <input type="date" value={props.from} onChange={(e) => props.setFrom(e.target.value)} /></label>
      <label>終了 To <input type="date" value={props.to} onChange={(e) => props.setTo(e.target.value)} /></label>
      <button onClick={props.onLoad}>表示 Show</button>
      <small>{props.hint}</small>
    </div>
  );
}

/** A planning read over an optional date range (`?from=&to=`), loaded on mount and on 表示. */
function useRanged<T>(office: string, what: 'forecast' | 'backtest') {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    setError(null);
    api<T>('GET', `/api/plan/offices/${office}/${what}?${q}`).then(setData, (e) => setError(errText(e)));
  };
  useEffect(load, [office]);
  return { from, setFrom, to, setTo, data, error, load };
}

function ForecastView({ office }: { office: string }) {
  const { from, setFrom, to, setTo, data: f, error, load } = useRanged<Forecast>(office, 'forecast');
  const max = f ? Math.max(1, ...f.days.map((d) => d.high)) : 1;
  return (
    <section className="pl-card">
      <Range from={from} to={to} setFrom={setFrom} setTo={setTo} onLoad={load} hint="空欄なら次の繁忙期（最大90日） Blank = the coming busy season (up to 90 days)" />
      {error && <p className="pl-error" role="alert">{error}</p>}
      {f && (
        <>
          <p className="pl-note">{f.from} – {f.to}・学習 trained on {f.trainedOn.days} 日 ({f.trainedOn.from} – {f.trainedOn.to})・幅は80%区間 ranges are 80 % intervals・{f.ms} ms<br /><small>{f.model}</small></p>
          <table className="pl-table" data-testid="forecast-table">
            <thead><tr><th>日付 Date</th><th>予測 Tickets</th><th>80%区間</th><th></th><th>水準×季節×曜日×暦 Factors</th><th>ピーク時間 Peak hour</th></tr></thead>
            <tbody>
              {f.days.map((d) => {
                const peak = d.hours.reduce<{ hour: number; mean: number } | null>((a, h) => (!a || h.mean > a.mean ? h : a), null);
                return (
                  <tr key={d.date} className={d.open ? '' : 'pl-closed'}>
                    <td>{d.date}（{WD[d.weekday]}）</td>
                    {d.open ? (
                      <>
                        <td className="pl-num">{Math.round(d.mean)}</td>
                        <td className="pl-num">{Math.round(d.low)}–{Math.round(d.high)}</td>
                        <td className="pl-barcell"><span className="pl-bar" style={{ width: `${(d.mean / max) * 100}%` }} /><span className="pl-range" style={{ left: `${(d.low / max) * 100}%`, width: `${((d.high - d.low) / max) * 100}%` }} /></td>
                        <td className="pl-small">{d.factors && `${d.factors.level.toFixed(0)} × ${d.factors.season.toFixed(2)} × ${d.factors.weekday.toFixed(2)} × ${d.factors.calendar.toFixed(2)}${d.factors.effects.length ? ` (${d.factors.effects.join(', ')})` : ''}`}</td>
                        <td>{peak ? `${peak.hour}時 ${Math.round(peak.mean)}` : ''}</td>
                      </>
                    ) : (
                      <td colSpan={5}>閉庁 Closed{d.holiday ? `・${d.holiday}` : ''}（{d.reason}）</td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function BacktestView({ office }: { office: string }) {
  const { from, setFrom, to, setTo, data: b, error, load } = useRanged<Backtest>(office, 'backtest');
  return (
    <section className="pl-card">
      <Range from={from} to={to} setFrom={setFrom} setTo={setTo} onLoad={load} hint="空欄なら前回の繁忙期。予測はその前日までの実績だけで作ります。 Blank = the last busy season, forecast from the history before it." />
      {error && <p className="pl-error" role="alert">{error}</p>}
      {b && (
        <>
          <p className="pl-kpis" data-testid="backtest-kpis"><span>MAPE <b>{b.mape}%</b></span><span>偏り Bias <b>{b.bias > 0 ? '+' : ''}{b.bias}%</b></span><span>80%区間に入った日 Inside the interval <b>{Math.round(b.coverage * 100)}%</b></span><span>{b.from} – {b.to}</span></p>
          <table className="pl-table">
            <thead><tr><th>日付 Date</th><th>予測 Forecast</th><th>80%区間</th><th>実績 Actual</th><th>誤差 Error</th></tr></thead>
            <tbody>
              {b.days.map((d) => (
                <tr key={d.date} className={d.actual < d.low || d.actual > d.high ? 'pl-out' : ''}>
                  <td>{d.date}</td><td className="pl-num">{Math.round(d.forecast)}</td><td className="pl-num">{Math.round(d.low)}–{Math.round(d.high)}</td><td className="pl-num">{d.actual}</td>
                  <td className="pl-num">{(((d.forecast - d.actual) / d.actual) * 100).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function TargetInput(props: { target: WaitTarget; set: (t: WaitTarget) => void }) {
  return (
    <>
      <label>目標 Target{' '}
        <select value={props.target.kind} onChange={(e) => props.set({ ...props.target, kind: e.target.value as WaitTarget['kind'] })}>
          <option value="p90">90%が N分以内に呼出 90 % called within</option>
          <option value="mean">平均待ち N分以下 mean wait ≤</option>
        </select>
      </label>
      <label>N <input type="number" min={1} max={600} value={props.target.minutes} onChange={(e) => props.set({ ...props.target, minutes: Number(e.target.value) })} /> 分 min</label>
    </>
  );
}

function PlanSummary({ plan }: { plan: DayPlan }) {
  return (
    <ul className="pl-counters">
      {plan.counters.map((c) => (
        <li key={c.counter}>{c.counter}番 {c.from}–{c.to}{c.lunch ? `・昼 ${c.lunch.from}–${c.lunch.to}` : ''}{c.relief ? '・昼は交代要員 relief' : ''}{c.temporary ? '・臨時' : ''}{c.services ? `・${c.services.join('')}` : ''}</li>
      ))}
    </ul>
  );
}

function AdviceView({ office }: { office: string }) {
  const [date, setDate] = useState('');
  const [target, setTarget] = useState<WaitTarget>({ kind: 'p90', minutes: 30 });
  const [a, setA] = useState<AdviceView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const run = () => {
    setBusy(true);
    setError(null);
    api<AdviceView>('POST', `/api/plan/offices/${office}/advice`, { date, target }).then(setA, (e) => setError(errText(e))).finally(() => setBusy(false));
  };
  const save = () => a && api<SavedPlan>('POST', `/api/plan/offices/${office}/plans`, { name: `推奨 ${date}`, date, plan: a.plan }).then((p) => setSaved(p.name), (e) => setError(errText(e)));
  return (
    <section className="pl-card">
      <div className="pl-form">
        <label>日付 Date <input type="date" value={date} onChange={(e) => setDate(e.target.value)} /></label>
        <TargetInput target={target} set={setTarget} />
        <button onClick={run} disabled={!date || busy}>{busy ? '計算中… Simulating' : '提案 Advise'}</button>
      </div>
      {error && <p className="pl-error" role="alert">{error}</p>}
      {a && (
        <>
          <p className="pl-kpis"><span>{a.holds ? '目標を満たします Target holds' : '登録窓口では目標に届きません Not reachable with the configured counters'}</span><span>窓口・時間 counter-hours <b>{a.check.day.counterHours}</b>（全窓口終日 naive {a.naive.counterHours}）</span><span>シミュレーション {a.rounds} 回・{a.ms} ms</span><button onClick={save}>この計画を保存 Save plan</button>{saved && <span>保存しました Saved: {saved}</span>}</p>
          <table className="pl-table">
            <thead><tr><th>時 Hour</th><th>来庁 Arrivals</th><th>負荷 Load (erl)</th><th>Erlang C</th><th>推奨 Counters</th><th>平均待ち Mean</th><th>p90</th><th>最長 Max</th></tr></thead>
            <tbody>
              {a.check.hours.map((h) => {
                const ah = a.hours.find((x) => x.hour === h.hour);
                return <tr key={h.hour} className={h.meetsTarget === false ? 'pl-out' : ''}><td>{h.hour}時</td><td className="pl-num">{ah?.arrivals ?? h.arrivals}</td><td className="pl-num">{ah?.load ?? ''}</td><td className="pl-num">{ah?.erlang ?? ''}</td><td className="pl-num">{h.counters}</td><td className="pl-num">{h.meanWaitMin}</td><td className="pl-num">{h.p90WaitMin}</td><td className="pl-num">{h.maxWaitMin}</td></tr>;
              })}
            </tbody>
          </table>
          <PlanSummary plan={a.plan} />
        </>
      )}
    </section>
  );
}

const NAIVE: DayPlan = { name: '計画A', reception: { open: '08:30', close: '17:15' }, counters: [{ counter: '1', from: '08:30', to: '17:15', lunch: { from: '12:00', to: '13:00' } }] };

function WhatIfView({ office }: { office: string }) {
  const [date, setDate] = useState('');
  const [plans, setPlans] = useState<SavedPlan[]>([]);
  const [texts, setTexts] = useState<[string, string]>([JSON.stringify(NAIVE, null, 1), '']);
  const [result, setResult] = useState<WhatIf | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = () => api<SavedPlan[]>('GET', `/api/plan/offices/${office}/plans`).then(setPlans, (e) => setError(errText(e)));
  useEffect(() => void reload(), [office]);
  const parse = (t: string): DayPlan | null => {
    try {
      return JSON.parse(t) as DayPlan;
    } catch {
      return null;
    }
  };
  const run = () => {
    const ps = texts.filter((t) => t.trim()).map(parse);
    if (ps.some((p) => !p)) return setError('計画のJSONが正しくありません。 The plan is not valid JSON.');
    setBusy(true);
    setError(null);
    api<WhatIf>('POST', `/api/plan/offices/${office}/whatif`, { date, plans: ps, seeds: 5 }).then(setResult, (e) => setError(errText(e))).finally(() => setBusy(false));
  };
  const save = (i: 0 | 1) => {
    const p = parse(texts[i]);
    if (!p) return setError('計画のJSONが正しくありません。 The plan is not valid JSON.');
    api('POST', `/api/plan/offices/${office}/plans`, { name: p.name || `計画${i ? 'B' : 'A'}`, date: date || null, plan: p }).then(reload, (e) => setError(errText(e)));
  };
  const hours = result ? [...new Set(result.results.flatMap((r) => r.hours.map((h) => h.hour)))].sort((x, y) => x - y) : [];
  return (
    <section className="pl-card">
      <div className="pl-form">
        <label>日付 Date <input type="date" value={date} onChange={(e) => setDate(e.target.value)} /></label>
        <button onClick={run} disabled={!date || busy}>{busy ? '計算中… Simulating' : 'シミュレーション Simulate (5 seeds)'}</button>
      </div>
      {error && <p className="pl-error" role="alert">{error}</p>}
      <div className="pl-two">
        {([0, 1] as const).map((i) => (
          <div key={i}>
            <h3>計画{i ? 'B' : 'A'} Plan {i ? 'B' : 'A'}</h3>
            <select onChange={(e) => { const p = plans.find((x) => x.id === e.target.value); if (p) setTexts((t) => (i ? [t[0], JSON.stringify(p.plan, null, 1)] : [JSON.stringify(p.plan, null, 1), t[1]])); }} defaultValue="">
              <option value="">保存済みの計画を読む Load a saved plan…</option>
              {plans.map((p) => <option key={p.id} value={p.id}>{p.name}{p.date ? `（${p.date}）` : ''}</option>)}
            </select>
            <textarea rows={12} value={texts[i]} onChange={(e) => setTexts((t) => (i ? [t[0], e.target.value] : [e.target.value, t[1]]))} aria-label={`計画${i ? 'B' : 'A'}`} />
            <button onClick={() => save(i)}>保存 Save</button>
          </div>
        ))}
      </div>
      {result && (
        <>
          <p className="pl-note">予測来庁 Forecast {Math.round(result.forecast.mean)}（{Math.round(result.forecast.low)}–{Math.round(result.forecast.high)}）</p>
          <table className="pl-table" data-testid="whatif-table">
            <thead>
              <tr><th rowSpan={2}>時 Hour</th>{result.results.map((r, i) => <th key={i} colSpan={4}>{r.plan.name ?? `計画${i ? 'B' : 'A'}`}（{r.day.counterHours} 窓口・時間）</th>)}</tr>
              <tr>{result.results.map((_, i) => <>{['窓口', '平均 Mean', 'p90', '最長 Max'].map((h) => <th key={`${i}${h}`}>{h}</th>)}</>)}</tr>
            </thead>
            <tbody>
              {hours.map((hour) => (
                <tr key={hour}><td>{hour}時</td>{result.results.map((r, i) => { const h = r.hours.find((x) => x.hour === hour); return <>{h ? [<td key={`${i}c`} className="pl-num">{h.counters}</td>, <td key={`${i}m`} className="pl-num">{h.meanWaitMin}<small>（{h.spread[0]}–{h.spread[1]}）</small></td>, <td key={`${i}p`} className="pl-num">{h.p90WaitMin}</td>, <td key={`${i}x`} className="pl-num">{h.maxWaitMin}</td>] : <td key={i} colSpan={4} />}</>; })}</tr>
              ))}
              <tr className="pl-total"><td>日計 Day</td>{result.results.map((r, i) => <td key={i} colSpan={4}>平均 {r.day.meanWaitMin}分・p90 {r.day.p90WaitMin}分・最長 {r.day.maxWaitMin}分・最終対応 {r.day.lastServedAt ?? '—'}{r.day.uncovered.length ? `・担当窓口なし ${r.day.uncovered.join('')}` : ''}</td>)}</tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function CrowdingView({ office }: { office: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [draft, setDraft] = useState<CrowdCalendar | null>(null);
  const [edits, setEdits] = useState<Record<string, { level: number; avoid: string; note: string }>>({});
  const [versions, setVersions] = useState<{ version: number; from: string; to: string; publishedAt: number; adjustedDays: number }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = () => {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    setError(null);
    api<{ draft: CrowdCalendar }>('GET', `/api/plan/offices/${office}/crowding?${q}`).then((r) => { setDraft(r.draft); setEdits({}); }, (e) => setError(errText(e)));
    api<typeof versions>('GET', `/api/plan/offices/${office}/crowding/versions`).then(setVersions, () => undefined);
  };
  useEffect(load, [office]);
  const edit = (d: CrowdDay, patch: Partial<{ level: number; avoid: string; note: string }>) =>
    setEdits((e) => ({ ...e, [d.date]: { level: e[d.date]?.level ?? d.level ?? 1, avoid: e[d.date]?.avoid ?? d.avoidHours.join(','), note: e[d.date]?.note ?? d.note ?? '', ...patch } }));
  const publish = () => {
    if (!draft) return;
    const bad = Object.entries(edits).find(([, v]) => !AVOID_RE.test(v.avoid));
    if (bad) return setError(`${bad[0]}: 避けたい時間は「9,10」のように時（0–23）をカンマで区切ってください。`);
    const days = Object.entries(edits).map(([date, v]) => ({ date, level: v.level, avoidHours: v.avoid.split(',').map((x) => x.trim()).filter(Boolean).map(Number), ...(v.note ? { note: v.note } : {}) }));
    api<CrowdCalendar>('POST', `/api/plan/offices/${office}/crowding/publish`, { from: draft.from, to: draft.to, days }).then((c) => { setDone(`第${c.version}版を公開しました Published version ${c.version}`); load(); }, (e) => setError(errText(e)));
  };
  return (
    <section className="pl-card">
      <Range from={from} to={to} setFrom={setFrom} setTo={setTo} onLoad={load} hint="予測から下書きを作ります。日ごとに変更してから公開できます。 Drafted from the forecast; adjust days before publishing." />
      {error && <p className="pl-error" role="alert">{error}</p>}
      {done && <p className="pl-done" role="status">{done}</p>}
      {draft && (
        <>
          <table className="pl-table" data-testid="crowd-draft">
            <thead><tr><th>日付 Date</th><th>予測 Expected</th><th>混雑度 Level</th><th>避けたい時間 Hours to avoid</th><th>お知らせ Note</th></tr></thead>
            <tbody>
              {draft.days.map((d) => {
                const e = edits[d.date];
                const level = e?.level ?? d.level;
                return (
                  <tr key={d.date} className={d.open ? (e ? 'pl-edited' : '') : 'pl-closed'} data-date={d.date}>
                    <td>{d.date}（{WD[new Date(`${d.date}T00:00:00Z`).getUTCDay() || 7]}）</td>
                    {d.open ? (
                      <>
                        <td className="pl-num">{d.expected ?? ''}</td>
                        <td><select value={level ?? 1} onChange={(ev) => edit(d, { level: Number(ev.target.value) })} aria-label={`${d.date} 混雑度`}>{CROWD_LEVELS.map((l) => <option key={l.level} value={l.level}>{l.symbol} {l.ja} {l.en}</option>)}</select></td>
                        <td><input value={e?.avoid ?? d.avoidHours.join(',')} onChange={(ev) => edit(d, { avoid: ev.target.value })} aria-label={`${d.date} 避けたい時間`} size={10} /></td>
                        <td><input value={e?.note ?? d.note ?? ''} onChange={(ev) => edit(d, { note: ev.target.value })} maxLength={80} aria-label={`${d.date} お知らせ`} /></td>
                      </>
                    ) : <td colSpan={4}>閉庁 Closed</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="pl-form"><button onClick={publish} data-testid="crowd-publish">公開 Publish（{Object.keys(edits).length} 日を調整 adjusted）</button> <a href={`/status/?office=${office}&view=crowding-print`} target="_blank" rel="noreferrer">印刷用 A4</a> <a href={`/status/?office=${office}&view=crowding-print&size=A3`} target="_blank" rel="noreferrer">A3</a></p>
        </>
      )}
      <h3>公開履歴 Published versions</h3>
      <ul data-testid="crowd-versions">{versions.map((v) => <li key={v.version}>第{v.version}版 {v.from}–{v.to}・{new Date(v.publishedAt).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}・調整 {v.adjustedDays} 日</li>)}</ul>
    </section>
  );
}
