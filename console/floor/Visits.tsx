import { useEffect, useState } from 'react';
import type { StaffSnapshot } from '../../common/types.js';
import { api } from '../../web/api.js';
import { pick } from '../../web/i18n.js';

/**
 * The floor's view of whole visits (issue 16): the 交付 stage — tickets in processing per service
 * (書類作成中) and tickets ready but not collected — and the "your turn is near" outbox, whose
 * failures (after its bounded retries) the supervisor must see. No address is ever shown.
 */

interface NotifyStatus {
  offered: { email: boolean; webhook: boolean };
  activeSubscriptions: number;
  outbox: { pending: number; sent: number; failed: number; dropped: number };
  failures: { id: number; channel: string; kind: string; display: string; attempts: number; error: string | null; at: number }[];
}

const NOTIFY_POLL_MS = 15_000;

export function VisitsPanel({ snap, lang, now }: { snap: StaffSnapshot; lang: string; now: number }) {
  const en = lang === 'en';
  const [notify, setNotify] = useState<NotifyStatus | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () => api<NotifyStatus>('GET', `/api/offices/${encodeURIComponent(snap.officeId)}/notify`).then((s) => !stop && setNotify(s)).catch(() => undefined);
    void load();
    const id = setInterval(() => void load(), NOTIFY_POLL_MS);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, [snap.officeId]);
  const pickups = snap.pickups ?? [];
  const processing = pickups.filter((p) => p.state === 'processing');
  const ready = pickups.filter((p) => p.state === 'ready');
  const byService = new Map<string, number>();
  for (const p of processing) byService.set(p.fromServiceId, (byService.get(p.fromServiceId) ?? 0) + 1);
  const name = (id: string) => {
    const s = snap.services.find((x) => x.id === id);
    return s ? `${s.prefix} ${pick(s.name, lang)}` : id;
  };
  const mins = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))}${en ? ' min' : '分'}`;
  const remote = notify && (notify.offered.email || notify.offered.webhook);
  if (!pickups.length && !remote && !notify?.failures.length) return null;
  return (
    <section className="display-voice visits-floor" data-testid="floor-visits" aria-label={en ? 'Pick-up and notices' : '交付・お知らせ'}>
      <b>{en ? 'Processing' : '書類作成中'}</b>
      <span data-testid="floor-processing">{processing.length === 0 ? '—' : [...byService].map(([id, n]) => `${name(id)} ${n}`).join(' · ')}</span>
      <b>{en ? 'Ready, not collected' : '交付待ち（未受取）'}</b>
      <span data-testid="floor-ready">{ready.length === 0 ? '—' : ready.map((p) => `${p.display} (${mins(now - (p.readyAt ?? now))})`).join(' · ')}</span>
      {notify && (remote || notify.failures.length > 0) && (
        <>
          <b>{en ? 'Notices' : 'お知らせ送信'}</b>
          <span data-testid="floor-notify" className={notify.outbox.failed ? 'bad' : 'ok'}>
            {en ? `sent ${notify.outbox.sent}, waiting ${notify.outbox.pending}, failed ${notify.outbox.failed}` : `送信 ${notify.outbox.sent}・送信待ち ${notify.outbox.pending}・失敗 ${notify.outbox.failed}`}
            {notify.failures.slice(0, 3).map((f) => <span key={f.id} className="bad" data-testid="notify-failure"> ⚠ {f.display} {f.channel === 'email' ? (en ? 'e-mail' : 'メール') : 'webhook'} {f.error ?? ''} ×{f.attempts}</span>)}
          </span>
        </>
      )}
    </section>
  );
}
