import { StrictMode, useEffect, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import '../web/base.css';
import './status.css';
import { api, ApiError } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import { i18next, initI18n, pick } from '../web/i18n.js';
import { estimateText } from '../web/estimate.js';
import type { CallRecord, Lang, PublicSnapshot, TicketStatus } from '../common/index.js';
import { STATUS_CATALOGUE } from './i18n.js';
import { CrowdPrint, CrowdSection } from './CrowdCalendar.js';
import { initialLang, langFromAddress, LangSelect, useLang } from './lang.js';
import { Jx, useRt } from '../web/catalog/Text.js';
import { plainText } from '../web/catalog/ruby.js';
import { CalendarNotice } from '../web/calendar-notice.js';
import '../web/catalog/catalog.css';
import './a11y.css';
import { JourneyCard, NearNotice } from './Visit.js';


/**
 * The public phone pages (mobile-first, 360 px wide and up), no sign-in, no personal data:
 * - `/status/?office=chuo`: per service waiting and estimate, recent calls, open counters.
 * - `/t/<token>` (the kiosk's QR code): one ticket — number, people ahead, estimate; "呼出中" with
 *   sound and vibration when called; the outcome afterwards.
 * Both listen to the office's public room (one shared snapshot per change for every phone); the
 * ticket page refetches its own small status when the office version moves, with a random delay
 * so hundreds of phones do not ask in the same millisecond, and polls if the socket is down.
 */

/** "A-012" as a screen reader should say it: "A 12". */
function spokenNumber(display: string): string {
  const m = /^([A-Za-z]+)-?0*(\d+)$/.exec(display);
  return m ? `${m[1]} ${m[2]}` : display;
}

const startLang = initialLang();
initI18n(STATUS_CATALOGUE, startLang);

/** Spread the refetches of many phones over this window after a change (ms). */
const REFETCH_JITTER_MS = [150, 1200] as const;
const POLL_MS = 15_000;

function hhmm(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('ja-JP', { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(ms);
}

function TopBar(props: { lang: Lang; setLang: (l: Lang) => void; title: ReactNode; sub?: ReactNode }) {
  return (
    <header className="s-top">
      <div>
        <h1>{props.title}</h1>
        {props.sub && <p className="s-sub">{props.sub}</p>}
      </div>
      <LangSelect lang={props.lang} onChange={props.setLang} />
    </header>
  );
}

function LiveMark(props: { connected: boolean; now?: number; tz?: string }) {
  const { rt } = useRt();
  if (!props.connected) return <p className="s-offline" role="status" data-testid="offline">{rt('offline')}</p>;
  return <p className="s-live" role="status">● {rt('live')}{props.now && props.tz ? <> · {rt('updated', { time: hhmm(props.now, props.tz) })}</> : ''}</p>;
}

/** Newest first, one line per number (a recall moves it to the top). */
function latestCalls(calls: CallRecord[], n: number): CallRecord[] {
  const seen = new Set<string>();
  const out: CallRecord[] = [];
  for (const c of [...calls].reverse()) {
    if (seen.has(c.display)) continue;
    seen.add(c.display);
    out.push(c);
    if (out.length >= n) break;
  }
  return out;
}

function OfficePage(props: { officeId: string }) {
  const { t } = useTranslation();
  const { rt } = useRt();
  const [lang, setLang] = useLang(startLang);
  const live = useLiveOffice<PublicSnapshot>(props.officeId);
  const snap = live.snapshot;
  if (!snap) return <main className="s-page"><p>{rt('loading')}</p><LiveMark connected={live.connected} /></main>;
  const tz = snap.office.timezone;
  const services = snap.services.filter((s) => s.kioskVisible);
  const open = snap.counters.filter((c) => c.state !== 'closed');
  const calls = latestCalls(snap.recentCalls, 6);
  const hours = snap.office.today?.hours ?? snap.office.hours;
  return (
    <main className="s-page">
      <TopBar lang={lang} setLang={setLang} title={<>{pick(snap.office.name, lang)} {rt('title')}</>} sub={hours && snap.office.today?.open !== false ? rt('hours', { open: hours.open, close: hours.close }) : undefined} />
      <LiveMark connected={live.connected} now={snap.now} tz={tz} />
      <CalendarNotice today={snap.office.today} lang={lang} className="s-card s-notice" />

      <section className="s-card" aria-labelledby="calls-h">
        <h2 id="calls-h">{rt('recentCalls')}</h2>
        {calls.length === 0 ? <p className="s-muted">{rt('noCalls')}</p> : (
          <ol className="s-calls" data-testid="recent-calls">
            {calls.map((c, i) => (
              <li key={c.callId} className={i === 0 ? 's-call-latest' : ''}>
                <span className="s-call-num">{c.display}</span>
                <span className="s-call-to">→ {rt('callTo', { counter: c.counterLabel })}</span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="s-card" aria-labelledby="wait-h">
        <h2 id="wait-h">{rt('waitingTitle')}</h2>
        <ul className="s-services" data-testid="services">
          {services.map((s) => (
            <li key={s.id} data-service={s.id}>
              <span className="s-prefix" aria-hidden="true">{s.prefix}</span>
              <span className="s-svc">
                <span className="s-svc-name"><Jx text={pick(s.name, lang)} lang={s.name[lang] ? lang : 'ja'} /></span>
                {s.refusal ? (
                  <span className="s-refusal">{rt(`refusal.${s.refusal}`)}{s.waiting > 0 ? <> · {rt('waiting', { count: s.waiting })}</> : ''}</span>
                ) : (
                  <span className="s-svc-state">
                    <strong data-testid={`waiting-${s.id}`}>{rt('waiting', { count: s.waiting })}</strong>
                    <span className={s.estimate.lowMin === null ? 'is-none' : ''}><Jx text={estimateText(t, s.estimate)} lang={lang} /></span>
                  </span>
                )}
                {s.hours && <span className="s-svc-hours s-small" data-testid={`hours-${s.id}`}>{rt('serviceHours', { open: s.hours.open, close: s.hours.close })}</span>}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section className="s-card" aria-labelledby="counters-h">
        <h2 id="counters-h">{rt('countersTitle')} <span className="s-muted s-small">{rt('countersOpen', { open: open.filter((c) => c.state === 'open').length, total: snap.counters.length })}</span></h2>
        {open.length === 0 ? <p className="s-muted">{rt('noCounters')}</p> : (
          <ul className="s-counters" data-testid="counters">
            {open.map((c) => (
              <li key={c.id} className={c.state === 'paused' ? 'is-paused' : ''}>
                <span className="s-counter-label">{pick(c.name, lang)}</span>
                <span className="s-counter-now">{c.state === 'paused' ? <><span aria-hidden="true">⏸ </span>{rt('counterPaused')}</> : c.current ? c.current.display : rt('counterIdle')}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CrowdSection officeId={props.officeId} lang={lang} />
    </main>
  );
}

/** A short generated beep (no audio files): three 880 Hz tones. */
function beep(ctx: AudioContext): void {
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < 3; i++) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    const t0 = start + i * 0.3;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.4, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.22);
  }
}

async function findOfficeOf(serviceId: string): Promise<string | null> {
  const offices = await api<{ id: string }[]>('GET', '/api/public/offices');
  if (offices.length === 1) return offices[0]!.id;
  for (const o of offices) {
    const snap = await api<PublicSnapshot>('GET', `/api/public/offices/${encodeURIComponent(o.id)}/status`);
    if (snap.services.some((s) => s.id === serviceId)) return o.id;
  }
  return null;
}

function TicketPage(props: { token: string }) {
  const { t } = useTranslation();
  const { rt, tp } = useRt();
  const [lang, setLang] = useLang(startLang);
  const [status, setStatus] = useState<TicketStatus | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [officeId, setOfficeId] = useState<string | null>(null);
  const [soundOn, setSoundOn] = useState(false);
  const audio = useRef<AudioContext | null>(null);
  const alerts = useRef(0);
  const lastState = useRef<string | null>(null);
  const lastCallId = useRef<number | null>(null);
  const live = useLiveOffice<PublicSnapshot>(officeId);
  const snap = live.snapshot;

  const load = async () => {
    try {
      const s = await api<TicketStatus>('GET', `/api/public/tickets/${encodeURIComponent(props.token)}`);
      setStatus((prev) => (prev && prev.version > s.version ? prev : s));
      setNotFound(false);
      return s;
    } catch (e) {
      if ((e as ApiError).code === 'TICKET_NOT_FOUND' || (e as ApiError).code === 'INVALID_INPUT') setNotFound(true);
      return null;
    }
  };

  useEffect(() => {
    void load().then((s) => {
      // No language in the address and none chosen on this phone: the ticket's own language.
      if (s?.lang && !langFromAddress && !localStorage.getItem('madoguchi.statusLang') && s.lang !== lang) setLang(s.lang);
      if (s) void findOfficeOf(s.service.id).then(setOfficeId).catch(() => undefined);
    });
  }, [props.token]);

  // Refetch when the office changes (spread over a short random delay).
  useEffect(() => {
    if (!snap || !status || snap.version <= status.version) return;
    const [lo, hi] = REFETCH_JITTER_MS;
    const timer = setTimeout(() => void load(), lo + Math.random() * (hi - lo));
    return () => clearTimeout(timer);
  }, [snap?.version]);

  // Fallback when the socket is down: poll.
  useEffect(() => {
    if (live.connected || notFound) return;
    const id = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(id);
  }, [live.connected, notFound]);

  const alert = () => {
    alerts.current += 1;
    document.body.dataset.alerts = String(alerts.current);
    try {
      navigator.vibrate?.([400, 200, 400, 200, 400]);
    } catch {
      /* not allowed here */
    }
    if (audio.current) beep(audio.current);
  };

  // Alert when the ticket becomes called, and again on each recall of this number.
  useEffect(() => {
    if (!status) return;
    const was = lastState.current;
    lastState.current = status.state;
    if (status.state === 'called' && was !== null && was !== 'called') alert();
  }, [status?.state, status?.counter?.id]);
  useEffect(() => {
    if (!snap || !status) return;
    const mine = snap.recentCalls.filter((c) => c.display === status.display && snap.businessDay === status.businessDay);
    const newest = mine.at(-1)?.callId ?? 0;
    if (lastCallId.current !== null && newest > lastCallId.current && status.state === 'called' && lastState.current === 'called') alert();
    lastCallId.current = Math.max(lastCallId.current ?? 0, newest);
  }, [snap?.version]);

  const enableSound = () => {
    try {
      const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (Ctor) {
        audio.current ??= new Ctor();
        void audio.current.resume();
        beep(audio.current);
      }
    } catch {
      /* no audio on this phone */
    }
    navigator.vibrate?.(100);
    setSoundOn(true);
  };

  if (notFound) {
    return (
      <main className="s-page">
        <TopBar lang={lang} setLang={setLang} title={rt('title')} />
        <p className="s-card s-warn" role="alert" data-testid="not-found">{rt('ticketNotFound')}</p>
        <p><a href="/status/">{rt('officeStatus')}</a></p>
      </main>
    );
  }
  if (!status) return <main className="s-page"><p>{rt('loading')}</p></main>;

  const tz = snap?.office.timezone ?? 'Asia/Tokyo';
  // One sentence for screen readers that changes when the state does (the number, then where to go).
  const srState = status.state === 'called' ? `${tp('calledTitle')}. ${plainText(String(t('calledAt', { counter: status.counter ? pick(status.counter.name, lang) : '' })))}` : status.state === 'waiting' && status.estimate ? (status.estimate.ahead === 0 ? tp('aheadNone') : tp('ahead', { count: status.estimate.ahead })) : '';
  const counterName = status.counter ? pick(status.counter.name, lang) : '';
  // The sentence around the counter's name, which is shown larger ("<3番窓口>へお越しください").
  const [calledPre = '', calledPost = ''] = String(t('calledAt', { counter: '\u0000' })).split('\u0000');
  return (
    <main className={`s-page s-ticket is-${status.state}`} data-state={status.state} data-testid="ticket-page">
      <TopBar lang={lang} setLang={setLang} title={snap ? `${pick(snap.office.name, lang)}` : rt('title')} sub={rt('issued', { time: hhmm(status.issuedAt, tz) })} />
      {snap && <CalendarNotice today={snap.office.today} lang={lang} className="s-card s-notice" />}
      {officeId && <LiveMark connected={live.connected} />}

      {status.state === 'called' && (
        <section className="s-called" role="alert" data-testid="called">
          <p className="s-called-title">{rt('calledTitle')}</p>
          {status.counter && (
            <p className="s-called-where">
              <Jx text={calledPre} lang={lang} /><strong className="s-called-counter" data-testid="called-counter">{counterName}</strong><Jx text={calledPost} lang={lang} />
            </p>
          )}
        </section>
      )}

      <section className="s-card s-mine">
        <p className="s-label" aria-hidden="true">{rt('yourNumber')}</p>
        <p className="s-number" data-testid="my-number" aria-hidden="true">{status.display}</p>
        <p className="sr-only" data-testid="my-number-sr">{tp('srNumber', { number: spokenNumber(status.display) })}</p>
        <p className="s-service"><Jx text={pick(status.service.name, lang)} lang={status.service.name[lang] ? lang : 'ja'} /></p>
        <p className="sr-only" role="status" aria-live="polite" data-testid="sr-state">{srState}</p>
        {status.state === 'waiting' && status.estimate && (
          <>
            <p className="s-ahead" data-testid="ahead">{status.estimate.ahead === 0 ? rt('aheadNone') : rt('ahead', { count: status.estimate.ahead })}</p>
            <p className="s-est"><span className="s-muted">{rt('waitEstimate')}</span> <strong data-testid="estimate"><Jx text={estimateText(t, status.estimate)} lang={lang} /></strong></p>
          </>
        )}
        {status.state === 'serving' && <p className="s-ahead" data-testid="serving">{rt('serving', { counter: counterName })}</p>}
        {status.state === 'held' && <p className="s-ahead">{rt('held')}</p>}
        {status.state === 'done' && status.pickup?.state !== 'processing' && status.pickup?.state !== 'ready' && <p className="s-done" data-testid="outcome">{rt(`done.${status.outcome ?? 'served'}`)}</p>}
      </section>
      <JourneyCard status={status} lang={lang} estimate={(e) => estimateText(t, e)} />

      {(status.state === 'waiting' || status.state === 'held') && (
        <section className="s-card">
          <p className="s-muted">{rt('keepOpen')}</p>
          <button type="button" className="s-sound" onClick={enableSound} aria-pressed={soundOn} data-testid="sound">{soundOn ? rt('soundEnabled') : rt('soundOn')}</button>
          <NearNotice token={props.token} status={status} lang={lang} onNear={alert} />
        </section>
      )}
      <p className="s-footer"><a href={officeId ? `/status/?office=${encodeURIComponent(officeId)}&lang=${lang}` : '/status/'}>{rt('officeStatus')}</a></p>
    </main>
  );
}

function OfficeChooser() {
  const { rt } = useRt();
  const wanted = new URLSearchParams(location.search).get('office');
  const [officeId, setOfficeId] = useState<string | null>(wanted);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (wanted) {
      api('GET', `/api/public/offices/${encodeURIComponent(wanted)}/status`).catch((e: ApiError) => e.code !== 'NETWORK' && setMissing(true));
      return;
    }
    api<{ id: string }[]>('GET', '/api/public/offices')
      .then((list) => (list[0] ? setOfficeId(list[0].id) : setMissing(true)))
      .catch(() => setMissing(true));
  }, [wanted]);
  if (missing) return <main className="s-page"><p role="alert">{rt('noOffice')}</p></main>;
  if (!officeId) return <main className="s-page"><p>{rt('loading')}</p></main>;
  return <OfficePage officeId={officeId} />;
}

function App() {
  const q = new URLSearchParams(location.search);
  if (q.get('view') === 'crowding-print' && q.get('office')) return <CrowdPrint officeId={q.get('office')!} lang={initialLang} size={q.get('size') === 'A3' ? 'A3' : 'A4'} />;
  const m = /^\/t\/([^/]+)\/?$/.exec(location.pathname);
  return m ? <TicketPage token={decodeURIComponent(m[1]!)} /> : <OfficeChooser />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
