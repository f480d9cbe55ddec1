import { useEffect, useState } from 'react';
import type { LocalizedText, StaffInfo } from '../../common/types.js';
import { api, ApiError } from '../../web/api.js';
import { SeasonView } from './SeasonView.js';
import { SummaryView } from './SummaryView.js';
import { VisitsView } from './VisitsView.js';
import { monthStart, tokyoToday } from './format.js';
import type { SeasonReport, SummaryReport } from './types.js';
import './reports.css';

type View = 'summary' | 'season';
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

  async function load(which: View = view) {
    if (!chosen.length) return setError('庁舎を選んでください。 Choose an office.');
    setLoading(true);
    setError(null);
    try {
      if (which === 'summary') setSummary(await api<SummaryReport>('GET', `/api/reports/summary?${rangeQuery}`));
      else setSeason(await api<SeasonReport>('GET', `/api/reports/busy-season?${officeParam}`));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '読み込みに失敗しました。');
    } finally {
      setLoading(false);
    }
  }

  // Load the chosen view once offices are known, and again when switching view.
  useEffect(() => {
    if (!chosen.length) return;
    if (view === 'summary' && !summary) void load('summary');
    if (view === 'season' && !season) void load('season');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, chosen.length]);

  const toggle = (id: string) => {
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
    setSummary(null);
    setSeason(null);
  };

  return (
    <main className="rp">
      <header className="rp-head">
        <h2>レポート Reports</h2>
        <div className="rp-tabs rp-views" role="tablist" aria-label="レポートの種類">
          <button role="tab" aria-selected={view === 'summary'} className={view === 'summary' ? 'rp-on' : ''} onClick={() => setView('summary')}>待ち時間の集計 Wait times</button>
          <button role="tab" aria-selected={view === 'season'} className={view === 'season' ? 'rp-on' : ''} onClick={() => setView('season')}>繁忙期比較 Busy season</button>
        </div>
      </header>
      <form className="rp-filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
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
        <button type="submit" disabled={loading}>{loading ? '集計中…' : '表示 Show'}</button>
      </form>
      {error && <p role="alert" className="rp-error">{error}</p>}
      {view === 'summary' && summary && <SummaryView report={summary} query={rangeQuery} />}
      {view === 'summary' && summary && <VisitsView query={rangeQuery} />}
      {view === 'season' && season && <SeasonView report={season} query={officeParam} />}
    </main>
  );
}
