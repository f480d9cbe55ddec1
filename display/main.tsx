import { StrictMode, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import './display.css';
import { api, ApiError, deviceToken } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import type { CallRecord, DeviceInfo, Lang, PublicCounter, PublicSnapshot, Whoami } from '../common/index.js';
import { AnnouncementQueue, announcementText, CallTracker, DEFAULT_ANNOUNCER } from './speech.js';
import { DisplaySound } from './sound.js';
import { DisplayNotice } from './notice.js';
import { Jx } from '../web/catalog/Text.js';
import '../web/catalog/catalog.css';
import { hasPickups, PickupPanel } from './Pickup.js';
import { WaitingEstimate } from './waiting-estimate.js';
import { callBoard, LANDSCAPE_MAX_SLOTS, MAX_SLOTS, callMatches, dayIn, NO_SHOW_GUIDE, officeClock, parseDisplayOptions, rotationLangs, slotCount, todaysCalls, visibleCounters, visibleNoShows, visibleServices, type DisplayOptions } from './view.js';

/**
 * 呼出表示盤 — the lobby display. Paired once by `/display/?device=<token>` (remembered), it
 * follows its office over socket.io and shows every call as soon as a snapshot brings it: several
 * "now calling" slots (newest first, marked ★ new), earlier calls, what each counter is serving,
 * no-show numbers with how to return, waiting counts, the time and the ticker. The voice is a
 * separate queue (chime, then speech, each call once, never overlapping) that never holds the
 * screen back; the call being spoken is marked ▶, and a voice that fails shows ⚠ here and is
 * reported to the floor view (`display:voice`). Type sizes: docs/DISPLAY.md.
 */

/** How long a new call stays marked new (★ 新, highlighted). */
const HIGHLIGHT_MS = 10_000;
/** How often the service names and guide lines change language when rotation is on. */
const ROTATE_MS = 8000;
/** No-show numbers listed at most. */
const NO_SHOW_SHOWN = 8;
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

  // When this display first saw each call (its own clock): a call is marked new for HIGHLIGHT_MS.
  const seenRef = useRef(new Map<number, number>());
  // The call the voice is on (marked on screen), and the last voice failure (shown until a call is spoken again).
  const [speakingId, setSpeakingId] = useState<number | null>(null);
  const [voiceFault, setVoiceFault] = useState<{ reason: 'failed' | 'unavailable'; display: string } | null>(null);
  const snapRef = useRef<PublicSnapshot | null>(null);
  snapRef.current = snap;
  const socketRef = useRef(live.socket);
  socketRef.current = live.socket;
  const trackerRef = useRef(new CallTracker());
  const queueRef = useRef<AnnouncementQueue<CallRecord> | null>(null);
  if (!queueRef.current) {
    queueRef.current = new AnnouncementQueue<CallRecord>({
      speaking: (call) => setSpeakingId(call?.callId ?? null),
      chime: (call) => sound.chime(call),
      speak: (text, lang) => sound.speak(text, lang),
      texts: (call) => {
        const cfg = snapRef.current?.office.announcement;
        if (!cfg) return [];
        const t = announcementText(call, cfg);
        return t.en ? [{ text: t.ja, lang: 'ja' }, { text: t.en, lang: 'en' }] : [{ text: t.ja, lang: 'ja' }];
      },
      result: (call, result) => {
        if (!sound.enabled) return; // a silent display (sound=off) has no voice to report
        setVoiceFault(result === 'ok' ? null : { reason: result, display: call.display });
        // The floor view shows each display's last result; socket.io buffers it while offline.
        socketRef.current?.emit('display:voice', { ok: result === 'ok', reason: result === 'ok' ? null : result, callId: call.callId, display: call.display, at: Date.now() });
      },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
    }, DEFAULT_ANNOUNCER);
  }

  // Every snapshot: new calls (never seen, for this display) go on screen at once and to the voice
  // queue; the first snapshot (or one from a restored database) shows its calls without announcing.
  useEffect(() => {
    if (!snap) return;
    const tracker = trackerRef.current;
    const fresh = tracker.update(snap.recentCalls, snap.now, (c) => callMatches(c, options) && dayIn(c.at, snap.office.timezone) === snap.businessDay, snap.version);
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

  // Optional rotation of service names and guide lines through the office's languages.
  const [langStep, setLangStep] = useState(0);
  useEffect(() => {
    if (!options.rotate) return;
    const t = setInterval(() => setLangStep((n) => n + 1), ROTATE_MS);
    return () => clearInterval(t);
  }, [options.rotate]);

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
  const portrait = usePortrait();

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
  const counters = visibleCounters(snap, options);
  const services = visibleServices(snap, options);
  const slots = Math.min(slotCount(counters.length, options.slots), portrait ? MAX_SLOTS : LANDSCAPE_MAX_SLOTS);
  const board = callBoard(calls, slots, options.recent);
  const noShows = visibleNoShows(snap, options, NO_SHOW_SHOWN);
  // Calls this display sees for the first time are new from now (on the very first snapshot none is).
  const seen = seenRef.current;
  for (const c of snap.recentCalls) if (!seen.has(c.callId)) seen.set(c.callId, trackerRef.current.highestSeen === null ? 0 : Date.now());
  const isNew = (c: CallRecord) => tick - (seenRef.current.get(c.callId) ?? 0) < HIGHLIGHT_MS;
  const welcome = snap.office.texts?.displayWelcome?.ja?.trim() || null;
  const langs = options.rotate ? rotationLangs(services, options.langs) : (['ja'] as Lang[]);
  const lang = langs[langStep % langs.length] ?? 'ja';
  const density = `c-${counters.length <= 8 ? 's' : counters.length <= 14 ? 'm' : 'l'} s-${services.length <= 6 ? 's' : 'l'}`;

  return (
    <main className={`display ${density}`} data-testid="display" data-slots={slots} data-lang={lang}>
      <header className="bar">
        <div className="office">{snap.office.name.ja}<span className="sub">呼出表示 Now serving</span></div>
        {voiceFault && sound.enabled && (
          <div className="voice-mark" data-testid="voice-fault" data-reason={voiceFault.reason} role="status">
            <span aria-hidden="true">⚠</span> 音声案内停止中 画面でご確認ください <span className="en">Voice off — please watch the screen</span>
          </div>
        )}
        {offline && everConnected && <div className="offline-mark" data-testid="offline" role="status">● オフライン 再接続中 Offline</div>}
        <DisplayNotice today={snap.office.today} lang={lang} />
        <div className="clock" data-testid="clock"><span className="date">{clock.date}</span><span className="time">{clock.time}</span></div>
      </header>

      <section className="calls" aria-live="polite" data-testid="now">
        <h2>お呼び出し中 <span className="sub">Now calling</span><span className="cols"><span>番号 No.</span><span>窓口 Counter</span></span></h2>
        {board.now.length ? (
          <ol className="slots" style={{ gridTemplateRows: `repeat(${Math.ceil(slots / 2)}, minmax(0, 1fr))` }}>
            {board.now.map((c, i) => {
              const fresh = isNew(c);
              const speaking = c.callId === speakingId;
              return (
                <li key={c.callId} data-callid={c.callId} data-testid="slot" className={`slot${fresh ? ' new' : ''}${speaking ? ' speaking' : ''}${c.recall ? ' recall' : ''}`}>
                  <span className="marks">
                    {c.recall && <span className="mark recall" data-testid="recall-mark">再 Recall</span>}
                    {fresh && <span className="mark new" data-testid="new-mark">★ 新 New</span>}
                    {speaking && <span className="mark speaking" data-testid="speaking-mark">♪ 案内中</span>}
                  </span>
                  <span className="num" data-testid={i === 0 ? 'now-number' : 'slot-number'}>{c.display}</span>
                  <span className="arrow" aria-hidden="true">→</span>
                  <span className="ctr" data-testid={i === 0 ? 'now-counter' : 'slot-counter'}>{c.counterLabel}<small>番</small></span>
                </li>
              );
            })}
          </ol>
        ) : welcome ? (
          <div className="welcome" data-testid="welcome">{welcome}</div>
        ) : (
          <div className="slots-empty" data-testid="now-number">—</div>
        )}
      </section>

      <section className="recent" data-testid="recent">
        <h2>これまでの呼出 <span className="sub">Earlier</span></h2>
        <ol>
          {board.earlier.map((c) => (
            <li key={c.callId} data-callid={c.callId} className={c.callId === speakingId ? 'speaking' : undefined}>
              {c.recall && <span className="tag">再</span>}<span className="num">{c.display}</span><span className="ctr">{c.counterLabel}<small>番</small></span>
              {c.callId === speakingId && <span className="tag speaking" data-testid="speaking-mark">♪</span>}
            </li>
          ))}
          {!board.earlier.length && <li className="none">—</li>}
        </ol>
      </section>

      <section className="counters" data-testid="counters">
        <h2>窓口 <span className="sub">Counters</span></h2>
        <ul style={{ gridTemplateRows: `repeat(${Math.max(1, Math.ceil(counters.length / counterColumns(counters.length, portrait)))}, minmax(0, 1fr))` }}>
          {counters.map((c) => <CounterTile key={c.id} c={c} />)}
        </ul>
      </section>

      <section className="noshow" data-testid="noshows">
        <h2>不在番号 <span className="sub">Missed</span></h2>
        <ol>
          {noShows.map((n) => <li key={`${n.display}-${n.at}`} className="num">{n.display}</li>)}
          {!noShows.length && <li className="none">—</li>}
        </ol>
        {hasPickups(snap) ? <PickupPanel snap={snap} lang={lang} /> : (
        <p className="guide" data-testid="noshow-guide" lang={lang}><Jx text={NO_SHOW_GUIDE[lang]} lang={lang} />{lang === 'ja' && <span className="en"> Please speak to a member of staff</span>}</p>
        )}
      </section>

      <section className="waiting" data-testid="waiting">
        <ul>
          {services.map((s) => (
            <li key={s.id} data-service={s.id}>
              <span className="prefix">{s.prefix}</span>
              <span className="count"><b>{s.waiting}</b>人</span>
              <span className="svc" lang={lang === 'ja-easy' ? 'ja' : lang}><Jx text={s.name[lang]?.trim() || s.name.ja} lang={lang} /></span>
              <WaitingEstimate estimate={s.estimate} />
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

/** Counter tiles per row: one column for a few counters, two (landscape) or three (portrait) for more. */
function counterColumns(n: number, portrait: boolean): number {
  if (portrait) return n <= 8 ? 2 : 3;
  return n <= 8 ? 1 : 2;
}

function usePortrait(): boolean {
  const [portrait, setPortrait] = useState(() => window.matchMedia('(orientation: portrait)').matches);
  useEffect(() => {
    const m = window.matchMedia('(orientation: portrait)');
    const on = () => setPortrait(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return portrait;
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
  // A closed counter says so in a word as well as by being dimmed (colour never carries meaning alone).
  const label = c.current ? c.current.display : c.state === 'paused' ? '休止中' : c.state === 'closed' ? '閉' : '—';
  return (
    <li className={`counter ${state}`} data-counter={c.id}>
      <span className="label">{c.label}<small>番</small></span>
      <span className="current">{c.current?.state === 'called' && <span className="called-mark" aria-label="呼出中">▶</span>}{label}</span>
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
