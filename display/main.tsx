import { StrictMode, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import './display.css';
import { api, ApiError, deviceToken } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import type { CallRecord, DeviceInfo, PublicCounter, PublicSnapshot, Whoami } from '../common/index.js';
import { AnnouncementQueue, announcementText, CallTracker, DEFAULT_ANNOUNCER } from './speech.js';
import { DisplaySound } from './sound.js';
import { callMatches, dayIn, officeClock, parseDisplayOptions, recentList, todaysCalls, visibleCounters, visibleServices, type DisplayOptions } from './view.js';

/**
 * 呼出表示盤 — the lobby display. Paired once by `/display/?device=<token>` (remembered), it
 * follows its office over socket.io, shows the newest call large with the counter, what each
 * counter is serving, earlier calls, waiting counts, the time and the ticker, and announces each
 * new call once: chime, then speech, through one queue. The large number changes when its
 * announcement starts, so screen and voice always agree.
 */

/** How long a new call stays highlighted. */
const HIGHLIGHT_MS = 8000;
/** How often to check, while offline, that the socket is still trying and the token still valid. */
const WATCHDOG_MS = 5000;
/** Retry interval for the first contact with the server (the display PC may boot first). */
const RETRY_MS = 3000;

type Pairing = { state: 'unpaired' } | { state: 'connecting' } | { state: 'revoked' } | { state: 'paired'; device: DeviceInfo };

async function whoami(token: string): Promise<'revoked' | 'offline' | DeviceInfo> {
  try {
    const w = await api<Whoami>('GET', '/api/device/me', undefined, { device: token });
    return w.kind === 'device' ? w.device : 'revoked';
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return 'revoked';
    return 'offline';
  }
}

function App() {
  const [token] = useState(() => deviceToken());
  const [pairing, setPairing] = useState<Pairing>(token ? { state: 'connecting' } : { state: 'unpaired' });

  useEffect(() => {
    if (!token || pairing.state !== 'connecting') return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = async () => {
      const r = await whoami(token);
      if (cancelled) return;
      if (r === 'offline') timer = setTimeout(() => void attempt(), RETRY_MS);
      else setPairing(r === 'revoked' ? { state: 'revoked' } : { state: 'paired', device: r });
    };
    void attempt();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [token, pairing.state]);

  if (pairing.state === 'unpaired') {
    return (
      <Notice testId="unpaired" title="この表示盤は登録されていません" en="This display is not paired">
        管理画面の「表示盤」から登録リンク（/display/?device=…）を開いてください。<br />
        Open the pairing link from the office console on this screen.
      </Notice>
    );
  }
  if (pairing.state === 'revoked') {
    return (
      <Notice testId="revoked" title="この表示盤の登録が取り消されました" en="This display's registration was revoked">
        管理者に連絡し、新しい登録リンクを開いてください。<br />
        Ask the administrator for a new pairing link.
      </Notice>
    );
  }
  if (pairing.state === 'connecting') {
    return (
      <Notice testId="connecting" title="サーバーに接続しています…" en="Connecting to the server…">
        <span className="offline-mark" data-testid="offline">● オフライン Offline</span>
      </Notice>
    );
  }
  return <Display token={token!} device={pairing.device} onRevoked={() => setPairing({ state: 'revoked' })} />;
}

function Notice(props: { testId: string; title: string; en: string; children?: React.ReactNode }) {
  return (
    <main className="notice" data-testid={props.testId}>
      <h1>{props.title}</h1>
      <p className="notice-en">{props.en}</p>
      <p>{props.children}</p>
    </main>
  );
}

function Display({ token, device, onRevoked }: { token: string; device: DeviceInfo; onRevoked: () => void }) {
  const options = useMemo<DisplayOptions>(() => parseDisplayOptions(location.search, device.config), [device.config]);
  const live = useLiveOffice<PublicSnapshot>(device.officeId, { deviceToken: token });
  const snap = live.snapshot;
  const [everConnected, setEverConnected] = useState(false);
  if (live.connected && !everConnected) setEverConnected(true);

  const [sound] = useState(() => new DisplaySound(options.sound, options.voice));
  const [blocked, setBlocked] = useState(() => sound.blocked);
  useEffect(() => sound.onChange(() => setBlocked(sound.blocked)), [sound]);

  // The call on the large panel: set by the announcer when an announcement starts.
  const [shown, setShown] = useState<CallRecord | null>(null);
  const [highlightUntil, setHighlightUntil] = useState(0);
  const snapRef = useRef<PublicSnapshot | null>(null);
  snapRef.current = snap;
  const trackerRef = useRef(new CallTracker());
  const queueRef = useRef<AnnouncementQueue<CallRecord> | null>(null);
  if (!queueRef.current) {
    queueRef.current = new AnnouncementQueue<CallRecord>({
      // Rendered at once (not on the next frame), so the screen has switched before the chime.
      show: (call) =>
        flushSync(() => {
          setShown(call);
          setHighlightUntil(Date.now() + HIGHLIGHT_MS);
        }),
      chime: (call) => sound.chime(call),
      speak: (text, lang) => sound.speak(text, lang),
      texts: (call) => {
        const cfg = snapRef.current?.office.announcement;
        if (!cfg) return [];
        const t = announcementText(call, cfg);
        return t.en ? [{ text: t.ja, lang: 'ja' }, { text: t.en, lang: 'en' }] : [{ text: t.ja, lang: 'ja' }];
      },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
    }, DEFAULT_ANNOUNCER);
  }

  // Every snapshot: new calls (never seen, for this display) go to the queue; on the first one
  // the latest call is shown without being announced.
  useEffect(() => {
    if (!snap) return;
    const tracker = trackerRef.current;
    const first = tracker.highestSeen === null;
    const fresh = tracker.update(snap.recentCalls, snap.now, (c) => callMatches(c, options) && dayIn(c.at, snap.office.timezone) === snap.businessDay);
    if (first) setShown(todaysCalls(snap, options).at(-1) ?? null);
    if (fresh.length) queueRef.current!.push(...fresh);
  }, [snap, options]);

  // Clock: office time from the server's clock (the display PC's clock may be wrong).
  const offsetRef = useRef(0);
  useEffect(() => {
    if (snap) offsetRef.current = snap.now - Date.now();
  }, [snap]);
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setTick(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  // Revocation: the server says the session ended, or the socket gave up; ask whether the token
  // still holds. A valid token (devices never expire) just reconnects.
  const socket = live.socket;
  const onRevokedRef = useRef(onRevoked);
  onRevokedRef.current = onRevoked;
  useEffect(() => {
    if (!live.sessionEnded) return;
    void whoami(token).then((r) => {
      if (r === 'revoked') onRevokedRef.current();
      else if (r !== 'offline' && socket && !socket.connected) socket.connect();
    });
  }, [live.sessionEnded, token, socket]);
  useEffect(() => {
    if (live.connected || !socket) return;
    const t = setInterval(() => {
      if (socket.connected || socket.active) return; // socket.io is still retrying by itself
      void whoami(token).then((r) => {
        if (r === 'revoked') onRevokedRef.current();
        else if (r !== 'offline' && !socket.connected && !socket.active) socket.connect();
      });
    }, WATCHDOG_MS);
    return () => clearInterval(t);
  }, [live.connected, socket, token]);

  useWakeLock();

  const offline = !live.connected;
  if (!snap) {
    return (
      <Notice testId="connecting" title="サーバーに接続しています…" en="Connecting to the server…">
        {offline && <span className="offline-mark" data-testid="offline">● オフライン Offline</span>}
      </Notice>
    );
  }

  const tz = snap.office.timezone;
  const clock = officeClock(Date.now() + offsetRef.current, tz); // `tick` only re-renders each second
  const calls = todaysCalls(snap, options);
  const current = shown && dayIn(shown.at, tz) === snap.businessDay ? shown : null;
  const recent = recentList(calls, current, options.recent);
  const counters = visibleCounters(snap, options);
  const services = visibleServices(snap, options);
  const highlighted = current !== null && tick < highlightUntil;
  const serviceOf = (id: string) => snap.services.find((s) => s.id === id);
  const welcome = snap.office.texts?.displayWelcome?.ja?.trim() || null;

  return (
    <main className={`display${counters.length > 6 ? ' many-counters' : ''}`} data-testid="display">
      <header className="bar">
        <div className="office">{snap.office.name.ja}<span className="sub">呼出表示 Now serving</span></div>
        {offline && everConnected && <div className="offline-mark" data-testid="offline" role="status">● オフライン 再接続中 Offline</div>}
        <div className="clock" data-testid="clock"><span className="date">{clock.date}</span><span className="time">{clock.time}</span></div>
      </header>

      <section className={`now${highlighted ? ' highlight' : ''}${current?.recall ? ' recall' : ''}`} aria-live="polite" data-testid="now">
        <div className="now-label">{current?.recall ? '再呼出 Recall' : 'お呼び出し Now calling'}</div>
        {current ? (
          <>
            <div className="now-number" data-testid="now-number">{current.display}</div>
            <div className="now-counter"><span className="arrow">→</span><span data-testid="now-counter">{current.counterLabel}番窓口</span></div>
            <div className="now-en">Counter {current.counterLabel}{serviceOf(current.serviceId) ? ` · ${serviceOf(current.serviceId)!.name.en || serviceOf(current.serviceId)!.name.ja}` : ''}</div>
          </>
        ) : welcome ? (
          <div className="welcome" data-testid="welcome">{welcome}</div>
        ) : (
          <div className="now-number empty" data-testid="now-number">—</div>
        )}
      </section>

      <section className="recent" data-testid="recent">
        <h2>これまでの呼出 <span className="sub">Earlier calls</span></h2>
        <ol>
          {recent.map((c) => (
            <li key={c.callId} data-callid={c.callId}>
              <span className="num">{c.display}</span><span className="ctr">{c.counterLabel}番</span>{c.recall && <span className="tag">再</span>}
            </li>
          ))}
          {!recent.length && <li className="none">—</li>}
        </ol>
      </section>

      <section className="counters" data-testid="counters">
        <h2>窓口 <span className="sub">Counters</span></h2>
        <ul>
          {counters.map((c) => <CounterTile key={c.id} c={c} />)}
        </ul>
      </section>

      <section className="waiting" data-testid="waiting">
        <h2>お待ちの人数 <span className="sub">Waiting</span></h2>
        <ul>
          {services.map((s) => (
            <li key={s.id} data-service={s.id}>
              <span className="prefix">{s.prefix}</span>
              <span className="svc">{s.name.ja}</span>
              <span className="count"><b>{s.waiting}</b>人</span>
            </li>
          ))}
        </ul>
      </section>

      <Ticker text={snap.office.ticker} />

      {blocked && (
        <button className="enable-sound" data-testid="enable-sound" onClick={() => void sound.unlock()}>
          音声を有効にする<br /><small>Enable sound</small>
        </button>
      )}
    </main>
  );
}

/** Keep the screen from sleeping (where the browser allows it); asked again when the page is shown. */
function useWakeLock(): void {
  useEffect(() => {
    const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<unknown> } };
    if (!nav.wakeLock) return;
    const request = () => {
      if (document.visibilityState === 'visible') nav.wakeLock!.request('screen').catch(() => undefined);
    };
    request();
    document.addEventListener('visibilitychange', request);
    return () => document.removeEventListener('visibilitychange', request);
  }, []);
}

function CounterTile({ c }: { c: PublicCounter }) {
  const state = c.current?.state ?? c.state;
  const label = c.current ? c.current.display : c.state === 'paused' ? '休止中' : '—';
  return (
    <li className={`counter ${state}`} data-counter={c.id}>
      <span className="label">{c.label}<small>番</small></span>
      <span className="current">{label}</span>
    </li>
  );
}

const TICKER_GAP = '\u3000\u3000\u3000';

/** The ticker scrolls only when it does not fit. */
function Ticker({ text }: { text: string }) {
  const box = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLSpanElement>(null);
  const [scroll, setScroll] = useState(false);
  useLayoutEffect(() => {
    // While scrolling the span holds the text twice; measure one copy.
    const check = () => {
      if (!box.current || !inner.current) return;
      const width = inner.current.offsetWidth / (inner.current.dataset.copies === '2' ? 2 : 1);
      setScroll(width > box.current.clientWidth - 32);
    };
    check();
    window.addEventListener('resize', check);
    return () => window.removeEventListener('resize', check);
  }, [text]);
  if (!text.trim()) return <footer className="ticker empty" />;
  return (
    <footer className={`ticker${scroll ? ' scroll' : ''}`} ref={box} data-testid="ticker">
      <span ref={inner} data-copies={scroll ? 2 : 1} style={scroll ? { animationDuration: `${Math.max(12, text.length * 0.35)}s` } : undefined}>
        {scroll ? `${text}${TICKER_GAP}${text}${TICKER_GAP}` : text}
      </span>
    </footer>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
