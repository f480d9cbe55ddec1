import { useEffect, useState } from 'react';
import { api, ApiError } from '../web/api.js';
import { CROWD_LEVELS, type CrowdCalendar as Cal, type CrowdDay } from '../common/plan.js';
import { pick } from '../web/i18n.js';
import type { Lang as ResidentLang, LocalizedText } from '../common/types.js';
import { useRt } from '../web/catalog/Text.js';
import './crowd.css';

/**
 * 混雑予想カレンダー on the public status page and its printable A4/A3 page
 * (`/status/?office=<id>&view=crowding-print[&size=A3]`): the office's newest published calendar,
 * each open day with its level as a symbol, a word and a colour (never colour alone) and the hours
 * best avoided. Nothing is shown while no calendar is published.
 */

/** The calendar's texts are in the resident catalogue (web/catalog/, status app, `crowd.*`), all six languages. */
type Rt = ReturnType<typeof useRt>;
const levelKey = (level: number) => `crowd.level${level}`;
const weekdays = (x: Rt) => x.tp('crowd.weekdays').split(',');

function weekdayIndex(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 6 : d - 1;
}
/** 「3/30（月）」 in Japanese and Chinese, "3/30 (T2)" in the others. */
const wdParen = (w: string, x: Rt) => (['ja', 'ja-easy', 'zh'].includes(x.lang) ? `（${w}）` : ` (${w})`);
const md = (date: string) => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
const hoursText = (hs: number[], x: Rt) =>
  hs.map((h, i) => (
    <span key={h} className="cc-hour">{x.rt('crowd.hour', { from: h, to: h + 1 })}{i < hs.length - 1 ? x.tp('crowd.sep') : ''}</span>
  ));
const versionText = (cal: Cal, x: Rt) =>
  x.rt('crowd.version', { v: cal.version ?? '', d: cal.publishedAt ? new Date(cal.publishedAt).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' }) : '' });

export function useCrowdCalendar(officeId: string): Cal | null {
  const [cal, setCal] = useState<Cal | null>(null);
  useEffect(() => {
    api<Cal>('GET', `/api/public/offices/${encodeURIComponent(officeId)}/crowding`)
      .then(setCal)
      .catch((e: ApiError) => void e); // CROWDING_NOT_PUBLISHED: nothing to show
  }, [officeId]);
  return cal;
}

function Level(props: { day: CrowdDay; x: Rt }) {
  if (!props.day.open || !props.day.level) return <span className="cc-level cc-closed">{props.x.rt('crowd.closed')}</span>;
  const l = CROWD_LEVELS[props.day.level - 1]!;
  return (
    <span className={`cc-level cc-l${l.level}`} style={{ borderColor: l.color }}>
      <span className="cc-sym" style={{ color: l.color }} aria-hidden="true">{l.symbol}</span>
      <span className="cc-word">{props.x.rt(levelKey(l.level))}</span>
    </span>
  );
}

function Legend(props: { x: Rt }) {
  return (
    <ul className="cc-legend" aria-label={props.x.tp('crowd.legend')}>
      {CROWD_LEVELS.map((l) => (
        <li key={l.level}><span className="cc-sym" style={{ color: l.color }} aria-hidden="true">{l.symbol}</span> {props.x.rt(levelKey(l.level))}</li>
      ))}
    </ul>
  );
}

/** The section on the status page (phone first). */
export function CrowdSection(props: { officeId: string; lang: ResidentLang }) {
  const x = useRt();
  const cal = useCrowdCalendar(props.officeId);
  if (!cal) return null;
  const wd = weekdays(x);
  return (
    <section className="s-card cc" aria-labelledby="crowd-h" data-testid="crowd-calendar">
      <h2 id="crowd-h">{x.rt('crowd.title')} <span className="s-muted s-small">{md(cal.from)}–{md(cal.to)}</span></h2>
      <p className="s-muted s-small">{x.rt('crowd.intro')}</p>
      <Legend x={x} />
      <ol className="cc-days">
        {cal.days.filter((d) => d.open).map((d) => (
          <li key={d.date} data-date={d.date} data-level={d.level ?? ''}>
            <span className="cc-date">{md(d.date)}{wdParen(wd[weekdayIndex(d.date)]!, x)}{d.adjusted ? '※' : ''}</span>
            <Level day={d} x={x} />
            {d.avoidHours.length > 0 && <span className="cc-avoid">{x.rt('crowd.avoid')}: {hoursText(d.avoidHours, x)}</span>}
            {d.note && <span className="cc-note">{d.note}</span>}
          </li>
        ))}
      </ol>
      <p className="s-muted s-small">{versionText(cal, x)}</p>
      <p><a href={`/status/?office=${encodeURIComponent(props.officeId)}&view=crowding-print&lang=${props.lang}`} data-testid="crowd-print-link">{x.rt('crowd.print')}</a></p>
    </section>
  );
}

/** The printable page: weeks as rows, Monday–Friday columns (Saturday/Sunday only when a day is open). */
export function CrowdPrint(props: { officeId: string; officeName?: LocalizedText; lang: ResidentLang | (() => ResidentLang); size: 'A4' | 'A3' }) {
  const lang = typeof props.lang === 'function' ? props.lang() : props.lang;
  const x = useRt();
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
  const wd = weekdays(x);
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
        <h1>{name} {x.rt('crowd.title')}</h1>
        <p>{cal.from.replaceAll('-', '/')} – {cal.to.replaceAll('-', '/')}　{x.rt('crowd.intro')}</p>
        <Legend x={x} />
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
                      <Level day={d} x={x} />
                      {d.avoidHours.length > 0 && <div className="cc-avoid">{x.rt('crowd.avoid')}<br />{hoursText(d.avoidHours, x)}</div>}
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
        <span>{versionText(cal, x)}</span>
        {cal.days.some((d) => d.adjusted) && <span>{x.rt('crowd.adjusted')}</span>}
      </footer>
    </main>
  );
}
