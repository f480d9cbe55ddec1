import { useEffect, useState } from 'react';
import { api, ApiError } from '../web/api.js';
import { CROWD_LEVELS, type CrowdCalendar as Cal, type CrowdDay } from '../common/plan.js';
import { pick } from '../web/i18n.js';
import type { LocalizedText } from '../common/types.js';
import './crowd.css';

/**
 * 混雑予想カレンダー on the public status page and its printable A4/A3 page
 * (`/status/?office=<id>&view=crowding-print[&size=A3]`): the office's newest published calendar,
 * each open day with its level as a symbol, a word and a colour (never colour alone) and the hours
 * best avoided. Nothing is shown while no calendar is published.
 */

import type { Lang as ResidentLang } from '../common/types.js';

/** The calendar's own texts are in Japanese and English; the other resident languages read the English (the catalogue does not carry them yet). */
type Lang = 'ja' | 'en';
const own = (l: ResidentLang): Lang => (l === 'ja' || l === 'ja-easy' ? 'ja' : 'en');
const WD_JA = ['月', '火', '水', '木', '金', '土', '日'];
const WD_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const T = {
  title: { ja: '混雑予想カレンダー', en: 'Crowding forecast' },
  intro: { ja: '来庁の前にご確認ください。混雑する日・時間帯を避けると待ち時間が短くなります。', en: 'Check before you come: avoiding the busy days and hours shortens your wait.' },
  avoid: { ja: '避けたい時間', en: 'Hours to avoid' },
  closed: { ja: '閉庁', en: 'Closed' },
  print: { ja: '印刷用（A4）', en: 'Print (A4)' },
  version: { ja: '第{v}版・{d}公開', en: 'Version {v}, published {d}' },
  legend: { ja: '凡例', en: 'Legend' },
  adjusted: { ja: '※は職員が調整した日', en: '* adjusted by staff' },
};
const tr = (k: keyof typeof T, lang: Lang, vars: Record<string, string | number> = {}) => T[k][lang].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''));

function weekdayIndex(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 6 : d - 1;
}
const md = (date: string) => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
const hoursText = (hs: number[], lang: Lang) =>
  hs.map((h, i) => (
    <span key={h} className="cc-hour">{lang === 'ja' ? `${h}〜${h + 1}時` : `${h}:00–${h + 1}:00`}{i < hs.length - 1 ? (lang === 'ja' ? '、' : ', ') : ''}</span>
  ));

export function useCrowdCalendar(officeId: string): Cal | null {
  const [cal, setCal] = useState<Cal | null>(null);
  useEffect(() => {
    api<Cal>('GET', `/api/public/offices/${encodeURIComponent(officeId)}/crowding`)
      .then(setCal)
      .catch((e: ApiError) => void e); // CROWDING_NOT_PUBLISHED: nothing to show
  }, [officeId]);
  return cal;
}

function Level(props: { day: CrowdDay; lang: Lang }) {
  if (!props.day.open || !props.day.level) return <span className="cc-level cc-closed">{tr('closed', props.lang)}</span>;
  const l = CROWD_LEVELS[props.day.level - 1]!;
  return (
    <span className={`cc-level cc-l${l.level}`} style={{ borderColor: l.color }}>
      <span className="cc-sym" style={{ color: l.color }} aria-hidden="true">{l.symbol}</span>
      <span className="cc-word">{props.lang === 'ja' ? l.ja : l.en}</span>
    </span>
  );
}

function Legend(props: { lang: Lang }) {
  return (
    <ul className="cc-legend" aria-label={tr('legend', props.lang)}>
      {CROWD_LEVELS.map((l) => (
        <li key={l.level}><span className="cc-sym" style={{ color: l.color }} aria-hidden="true">{l.symbol}</span> {props.lang === 'ja' ? l.ja : l.en}</li>
      ))}
    </ul>
  );
}

/** The section on the status page (phone first). */
export function CrowdSection(props: { officeId: string; lang: ResidentLang }) {
  const lang = own(props.lang);
  const cal = useCrowdCalendar(props.officeId);
  if (!cal) return null;
  const wd = lang === 'ja' ? WD_JA : WD_EN;
  return (
    <section className="s-card cc" aria-labelledby="crowd-h" data-testid="crowd-calendar">
      <h2 id="crowd-h">{tr('title', lang)} <span className="s-muted s-small">{md(cal.from)}–{md(cal.to)}</span></h2>
      <p className="s-muted s-small">{tr('intro', lang)}</p>
      <Legend lang={lang} />
      <ol className="cc-days">
        {cal.days.filter((d) => d.open).map((d) => (
          <li key={d.date} data-date={d.date} data-level={d.level ?? ''}>
            <span className="cc-date">{md(d.date)}（{wd[weekdayIndex(d.date)]}）{d.adjusted ? '※' : ''}</span>
            <Level day={d} lang={lang} />
            {d.avoidHours.length > 0 && <span className="cc-avoid">{tr('avoid', lang)}: {hoursText(d.avoidHours, lang)}</span>}
            {d.note && <span className="cc-note">{d.note}</span>}
          </li>
        ))}
      </ol>
      <p className="s-muted s-small">{tr('version', lang, { v: cal.version ?? '', d: cal.publishedAt ? new Date(cal.publishedAt).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' }) : '' })}</p>
      <p><a href={`/status/?office=${encodeURIComponent(props.officeId)}&view=crowding-print&lang=${lang}`} data-testid="crowd-print-link">{tr('print', lang)}</a></p>
    </section>
  );
}

/** The printable page: weeks as rows, Monday–Friday columns (Saturday/Sunday only when a day is open). */
export function CrowdPrint(props: { officeId: string; officeName?: LocalizedText; lang: ResidentLang | (() => ResidentLang); size: 'A4' | 'A3' }) {
  const lang = own(typeof props.lang === 'function' ? props.lang() : props.lang);
  const cal = useCrowdCalendar(props.officeId);
  const [name, setName] = useState<string>('');
  useEffect(() => {
    api<{ id: string; name: LocalizedText }[]>('GET', '/api/public/offices')
      .then((list) => setName(pick(list.find((o) => o.id === props.officeId)?.name ?? { ja: '' }, lang)))
      .catch(() => undefined);
  }, [props.officeId]);
  useEffect(() => {
    document.documentElement.dataset.print = props.size;
    const style = document.createElement('style');
    style.textContent = `@page { size: ${props.size} portrait; margin: 10mm; }`;
    document.head.appendChild(style);
    return () => style.remove();
  }, [props.size]);
  if (!cal) return <main className="cc-print"><p>…</p></main>;
  const wd = lang === 'ja' ? WD_JA : WD_EN;
  const weekend = cal.days.some((d) => d.open && weekdayIndex(d.date) >= 5);
  const cols = weekend ? 7 : 5;
  const weeks: (CrowdDay | null)[][] = [];
  for (const d of cal.days) {
    const i = weekdayIndex(d.date);
    if (i >= cols) continue;
    if (!weeks.length || i === 0 || weeks.at(-1)![i] !== null) weeks.push(new Array<CrowdDay | null>(cols).fill(null));
    weeks.at(-1)![i] = d;
  }
  return (
    <main className="cc-print" data-testid="crowd-print">
      <header>
        <h1>{name} {tr('title', lang)}</h1>
        <p>{cal.from.replaceAll('-', '/')} – {cal.to.replaceAll('-', '/')}　{tr('intro', lang)}</p>
        <Legend lang={lang} />
      </header>
      <table className="cc-grid">
        <thead><tr>{wd.slice(0, cols).map((w) => <th key={w}>{w}</th>)}</tr></thead>
        <tbody>
          {weeks.map((w, i) => (
            <tr key={i}>
              {w.map((d, j) => (
                <td key={j} className={d ? (d.open && d.level ? `cc-l${d.level}` : 'cc-off') : 'cc-none'}>
                  {d && (
                    <>
                      <div className="cc-date">{md(d.date)}{d.adjusted ? '※' : ''}</div>
                      <Level day={d} lang={lang} />
                      {d.avoidHours.length > 0 && <div className="cc-avoid">{tr('avoid', lang)}<br />{hoursText(d.avoidHours, lang)}</div>}
                      {d.note && <div className="cc-note">{d.note}</div>}
                    </>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <footer>
        <span>{tr('version', lang, { v: cal.version ?? '', d: cal.publishedAt ? new Date(cal.publishedAt).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' }) : '' })}</span>
        {cal.days.some((d) => d.adjusted) && <span>{tr('adjusted', lang)}</span>}
      </footer>
    </main>
  );
}
