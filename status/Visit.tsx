import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Lang, TicketStatus } from '../common/types.js';
import { api, ApiError } from '../web/api.js';
import { pick } from '../web/i18n.js';
import { Jx, useRt } from '../web/catalog/Text.js';
import './visit.css';

/**
 * Whole visits on the phone page (issue 16): the journey with the current leg and an estimate per
 * leg, the 交付 stage (書類作成中 / 書類ができました), and "tell me when N are ahead": in the open
 * page (notification + vibration), and by e-mail or the city's gateway where the office offers it.
 */

/** The phone page's language; the texts are in the resident catalogue (web/catalog/, status app, `visit.*`), all six languages. */
type L = Lang;

/** Every leg with its state; an estimate for the current leg and each planned one. */
export function JourneyCard(props: { status: TicketStatus; lang: L; estimate: (e: NonNullable<TicketStatus['estimate']>) => string }) {
  const { status, lang } = props;
  const { rt } = useRt();
  const legs = status.journey ?? [];
  const pickup = status.pickup;
  if (legs.length < 2 && !pickup) return null;
  return (
    <section className="s-card s-journey" data-testid="journey">
      {pickup?.state === 'ready' && (
        <div className="s-pickup-ready" role="alert" data-testid="pickup-ready">
          <p className="s-pickup-title">{rt('visit.ready')}</p>
          <p>{rt('visit.readyHint')}</p>
        </div>
      )}
      {pickup?.state === 'processing' && <p className="s-pickup-processing" data-testid="pickup-processing">{rt('visit.processing')}</p>}
      {legs.length > 1 && (
        <>
          <h2>{rt('visit.journey')}</h2>
          <ol className="s-legs" data-testid="journey-legs">
            {legs.map((l, i) => (
              <li key={`${l.serviceId}-${i}`} className={`is-${l.state}`} data-state={l.state} data-service={l.serviceId}>
                <span className="s-leg-mark">{l.state === 'done' ? '✓' : i + 1}</span>
                <span className="s-leg-name">{l.pickup ? rt('visit.pickup') : <Jx text={pick(l.name, lang)} lang={lang} />}</span>
                <small className="s-muted">
                  {rt(l.state === 'done' ? 'visit.done' : l.state === 'current' ? 'visit.current' : 'visit.planned')}
                  {l.estimate && l.state !== 'done' ? <>・<Jx text={props.estimate(l.estimate)} lang={lang} /></> : null}
                </small>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/**
 * "Tell me when N are ahead": the open page alerts once per leg when the people ahead drop to N
 * (browser notification + the page's own alert: vibration, beep); e-mail or the city's gateway
 * where the office offers them (the address is erased when the ticket ends).
 */
export function NearNotice(props: { token: string; status: TicketStatus; lang: L; onNear: () => void }) {
  const { status, lang } = props;
  const { rt, tp } = useRt();
  const [n, setN] = useState(3);
  // Opt-in: the page alerts for "near" only once the resident asked (a call always alerts).
  const [armed, setArmed] = useState(false);
  const [offered, setOffered] = useState<{ email: boolean; webhook: boolean } | null>(null);
  const [subs, setSubs] = useState<{ channel: string; active: boolean }[]>([]);
  const [channel, setChannel] = useState<'email' | 'webhook'>('email');
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fired = useRef<string | null>(null);
  const leg = `${status.service.id}|${(status.journey ?? []).filter((l) => l.state === 'done').length}`;

  useEffect(() => {
    api<{ offered: { email: boolean; webhook: boolean }; subscriptions: { channel: string; active: boolean }[] }>('GET', `/api/public/tickets/${encodeURIComponent(props.token)}/notify`)
      .then((r) => {
        setOffered(r.offered);
        setSubs(r.subscriptions);
        if (!r.offered.email && r.offered.webhook) setChannel('webhook');
      })
      .catch(() => setOffered({ email: false, webhook: false }));
  }, [props.token]);

  const ahead = status.state === 'waiting' ? status.estimate?.ahead ?? null : null;
  useEffect(() => {
    if (!armed || ahead === null || ahead > n || fired.current === leg) return;
    fired.current = leg;
    try {
      if ('Notification' in window && Notification.permission === 'granted') new Notification(`${tp('visit.nearNow')} ${status.display}`);
    } catch {
      /* not available */
    }
    props.onNear();
  }, [ahead, n, leg, armed]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await api<{ subscriptions: { channel: string; active: boolean }[] }>('PUT', `/api/public/tickets/${encodeURIComponent(props.token)}/notify`, { channel, address: address.trim(), ahead: n });
      setSubs(r.subscriptions);
      setAddress('');
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const withdraw = async () => {
    const r = await api<{ subscriptions: { channel: string; active: boolean }[] }>('DELETE', `/api/public/tickets/${encodeURIComponent(props.token)}/notify`).catch(() => null);
    if (r) setSubs(r.subscriptions);
  };
  const active = subs.filter((s) => s.active);
  const remote = offered && (offered.email || offered.webhook);
  return (
    <div className="s-near" data-testid="near">
      <h2>{rt('visit.nearTitle')}</h2>
      <label className="s-near-n">
        {rt('visit.nearWhen')}{' '}
        <select value={n} onChange={(e) => setN(Number(e.target.value))} data-testid="near-n">
          {[1, 2, 3, 5, 10].map((x) => <option key={x} value={x}>{tp('visit.people', { count: x })}</option>)}
        </select>
      </label>
      <p className="s-muted">{rt('visit.nearPage')}</p>
      <button type="button" className="s-sound" aria-pressed={armed} data-testid="near-arm" onClick={() => {
        setArmed(!armed);
        if (!armed && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
      }}>{armed ? rt('visit.nearArmed') : rt('visit.nearAllow')}</button>
      {remote && (
        active.length ? (
          <p data-testid="near-registered">{rt('visit.registered')} <button type="button" className="s-link" onClick={() => void withdraw()} data-testid="near-withdraw">{rt('visit.withdraw')}</button></p>
        ) : (
          <form onSubmit={(e) => void submit(e)} className="s-near-form">
            {offered.email && offered.webhook && (
              <select value={channel} onChange={(e) => setChannel(e.target.value as 'email' | 'webhook')} aria-label={tp('visit.email')}>
                <option value="email">{tp('visit.email')}</option>
                <option value="webhook">{tp('visit.webhook')}</option>
              </select>
            )}
            {!(offered.email && offered.webhook) && <span>{rt(offered.email ? 'visit.email' : 'visit.webhook')}</span>}
            <input type={channel === 'email' ? 'email' : 'text'} required value={address} onChange={(e) => setAddress(e.target.value)} placeholder={tp(channel === 'email' ? 'visit.address' : 'visit.addressHook')} aria-label={tp(channel === 'email' ? 'visit.address' : 'visit.addressHook')} data-testid="near-address" autoComplete="off" />
            <button type="submit" className="s-sound" data-testid="near-submit">{rt('visit.register')}</button>
          </form>
        )
      )}
      {error && <p className="s-warn" role="alert">{error}</p>}
      {remote && <p className="s-muted s-privacy" data-testid="privacy">{rt('visit.privacy')}</p>}
    </div>
  );
}
