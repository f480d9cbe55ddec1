import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { IssuedTicket } from '../../common/types.js';
import { cid, http, login, startTestServer, waitFor, type TestServer } from '../testing.js';
import { visitsRouter } from '../visits/router.js';
import type { NotifyOptions } from './outbox.js';

/**
 * "Your turn is near" (issue 16): an e-mail through a local SMTP server (no internet) sent once
 * when 3 are ahead, the address erased when the ticket ends and never in the event log or the
 * logs; a failing webhook does not slow ticket commands and its failure is visible to staff.
 */

const ADDRESS = 'resident-4711@example.jp';
let srv: TestServer | null = null;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await srv?.close();
  srv = null;
  for (const c of closers.splice(0)) await c();
});

async function start(notify: Partial<NotifyOptions>, office: { email?: boolean; webhookUrl?: string }) {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
  const opts: NotifyOptions = { smtpUrl: null, mailFrom: 'madoguchi@chuo.example', maxAttempts: 3, retryBaseMs: 0, timeoutMs: 2000, pollMs: 0, ...notify };
  srv = await startTestServer({ log, routers: (ctx) => [visitsRouter(ctx, opts)] });
  srv.db.prepare('UPDATE offices SET notify_json = ? WHERE id = ?').run(JSON.stringify(office), 'chuo');
  srv.app.engine.reloadOffice('chuo');
  return { srv, lines };
}

async function issue(s: TestServer, n: number): Promise<IssuedTicket[]> {
  const out: IssuedTicket[] = [];
  for (let i = 0; i < n; i++) {
    const r = await http<{ data: { ticket: IssuedTicket } }>(s.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId: 'chuo-B' }, { device: s.kioskToken });
    expect(r.status).toBe(200);
    out.push(r.body.data.ticket);
  }
  return out;
}

async function smtpServer(): Promise<{ url: string; mails: { to: string; body: string }[] }> {
  const mails: { to: string; body: string }[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails };
}

describe('e-mail notice', () => {
  it('is sent once when 3 are ahead; the address is gone after the ticket ends, and never in events or logs', async () => {
    const smtp = await smtpServer();
    const { srv: s, lines } = await start({ smtpUrl: smtp.url }, { email: true });
    const tickets = await issue(s, 5);
    const mine = tickets[4]!;
    // Offered and requested from the phone page; the reply never echoes the address.
    const offer = await http<{ data: { offered: { email: boolean; webhook: boolean } } }>(s.url, 'GET', `/api/public/tickets/${mine.token}/notify`);
    expect(offer.body.data.offered).toEqual({ email: true, webhook: false });
    const sub = await http<{ data: unknown }>(s.url, 'PUT', `/api/public/tickets/${mine.token}/notify`, { channel: 'email', address: ADDRESS });
    expect(sub.status).toBe(200);
    expect(JSON.stringify(sub.body)).not.toContain(ADDRESS);
    expect(sub.body.data).toMatchObject({ subscriptions: [{ channel: 'email', ahead: 3, active: true }] });
    const bad = await http<{ error: { code: string } }>(s.url, 'PUT', `/api/public/tickets/${mine.token}/notify`, { channel: 'email', address: 'not-an-address' });
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.mails).toHaveLength(0); // 4 ahead

    const clerk = await login(s.url, 'clerk1');
    const cmd = (name: string) => http(s.url, 'POST', `/api/counters/chuo-c4/${name}`, { commandId: cid(name) }, { cookie: clerk });
    await cmd('open');
    await cmd('call-next'); // 3 ahead now
    await waitFor(() => smtp.mails.length === 1, 5000, 'the e-mail');
    expect(smtp.mails[0]!.to).toBe(ADDRESS);
    expect(smtp.mails[0]!.body).toContain(mine.display);
    for (let i = 0; i < 3; i++) {
      await cmd('done');
      await cmd('call-next'); // 2, 1, 0 ahead, then called: still the one notice for this step
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails).toHaveLength(1);
    const row = () => s.db.prepare('SELECT address, state FROM notify_subscriptions').get() as { address: string | null; state: string };
    expect(row()).toEqual({ address: ADDRESS, state: 'active' }); // held while the ticket is open
    await cmd('done'); // the 4th ticket
    await cmd('call-next'); // mine
    await cmd('done');
    await waitFor(() => row().state === 'erased', 3000, 'erasure');
    expect(row().address).toBeNull();
    expect(s.db.prepare('SELECT count(*) AS n FROM notify_subscriptions WHERE address IS NOT NULL').get()).toEqual({ n: 0 });
    expect(s.db.prepare('SELECT count(*) AS n FROM events WHERE data LIKE ?').get(`%${ADDRESS}%`)).toEqual({ n: 0 });
    expect(lines.join('')).not.toContain(ADDRESS);
    const sup = await login(s.url, 'supervisor');
    const status = await http<{ data: { outbox: { sent: number } } }>(s.url, 'GET', '/api/offices/chuo/notify', undefined, { cookie: sup });
    expect(status.body.data.outbox.sent).toBe(1);
    expect(JSON.stringify(status.body)).not.toContain(ADDRESS);
    // A finished ticket takes no new request.
    const late = await http<{ error: { code: string } }>(s.url, 'PUT', `/api/public/tickets/${mine.token}/notify`, { channel: 'email', address: ADDRESS });
    expect(late.body.error.code).toBe('TICKET_FINISHED');
  });

  it('refuses a channel the office does not offer', async () => {
    const { srv: s } = await start({}, {});
    const [t] = await issue(s, 1);
    const r = await http<{ error: { code: string } }>(s.url, 'PUT', `/api/public/tickets/${t!.token}/notify`, { channel: 'email', address: ADDRESS });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('NOTIFY_NOT_OFFERED');
    expect(s.db.prepare('SELECT count(*) AS n FROM notify_subscriptions').get()).toEqual({ n: 0 });
  });
});

describe('webhook notice', () => {
  it('a failing, slow webhook does not slow ticket commands; bounded retries; the failure is visible to staff', async () => {
    let hits = 0;
    const hook: Server = createServer((req, res) => {
      hits++;
      req.resume();
      setTimeout(() => {
        res.statusCode = 500;
        res.end('down');
      }, 1500); // slow and failing
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => (hook.closeAllConnections(), hook.close(() => r()))));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/line-gateway`;
    const { srv: s } = await start({ maxAttempts: 2, timeoutMs: 3000 }, { webhookUrl: url });
    const [first] = await issue(s, 1);
    const put = await http(s.url, 'PUT', `/api/public/tickets/${first!.token}/notify`, { channel: 'webhook', address: '+819012345678' });
    expect(put.status).toBe(200);
    await waitFor(() => hits === 1, 3000, 'the webhook call');
    // While the webhook hangs, commands answer at their usual speed.
    const clerk = await login(s.url, 'clerk1');
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await issue(s, 1);
      await http(s.url, 'POST', '/api/counters/chuo-c4/open', { commandId: cid('open') }, { cookie: clerk });
      times.push(performance.now() - t0);
    }
    expect(Math.max(...times)).toBeLessThan(1000);
    mkdirSync('artifacts', { recursive: true });
    writeFileSync('artifacts/visits-notify-latency.json', JSON.stringify({ webhookDelayMs: 1500, pairsOfCommands: times.length, maxMs: Math.round(Math.max(...times)), medianMs: Math.round([...times].sort((a, b) => a - b)[times.length >> 1]!) }, null, 2));
    await s.app.ctx.notify!.lastRun;
    await s.app.ctx.notify!.processOutbox(); // retry (base 0 ms): the second and last attempt
    expect(hits).toBe(2);
    const sup = await login(s.url, 'supervisor');
    const status = await http<{ data: { outbox: { failed: number; pending: number }; failures: { error: string; attempts: number; display: string }[] } }>(s.url, 'GET', '/api/offices/chuo/notify', undefined, { cookie: sup });
    expect(status.body.data.outbox).toMatchObject({ failed: 1, pending: 0 });
    expect(status.body.data.failures[0]).toMatchObject({ error: 'http 500', attempts: 2, display: first!.display });
    await s.app.ctx.notify!.processOutbox();
    expect(hits).toBe(2); // bounded: no third attempt
    const anon = await http<{ error: { code: string } }>(s.url, 'GET', '/api/offices/chuo/notify');
    expect(anon.status).toBe(401);
  });
});
