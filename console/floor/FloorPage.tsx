import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../common/errors.js';
import type { CommandName } from '../../common/schemas.js';
import type { DisplayVoiceStatus, StaffCounter, StaffInfo, StaffSnapshot, StaffStepView } from '../../common/types.js';
import { formatDuration, useServerNow } from '../../counter/format.js';
import { api, ApiError } from '../../web/api.js';
import { i18next, pick } from '../../web/i18n.js';
import { useLiveOffice, type AppSocket } from '../../web/socket.js';
import { EstimateAccuracy } from './EstimateAccuracy.js';
import { VisitsPanel } from './Visits.js';
import { floorT, type FloorKey } from './i18n.js';
import './floor.css';

/**
 * Live floor for supervisors: queues against their targets, every counter, alerts, and the
 * actions a supervisor takes from the floor (open / pause / close a counter, move or cancel a
 * waiting ticket, set the display ticker).
 */

const LANG_KEY = 'madoguchi.console.lang';
const QUEUE_ROWS = 14;

export interface FloorAlert {
  kind: 'wait' | 'idle' | 'voice';
  key: string;
  text: string;
}

/** Alerts from a snapshot at `now`: waits over target, open idle counters while people wait. */
export function floorAlerts(snap: StaffSnapshot, now: number, lang: string): FloorAlert[] {
  const out: FloorAlert[] = [];
  const age = now - snap.now;
  for (const s of snap.services) {
    const oldest = snap.stats.oldestWaitMs[s.id];
    if (oldest !== undefined && oldest + age > s.targetWaitMin * 60_000) {
      out.push({ kind: 'wait', key: `w-${s.id}`, text: floorT(lang, 'alertWait', { svc: `${s.prefix} ${pick(s.name, lang)}`, t: formatDuration(oldest + age, lang), n: s.targetWaitMin }) });
    }
  }
  for (const c of snap.counters) {
    if (c.state !== 'open' || c.currentStep) continue;
    const waitingFor = c.serviceIds.map((id) => snap.services.find((s) => s.id === id)).filter((s) => s && s.waiting > 0);
    if (waitingFor.length === 0) continue;
    const n = waitingFor.reduce((a, s) => a + s!.waiting, 0);
    out.push({ kind: 'idle', key: `i-${c.id}`, text: floorT(lang, 'alertIdle', { counter: pick(c.name, lang), n, svc: waitingFor.map((s) => s!.prefix).join('・') }) });
  }
  return out;
}

/** Alerts for lobby displays whose last announcement failed (display:voice). */
export function voiceAlerts(voices: readonly DisplayVoiceStatus[], lang: string): FloorAlert[] {
  return voices.filter((v) => !v.ok).map((v) => ({ kind: 'voice' as const, key: `v-${v.deviceId}`, text: floorT(lang, 'alertVoice', { name: v.deviceName, number: v.display ?? '—' }) }));
}

/** Every display's last voice result: asked once connected, then pushed by the server on each report. */
function useDisplayVoices(socket: AppSocket | null, connected: boolean): DisplayVoiceStatus[] {
  const [voices, setVoices] = useState<DisplayVoiceStatus[]>([]);
  useEffect(() => {
    if (!socket || !connected) return;
    const on = (list: DisplayVoiceStatus[]) => setVoices(list);
    socket.on('display:voice-reported', on);
    socket.emit('display:voice-status', {}, (reply) => {
      if ('data' in reply) setVoices(reply.data);
    });
    return () => {
      socket.off('display:voice-reported', on);
    };
  }, [socket, connected]);
  return voices;
}

function useLang(): [string, () => void] {
  const [lang, setLang] = useState(() => (i18next.isInitialized ? i18next.language : localStorage.getItem(LANG_KEY)) === 'en' ? 'en' : 'ja');
  useEffect(() => {
    const on = (l: string) => setLang(l === 'en' ? 'en' : 'ja');
    i18next.on('languageChanged', on);
    return () => i18next.off('languageChanged', on);
  }, []);
  const toggle = () => {
    const next = lang === 'en' ? 'ja' : 'en';
    localStorage.setItem(LANG_KEY, next);
    setLang(next);
    if (i18next.isInitialized) void i18next.changeLanguage(next);
  };
  return [lang, toggle];
}

function useOfficeId(staff: StaffInfo): string | null {
  const [officeId, setOfficeId] = useState<string | null>(staff.officeId);
  useEffect(() => {
    if (staff.officeId) return;
    api<{ id: string }[]>('GET', '/api/public/offices').then((l) => setOfficeId(l[0]?.id ?? null)).catch(() => undefined);
  }, [staff.officeId]);
  return officeId;
}

export function FloorPage({ staff }: { staff: StaffInfo }) {
  const [lang, toggleLang] = useLang();
  const t = (k: FloorKey, v?: Record<string, string | number>) => floorT(lang, k, v);
  const officeId = useOfficeId(staff);
  const live = useLiveOffice<StaffSnapshot>(officeId);
  const voices = useDisplayVoices(live.socket, live.connected);
  const snap = live.snapshot;
  const now = useServerNow(snap?.now);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const manager = staff.role === 'supervisor' || staff.role === 'admin';

  const run = async (name: CommandName, payload: Record<string, unknown>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await live.send(name, payload as never);
    } catch (err) {
      setError(err instanceof ApiError ? (lang === 'en' ? errorMessage(err.code, 'en') : err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (!snap) return <main className="floor"><p>{live.connected ? '…' : t('offline')}</p></main>;
  const alerts = [...floorAlerts(snap, now, lang), ...voiceAlerts(voices, lang)];
  const disabled = !live.connected || busy;
  const svcOf = (id: string) => snap.services.find((s) => s.id === id);

  return (
    <main className="floor">
      <div className="floor-head">
        <h2>{t('title')} <small>{pick(snap.office.name, lang)}</small></h2>
        <span className="stat">{t('issued')} <b data-testid="issued">{snap.stats.issuedToday}</b></span>
        <span className="stat">{t('served')} <b>{snap.stats.servedToday}</b></span>
        <span className="stat">{t('noShow')} <b>{snap.stats.noShowToday}</b></span>
        {manager && <EstimateAccuracy officeId={snap.officeId} day={snap.businessDay} lang={lang} />}
        <span className="grow" />
        <button type="button" className="lang" onClick={toggleLang}>{t('lang')}</button>
      </div>
      {!live.connected && <div className="floor-offline" role="alert">{t('offline')}</div>}
      {error && <div className="floor-error" role="alert" data-testid="floor-error">{error}</div>}
      <section className={`alerts ${alerts.length ? 'has' : ''}`} data-testid="alerts" aria-label={t('alerts')}>
        <b>{t('alerts')}</b>
        {alerts.length === 0 ? <span className="ok">{t('noAlerts')}</span> : alerts.map((a) => <span key={a.key} className={`alert a-${a.kind}`} data-alert={a.key}>{a.kind === 'idle' ? '●' : '⚠'} {a.text}</span>)}
      </section>
      <section className="display-voice" data-testid="display-voice" aria-label={t('displayVoice')}>
        <b>{t('displayVoice')}</b>
        {voices.length === 0 ? <span className="muted">{t('voiceNone')}</span> : voices.map((v) => (
          <span key={v.deviceId} className={v.ok ? 'ok' : 'bad'} data-device={v.deviceId} data-ok={v.ok ? 'true' : 'false'}>
            {v.ok ? '✓' : '⚠'} {v.deviceName}: {v.ok ? t('voiceOk') : t(v.reason === 'unavailable' ? 'voiceUnavailable' : 'voiceFailed')}
            {v.display ? ` · ${v.display}` : ''} · {new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ja-JP', { timeZone: snap.office.timezone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(v.receivedAt)}
          </span>
        ))}
      </section>
      <VisitsPanel snap={snap} lang={lang} now={now} />
      <div className="floor-grid">
        <section className="panel">
          <h3>{t('services')}</h3>
          <table className="tbl" data-testid="services">
            <thead><tr><th>{t('svc')}</th><th className="r">{t('waiting')}</th><th className="r">{t('oldest')}</th><th className="r">{t('target')}</th></tr></thead>
            <tbody>
              {snap.services.map((s) => {
                const oldest = snap.stats.oldestWaitMs[s.id];
                const o = oldest === undefined ? null : oldest + (now - snap.now);
                const over = o !== null && o > s.targetWaitMin * 60_000;
                return (
                  <tr key={s.id} className={over ? 'over-row' : ''} data-service={s.id}>
                    <td><b className="pfx">{s.prefix}</b> {pick(s.name, lang)}</td>
                    <td className="r big">{s.waiting}</td>
                    <td className={`r ${over ? 'over' : ''}`} data-testid={`oldest-${s.id}`}>{o === null ? '—' : formatDuration(o, lang)}</td>
                    <td className="r muted">{t('min', { n: s.targetWaitMin })}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="ticker">
            <TickerForm officeId={snap.officeId} current={snap.office.ticker} lang={lang} disabled={!manager} />
          </div>
        </section>
        <section className="panel">
          <h3>{t('counters')}</h3>
          <table className="tbl counters" data-testid="counters">
            <thead><tr><th>{t('counter')}</th><th>{t('state')}</th><th>{t('clerk')}</th><th>{t('current')}</th><th className="r">{t('servedToday')}</th><th>{t('actions')}</th></tr></thead>
            <tbody>
              {snap.counters.map((c) => <CounterRow key={c.id} c={c} lang={lang} now={now} disabled={disabled} run={run} />)}
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h3>{t('queue')} <small className="muted">({snap.waiting.length}{snap.held.length ? ` + ${t('held')} ${snap.held.length}` : ''})</small></h3>
          {snap.waiting.length + snap.held.length === 0 ? <p className="muted">{t('nobody')}</p> : (
            <table className="tbl" data-testid="queue">
              <thead><tr><th>{t('number')}</th><th>{t('waited')}</th><th>{t('moveTo')}</th><th /></tr></thead>
              <tbody>
                {[...snap.held, ...snap.waiting].slice(0, QUEUE_ROWS).map((w) => (
                  <QueueRow key={w.id} w={w} snap={snap} lang={lang} now={now} disabled={disabled || !manager} run={run} svcPrefix={svcOf(w.serviceId)?.prefix ?? ''} />
                ))}
              </tbody>
            </table>
          )}
          {snap.waiting.length + snap.held.length > QUEUE_ROWS && <p className="muted small">{t('moreWaiting', { n: snap.waiting.length + snap.held.length - QUEUE_ROWS })}</p>}
        </section>
      </div>
    </main>
  );
}

function CounterRow({ c, lang, now, disabled, run }: { c: StaffCounter; lang: string; now: number; disabled: boolean; run: (n: CommandName, p: Record<string, unknown>) => Promise<void> }) {
  const t = (k: FloorKey, v?: Record<string, string | number>) => floorT(lang, k, v);
  const step = c.currentStep;
  const busyReason = step ? t('busyCounter') : undefined;
  return (
    <tr className={`s-${c.state}`} data-counter={c.id}>
      <td className="lbl">{c.label}</td>
      <td><span className={`st st-${c.state}`}>{t(`state_${c.state}` as FloorKey)}</span></td>
      <td className="clerk">{c.state !== 'closed' ? c.clerk?.name ?? '' : ''}</td>
      <td>
        {step ? <><b className="cur">{step.display}</b> <small className={`cs-${step.state}`}>{t(step.state === 'serving' ? 'serving' : 'called')} {step.lastCalledAt !== null ? formatDuration(now - (step.startedAt ?? step.lastCalledAt), lang) : ''}</small></>
          : c.state === 'open' ? <span className="muted">{t('idle')}</span> : null}
      </td>
      <td className="r">{c.servedToday}</td>
      <td className="acts">
        {c.state === 'closed' && <button type="button" disabled={disabled} data-act="open" title={t('openAsClerk')} onClick={() => void run('counter:open', { counterId: c.id })}>{t('open')}</button>}
        {c.state === 'open' && <button type="button" disabled={disabled || !!step} title={busyReason} data-act="pause" onClick={() => void run('counter:pause', { counterId: c.id })}>{t('pause')}</button>}
        {c.state === 'paused' && <button type="button" disabled={disabled} data-act="resume" onClick={() => void run('counter:resume', { counterId: c.id })}>{t('resume')}</button>}
        {c.state !== 'closed' && <button type="button" disabled={disabled || !!step} title={busyReason} data-act="close" onClick={() => void run('counter:close', { counterId: c.id })}>{t('close')}</button>}
      </td>
    </tr>
  );
}

function QueueRow({ w, snap, lang, now, disabled, run, svcPrefix }: { w: StaffStepView; snap: StaffSnapshot; lang: string; now: number; disabled: boolean; run: (n: CommandName, p: Record<string, unknown>) => Promise<void>; svcPrefix: string }) {
  const t = (k: FloorKey, v?: Record<string, string | number>) => floorT(lang, k, v);
  const others = snap.services.filter((s) => s.id !== w.serviceId);
  const [target, setTarget] = useState('');
  const svc = snap.services.find((s) => s.id === w.serviceId);
  const waited = now - w.enqueuedAt;
  const over = svc ? waited > svc.targetWaitMin * 60_000 : false;
  return (
    <tr data-step={w.id} data-number={w.display}>
      <td><b>{w.display}</b>{w.priority ? ' ★' : ''} <small className="muted">{svcPrefix}{w.state === 'held' ? ` · ${t('held')}` : ''}</small></td>
      <td className={over ? 'over' : ''}>{formatDuration(waited, lang)}</td>
      <td>
        <select aria-label={t('moveTo')} value={target} onChange={(e) => setTarget(e.target.value)} disabled={disabled}>
          <option value="">—</option>
          {others.map((s) => <option key={s.id} value={s.id}>{s.prefix} {pick(s.name, lang)}</option>)}
        </select>
        <button type="button" disabled={disabled || !target} data-act="move" onClick={() => void run('step:move', { stepId: w.id, serviceId: target, position: 'back' })}>{t('move')}</button>
      </td>
      <td>
        <button type="button" className="danger" disabled={disabled} data-act="cancel"
          onClick={() => { if (window.confirm(t('confirmCancel', { number: w.display }))) void run('ticket:cancel', { ticketId: w.ticketId }); }}>{t('cancelTicket')}</button>
      </td>
    </tr>
  );
}

function TickerForm({ officeId, current, lang, disabled }: { officeId: string; current: string; lang: string; disabled: boolean }) {
  const t = (k: FloorKey) => floorT(lang, k);
  const [text, setText] = useState(current);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(current), [current]);
  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    setNote(null);
    try {
      await api('PUT', `/api/offices/${encodeURIComponent(officeId)}/ticker`, { ticker: text });
      setNote(t('tickerSaved'));
    } catch (err) {
      setError(err instanceof ApiError ? (lang === 'en' ? errorMessage(err.code, 'en') : err.message) : String(err));
    }
  };
  return (
    <>
      <label htmlFor="ticker-input"><b>{t('ticker')}</b></label>
      <div className="ticker-row">
        <input id="ticker-input" name="ticker" maxLength={200} value={text} disabled={disabled} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') void save(); }} />
        <button type="button" disabled={disabled || text === current} onClick={() => void save()} data-act="ticker">{t('tickerSave')}</button>
      </div>
      {note && <small className="ok" role="status">{note}</small>}
      {error && <small className="error" role="alert">{error}</small>}
    </>
  );
}
