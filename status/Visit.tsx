import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Lang, TicketStatus } from '../common/types.js';
import { api, ApiError } from '../web/api.js';
import { pick } from '../web/i18n.js';
import './visit.css';

/**
 * Whole visits on the phone page (issue 16): the journey with the current leg and an estimate per
 * leg, the 交付 stage (書類作成中 / 書類ができました), and "tell me when N are ahead": in the open
 * page (notification + vibration), and by e-mail or the city's gateway where the office offers it.
 */

/** The phone page's language; these texts are in Japanese and English, the other languages read the English (not yet in web/catalog/). */
type L = Lang;
const TX = {
  journey: { ja: '本日の手続き', en: 'Your procedures today' },
  done: { ja: '済', en: 'done' },
  current: { ja: 'いま', en: 'now' },
  planned: { ja: '予定', en: 'next' },
  pickup: { ja: '交付（書類のお受け取り）', en: 'Pick-up of papers' },
  processing: { ja: '書類作成中です。できあがると、この画面と表示盤の「交付」欄でお知らせします。', en: 'Your papers are being prepared. This page and the display’s pick-up panel will tell you when they are ready.' },
  ready: { ja: '書類ができました', en: 'Your papers are ready' },
  readyHint: { ja: '交付窓口で番号をお呼びします。表示盤をご確認ください。', en: 'Your number will be called at the pick-up counter.' },
  nearTitle: { ja: '順番が近づいたらお知らせ', en: 'Tell me when my turn is near' },
  nearWhen: { ja: '前にいる人数がこの数以下になったら', en: 'When this many people or fewer are ahead' },
  nearPage: { ja: 'この画面を開いている間は、通知と振動でお知らせします。', en: 'While this page is open, it notifies you and vibrates.' },
  nearAllow: { ja: 'この画面で知らせる（通知・振動）', en: 'Notify me on this page' },
  nearArmed: { ja: 'この画面で知らせます（タップで解除）', en: 'Will notify on this page (tap to stop)' },
  nearNow: { ja: 'まもなく順番です', en: 'Your turn is near' },
  email: { ja: 'メールで知らせる', en: 'E-mail me' },
  webhook: { ja: 'LINE・SMSで知らせる（電話番号・ID）', en: 'LINE / SMS (phone number or ID)' },
  address: { ja: 'メールアドレス', en: 'E-mail address' },
  addressHook: { ja: '電話番号またはID', en: 'Phone number or ID' },
  register: { ja: '登録', en: 'Register' },
  registered: { ja: '登録しました。お知らせは1回です。', en: 'Registered. You will get one notice.' },
  withdraw: { ja: '登録を取り消す（すぐに消去）', en: 'Withdraw (erased at once)' },
  privacy: {
    ja: '入力された連絡先はお知らせのためだけに使い、この番号札の手続きが終わると消去します。報告書・記録・ログには残りません。入力は任意です。',
    en: 'Your address is used only for this notice and is erased when this ticket’s visit ends. It never appears in reports, records or logs. Optional.',
  },
} as const;
const tx = (k: keyof typeof TX, lang: L) => TX[k][lang === 'ja' || lang === 'ja-easy' ? 'ja' : 'en'];

/** Every leg with its state; an estimate for the current leg and each planned one. */
export function JourneyCard(props: { status: TicketStatus; lang: L; estimate: (e: NonNullable<TicketStatus['estimate']>) => string }) {
  const { status, lang } = props;
  const legs = status.journey ?? [];
  const pickup = status.pickup;
  if (legs.length < 2 && !pickup) return null;
  return (
    <section className="s-card s-journey" data-testid="journey">
      {pickup?.state === 'ready' && (
        <div className="s-pickup-ready" role="alert" data-testid="pickup-ready">
          <p className="s-pickup-title">{tx('ready', lang)}</p>
          <p>{tx('readyHint', lang)}</p>
        </div>
      )}
      {pickup?.state === 'processing' && <p className="s-pickup-processing" data-testid="pickup-processing">{tx('processing', lang)}</p>}
      {legs.length > 1 && (
        <>
          <h2>{tx('journey', lang)}</h2>
          <ol className="s-legs" data-testid="journey-legs">
            {legs.map((l, i) => (
              <li key={`${l.serviceId}-${i}`} className={`is-${l.state}`} data-state={l.state} data-service={l.serviceId}>
                <span className="s-leg-mark">{l.state === 'done' ? '✓' : i + 1}</span>
                <span className="s-leg-name">{l.pickup ? tx('pickup', lang) : pick(l.name, lang)}</span>
                <small className="s-muted">
                  {l.state === 'done' ? tx('done', lang) : l.state === 'current' ? tx('current', lang) : tx('planned', lang)}
                  {l.estimate && l.state !== 'done' ? `・${props.estimate(l.estimate)}` : ''}
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
      if ('Notification' in window && Notification.permission === 'granted') new Notification(`${tx('nearNow', lang)} ${status.display}`);
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
      <h2>{tx('nearTitle', lang)}</h2>
      <label className="s-near-n">
        {tx('nearWhen', lang)}{' '}
        <select value={n} onChange={(e) => setN(Number(e.target.value))} data-testid="near-n">
          {[1, 2, 3, 5, 10].map((x) => <option key={x} value={x}>{lang === 'ja' ? `${x}人` : x}</option>)}
        </select>
      </label>
      <p className="s-muted">{tx('nearPage', lang)}</p>
      <button type="button" className="s-sound" aria-pressed={armed} data-testid="near-arm" onClick={() => {
        setArmed(!armed);
        if (!armed && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
      }}>{armed ? tx('nearArmed', lang) : tx('nearAllow', lang)}</button>
      {remote && (
        active.length ? (
          <p data-testid="near-registered">{tx('registered', lang)} <button type="button" className="s-link" onClick={() => void withdraw()} data-testid="near-withdraw">{tx('withdraw', lang)}</button></p>
        ) : (
          <form onSubmit={(e) => void submit(e)} className="s-near-form">
            {offered.email && offered.webhook && (
              <select value={channel} onChange={(e) => setChannel(e.target.value as 'email' | 'webhook')} aria-label={tx('email', lang)}>
                <option value="email">{tx('email', lang)}</option>
                <option value="webhook">{tx('webhook', lang)}</option>
              </select>
            )}
            {!(offered.email && offered.webhook) && <span>{tx(offered.email ? 'email' : 'webhook', lang)}</span>}
            <input type={channel === 'email' ? 'email' : 'text'} required value={address} onChange={(e) => setAddress(e.target.value)} placeholder={tx(channel === 'email' ? 'address' : 'addressHook', lang)} aria-label={tx(channel === 'email' ? 'address' : 'addressHook', lang)} data-testid="near-address" autoComplete="off" />
            <button type="submit" className="s-sound" data-testid="near-submit">{tx('register', lang)}</button>
          </form>
        )
      )}
      {error && <p className="s-warn" role="alert">{error}</p>}
      {remote && <p className="s-muted s-privacy" data-testid="privacy">{tx('privacy', lang)}</p>}
    </div>
  );
}
