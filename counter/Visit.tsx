import { useState } from 'react';
import type { CommandName } from '../common/schemas.js';
import type { LocalizedText, StaffSnapshot, StaffStepView } from '../common/types.js';
import { errorMessage } from '../common/errors.js';
import { ApiError, newCommandId } from '../web/api.js';
import { pick } from '../web/i18n.js';
import './visit.css';

/**
 * Whole visits at the counter (issue 16): the remaining legs of the current ticket (remove, move
 * up, add), 書類作成中 for a service with a 交付 stage, and the 作成係 (back office) screen at
 * /counter/?mode=backoffice where papers are marked ready.
 */

type Run = (name: CommandName, payload: Record<string, unknown>) => Promise<boolean>;

const TX = {
  legs: { ja: 'このあとの手続き', en: 'Next procedures' },
  none: { ja: 'このあとの手続きはありません', en: 'No further procedures' },
  remove: { ja: '削除', en: 'Remove' },
  up: { ja: '↑ 先に', en: '↑ Earlier' },
  add: { ja: '手続きを追加', en: 'Add a procedure' },
  addNone: { ja: '（選択）', en: '(choose)' },
  autoNext: { ja: '完了すると次の手続きの順番待ちに自動で入ります（同じ番号）', en: 'Done queues the next procedure by itself (same number)' },
  processing: { ja: '書類作成中（交付へ）', en: 'Processing → pick-up' },
  processingHint: { ja: '受付を終え、書類ができたら交付窓口で呼び出します', en: 'Ends the application; the number is called again at pick-up when the papers are ready' },
  pickupStep: { ja: '交付（書類のお受け取り）', en: 'Pick-up of papers' },
  boTitle: { ja: '作成係 書類作成の状況', en: 'Back office — papers in progress' },
  boProcessing: { ja: '書類作成中', en: 'Processing' },
  boReady: { ja: '交付待ち（書類完成）', en: 'Ready, not yet collected' },
  boCalled: { ja: '交付窓口で呼出中', en: 'Called at pick-up' },
  boMark: { ja: '準備完了', en: 'Mark ready' },
  boEmpty: { ja: 'ありません', en: 'None' },
  since: { ja: '経過', en: 'for' },
  rcTitle: { ja: '受付案内 まとめて発券', en: 'Reception desk — issue a ticket' },
  rcHelp: { ja: '手続きを順に選んでください（まとめられる手続きのみ、選んだ順に案内します）', en: 'Choose the procedures in order (combinable ones; served in the order chosen)' },
  rcSingle: { ja: 'ひとつの手続きなら、どの用件も選べます', en: 'A single procedure may be any service' },
  rcIssue: { ja: '発券', en: 'Issue' },
  rcClear: { ja: 'やり直す', en: 'Clear' },
  rcIssued: { ja: '発券しました', en: 'Issued' },
  rcLink: { ja: 'お客様の呼出状況ページ', en: 'Resident’s status page' },
} satisfies Record<string, LocalizedText>;

const tx = (k: keyof typeof TX, lang: string) => (lang === 'en' ? TX[k].en ?? TX[k].ja : TX[k].ja);
const minutes = (ms: number, lang: string) => (lang === 'en' ? `${Math.max(0, Math.round(ms / 60_000))} min` : `${Math.max(0, Math.round(ms / 60_000))}分`);

/** The current ticket's remaining legs with edit buttons, and the 書類作成中 button. */
export function JourneyPanel(props: { step: StaffStepView; snap: StaffSnapshot; counterId: string; busy: boolean; run: Run; lang: string }) {
  const { step, snap, busy, run, lang } = props;
  const [adding, setAdding] = useState('');
  const plan = step.plan ?? [];
  const name = (id: string) => {
    const s = snap.services.find((x) => x.id === id);
    return s ? `${s.prefix} ${pick(s.name, lang)}` : id;
  };
  const setPlan = (next: string[]) => void run('ticket:plan', { ticketId: step.ticketId, plan: next });
  const service = snap.services.find((s) => s.id === step.serviceId);
  const canAdd = snap.services.filter((s) => s.id !== step.serviceId && !plan.includes(s.id) && s.refusal !== 'SERVICE_INACTIVE');
  return (
    <div className="journey" data-testid="journey">
      {step.pickup && <p className="journey-pickup" data-testid="pickup-step">{tx('pickupStep', lang)}</p>}
      <div className="journey-head"><b>{tx('legs', lang)}</b></div>
      {plan.length === 0 ? <p className="muted small" data-testid="journey-none">{tx('none', lang)}</p> : (
        <ol className="journey-legs" data-testid="journey-legs">
          {plan.map((id, i) => (
            <li key={id} data-service={id}>
              <span>{name(id)}</span>
              {i > 0 && <button type="button" className="small-btn" disabled={busy} onClick={() => setPlan([...plan.slice(0, i - 1), id, plan[i - 1]!, ...plan.slice(i + 1)])}>{tx('up', lang)}</button>}
              <button type="button" className="small-btn" data-testid={`remove-${id}`} disabled={busy} onClick={() => setPlan(plan.filter((x) => x !== id))}>{tx('remove', lang)}</button>
            </li>
          ))}
        </ol>
      )}
      {plan.length > 0 && <p className="muted small">{tx('autoNext', lang)}</p>}
      <div className="journey-add">
        <select aria-label={tx('add', lang)} value={adding} onChange={(e) => setAdding(e.target.value)} data-testid="journey-add-select">
          <option value="">{tx('addNone', lang)}</option>
          {canAdd.map((s) => <option key={s.id} value={s.id}>{s.prefix} {pick(s.name, lang)}</option>)}
        </select>
        <button type="button" className="small-btn" disabled={busy || !adding} data-testid="journey-add" onClick={() => { setPlan([...plan, adding]); setAdding(''); }}>{tx('add', lang)}</button>
      </div>
      {service?.pickupServiceId && !step.pickup && (
        <button type="button" className="processing-btn" data-testid="processing" disabled={busy} title={tx('processingHint', lang)} onClick={() => void run('counter:processing', { counterId: props.counterId })}>
          {tx('processing', lang)}
        </button>
      )}
    </div>
  );
}

/** 作成係: tickets in processing (mark ready), ready and not yet collected, called at pick-up. */
export function BackOffice(props: { snap: StaffSnapshot; send: (name: CommandName, payload: Record<string, unknown>) => Promise<unknown>; lang: string }) {
  const { snap, lang } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run: Run = async (name, payload) => {
    setBusy(true);
    try {
      await props.send(name, { ...payload, commandId: newCommandId() });
      setError(null);
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? errorMessage(err.code, lang === 'en' ? 'en' : 'ja') : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const pickups = snap.pickups ?? [];
  const svc = (id: string) => {
    const s = snap.services.find((x) => x.id === id);
    return s ? `${s.prefix} ${pick(s.name, lang)}` : id;
  };
  const group = (state: 'processing' | 'ready' | 'called') => pickups.filter((p) => p.state === state);
  const section = (state: 'processing' | 'ready' | 'called', title: keyof typeof TX) => (
    <section className={`bo-${state}`} data-testid={`bo-${state}`}>
      <h2>{tx(title, lang)} <span className="muted">{group(state).length}</span></h2>
      {group(state).length === 0 ? <p className="muted">{tx('boEmpty', lang)}</p> : (
        <ul>
          {group(state).map((p) => (
            <li key={p.ticketId} data-number={p.display}>
              <b className="bo-num">{p.display}</b> <span>{svc(p.fromServiceId)}</span>{' '}
              <small className="muted">{tx('since', lang)} {minutes(snap.now - (state === 'processing' ? p.processingAt : p.readyAt ?? p.processingAt), lang)}</small>
              {state === 'processing' && (
                <button type="button" className="primary small-btn" data-testid={`ready-${p.display}`} disabled={busy} onClick={() => void run('ticket:ready', { ticketId: p.ticketId })}>{tx('boMark', lang)}</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <main className="backoffice" data-testid="backoffice">
      <h1>{tx('boTitle', lang)}</h1>
      {error && <p role="alert" className="error" data-testid="error">{error}</p>}
      {section('processing', 'boProcessing')}
      {section('ready', 'boReady')}
      {section('called', 'boCalled')}
    </main>
  );
}

/** 受付案内: a clerk at a reception desk issues a ticket with one or several procedures (staff order kept). */
export function Reception(props: { snap: StaffSnapshot; send: (name: CommandName, payload: Record<string, unknown>) => Promise<unknown>; lang: string }) {
  const { snap, lang } = props;
  const [legs, setLegs] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ display: string; token: string } | null>(null);
  const combinable = (id: string) => snap.services.find((s) => s.id === id)?.journeyRank != null;
  const choosable = snap.services.filter((s) => s.refusal !== 'SERVICE_INACTIVE' && !legs.includes(s.id) && (legs.length === 0 || (combinable(s.id) && legs.every(combinable))));
  const issue = async () => {
    setBusy(true);
    try {
      const r = (await props.send('ticket:issue', { commandId: newCommandId(), officeId: snap.officeId, serviceId: legs[0], ...(legs.length > 1 ? { plan: legs.slice(1) } : {}) })) as { ticket?: { display: string; token: string } };
      if (r.ticket) setIssued({ display: r.ticket.display, token: r.ticket.token });
      setLegs([]);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? errorMessage(err.code, lang === 'en' ? 'en' : 'ja') : String(err));
    } finally {
      setBusy(false);
    }
  };
  const name = (id: string) => {
    const s = snap.services.find((x) => x.id === id);
    return s ? `${s.prefix} ${pick(s.name, lang)}` : id;
  };
  return (
    <main className="backoffice reception" data-testid="reception">
      <h1>{tx('rcTitle', lang)}</h1>
      <p className="muted">{tx('rcHelp', lang)} {tx('rcSingle', lang)}</p>
      <ol className="journey-legs" data-testid="reception-legs">{legs.map((id) => <li key={id}><span>{name(id)}</span></li>)}</ol>
      <div className="svc-pick">
        {choosable.map((s) => <button key={s.id} type="button" data-service={s.id} disabled={busy} onClick={() => setLegs([...legs, s.id])}>{s.prefix} {pick(s.name, lang)}</button>)}
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="reception-issue" disabled={busy || legs.length === 0} onClick={() => void issue()}>{tx('rcIssue', lang)}</button>
        <button type="button" disabled={busy || legs.length === 0} onClick={() => setLegs([])}>{tx('rcClear', lang)}</button>
      </div>
      {error && <p role="alert" className="error" data-testid="error">{error}</p>}
      {issued && <p data-testid="reception-issued">{tx('rcIssued', lang)}: <b className="bo-num">{issued.display}</b> <a href={`/t/${issued.token}`} target="_blank" rel="noreferrer">{tx('rcLink', lang)}</a></p>}
    </main>
  );
}

export const isReception = () => new URLSearchParams(location.search).get('mode') === 'reception';

/** /counter/?mode=backoffice opens the 作成係 screen. */
export const isBackOffice = () => new URLSearchParams(location.search).get('mode') === 'backoffice';
