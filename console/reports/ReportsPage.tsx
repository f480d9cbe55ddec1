import { useEffect, useState } from 'react';
import type { LocalizedText, StaffInfo } from '../../common/types.js';
import { api, ApiError } from '../../web/api.js';
import { MayorView } from './MayorView.js';
import { SeasonView } from './SeasonView.js';
import { SummaryView } from './SummaryView.js';
import { VisitsView } from './VisitsView.js';
import { monthStart, tokyoToday } from './format.js';
import type { SeasonReport, SummaryReport } from './types.js';
import './reports.css';

type View = 'summary' | 'season' | 'mayor';
interface OfficeOption {
  id: string;
  name: LocalizedText;
}

/** Reports section of the office console: figures for a period, and the busy season year on year. */
export function ReportsPage({ staff }: { staff: StaffInfo }) {
  const [view, setView] = useState<View>('summary');
  const [offices, setOffices] = useState<OfficeOption[]>([]);
  const [chosen, setChosen] = useState<string[]>(staff.officeId ? [staff.officeId] : []);
  const today = tokyoToday();
  const [from, setFrom] = useState(monthStart(today));
  const [to, setTo] = useState(today);
  const [summary, setSummary] = useState<SummaryReport | null>(null);
  const [season, setSeason] = useState<SeasonReport | null>(null);
  // Busy-season years are calendar years (a season straddles 年度); empty = every year with data.
  const [fromYear, setFromYear] = useState('');
  const [toYear, setToYear] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    void api<OfficeOption[]>('GET', '/api/public/offices').then((all) => {
      const mine = staff.officeId ? all.filter((o) => o.id === staff.officeId) : all;
      setOffices(mine);
      setChosen((c) => (c.length ? c : mine.map((o) => o.id)));
    }).catch(() => setError('庁舎の一覧を読み込めません。'));
  }, [staff.officeId]);

  const officeParam = `offices=${encodeURIComponent(chosen.join(','))}`;
  const rangeQuery = `${officeParam}&from=${from}&to=${to}`;
  const seasonQuery = `${officeParam}${fromYear ? `&fromYear=${fromYear}` : ''}${toYear ? `&toYear=${toYear}` : ''}`;

  async function load(which: View = view) {
    if (!chosen.length) return setError('庁舎を選んでください。 Choose an office.');
    setLoading(true);
    setError(null);
    try {
      if (which === 'summary') setSummary(await api<SummaryReport>('GET', `/api/reports/summary?${rangeQuery}`));
      else setSeason(await api<SeasonReport>('GET', `/api/reports/busy-season?${seasonQuery}`));
    } catch (e) {
      // Never leave figures of another period on screen under the new dates.
      setSummary(null);
      setSeason(null);
      setError(e instanceof ApiError ? e.message : '読み込みに失敗しました。');
    } finally {
      setLoading(false);
    }
  }

  // Load the chosen view once offices are known, and again when switching view.
  useEffect(() => {
    if (!chosen.length) return;
    if (view === 'summary' && !summary) void load('summary');
    if (view !== 'summary' && !season) void load('season');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, chosen.length]);

  const toggle = (id: string) => {
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
    setSummary(null);
    setSeason(null);
  };

  return (
    <main className="rp">
      <header className="rp-head rp-no-print">
        <h2>レポート Reports</h2>
        <div className="rp-tabs rp-views" role="tablist" aria-label="レポートの種類">
          <button role="tab" aria-selected={view === 'summary'} className={view === 'summary' ? 'rp-on' : ''} onClick={() => setView('summary')}>待ち時間の集計 Wait times</button>
          <button role="tab" aria-selected={view === 'season'} className={view === 'season' ? 'rp-on' : ''} onClick={() => setView('season')}>繁忙期比較 Busy season</button>
          <button role="tab" aria-selected={view === 'mayor'} className={view === 'mayor' ? 'rp-on' : ''} onClick={() => setView('mayor')}>繁忙期の要約（市長報告用） Summary</button>
        </div>
      </header>
      <form className="rp-filters rp-no-print" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <fieldset>
          <legend>庁舎 Office</legend>
          {offices.map((o) => (
            <label key={o.id}>
              <input type="checkbox" checked={chosen.includes(o.id)} onChange={() => toggle(o.id)} /> {o.name.ja}
            </label>
          ))}
        </fieldset>
        {view === 'summary' && (
          <>
            <label>開始日 From <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required /></label>
            <label>終了日 To <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required /></label>
          </>
        )}
        {view !== 'summary' && (
          <>
            <label>開始年（暦年） From year <input type="number" name="fromYear" min={2000} max={2100} placeholder="最初の年" value={fromYear} onChange={(e) => setFromYear(e.target.value)} /></label>
            <label>終了年（暦年） To year <input type="number" name="toYear" min={2000} max={2100} placeholder="最後の年" value={toYear} onChange={(e) => setToYear(e.target.value)} /></label>
            <small className="rp-hint">繁忙期は年度末から年度初めにまたがるため、暦年で指定します（2026年＝令和7年度末〜令和8年度初め）。空欄はデータのあるすべての年。</small>
          </>
        )}
        <button type="submit" disabled={loading}>{loading ? '集計中…' : '表示 Show'}</button>
      </form>
      {error && <p role="alert" className="rp-error">{error}</p>}
      {!error && !loading && (summary || season) && (
        <p className="rp-no-print rp-print-bar"><button type="button" onClick={() => window.print()}>印刷 Print（A4）</button></p>
      )}
      {view === 'summary' && summary && <SummaryView report={summary} query={rangeQuery} />}
      {view === 'summary' && summary && <VisitsView query={rangeQuery} />}
      {view === 'season' && season && <SeasonView report={season} query={seasonQuery} />}
      {view === 'mayor' && season && <MayorView report={season} />}
    </main>
  );
}
