import type { Transporter } from 'nodemailer';

/** Outgoing notices (issue 16): the office's SMTP relay (nodemailer) and a generic webhook. */

export interface MailConfig {
  /** smtp://host:port (or smtps://); the office relay, usually without authentication. */
  url: string;
  from: string;
  timeoutMs: number;
}

const transports = new Map<string, Transporter>();

/** nodemailer is loaded on the first e-mail, not at start (most offices send none). */
async function transportFor(c: MailConfig): Promise<Transporter> {
  let t = transports.get(c.url);
  if (!t) {
    const nodemailer = (await import('nodemailer')).default;
    // nodemailer logs nothing unless asked (logger/debug off by default): the address never reaches a log.
    t = nodemailer.createTransport(c.url);
    transports.set(c.url, t);
  }
  return t;
}

export async function sendMail(c: MailConfig, to: string, text: { subject: string; body: string }): Promise<void> {
  const t = await transportFor(c);
  const send = t.sendMail({ from: c.from, to, subject: text.subject, text: text.body });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), c.timeoutMs);
  });
  try {
    await Promise.race([send, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** POST JSON to the office's webhook; a non-2xx answer or the time limit is a failure. */
export async function sendWebhook(url: string, body: unknown, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'madoguchi-notify/1' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`http ${res.status}`);
}
