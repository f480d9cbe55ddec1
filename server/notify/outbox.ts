import { randomUUID } from 'node:crypto';
import { AppError } from '../../common/errors.js';
import type { Ticket } from '../../common/types.js';
import type { AppContext } from '../context.js';
import { activeStepOf } from '../queue/decide.js';
import { queuePosition } from '../queue/policy.js';
import type { OfficeState } from '../queue/state.js';
import { ticketOpen } from '../visits/journey.js';
import { sendMail, sendWebhook, type MailConfig } from './transport.js';

/**
 * "Your turn is near" notices (issue 16) beyond the open phone page: e-mail through the office's
 * SMTP relay and a generic outgoing webhook. A resident opts in from the phone page; the address
 * is personal data, kept only in notify_subscriptions until the ticket ends, then erased (set to
 * NULL), and never written to the event log, reports, exports or logs.
 *
 * Sending never blocks or fails a command: after a change is committed (engine.onChange) the
 * office's subscriptions are checked on a later turn of the event loop; a notice due goes into
 * the outbox, and the outbox is sent asynchronously with a timeout per attempt and a bounded
 * number of attempts; what failed is visible to the supervisor (GET /api/offices/:id/notify).
 */

export type Channel = 'email' | 'webhook';
export type NoticeKind = 'near' | 'called' | 'ready';

export interface NotifyOptions {
  /** SMTP relay, e.g. smtp://relay.city.local:25 (MADOGUCHI_SMTP_URL); null = no e-mail. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Attempts per notice before it is marked failed (MADOGUCHI_NOTIFY_MAX_ATTEMPTS, default 5). */
  maxAttempts: number;
  /** First retry after this long, doubling (default 30 s). */
  retryBaseMs: number;
  /** One attempt's time limit (default 10 s). */
  timeoutMs: number;
  /** Retry timer (default 5 s); 0 = none (tests call processOutbox()). */
  pollMs: number;
}

export function notifyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NotifyOptions {
  const int = (v: string | undefined, d: number, min: number, max: number) => {
    const n = v === undefined || v === '' ? d : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`notify setting out of range: ${v}`);
    return n;
  };
  return {
    smtpUrl: env.MADOGUCHI_SMTP_URL || null,
    mailFrom: env.MADOGUCHI_MAIL_FROM || 'madoguchi@localhost',
    maxAttempts: int(env.MADOGUCHI_NOTIFY_MAX_ATTEMPTS, 5, 1, 20),
    retryBaseMs: 30_000,
    timeoutMs: 10_000,
    pollMs: 5_000,
  };
}

/** Default "N people ahead" of a notice. */
export const DEFAULT_AHEAD = 3;

interface SubRow {
  id: string;
  office_id: string;
  ticket_id: string;
  channel: Channel;
  address: string | null;
  ahead: number;
  fired_step_id: string | null;
}

interface OutRow {
  id: number;
  office_id: string;
  subscription_id: string;
  channel: Channel;
  kind: NoticeKind;
  display: string;
  ahead: number | null;
  attempts: number;
}

export interface NotifyStatus {
  officeId: string;
  offered: { email: boolean; webhook: boolean };
  activeSubscriptions: number;
  outbox: { pending: number; sent: number; failed: number; dropped: number };
  /** The last failures (no address): what the supervisor sees on the floor. */
  failures: { id: number; channel: Channel; kind: NoticeKind; display: string; attempts: number; error: string | null; at: number }[];
}

export class NotifyService {
  private readonly scheduled = new Set<string>();
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly mail: MailConfig | null;
  /** Every send attempt, settled (tests wait on it). */
  lastRun: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: AppContext, readonly opts: NotifyOptions) {
    this.mail = opts.smtpUrl ? { url: opts.smtpUrl, from: opts.mailFrom, timeoutMs: opts.timeoutMs } : null;
    ctx.engine.onChange((officeId) => this.schedule(officeId));
    if (opts.pollMs > 0) {
      this.timer = setInterval(() => void this.processOutbox(), opts.pollMs);
      this.timer.unref();
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  offered(officeId: string): { email: boolean; webhook: boolean } {
    const n = this.ctx.engine.state(officeId).office.notify;
    return { email: !!(n?.email && this.mail), webhook: !!n?.webhookUrl };
  }

  /** Find an open ticket by its tracking token (memory only: a finished ticket takes no notice). */
  private byToken(token: string): { state: OfficeState; ticket: Ticket } {
    for (const officeId of this.ctx.engine.officeIds()) {
      const state = this.ctx.engine.state(officeId);
      for (const t of state.tickets.values()) if (t.token === token) return { state, ticket: t };
    }
    throw new AppError('TICKET_NOT_FOUND');
  }

  /** What the phone page shows: which channels the office offers and the ticket's requests (never the address). */
  subscriptions(token: string): { offered: { email: boolean; webhook: boolean }; subscriptions: { channel: Channel; ahead: number; active: boolean }[] } {
    const { state, ticket } = this.byToken(token);
    const rows = this.ctx.db.prepare('SELECT channel, ahead, state FROM notify_subscriptions WHERE ticket_id = ? ORDER BY channel').all(ticket.id) as { channel: Channel; ahead: number; state: string }[];
    return { offered: this.offered(state.office.id), subscriptions: rows.map((r) => ({ channel: r.channel, ahead: r.ahead, active: r.state === 'active' })) };
  }

  subscribe(token: string, req: { channel: Channel; address: string; ahead: number }): ReturnType<NotifyService['subscriptions']> {
    const { state, ticket } = this.byToken(token);
    if (!ticketOpen(state, ticket.id)) throw new AppError('TICKET_FINISHED');
    if (!this.offered(state.office.id)[req.channel]) throw new AppError('NOTIFY_NOT_OFFERED', { channel: req.channel });
    const now = this.ctx.clock.now();
    // One request per channel and ticket: a second one replaces the address and the threshold.
    this.ctx.db.prepare(`INSERT INTO notify_subscriptions (id, office_id, ticket_id, channel, address, ahead, state, fired_step_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, 'active', NULL, ?)
      ON CONFLICT(ticket_id, channel) DO UPDATE SET address = excluded.address, ahead = excluded.ahead, state = 'active', fired_step_id = NULL, erased_at = NULL`)
      .run(randomUUID(), state.office.id, ticket.id, req.channel, req.address, req.ahead, now);
    this.schedule(state.office.id);
    return this.subscriptions(token);
  }

  /** The resident withdraws: the addresses are erased at once. */
  unsubscribe(token: string): ReturnType<NotifyService['subscriptions']> {
    const { ticket } = this.byToken(token);
    this.eraseTicket(ticket.id);
    return this.subscriptions(token);
  }

  private eraseTicket(ticketId: string): void {
    const now = this.ctx.clock.now();
    this.ctx.db.transaction(() => {
      this.ctx.db.prepare("UPDATE notify_outbox SET state = 'dropped' WHERE state = 'pending' AND subscription_id IN (SELECT id FROM notify_subscriptions WHERE ticket_id = ?)").run(ticketId);
      this.ctx.db.prepare("UPDATE notify_subscriptions SET address = NULL, state = 'erased', erased_at = ? WHERE ticket_id = ? AND state = 'active'").run(now, ticketId);
    })();
  }

  /** Check an office's subscriptions on a later turn of the event loop (never inside a command). */
  schedule(officeId: string): void {
    if (this.closed || this.scheduled.has(officeId)) return;
    this.scheduled.add(officeId);
    setImmediate(() => {
      this.scheduled.delete(officeId);
      if (this.closed) return;
      try {
        if (this.scan(officeId)) void this.processOutbox();
      } catch (err) {
        this.ctx.log.error({ err: { message: (err as Error).message }, officeId }, 'notify: checking subscriptions failed');
      }
    });
  }

  /** Queue the notices now due; erase the addresses of tickets that ended. Returns whether a notice was queued. */
  scan(officeId: string): boolean {
    const db = this.ctx.db;
    const subs = db.prepare("SELECT id, office_id, ticket_id, channel, address, ahead, fired_step_id FROM notify_subscriptions WHERE office_id = ? AND state = 'active'").all(officeId) as SubRow[];
    if (!subs.length || !this.ctx.engine.hasOffice(officeId)) return false;
    const state = this.ctx.engine.state(officeId);
    const now = this.ctx.clock.now();
    let queued = false;
    db.transaction(() => {
      for (const sub of subs) {
        const ticket = state.tickets.get(sub.ticket_id);
        if (!ticket || !ticketOpen(state, ticket.id)) {
          this.eraseTicket(sub.ticket_id);
          continue;
        }
        const step = activeStepOf(state, ticket.id);
        if (!step || step.id === sub.fired_step_id) continue;
        let kind: NoticeKind | null = null;
        let ahead: number | null = null;
        const isPickup = ticket.pickup?.stepId === step.id;
        if (step.state === 'called' || step.state === 'serving') kind = 'called';
        else if (step.state === 'waiting') {
          ahead = queuePosition(state, step.serviceId, step.id);
          if (isPickup) kind = 'ready';
          else if (ahead <= sub.ahead) kind = 'near';
        }
        if (!kind) continue;
        db.prepare("UPDATE notify_subscriptions SET fired_step_id = ? WHERE id = ?").run(step.id, sub.id);
        db.prepare(`INSERT INTO notify_outbox (office_id, subscription_id, channel, kind, display, ahead, state, attempts, next_at, created_at)
          VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`).run(officeId, sub.id, sub.channel, kind, ticket.display, ahead, now, now);
        queued = true;
      }
    })();
    return queued;
  }

  /** Send what is due; each attempt is asynchronous and bounded in time and number. */
  processOutbox(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const now = this.ctx.clock.now();
    let due: OutRow[];
    try {
      due = this.ctx.db.prepare("SELECT id, office_id, subscription_id, channel, kind, display, ahead, attempts FROM notify_outbox WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT 50").all(now) as OutRow[];
    } catch {
      return Promise.resolve(); // database closed or busy: the next poll tries again
    }
    const runs = due.filter((o) => !this.inFlight.has(o.id)).map((o) => this.attempt(o));
    const all = Promise.all(runs).then(() => undefined);
    this.lastRun = all;
    return all;
  }

  private async attempt(o: OutRow): Promise<void> {
    const db = this.ctx.db;
    const sub = db.prepare("SELECT address, state FROM notify_subscriptions WHERE id = ?").get(o.subscription_id) as { address: string | null; state: string } | undefined;
    if (!sub || sub.state !== 'active' || !sub.address) {
      db.prepare("UPDATE notify_outbox SET state = 'dropped' WHERE id = ?").run(o.id);
      return;
    }
    this.inFlight.add(o.id);
    const attempts = o.attempts + 1;
    db.prepare('UPDATE notify_outbox SET attempts = ? WHERE id = ?').run(attempts, o.id);
    const text = noticeText(o.kind, o.display, o.ahead);
    let error: string | null = null;
    try {
      if (o.channel === 'email') {
        if (!this.mail) throw new Error('smtp-not-configured');
        await sendMail(this.mail, sub.address, text);
      } else {
        const url = this.ctx.engine.hasOffice(o.office_id) ? this.ctx.engine.state(o.office_id).office.notify?.webhookUrl : null;
        if (!url) throw new Error('webhook-not-configured');
        await sendWebhook(url, { event: `ticket.${o.kind}`, officeId: o.office_id, display: o.display, ahead: o.ahead, to: sub.address, text }, this.opts.timeoutMs);
      }
    } catch (err) {
      error = errorCode(err);
    } finally {
      this.inFlight.delete(o.id);
    }
    if (this.closed) return;
    try {
      const now = this.ctx.clock.now();
      if (error === null) db.prepare("UPDATE notify_outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?").run(now, o.id);
      else if (attempts >= this.opts.maxAttempts) {
        db.prepare("UPDATE notify_outbox SET state = 'failed', last_error = ? WHERE id = ?").run(error, o.id);
        // The address is never logged: only the outbox id, channel and the error's code.
        this.ctx.log.warn({ outboxId: o.id, officeId: o.office_id, channel: o.channel, error, attempts }, 'notify: a notice could not be sent; gave up');
      } else db.prepare('UPDATE notify_outbox SET last_error = ?, next_at = ? WHERE id = ?').run(error, now + this.opts.retryBaseMs * 2 ** (attempts - 1), o.id);
    } catch {
      /* database closed while sending: nothing to record */
    }
  }

  status(officeId: string): NotifyStatus {
    const db = this.ctx.db;
    const counts = { pending: 0, sent: 0, failed: 0, dropped: 0 };
    for (const r of db.prepare('SELECT state, count(*) AS n FROM notify_outbox WHERE office_id = ? GROUP BY state').all(officeId) as { state: keyof typeof counts; n: number }[]) counts[r.state] = r.n;
    const failures = (db.prepare(`SELECT id, channel, kind, display, attempts, last_error, created_at FROM notify_outbox
      WHERE office_id = ? AND (state = 'failed' OR (state = 'pending' AND attempts > 0)) ORDER BY id DESC LIMIT 20`).all(officeId) as { id: number; channel: Channel; kind: NoticeKind; display: string; attempts: number; last_error: string | null; created_at: number }[])
      .map((r) => ({ id: r.id, channel: r.channel, kind: r.kind, display: r.display, attempts: r.attempts, error: r.last_error, at: r.created_at }));
    const active = (db.prepare("SELECT count(*) AS n FROM notify_subscriptions WHERE office_id = ? AND state = 'active'").get(officeId) as { n: number }).n;
    return { officeId, offered: this.offered(officeId), activeSubscriptions: active, outbox: counts, failures };
  }
}

/** The notice, Japanese first, English beside; numbers only (rule 8). */
export function noticeText(kind: NoticeKind, display: string, ahead: number | null): { subject: string; body: string } {
  switch (kind) {
    case 'near':
      return {
        subject: `まもなく順番です（${display}）/ Your turn is near`,
        body: `${display} 番の前にお待ちの方は ${ahead ?? 0} 人です。窓口の近くでお待ちください。\nThere ${ahead === 1 ? 'is 1 person' : `are ${ahead ?? 0} people`} ahead of ${display}. Please come back near the counters.`,
      };
    case 'called':
      return { subject: `${display} 番をお呼びしています / Now calling ${display}`, body: `${display} 番をお呼びしています。表示された窓口へお越しください。\n${display} is being called. Please go to the counter shown on the display.` };
    case 'ready':
      return { subject: `書類ができました（${display}）/ Your papers are ready`, body: `${display} 番の書類ができました。交付窓口でお受け取りください。\nThe papers for ${display} are ready. Please collect them at the pick-up counter.` };
  }
}

/** A short, address-free description of a sending error. */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; responseCode?: unknown };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  if (typeof e?.responseCode === 'number') return `smtp ${e.responseCode}`;
  if (typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
  if (typeof e?.message === 'string' && /^(http \d{3}|[a-z-]+)$/.test(e.message)) return e.message;
  return 'error';
}
