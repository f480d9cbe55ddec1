import { StrictMode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import '../web/base.css';
import './counter.css';
import { errorMessage } from '../common/errors.js';
import { parseTicketNumber, type CommandName } from '../common/schemas.js';
import type { StaffCounter, StaffInfo, StaffSnapshot, StaffStepView } from '../common/types.js';
import { api, ApiError, newCommandId } from '../web/api.js';
import { i18next, initI18n, pick } from '../web/i18n.js';
import { SignIn, useStaff } from '../web/session.js';
import { useLiveOffice, type LiveOffice } from '../web/socket.js';
import { formatDuration, useServerNow } from './format.js';
import { CommandGate, type Outcome } from './gate.js';
import { counterCatalogue } from './i18n.js';
import { BackOffice, isBackOffice, isReception, JourneyPanel, Reception } from './Visit.js';

/**
 * Counter console (窓口端末): a clerk signs in, opens a counter, and calls, serves, transfers and
 * holds tickets by mouse or one-handed keyboard. Every button says why it cannot act now.
 */

const LANG_KEY = 'madoguchi.counter.lang';
const COUNTER_KEY = 'madoguchi.counter.counterId';

initI18n(counterCatalogue, localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ja');

type ActionKey = 'callNext' | 'recall' | 'noShow' | 'start' | 'done' | 'transfer' | 'hold' | 'resume' | 'callNumber' | 'pause' | 'close';

/** One-handed scheme: everything sits under the left hand (Space and the left letter block). */
export const SHORTCUTS: Record<ActionKey, { key: string; label: string }> = {
  callNext: { key: ' ', label: 'Space' },
  recall: { key: 'r', label: 'R' },
  noShow: { key: 'f', label: 'F' },
  start: { key: 's', label: 'S' },
  done: { key: 'd', label: 'D' },
  transfer: { key: 't', label: 'T' },
  hold: { key: 'w', label: 'W' },
  resume: { key: 'b', label: 'B' },
  callNumber: { key: 'c', label: 'C' },
  pause: { key: 'z', label: 'Z' },
  close: { key: 'q', label: 'Q' },
};

function App() {
  const { staff, loading, refresh, logout } = useStaff();
  const { t } = useTranslation();
  if (loading) return null;
  if (!staff) return <div className="signin-wrap"><SignIn title={t('signInTitle')} onSignedIn={refresh} /></div>;
  return <Desk staff={staff} onSignedOut={logout} onSessionEnded={refresh} />;
}

/** Office of the signed-in staff member (an admin has none: the first office). */
function useOfficeId(staff: StaffInfo): string | null {
  const [officeId, setOfficeId] = useState<string | null>(staff.officeId);
  useEffect(() => {
    if (staff.officeId) return;
    api<{ id: string }[]>('GET', '/api/public/offices').then((list) => setOfficeId(list[0]?.id ?? null)).catch(() => undefined);
  }, [staff.officeId]);
  return officeId;
}

function Desk({ staff, onSignedOut, onSessionEnded }: { staff: StaffInfo; onSignedOut: () => Promise<void>; onSessionEnded: () => void }) {
  const { t, i18n } = useTranslation();
  const officeId = useOfficeId(staff);
  const live = useLiveOffice<StaffSnapshot>(officeId);
  const snap = live.snapshot;
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(COUNTER_KEY));
  const [choosing, setChoosing] = useState(false);
  const lang = i18n.language;

  useEffect(() => {
    if (live.sessionEnded) onSessionEnded();
  }, [live.sessionEnded, onSessionEnded]);

  // A counter this clerk is already signed in to wins over the remembered one.
  const mine = snap?.counters.find((c) => c.clerk?.id === staff.id && c.state !== 'closed') ?? null;
  useEffect(() => {
    if (mine && mine.id !== selected && !choosing) setSelected(mine.id);
  }, [mine, selected, choosing]);

  const counter = snap?.counters.find((c) => c.id === selected) ?? null;
  const toggleLang = () => {
    const next = lang === 'en' ? 'ja' : 'en';
    localStorage.setItem(LANG_KEY, next);
    void i18next.changeLanguage(next);
  };

  const signOut = async () => {
    if (mine && !mine.currentStep && live.connected) {
      await live.send('counter:close', { counterId: mine.id }).catch(() => undefined);
    }
    await onSignedOut();
  };

  const choose = (id: string) => {
    localStorage.setItem(COUNTER_KEY, id);
    setSelected(id);
    setChoosing(false);
  };

  return (
    <div className="desk">
      <header className="bar">
        <strong className="app-title">{t('title')}</strong>
        {snap && <span>{pick(snap.office.name, lang)}</span>}
        {counter && !choosing && <span className="bar-counter">{pick(counter.name, lang)}</span>}
        <span className={`conn ${live.connected ? 'on' : 'off'}`} data-testid="conn">{live.connected ? '●' : '○'}</span>
        <span className="grow" />
        <span className="who">{staff.name}</span>
        <button type="button" className="plain" onClick={toggleLang} lang={lang === 'en' ? 'ja' : 'en'}>{t('lang')}</button>
        <button type="button" className="plain" onClick={() => setChoosing(true)} disabled={!!mine?.currentStep || choosing} title={mine?.currentStep ? t('signOutBusy') : undefined}>{t('move')}</button>
        <button type="button" className="plain" onClick={() => void signOut()} disabled={!!mine?.currentStep} title={mine?.currentStep ? t('signOutBusy') : undefined}>{t('signOut')}</button>
      </header>
      {!live.connected && <div className="offline" role="alert" data-testid="offline">{snap ? t('offline') : t('connecting')}</div>}
      {snap && isBackOffice() && <BackOffice snap={snap} send={(name, payload) => live.send(name, payload as never)} lang={lang} />}
      {snap && isReception() && <Reception snap={snap} send={(name, payload) => live.send(name, payload as never)} lang={lang} />}
      {snap && !isBackOffice() && !isReception() && (choosing || !counter) && <Chooser snap={snap} staff={staff} live={live} current={selected} onChosen={choose} onCancel={counter ? () => setChoosing(false) : undefined} />}
      {snap && counter && !choosing && !isBackOffice() && !isReception() && <CounterScreen snap={snap} counter={counter} staff={staff} live={live} onChoose={() => setChoosing(true)} />}
    </div>
  );
}

function Chooser({ snap, staff, live, current, onChosen, onCancel }: { snap: StaffSnapshot; staff: StaffInfo; live: LiveOffice<StaffSnapshot>; current: string | null; onChosen: (id: string) => void; onCancel?: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async (c: StaffCounter) => {
    setBusy(true);
    setError(null);
    try {
      await live.send('counter:open', { counterId: c.id });
      onChosen(c.id);
    } catch (err) {
      setError(messageOf(err, lang));
    } finally {
      setBusy(false);
    }
  };
  const serviceName = (id: string) => {
    const s = snap.services.find((x) => x.id === id);
    return s ? `${s.prefix} ${pick(s.name, lang)}` : id;
  };
  return (
    <main className="chooser">
      <h1>{t('chooseCounter')}</h1>
      <p className="muted">{t('chooseHint')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="counter-grid">
        {snap.counters.map((c) => {
          const other = c.clerk && c.clerk.id !== staff.id && c.state !== 'closed' ? c.clerk : null;
          const reason = !live.connected ? t('r_offline') : other ? t('occupiedBy', { name: other.name }) : null;
          return (
            <li key={c.id}>
              <button type="button" className={`counter-card ${c.id === current ? 'remembered' : ''}`} disabled={busy || !!reason} title={reason ?? undefined} onClick={() => void open(c)} data-counter={c.id}>
                <span className="label">{pick(c.name, lang)}</span>
                <span className="svc">{c.serviceIds.map(serviceName).join(' / ')}</span>
                <span className={`state s-${c.state}`}>{t(`state_${c.state}`)}{c.clerk && c.state !== 'closed' ? ` · ${c.clerk.name}` : ''}</span>
                {reason && <small className="reason">{reason}</small>}
                {c.id === current && !reason && <small className="reason ok">{c.clerk?.id === staff.id && c.state !== 'closed' ? t('yourCounter') : '★'}</small>}
              </button>
            </li>
          );
        })}
      </ul>
      {onCancel && <button type="button" className="back-btn" onClick={onCancel}>{t('cancel')}</button>}
    </main>
  );
}

function messageOf(err: unknown, lang: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK') return lang === 'en' ? 'No answer from the server; press again to retry.' : 'サーバーから応答がありません。もう一度押すと再送します。';
    return lang === 'en' ? errorMessage(err.code, 'en') : err.message;
  }
  return String(err);
}

type Dialog = null | 'transfer' | 'callNumber' | 'close';

function CounterScreen({ snap, counter, staff, live, onChoose }: { snap: StaffSnapshot; counter: StaffCounter; staff: StaffInfo; live: LiveOffice<StaffSnapshot>; onChoose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const now = useServerNow(snap.now);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const gate = useRef(new CommandGate(newCommandId)).current;

  const isMine = counter.clerk?.id === staff.id && counter.state !== 'closed';
  const step = isMine ? counter.currentStep : null;
  const served = counter.serviceIds;
  const waitingHere = snap.waiting.filter((w) => served.includes(w.serviceId));
  // Held tickets belong to the counter that held them: only those can be resumed here.
  const heldHere = snap.held.filter((h) => h.counterId === counter.id);
  const heldElsewhere = snap.held.filter((h) => h.counterId !== counter.id && served.includes(h.serviceId));

  const run = useCallback(async <N extends CommandName>(name: N, payload: Record<string, unknown>): Promise<boolean> => {
    const commandId = gate.begin(`${name}|${JSON.stringify(payload)}`);
    if (!commandId) return false;
    setBusy(true);
    let outcome: Outcome = 'refused';
    try {
      // live.send gives up after SEND_TIMEOUT_MS with code NETWORK: the gate then re-sends the same id.
      await live.send(name, { ...payload, commandId } as never);
      outcome = 'done';
      setError(null);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NETWORK') outcome = 'lost';
      setError(messageOf(err, lang));
      return false;
    } finally {
      gate.end(outcome);
      setBusy(false);
    }
  }, [live, lang, gate]);

  // Why each action cannot act now (null = it can).
  const reasons = useMemo((): Record<ActionKey, string | null> => {
    const common = !live.connected ? t('r_offline') : !isMine ? t('r_notOpen') : null;
    const noCurrent = step ? null : t('r_noCurrent');
    const needsIdleOpen = counter.state === 'paused' ? t('r_paused') : counter.state !== 'open' ? t('r_notOpen') : step ? t('r_hasCurrent') : null;
    const recallsNeeded = step ? snap.policy.recallsBeforeNoShow - (step.callCount - 1) : 0;
    const notCalled = step && step.state !== 'called' ? t('r_notCalled') : null;
    const r = (...xs: (string | null)[]) => xs.find((x) => x) ?? null;
    return {
      callNext: r(common, needsIdleOpen, waitingHere.length === 0 ? t('r_nobody') : null),
      callNumber: r(common, needsIdleOpen),
      recall: r(common, noCurrent, notCalled),
      noShow: r(common, noCurrent, notCalled, recallsNeeded > 0 ? t('r_recallsNeeded', { n: recallsNeeded }) : null),
      start: r(common, noCurrent, notCalled),
      done: r(common, noCurrent),
      transfer: r(common, noCurrent),
      hold: r(common, noCurrent),
      resume: r(common, heldHere.length === 0 ? t('r_noHeld') : null, needsIdleOpen),
      pause: r(common, counter.state === 'open' && step ? t('r_hasCurrent') : null),
      close: r(common, step ? t('r_hasCurrent') : null),
    };
  }, [live.connected, isMine, step, counter.state, snap.policy.recallsBeforeNoShow, waitingHere.length, heldHere.length, t]);

  const perform = useCallback((a: ActionKey) => {
    if (gate.busy) return;
    if (reasons[a]) {
      setFlash(reasons[a]);
      return;
    }
    setFlash(null);
    const counterId = counter.id;
    switch (a) {
      case 'callNext': return void run('counter:call-next', { counterId });
      case 'recall': return void run('counter:recall', { counterId });
      case 'noShow': return void run('counter:no-show', { counterId });
      case 'start': return void run('counter:start', { counterId });
      case 'done': return void run('counter:done', { counterId });
      case 'hold': return void run('counter:hold', { counterId });
      case 'resume': return void run('step:resume', { stepId: heldHere[0]!.id });
      case 'pause': return void run(counter.state === 'paused' ? 'counter:resume' : 'counter:pause', { counterId });
      case 'transfer':
      case 'callNumber':
      case 'close':
        setError(null);
        return setDialog(a);
    }
  }, [reasons, counter.id, counter.state, run, heldHere, gate]);

  // The key handler reads the newest render through refs, updated before paint, so a key pressed
  // right after the screen changed acts on what the clerk sees (never on a stale closure).
  const latest = useRef({ perform, dialog });
  useLayoutEffect(() => {
    latest.current = { perform, dialog };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (latest.current.dialog || e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const action = (Object.keys(SHORTCUTS) as ActionKey[]).find((k) => SHORTCUTS[k].key === key);
      if (!action) return;
      e.preventDefault();
      latest.current.perform(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!isMine) {
    const other = counter.clerk && counter.state !== 'closed' ? counter.clerk : null;
    return (
      <main className="not-mine">
        <h1>{pick(counter.name, lang)}</h1>
        <p data-testid="closed-by">{other ? t('occupiedBy', { name: other.name })
          : counter.closedBy?.id === staff.id ? t('closedBySelf')
          : counter.closedBy ? t('closedByName', { name: counter.closedBy.name }) : t('counterClosedByOther')}</p>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          {!other && <button type="button" className="primary" disabled={!live.connected || busy} onClick={() => void run('counter:open', { counterId: counter.id })}>{t('reopen')}</button>}
          <button type="button" onClick={onChoose}>{t('move')}</button>
        </div>
      </main>
    );
  }

  const svc = (id: string) => snap.services.find((s) => s.id === id);
  const btn = (a: ActionKey, label: string, cls = '') => (
    <ActionButton key={a} action={a} label={label} reason={reasons[a]} busy={busy} onPress={() => perform(a)} cls={cls} />
  );

  return (
    <main className="counter-main">
      <section className="work">
        <div className={`ticket ${step ? `t-${step.state}` : 'idle'}`} data-testid="current">
          {step ? (
            <>
              <CurrentTicket step={step} history={counter.history} snap={snap} now={now} />
              <JourneyPanel step={step} snap={snap} counterId={counter.id} busy={busy} run={run} lang={lang} />
            </>
          ) : (
            <div className="idle-msg">
              <div className="state-line"><span className={`pill s-${counter.state}`}>{t(`state_${counter.state}`)}</span></div>
              <p className="big-muted">{t('noCurrent')}</p>
              {counter.state === 'open' && live.connected && waitingHere.length > 0 && <p className="hint">{t('pressCall')}</p>}
            </div>
          )}
        </div>
        <div className="msg-line" aria-live="polite">
          {error ? <span role="alert" className="error" data-testid="error">{t('lastError')}: {error}</span> : flash ? <span className="flash" data-testid="flash">{flash}</span> : null}
        </div>
        <div className="actions main-actions">
          {btn('callNext', t('a_callNext'), 'primary')}
          {btn('recall', t('a_recall'))}
          {btn('noShow', t('a_noShow'), 'warn')}
          {btn('start', t('a_start'))}
          {btn('done', t('a_done'), 'ok')}
        </div>
        <div className="actions sub-actions">
          {btn('transfer', t('a_transfer'))}
          {btn('hold', t('a_hold'))}
          {btn('resume', t('a_resume'))}
          {btn('callNumber', t('a_callNumber'))}
          {btn('pause', counter.state === 'paused' ? t('a_unpause') : t('a_pause'))}
          {btn('close', t('a_close'), 'danger')}
        </div>
      </section>
      <aside className={`side ${live.connected ? '' : 'stale'}`}>
        <div className="space-next" data-testid="next-call">
          <span className="muted">{t('spaceNext')} <kbd>Space</kbd></span>
          {counter.nextUp ? (
            <span><b className="next-num" data-testid="next-number">{counter.nextUp.display}</b> <small className="muted">{t(`reason_${counter.nextUp.reason}`)}</small></span>
          ) : <span className="muted">{t('spaceNone')}</span>}
        </div>
        <h2>{t('queue')}</h2>
        <ul className="queues" data-testid="queues">
          {served.map((id) => {
            const s = svc(id);
            if (!s) return null;
            const oldest = snap.stats.oldestWaitMs[id];
            const oldestNow = oldest === undefined ? null : oldest + (now - snap.now);
            const over = oldestNow !== null && oldestNow > s.targetWaitMin * 60_000;
            const next = waitingHere.filter((w) => w.serviceId === id).slice(0, 4).map((w) => `${w.display}${w.priority ? '★' : ''}`);
            return (
              <li key={id} data-service={id}>
                <div className="q-head"><b className="prefix">{s.prefix}</b> {pick(s.name, lang)}</div>
                <div className="q-figs">
                  <span className="q-count" data-testid={`waiting-${id}`}>{t('waitingPeople', { n: s.waiting })}</span>
                  <span className={over ? 'over' : ''}>{oldestNow === null ? '—' : t('oldest', { t: formatDuration(oldestNow, lang) })}</span>
                  <small className="muted">{t('target', { n: s.targetWaitMin })}</small>
                </div>
                {next.length > 0 && <div className="q-next muted">{t('nextUp', { list: next.join(' ') })}</div>}
              </li>
            );
          })}
        </ul>
        <h2>{t('held')}</h2>
        {heldHere.length + heldElsewhere.length === 0 ? <p className="muted small">—</p> : (
          <ul className="held" data-testid="held">
            {heldHere.map((h, i) => (
              <li key={h.id}>
                <b>{h.display}</b> <span className="muted">{svc(h.serviceId)?.prefix}</span>
                <button type="button" className="small-btn" disabled={busy || !!reasons.resume} title={reasons.resume ?? undefined} onMouseDown={(e) => e.preventDefault()} onClick={() => void run('step:resume', { stepId: h.id })}>
                  {t('a_resume')}{i === 0 && <kbd>{SHORTCUTS.resume.label}</kbd>}
                </button>
              </li>
            ))}
            {heldElsewhere.map((h) => (
              <li key={h.id} className="muted" data-testid="held-elsewhere">
                <b>{h.display}</b> <span>{t('heldElsewhere', { label: snap.counters.find((c) => c.id === h.counterId)?.label ?? '?' })}</span>
              </li>
            ))}
          </ul>
        )}
        <h2>{t('others')}</h2>
        <table className="others" data-testid="others">
          <tbody>
            {snap.counters.filter((c) => c.id !== counter.id).map((c) => (
              <tr key={c.id} className={`s-${c.state}`}>
                <td className="lbl">{c.label}</td>
                <td><span className={`dot s-${c.state}`} />{t(`state_${c.state}`)}</td>
                <td className="num">{c.current?.display ?? ''}</td>
                <td className="clerk">{c.state !== 'closed' ? (c.clerk?.name ?? t('noClerk')) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </aside>
      {dialog === 'transfer' && step && (
        <TransferDialog snap={snap} step={step} error={error} busy={busy} onCancel={() => setDialog(null)}
          onConfirm={async (serviceId, position) => { if (await run('counter:transfer', { counterId: counter.id, serviceId, position })) setDialog(null); }} />
      )}
      {dialog === 'callNumber' && (
        <CallNumberDialog error={error} busy={busy} onCancel={() => setDialog(null)}
          onConfirm={async (number) => { if (await run('counter:call', { counterId: counter.id, number })) setDialog(null); }} />
      )}
      {dialog === 'close' && (
        <Modal title={t('closeTitle')} onCancel={() => setDialog(null)} onSubmit={async () => { if (await run('counter:close', { counterId: counter.id })) setDialog(null); }} busy={busy} error={error}>
          <p>{t('closeHint')}</p>
        </Modal>
      )}
    </main>
  );
}

function ActionButton({ action, label, reason, busy, onPress, cls }: { action: ActionKey; label: string; reason: string | null; busy: boolean; onPress: () => void; cls: string }) {
  return (
    <button type="button" className={`act ${cls}`} data-action={action} disabled={busy || !!reason} aria-busy={(busy && !reason) || undefined} title={reason ?? undefined}
      aria-keyshortcuts={SHORTCUTS[action].label === 'Space' ? 'Space' : SHORTCUTS[action].label}
      onMouseDown={(e) => e.preventDefault()} onClick={onPress}>
      <span className="act-label">{label}</span>
      <kbd>{SHORTCUTS[action].label}</kbd>
      <small className="why">{reason ?? '\u00a0'}</small>
    </button>
  );
}

function CurrentTicket({ step, history, snap, now }: { step: StaffStepView; history: StaffStepView[]; snap: StaffSnapshot; now: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const svc = snap.services.find((s) => s.id === step.serviceId);
  const waited = (step.firstCalledAt ?? now) - step.enqueuedAt;
  const over = svc ? waited > svc.targetWaitMin * 60_000 : false;
  return (
    <div className="current">
      <div className="cur-top">
        <span className={`pill st-${step.state}`} data-testid="step-state">{t(step.state === 'serving' ? 'serving' : 'called')}</span>
        {step.priority && <span className="pill prio" data-testid="priority">★ {t('priority')}</span>}
        <span className="muted">{t('callCount', { n: step.callCount })}</span>
      </div>
      <div className="number" data-testid="current-number">{step.display}</div>
      <div className="svc-name"><b className="prefix">{svc?.prefix}</b> {svc ? pick(svc.name, lang) : step.serviceId}</div>
      <dl className="figs">
        <div><dt>{t('waited')}</dt><dd className={over ? 'over' : ''}>{formatDuration(waited, lang)}</dd></div>
        {step.lastCalledAt !== null && step.state === 'called' && <div><dt>{t('sinceCall')}</dt><dd>{formatDuration(now - step.lastCalledAt, lang)}</dd></div>}
        {history.length > 0 && <div><dt>{t('sinceIssue')}</dt><dd>{formatDuration(now - step.issuedAt, lang)}</dd></div>}
      </dl>
      {history.length > 0 && (
        <div className="history" data-testid="history">
          <span className="muted">{t('history')}:</span>
          {history.map((h) => {
            const hs = snap.services.find((s) => s.id === h.serviceId);
            return <span key={h.id} className="hist-step">{hs ? pick(hs.name, lang) : h.serviceId}{h.outcome ? ` (${t(`outcome_${h.outcome}`)})` : ''}</span>;
          })}
        </div>
      )}
    </div>
  );
}

function Modal({ title, children, onCancel, onSubmit, busy, error, submitDisabled }: { title: string; children: ReactNode; onCancel: () => void; onSubmit: () => void; busy: boolean; error: string | null; submitDisabled?: boolean }) {
  const { t } = useTranslation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <div className="overlay">
      <form className="modal" role="dialog" aria-modal="true" aria-label={title} onSubmit={submit}>
        <h2>{title}</h2>
        {children}
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row end">
          <button type="button" onClick={onCancel}>{t('cancel')} <kbd>Esc</kbd></button>
          <button type="submit" className="primary" disabled={busy || submitDisabled} autoFocus={!submitDisabled}>{t('confirm')} <kbd>Enter</kbd></button>
        </div>
      </form>
    </div>
  );
}

/**
 * Transfer: no service is chosen at first (Enter alone does nothing: the submit button is disabled
 * and implicit submission with a disabled default button does not submit); the service's prefix
 * letter chooses it; Esc cancels.
 */
function TransferDialog({ snap, step, onCancel, onConfirm, busy, error }: { snap: StaffSnapshot; step: StaffStepView; onCancel: () => void; onConfirm: (serviceId: string, position: 'front' | 'back') => void; busy: boolean; error: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const options = snap.services.filter((s) => s.id !== step.serviceId);
  const [serviceId, setServiceId] = useState('');
  const [position, setPosition] = useState<'front' | 'back'>('front');
  const groupRef = useRef<HTMLDivElement>(null);
  const choose = (id: string) => {
    setServiceId(id);
    groupRef.current?.querySelector<HTMLInputElement>(`input[value="${CSS.escape(id)}"]`)?.focus();
  };
  useEffect(() => {
    groupRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);
  const latest = useRef({ options, choose });
  useLayoutEffect(() => {
    latest.current = { options, choose };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1) return;
      const el = e.target as HTMLElement | null;
      if (el && el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'text') return;
      const hit = latest.current.options.find((s) => s.prefix.toLowerCase() === e.key.toLowerCase());
      if (!hit) return;
      e.preventDefault();
      latest.current.choose(hit.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Modal title={t('transferTitle')} onCancel={onCancel} onSubmit={() => { if (serviceId) onConfirm(serviceId, position); }} busy={busy} error={error} submitDisabled={!serviceId}>
      <p className="muted">{t('transferKeep', { number: step.display })}</p>
      <p className="small" data-testid="transfer-keys">{t('transferKeys')}</p>
      <div className="svc-options" role="radiogroup" aria-label={t('transferChoose')} ref={groupRef}>
        {options.map((s) => (
          <label key={s.id} className={serviceId === s.id ? 'checked' : ''} data-service={s.id}>
            <input type="radio" name="service" value={s.id} checked={serviceId === s.id} onChange={() => setServiceId(s.id)} aria-keyshortcuts={s.prefix} />
            <kbd className="svc-key">{s.prefix}</kbd> {pick(s.name, lang)} <small className="muted">{t('waitingPeople', { n: s.waiting })}</small>
          </label>
        ))}
      </div>
      <div className="row">
        <label><input type="radio" name="position" value="front" checked={position === 'front'} onChange={() => setPosition('front')} /> {t('front')}</label>
        <label><input type="radio" name="position" value="back" checked={position === 'back'} onChange={() => setPosition('back')} /> {t('back')}</label>
      </div>
    </Modal>
  );
}

function CallNumberDialog({ onCancel, onConfirm, busy, error }: { onCancel: () => void; onConfirm: (number: string) => void; busy: boolean; error: string | null }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const valid = parseTicketNumber(text) !== null;
  return (
    <Modal title={t('callNumberTitle')} onCancel={onCancel} onSubmit={() => valid && onConfirm(text.trim())} busy={busy} error={error} submitDisabled={!valid}>
      <input name="number" className="num-input" autoFocus value={text} placeholder={t('callNumberHint')} onChange={(e) => setText(e.target.value)} autoComplete="off" inputMode="text" aria-label={t('callNumberTitle')} />
      {text && !valid && <p className="error small">{t('badNumber')}</p>}
    </Modal>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
