import { StrictMode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import { JourneyLegs, JourneyReceipt, useJourneyPicker } from './Journey.js';
import '../web/base.css';
import './kiosk.css';
import './access.css';
import '../web/catalog/catalog.css';
import { api, ApiError, deviceToken, newCommandId } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import { i18next, initI18n, pick } from '../web/i18n.js';
import { LANGS, type CommandResult, type IssuedTicket, type Lang, type PublicService, type PublicSnapshot, type Whoami } from '../common/index.js';
import { estimateText } from '../web/estimate.js';
import { KIOSK_CATALOGUE, LANG_LABELS } from './i18n.js';
import { Jx, useRt } from '../web/catalog/Text.js';
import { plainText } from '../web/catalog/ruby.js';
import { CalendarNotice } from '../web/calendar-notice.js';
import { AccessBar, resetAccess, say } from './access.js';
import { TicketText } from './ticket-extras.js';
import { RASTER_LANGS, renderRaster, residentLines } from './receipt-raster.js';

/**
 * 発券機. Touch-first; every control is a real <button> (keyboard: Tab / Enter), no hover-only
 * states. Honest: a service that cannot issue says why and issues nothing; without the server
 * nothing is issued and the screen says so; a double touch issues one ticket.
 *
 * URL parameters: `?device=<token>` pairs the kiosk once; `?return=<seconds>` sets how long the
 * ticket screen stays (default 20); `?print=browser` prints each ticket with the browser's print
 * (run Chromium with --kiosk-printing); a kiosk with a network printer configured on the server
 * prints there instead.
 */

initI18n(KIOSK_CATALOGUE, 'ja');

const PRIORITY_REASONS = ['pregnant', 'disability', 'elderly', 'child'] as const;
type PriorityReason = (typeof PRIORITY_REASONS)[number];
const DEFAULT_RETURN_S = 20;
/** A touch whose answer was lost is retried with the same command id (the server replays it). */
const RETRY_DELAYS_MS = [400, 1200];
/** A new touch on the same service soon after a lost answer counts as a retry of that touch. */
const PENDING_REUSE_MS = 120_000;
/** The start screen returns to Japanese without priority after this long untouched. */
const IDLE_RESET_MS = 60_000;

const params = new URLSearchParams(location.search);
const RETURN_S = Math.min(600, Math.max(5, Number(params.get('return')) || DEFAULT_RETURN_S));
const BROWSER_PRINT = params.get('print') === 'browser';


/**
 * Service buttons fit the screen: never below the fold without a visible way there. The grid's
 * columns follow the width (a column is at least SERVICE_MIN_W_REM wide, at most three), its rows
 * the height left under the header (a button is at least SERVICE_MIN_H_REM tall: large targets for
 * elderly residents). When more services exist than fit, they are paged with large 前へ / 次へ
 * buttons and "1 / 2" — never a hidden scroll.
 */
const SERVICE_MIN_W_REM = 20;
const SERVICE_MIN_H_REM = 5.4;
const SERVICE_GAP_REM = 0.8;
/** Height the pager row takes (its buttons are 4 rem tall, with their shadow) plus the gap above it. */
const PAGER_H_REM = 5;

interface ServiceLayout {
  cols: number;
  perPage: number;
  pages: number;
}

/** Pure: how many services fit a w × h px area at `rem` px per rem. */
function serviceLayout(n: number, w: number, h: number, rem: number, shrink = 0): ServiceLayout {
  const gap = SERVICE_GAP_REM * rem;
  const cols = Math.max(1, Math.min(3, Math.floor((w + gap) / (SERVICE_MIN_W_REM * rem + gap))));
  const rowsFit = (height: number) => Math.max(1, Math.floor((height + gap) / (SERVICE_MIN_H_REM * rem + gap)) - shrink);
  if (n <= rowsFit(h) * cols) return { cols, perPage: Math.max(n, 1), pages: 1 };
  const perPage = rowsFit(h - PAGER_H_REM * rem) * cols;
  const pages = Math.ceil(n / perPage);
  // Spread the services evenly over the pages (12 on 2 pages: 6 + 6, not 10 + 2), whole rows each.
  const even = Math.ceil(Math.ceil(n / pages) / cols) * cols;
  return { cols, perPage: Math.min(perPage, even), pages };
}

/** Typography steps tried before fewer rows per page: 1 = smaller names, 2 = descriptions hidden, 3 = smaller still. */
const FIT_TYPE_STEPS = 3;

/**
 * Measures the area left for the services and lays them out; then, before paint, checks the
 * rendered buttons: if a long name (another language) does not fit its button, the type is made
 * smaller, then descriptions are hidden, then one row less per page is tried, until everything
 * fits or one row is left. `resetKey` (language, banners) starts over from the estimate.
 */
function useServiceLayout(n: number, resetKey: string): { ref: (el: HTMLDivElement | null) => void; layout: ServiceLayout; rows: number; fit: number } {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [box, setBox] = useState<{ w: number; h: number; rem: number } | null>(null);
  const [fitState, setFit] = useState<{ key: string; level: number }>({ key: '', level: 0 });
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      setBox((prev) => (prev && prev.w === el.clientWidth && prev.h === el.clientHeight && prev.rem === rem ? prev : { w: el.clientWidth, h: el.clientHeight, rem }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  // The fit level belongs to one situation (count, area, language…): a new one starts from 0.
  const fitKey = `${n}|${box?.w}|${box?.h}|${box?.rem}|${resetKey}`;
  const fit = fitState.key === fitKey ? fitState.level : 0;
  // A text block that changes size without a render (fonts arriving late) asks for a new check.
  const [, setTick] = useState(0);
  const watch = useRef<{ ro: ResizeObserver; seen: WeakSet<Element> } | null>(null);
  useEffect(() => {
    const ro = new ResizeObserver(() => setTick((x) => x + 1));
    watch.current = { ro, seen: new WeakSet() };
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const w = watch.current;
    if (!el || !w) return;
    for (const text of el.querySelectorAll('.k-svc-text')) {
      if (w.seen.has(text)) continue;
      w.seen.add(text);
      w.ro.observe(text);
    }
  });
  const layout = box ? serviceLayout(n, box.w, box.h, box.rem, Math.max(0, fit - FIT_TYPE_STEPS)) : { cols: 1, perPage: Math.max(n, 1), pages: 1 };
  const rows = Math.ceil(Math.min(layout.perPage, Math.max(n, 1)) / layout.cols);
  useLayoutEffect(() => {
    if (!el || (fit >= FIT_TYPE_STEPS && rows <= 1)) return;
    const area = el.firstElementChild as HTMLElement | null;
    const spill = area ? area.scrollHeight > area.clientHeight + 1 : false;
    // Content centred in a button overflows at the top as much as at the bottom (which scrollHeight
    // does not see): compare the text block with the button's content box.
    const overflowing = spill || [...el.querySelectorAll<HTMLElement>('button[data-service]')].some((b) => {
      const text = b.querySelector<HTMLElement>('.k-svc-text');
      const cs = getComputedStyle(b);
      const room = b.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
      return b.scrollWidth > b.clientWidth + 1 || (text !== null && text.offsetHeight > room + 1);
    });
    if (overflowing) setFit({ key: fitKey, level: fit + 1 });
  });
  return { ref: setEl, layout, rows, fit: Math.min(fit, FIT_TYPE_STEPS) };
}

interface PendingTouch {
  key: string;
  commandId: string;
  at: number;
}

type Problem = { kind: 'offline' } | { kind: 'refused'; code: string; message: string };

function Kiosk() {
  const { t } = useTranslation();
  const { rt, tp } = useRt();
  const [token] = useState(() => deviceToken());
  const [officeId, setOfficeId] = useState<string | null>(null);
  const [pairError, setPairError] = useState<'notPaired' | 'offline' | null>(null);
  const [lang, setLang] = useState<Lang>('ja');
  const [priority, setPriority] = useState<PriorityReason | null>(null);
  const [ticket, setTicket] = useState<IssuedTicket | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [serverPrinter, setServerPrinter] = useState(false);
  const [page, setPage] = useState(0);
  const lock = useRef(false);
  const pending = useRef<PendingTouch | null>(null);

  // Which office this kiosk belongs to; retried until the server answers.
  useEffect(() => {
    if (!token) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      api<Whoami>('GET', '/api/device/me', undefined, { device: token })
        .then((w) => {
          if (stop) return;
          if (w.kind === 'device') {
            setOfficeId(w.device.officeId);
            setPairError(null);
          } else setPairError('notPaired');
        })
        .catch((e: ApiError) => {
          if (stop) return;
          setPairError(e.code === 'UNAUTHENTICATED' ? 'notPaired' : 'offline');
          if (e.code !== 'UNAUTHENTICATED') timer = setTimeout(load, 3000);
        });
      api<{ configured: boolean }>('GET', '/api/print/printer', undefined, { device: token })
        .then((p) => !stop && setServerPrinter(p.configured))
        .catch(() => undefined);
    };
    load();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [token]);

  const chooseLang = (l: Lang) => {
    setLang(l);
    void i18next.changeLanguage(l);
  };

  const reset = useCallback(() => {
    setTicket(null);
    setPriority(null);
    setProblem(null);
    setPage(0);
    chooseLang('ja');
    resetAccess();
  }, []);

  // A resident who changed the language or chose priority and walked away: back to Japanese.
  useEffect(() => {
    if (ticket || (lang === 'ja' && priority === null)) return;
    let timer = setTimeout(() => reset(), IDLE_RESET_MS);
    const poke = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reset(), IDLE_RESET_MS);
    };
    window.addEventListener('pointerdown', poke);
    window.addEventListener('keydown', poke);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', poke);
      window.removeEventListener('keydown', poke);
    };
  }, [ticket, lang, priority]);

  const live = useLiveOffice<PublicSnapshot>(officeId, { deviceToken: token });
  const snap = live.snapshot;
  // Shown services only; a paused (inactive) one stays on screen and says so through its refusal.
  const services = snap?.services.filter((s) => s.kioskVisible) ?? [];
  const grid = useServiceLayout(services.length, `${lang}|${priority ?? ''}|${problem ? 1 : 0}|${live.connected ? 1 : 0}`);
  const pages = grid.layout.pages;
  const shownPage = Math.min(page, pages - 1);
  const pageServices = services.slice(shownPage * grid.layout.perPage, (shownPage + 1) * grid.layout.perPage);
  const journey = useJourneyPicker(services); // several procedures on one ticket (issue 16)

  const issue = async (service: PublicService, plan: string[] = []) => {
    if (lock.current || !officeId || !token) return; // a second touch while the first is in flight
    say(pick(service.name, lang), lang);
    lock.current = true;
    setBusy(true);
    setProblem(null);
    const withPriority = priority !== null && service.priorityAllowed;
    const key = `${service.id}|${withPriority ? priority : ''}|${plan.join(',')}`;
    const now = Date.now();
    const reuse = pending.current && pending.current.key === key && now - pending.current.at < PENDING_REUSE_MS;
    const commandId = reuse ? pending.current!.commandId : newCommandId();
    pending.current = { key, commandId, at: now };
    const body = { commandId, serviceId: service.id, priority: withPriority, priorityReason: withPriority ? priority : null, lang, ...(plan.length ? { plan } : {}) };
    try {
      let result: CommandResult | null = null;
      for (let attempt = 0; ; attempt++) {
        try {
          result = await api<CommandResult>('POST', `/api/offices/${officeId}/tickets`, body, { device: token });
          break;
        } catch (e) {
          const err = e as ApiError;
          if (err.code !== 'NETWORK' || attempt >= RETRY_DELAYS_MS.length) throw err;
          await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
        }
      }
      pending.current = null;
      setTicket(result.ticket as IssuedTicket);
      journey.reset();
    } catch (e) {
      const err = e as ApiError;
      if (err.code === 'NETWORK') setProblem({ kind: 'offline' });
      else {
        pending.current = null;
        setProblem({ kind: 'refused', code: err.code, message: err.message });
      }
    } finally {
      lock.current = false;
      setBusy(false);
    }
  };

  if (!token || pairError === 'notPaired') {
    return (
      <main className="kiosk kiosk-message" lang="ja">
        <p role="alert" className="big-alert">{plainText(KIOSK_CATALOGUE.ja.notPaired!)}<br />{KIOSK_CATALOGUE.en.notPaired}</p>
      </main>
    );
  }

  if (ticket && snap) {
    return <TicketScreen ticket={ticket} snapshot={snap} lang={lang} onDone={reset} serverPrinter={serverPrinter} token={token} />;
  }

  const offline = !live.connected || pairError === 'offline';
  const priorityOffered = Boolean(snap?.office.kioskPriority) && services.some((s) => s.priorityAllowed && s.refusal === null);

  return (
    <main className="kiosk k-start" aria-busy={busy} lang={lang === 'ja-easy' ? 'ja' : lang}>
      <header className="k-header">
        <div className="k-title-line"><h1>{rt('title')}</h1> <span className="k-office">{snap ? pick(snap.office.name, lang) : ''}</span></div>
        <nav className="k-langs" aria-label={tp('language')}>
          {LANGS.map((l) => (
            <button key={l} type="button" lang={l === 'ja-easy' ? 'ja' : l} className="k-lang" aria-pressed={lang === l} onClick={() => { chooseLang(l); say(LANG_LABELS[l], l); }}>
              {LANG_LABELS[l]}
            </button>
          ))}
        </nav>
      </header>
      {snap && <CalendarNotice today={snap.office.today} lang={lang} className="k-notice" />}

      {offline && (
        <p role="alert" className="k-banner k-banner-offline" data-testid="offline">
          {rt('offline')} <span className="k-small">{rt('reconnecting')}</span>
        </p>
      )}
      {problem?.kind === 'offline' && !offline && (
        <p role="alert" className="k-banner k-banner-offline" data-testid="issue-offline">{rt('offline')}</p>
      )}
      {problem?.kind === 'refused' && (
        <p role="alert" className="k-banner k-banner-refused" data-testid="issue-error">
          {rt('errorIssue')}：{i18next.exists(`refusal.${problem.code}`) ? rt(`refusal.${problem.code}`) : problem.message}
        </p>
      )}

      {snap && !snap.office.acceptingNow && snap.office.hours && snap.office.today?.open !== false && (
        <p role="status" className="k-banner k-banner-refused" data-testid="closed-now">
          {rt('closedNow', { open: (snap.office.today?.hours ?? snap.office.hours).open, close: (snap.office.today?.hours ?? snap.office.hours).close })}
        </p>
      )}

      {priorityOffered && (
        <section className="k-priority" aria-labelledby="k-priority-title">
          <h2 id="k-priority-title">{rt('priorityTitle')} <span className="k-small">{rt('priorityHelp')}</span></h2>
          <div className="k-priority-buttons">
            {PRIORITY_REASONS.map((r) => (
              <button key={r} type="button" className="k-priority-btn" aria-pressed={priority === r} onClick={() => { setPriority(priority === r ? null : r); if (priority !== r) say(tp(`priority.${r}`), lang); }}>
                {rt(`priority.${r}`)}
              </button>
            ))}
          </div>
          {priority && (
            <p className="k-priority-on" data-testid="priority-on">
              {rt('priorityOn', { reason: t(`priority.${priority}`) })}
              <button type="button" className="k-link" onClick={() => setPriority(null)}>{rt('priorityCancel')}</button>
            </p>
          )}
        </section>
      )}

      {journey.panel(lang, busy || offline, (first, plan) => void issue(first, plan))}
      <div className="k-choose-row">
      <h2 className="k-choose">{rt('choose')}{pages > 1 && <span className="k-page-of" data-testid="page-of"> {t('pageOf', { page: shownPage + 1, pages })}</span>}</h2>
      <AccessBar lang={lang} />
      </div>
      <div className="k-services-wrap" ref={grid.ref}>
      <div className="k-services-area">
      <ul className={`k-services k-fit-${grid.fit}${services.length > 8 ? ' k-many' : ''}`} data-testid="services" style={{ gridTemplateColumns: `repeat(${grid.layout.cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${grid.rows}, minmax(0, 12rem))` }}>
        {pageServices.map((s) => {
          const refused = s.refusal !== null;
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`k-service${refused ? ' is-refused' : ''}`}
                data-service={s.id}
                disabled={refused || busy || offline || journey.disabled(s)}
                aria-describedby={`svc-${s.id}-state`}
                aria-pressed={journey.active ? journey.selected.includes(s.id) : undefined}
                onClick={() => (journey.active ? journey.toggle(s) : void issue(s))}
              >
                <span className="k-prefix" aria-hidden="true">{s.prefix}</span>
                <span className="k-svc-text">
                  <span className="k-svc-name" lang={nameLang(s.name, lang)}><Jx text={pick(s.name, lang)} lang={nameLang(s.name, lang)} /></span>
                  <span className="k-svc-desc" lang={nameLang(s.description, lang)}><Jx text={pick(s.description, lang)} lang={nameLang(s.description, lang)} /></span>
                  {s.hours && <span className="k-svc-hours" data-testid={`hours-${s.id}`}>{rt('serviceHours', { open: s.hours.open, close: s.hours.close })}</span>}
                  <span className="k-svc-state" id={`svc-${s.id}-state`} data-testid={`state-${s.id}`}>
                    {refused ? (
                      <strong className="k-refusal">{rt(`refusal.${s.refusal}`)}</strong>
                    ) : (
                      <>
                        <span className="k-count">{rt('waiting', { count: s.waiting })}</span>
                        <span className={`k-est${s.estimate.lowMin === null ? ' is-none' : ''}`}><Jx text={estimateText(t, s.estimate)} lang={lang} /></span>
                        {priority && !s.priorityAllowed && <span className="k-small"> {rt('priorityNotForService')}</span>}
                      </>
                    )}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      </div>
      {pages > 1 && (
        <nav className="k-pager" aria-label={tp('pages')} data-testid="pager">
          <button type="button" className="k-page-btn" data-testid="page-prev" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>◀ {rt('pagePrev')}</button>
          <span className="k-page-dots" aria-hidden="true">{Array.from({ length: pages }, (_, i) => <span key={i} className={i === shownPage ? 'on' : ''} />)}</span>
          <span className="k-page-more">{shownPage < pages - 1 ? rt('pageMore') : rt('pageOf', { page: shownPage + 1, pages })}</span>
          <button type="button" className="k-page-btn k-page-next" data-testid="page-next" disabled={shownPage >= pages - 1} onClick={() => setPage(shownPage + 1)}>{rt('pageNext')} ▶</button>
        </nav>
      )}
      </div>
      {busy && <div className="k-busy" role="status">{rt('issuing')}</div>}
    </main>
  );
}

/** "A-012" as a voice reads it: "A 12" (no hyphen, no leading zeros). */
function spokenNumber(display: string): string {
  const m = /^([A-Za-z]+)-?0*(\d+)$/.exec(display);
  return m ? `${m[1]} ${m[2]}` : display;
}

/** Header/footer on the browser receipt: Japanese, and the resident's language beside it when it differs. */
function receiptText(text: Partial<Record<Lang, string>> & { ja: string }, lang: Lang): string {
  const own = plainText(pick(text, lang));
  return own && own !== text.ja ? `${text.ja}\n${own}` : text.ja;
}

/** The language a configured text is shown in (pick falls back to Japanese), for line breaking. */
function nameLang(text: Partial<Record<Lang, string>>, lang: Lang): string {
  const shown = text[lang] ? lang : 'ja';
  return shown === 'ja-easy' ? 'ja' : shown;
}

function TicketScreen(props: { ticket: IssuedTicket; snapshot: PublicSnapshot; lang: Lang; onDone: () => void; serverPrinter: boolean; token: string }) {
  const { ticket, snapshot, lang, onDone } = props;
  const { t } = useTranslation();
  const { rt, tp } = useRt();
  const [left, setLeft] = useState(RETURN_S);
  const [qrData, setQrData] = useState<string | null>(null);
  const [printState, setPrintState] = useState<'idle' | 'printing' | 'failed' | 'done'>('idle');
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const printed = useRef(false);
  const url = `${location.origin}/t/${ticket.token}?lang=${lang}`; // the phone page opens in the ticket's language
  const service = snapshot.services.find((s) => s.id === ticket.serviceId);
  const tz = snapshot.office.timezone;
  const issuedAt = new Intl.DateTimeFormat('ja-JP', { timeZone: tz, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ticket.issuedAt);

  useEffect(() => {
    const id = setInterval(() => setLeft((s) => s - 1), 1000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    if (left <= 0) onDone();
  }, [left, onDone]);

  useEffect(() => {
    if (canvasRef.current) void QRCode.toCanvas(canvasRef.current, url, { width: 320, margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } });
    void QRCode.toDataURL(url, { width: 300, margin: 1, errorCorrectionLevel: 'M' }).then(setQrData);
  }, [url]);

  // Print once per ticket: on the kiosk's network printer if it has one, else through the browser if asked.
  useEffect(() => {
    if (printed.current) return;
    if (props.serverPrinter) {
      printed.current = true;
      setPrintState('printing');
      // Chinese, Korean, Vietnamese and やさしいにほんご (furigana) go to the Shift_JIS printer as an image drawn here.
      let body: { raster?: ReturnType<typeof renderRaster> } = {};
      try {
        if (RASTER_LANGS.has(lang)) body = { raster: renderRaster(residentLines((k, o) => t(k, o as never), lang, ticket, service ? pick(service.name, lang) : '', snapshot.office.texts), lang) };
      } catch {
        body = {}; // no canvas: the server prints Japanese and English
      }
      api('POST', `/api/print/tickets/${ticket.token}`, body, { device: props.token })
        .then(() => setPrintState('done'))
        .catch(() => setPrintState('failed'));
    } else if (BROWSER_PRINT && qrData) {
      printed.current = true;
      setTimeout(() => window.print(), 50);
    }
  }, [props.serverPrinter, props.token, ticket.token, qrData]);

  const ahead = ticket.estimate.ahead;
  useEffect(() => say(tp('voice.ticket', { number: spokenNumber(ticket.display), service: service ? pick(service.name, lang) : '' }), lang), [ticket.ticketId]);
  const texts = snapshot.office.texts;
  const receiptName = service ? pick(service.name, lang) : '';
  return (
    <main className="kiosk k-ticket" onClick={onDone} data-testid="ticket-screen" lang={lang === 'ja-easy' ? 'ja' : lang}>
      <section className="k-ticket-card" aria-live="polite">
        <div className="k-ticket-main">
        <TicketText text={texts?.ticketHeader} lang={lang} testId="ticket-header" />
        <p className="k-ticket-label" id="k-ticket-label">{rt('yourNumber')}</p>
        <p className="k-ticket-number" data-testid="ticket-number" aria-labelledby="k-ticket-label k-ticket-number" id="k-ticket-number">{ticket.display}</p>
        {ticket.priority && <p className="k-ticket-priority">{rt('priorityBadge')}</p>}
        <p className="k-ticket-service" data-testid="ticket-service">{service ? <>{service.prefix}　<Jx text={pick(service.name, lang)} lang={nameLang(service.name, lang)} /></> : ticket.serviceId}</p>
        <JourneyLegs ticket={ticket} snapshot={snapshot} lang={lang} estimate={(e) => estimateText(t, e)} />
        <dl className="k-ticket-facts">
          <div>
            <dt className="sr-only">{tp('ahead', { count: ahead })}</dt>
            <dd data-testid="ticket-ahead">{ahead === 0 ? rt('aheadNone') : rt('ahead', { count: ahead })}</dd>
          </div>
          <div>
            <dt>{rt('waitEstimate')}</dt>
            <dd data-testid="ticket-estimate"><Jx text={estimateText(t, ticket.estimate)} lang={lang} /></dd>
          </div>
        </dl>
        <p className="k-ticket-hint">{rt('callHint')}</p>
        <TicketText text={texts?.ticketFooter} lang={lang} testId="ticket-footer" />
        </div>
        <div className="k-ticket-side">
        <div className="k-ticket-qr">
          <canvas ref={canvasRef} data-testid="ticket-qr" width={320} height={320} aria-label={url} />
          <p>{rt('scanQr')}</p>
        </div>
        {printState === 'printing' && <p className="k-small" role="status">{rt('printing')}</p>}
        {printState === 'failed' && <p className="k-banner k-banner-refused" role="alert">{rt('printFailed')}</p>}
        <div className="k-ticket-actions">
          {BROWSER_PRINT && (
            <button type="button" className="k-secondary" onClick={(e) => { e.stopPropagation(); window.print(); }}>{rt('print')}</button>
          )}
          <button type="button" className="k-primary" onClick={onDone} autoFocus data-testid="back">{rt('back')}</button>
        </div>
        <p className="k-small" data-testid="countdown">{rt('autoBack', { seconds: Math.max(0, left) })}</p>
        </div>
      </section>

      {/* Only this part prints: an 80 mm receipt (see kiosk.css @page). */}
      <section className="receipt" aria-hidden="true" data-testid="receipt">
        {texts?.ticketHeader && <p className="r-line r-header" data-testid="receipt-header">{receiptText(texts.ticketHeader, lang)}</p>}
        <p className="r-office">{snapshot.office.name.ja}</p>
        <p className="r-label">番号札 / Ticket</p>
        <p className="r-number">{ticket.display}</p>
        {ticket.priority && <p className="r-line">［優先受付］</p>}
        <p className="r-service">{service ? pick(service.name, 'ja') : ''}</p>
        {lang !== 'ja' && service && plainText(receiptName) !== pick(service.name, 'ja') && <p className="r-line" lang={nameLang(service.name, lang)}><Jx text={receiptName} lang={nameLang(service.name, lang)} /></p>}
        <JourneyReceipt ticket={ticket} snapshot={snapshot} />
        <p className="r-line">あなたの前に {ahead}人</p>
        <p className="r-line">待ち時間の目安：{estimateText(i18next.getFixedT('ja'), ticket.estimate)}</p>
        <p className="r-line">表示盤に番号が出たら、表示された窓口へお越しください。</p>
        {qrData && <img className="r-qr" src={qrData} alt="" />}
        <p className="r-line">スマートフォンで呼出状況を確認できます</p>
        {lang !== 'ja' && <p className="r-line" lang={lang === 'ja-easy' ? 'ja' : lang}>{rt('yourNumber')} {ticket.display} · {rt('ahead', { count: ahead })} · <Jx text={estimateText(t, ticket.estimate)} lang={lang} /></p>}
        {texts?.ticketFooter && <p className="r-line r-footer" data-testid="receipt-footer">{receiptText(texts.ticketFooter, lang)}</p>}
        <p className="r-line">{issuedAt}</p>
      </section>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Kiosk />
  </StrictMode>,
);
