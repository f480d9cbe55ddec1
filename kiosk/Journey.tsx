import { useState, type ReactElement, type ReactNode } from 'react';
import type { IssuedTicket, Lang, PublicService, PublicSnapshot } from '../common/types.js';
import { i18next, pick } from '../web/i18n.js';
import { Jx, renderJa } from '../web/catalog/Text.js';
import { plainText } from '../web/catalog/ruby.js';
import './journey.css';

/**
 * Journeys at the kiosk (issue 16): "several procedures on one ticket". The resident switches the
 * picker on, taps the procedures (only those the office lets combine), sees them in the office's
 * order (転入 before 国保 …) and takes one ticket. Texts: `journey.*` in the resident catalogue (six languages).
 */

type Key = 'toggle' | 'toggleOff' | 'help' | 'issue' | 'order' | 'journey' | 'next' | 'now';
/** A `journey.*` text of the resident catalogue (web/catalog/, kiosk app) in `lang`: ruby and phrase breaks for Japanese. */
export const jt = (k: Key, lang: Lang): ReactNode => {
  const s = String(i18next.t(`journey.${k}`, { lng: lang }));
  return lang === 'ja' || lang === 'ja-easy' ? renderJa(s) : s;
};
/** The same as plain text (attributes). */
const jtp = (k: Key, lang: Lang): string => plainText(String(i18next.t(`journey.${k}`, { lng: lang })));

const combinable = (s: PublicService) => s.journeyRank !== null && s.journeyRank !== undefined;

/** The office's default order: by rank, then id (the server orders kiosk journeys the same way). */
export function journeyOrder(services: PublicService[], ids: string[]): string[] {
  const rank = (id: string) => services.find((s) => s.id === id)?.journeyRank ?? 0;
  return [...ids].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface JourneyPicker {
  offered: boolean;
  active: boolean;
  selected: string[];
  /** Whether a service button is out of reach in picker mode. */
  disabled: (s: PublicService) => boolean;
  toggle: (s: PublicService) => void;
  reset: () => void;
  panel: (lang: Lang, busy: boolean, onIssue: (first: PublicService, plan: string[]) => void) => ReactElement | null;
}

export function useJourneyPicker(services: PublicService[]): JourneyPicker {
  const [active, setActive] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const offered = services.filter((s) => combinable(s) && s.refusal === null).length >= 2;
  const reset = () => {
    setActive(false);
    setSelected([]);
  };
  return {
    offered,
    active: active && offered,
    selected,
    disabled: (s) => active && offered && !combinable(s),
    toggle: (s) => setSelected((cur) => (cur.includes(s.id) ? cur.filter((x) => x !== s.id) : [...cur, s.id])),
    reset,
    panel: (lang, busy, onIssue) => {
      if (!offered) return null;
      if (!active || !offered) {
        return (
          <div className="k-journey">
            <button type="button" className="k-secondary k-journey-toggle" data-testid="journey-toggle" onClick={() => setActive(true)}>＋ {jt('toggle', lang)}</button>
          </div>
        );
      }
      const ordered = journeyOrder(services, selected);
      const first = services.find((s) => s.id === ordered[0]);
      return (
        <div className="k-journey is-on" data-testid="journey-panel">
          <p className="k-journey-help">{jt('help', lang)}</p>
          <ol className="k-journey-legs" aria-label={jtp('order', lang)} data-testid="journey-order">
            {ordered.map((id, i) => {
              const s = services.find((x) => x.id === id);
              return <li key={id}><b>{i + 1}</b> {s ? <>{s.prefix} <Jx text={pick(s.name, lang)} lang={lang} /></> : id}</li>;
            })}
          </ol>
          <button type="button" className="k-primary" data-testid="journey-issue" disabled={busy || !first || ordered.length < 1} onClick={() => first && onIssue(first, ordered.slice(1))}>{jt('issue', lang)}</button>
          <button type="button" className="k-link" onClick={reset}>{jt('toggleOff', lang)}</button>
        </div>
      );
    },
  };
}

/** The whole journey on the ticket screen: each leg with an estimate (the first: the ticket's own; later ones: the service's wait now). */
export function JourneyLegs(props: { ticket: IssuedTicket; snapshot: PublicSnapshot; lang: Lang; estimate: (e: PublicService['estimate']) => string }) {
  const { ticket, snapshot, lang } = props;
  if (!ticket.plan?.length) return null;
  const legs = [ticket.serviceId, ...ticket.plan];
  return (
    <div className="k-journey-ticket" data-testid="ticket-journey">
      <p className="k-journey-title">{jt('journey', lang)}</p>
      <ol>
        {legs.map((id, i) => {
          const s = snapshot.services.find((x) => x.id === id);
          return (
            <li key={id} data-service={id} className={i === 0 ? 'is-current' : undefined}>
              <b>{i + 1}</b> {s ? <>{s.prefix} <Jx text={pick(s.name, lang)} lang={lang} /></> : id}
              <small> {i === 0 ? jt('now', lang) : s ? <Jx text={props.estimate(s.estimate)} lang={lang} /> : ''}</small>
            </li>
          );
        })}
      </ol>
      <p className="k-small">{jt('next', lang)}</p>
    </div>
  );
}

/** The receipt's journey lines (Japanese: the receipt is printed in Japanese). */
export function JourneyReceipt(props: { ticket: IssuedTicket; snapshot: PublicSnapshot }) {
  const { ticket, snapshot } = props;
  if (!ticket.plan?.length) return null;
  const legs = [ticket.serviceId, ...ticket.plan];
  return (
    <>
      <p className="r-line">本日の手続き（この番号札で順に）</p>
      {legs.map((id, i) => <p key={id} className="r-line">{i + 1}. {pick(snapshot.services.find((s) => s.id === id)?.name ?? { ja: id }, 'ja')}</p>)}
    </>
  );
}
