import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import type { CommandResult, Reply } from '../../common/events.js';
import { ManualClock } from '../queue/clock.js';
import { TokenBuckets } from './rateLimit.js';
import { cid, connectSocket, emitAck, http, login, PASSWORD, startTestServer, waitFor, type TestServer } from '../testing.js';

let srv: TestServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});
const count = (table: string) => (srv!.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const loginRaw = (login: string, password: string, headers: Record<string, string> = {}) =>
  http<ErrorBody>(srv!.url, 'POST', '/api/auth/login', { login, password }, { headers });

describe('sign-in', () => {
  it('five wrong passwords from one address lock that address out of the account for five minutes (same answer as a wrong password); other addresses still sign in', async () => {
    srv = await startTestServer();
    const attacker = { 'X-Forwarded-For': '203.0.113.7' };
    const clerkPc = { 'X-Forwarded-For': '10.1.2.3' };
    for (let i = 0; i < 5; i++) expect((await loginRaw('clerk1', 'wrong password', attacker)).body.error.code).toBe('BAD_CREDENTIALS');
    // From the attacker's address even the right password is refused, exactly like a wrong one.
    const locked = await loginRaw('clerk1', PASSWORD, attacker);
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('BAD_CREDENTIALS');
    // The clerk at their own PC is not locked out.
    expect((await loginRaw('clerk1', PASSWORD, clerkPc)).status).toBe(200);
    srv.clock.advance(4 * 60_000);
    expect((await loginRaw('clerk1', PASSWORD, attacker)).body.error.code).toBe('BAD_CREDENTIALS');
    srv.clock.advance(61_000);
    expect((await loginRaw('clerk1', PASSWORD, attacker)).status).toBe(200);
    // The lockout and the failures are in the audit log, against the account id.
    const rows = srv.db.prepare("SELECT action, target, detail_json, ip FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id").all() as { action: string; target: string; detail_json: string; ip: string }[];
    const failed = rows.filter((a) => a.action === 'auth.login-failed');
    expect(failed.map((f) => JSON.parse(f.detail_json).reason)).toEqual(['wrong-password', 'wrong-password', 'wrong-password', 'wrong-password', 'wrong-password', 'locked', 'locked']);
    expect(failed.every((f) => f.target === 'clerk1' && f.ip === '203.0.113.7')).toBe(true);
    expect(rows.find((a) => a.action === 'auth.locked-out')).toMatchObject({ target: 'clerk1', ip: '203.0.113.7' });
    expect(rows.filter((a) => a.action === 'auth.login').map((a) => a.ip)).toEqual(['10.1.2.3', '203.0.113.7']);
  }, 60_000);

  it('failed sign-ins are also limited per address (across accounts), successful ones are not counted', async () => {
    srv = await startTestServer();
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 20; i++) expect((await loginRaw(`nobody-${names[i % 5]}-${i}`, 'x')).body.error.code).toBe('BAD_CREDENTIALS');
    const limited = await loginRaw('clerk1', PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  }, 60_000);

  it('passwords are scrypt with memory-hard parameters (N ≥ 2^15, r = 8)', async () => {
    srv = await startTestServer();
    const { password_hash } = srv.db.prepare("SELECT password_hash FROM staff WHERE id = 'clerk1'").get() as { password_hash: string };
    const [alg, n, r] = password_hash.split('$');
    expect(alg).toBe('scrypt');
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 15);
    expect(Number(r)).toBe(8);
    expect(password_hash).not.toContain(PASSWORD);
  });

  it('sessions expire after 12 hours', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'clerk1');
    srv.clock.advance(11 * 3_600_000);
    expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie })).body.data.kind).toBe('staff');
    srv.clock.advance(3_600_001);
    expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie })).body.data.kind).toBe('none');
  });

  it('a socket whose session expired is cut off by the periodic sweep, without waiting for its next event', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'clerk1');
    const sock = connectSocket(srv.url, { cookie });
    const ended: string[] = [];
    sock.on('session:ended', (i) => ended.push(i.reason));
    await waitFor(() => sock.connected);
    srv.app.ctx.sweepSockets!();
    await new Promise((r) => setTimeout(r, 100));
    expect(sock.connected).toBe(true);
    srv.clock.advance(12 * 3_600_000 + 1);
    srv.app.ctx.sweepSockets!();
    await waitFor(() => ended.length > 0 && !sock.connected, 5000, 'expired socket cut off');
    expect(ended).toEqual(['expired']);
  });

  it('changing one’s password ends every session of that staff member, sockets included', async () => {
    srv = await startTestServer();
    const [a, b] = [await login(srv.url, 'clerk1'), await login(srv.url, 'clerk1')];
    const sock = connectSocket(srv.url, { cookie: b });
    const ended: string[] = [];
    sock.on('session:ended', (i) => ended.push(i.reason));
    await waitFor(() => sock.connected);
    const short = await http<ErrorBody>(srv.url, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' }, { cookie: a });
    expect(short.body.error.code).toBe('WEAK_PASSWORD');
    const wrong = await http<ErrorBody>(srv.url, 'POST', '/api/auth/password', { currentPassword: 'nope', newPassword: 'a brand new passphrase' }, { cookie: a });
    expect(wrong.body.error.code).toBe('BAD_CREDENTIALS');
    const ok = await http(srv.url, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }, { cookie: a });
    expect(ok.status).toBe(200);
    for (const c of [a, b]) expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie: c })).body.data.kind).toBe('none');
    await waitFor(() => ended.length > 0 && !sock.connected, 5000, 'socket cut off');
    expect(ended).toEqual(['revoked']);
    expect((await loginRaw('clerk1', PASSWORD)).status).toBe(401);
    expect((await loginRaw('clerk1', 'a brand new passphrase')).status).toBe(200);
  }, 60_000);
});

describe('cross-site requests and headers', () => {
  it('a cross-site request with the session cookie is refused and changes nothing', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'admin');
    const before = srv.db.prepare("SELECT ticker FROM offices WHERE id = 'chuo'").get();
    // A form post from another site (no JSON), a fetch with a foreign Origin, and Sec-Fetch-Site: cross-site.
    const form = await fetch(`${srv.url}/api/offices/chuo/ticker`, { method: 'PUT', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'ticker=pwned' });
    expect(form.status).toBe(403);
    expect(((await form.json()) as ErrorBody).error.code).toBe('CSRF_REJECTED');
    const origin = await http<ErrorBody>(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: 'pwned' }, { cookie, headers: { Origin: 'https://evil.example' } });
    expect(origin.status).toBe(403);
    expect(origin.body.error.code).toBe('CSRF_REJECTED');
    const site = await http<ErrorBody>(srv.url, 'POST', '/api/admin/offices/chuo/services', { prefix: 'Z', name: { ja: 'x' } }, { cookie, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(site.body.error.code).toBe('CSRF_REJECTED');
    expect(srv.db.prepare("SELECT ticker FROM offices WHERE id = 'chuo'").get()).toEqual(before);
    expect(count("services WHERE prefix = 'Z'")).toBe(0);
    // The same request from the console itself is accepted.
    const same = await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: 'ok' }, { cookie, headers: { Origin: srv.url, 'Sec-Fetch-Site': 'same-origin' } });
    expect(same.status).toBe(200);
  });

  it('the session cookie is HttpOnly and SameSite', async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'clerk1', password: PASSWORD }) });
    const c = res.headers.get('set-cookie') ?? '';
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Lax/i);
  });

  it('security headers: a CSP without inline script, nosniff, frame protection', async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.url}/api/health`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(script).toBe("'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('kiosk issue rate limit', () => {
  it('a kiosk gets 10 at once, then 429 RATE_LIMITED with nothing issued; tokens come back at 30 per minute', async () => {
    const mono = new ManualClock(0); // the limiter's own monotonic clock, moved by hand
    srv = await startTestServer({ kioskIssueLimit: { perMinute: 30, burst: 10 }, monotonic: () => mono.now() });
    const issue = () => http<{ data: CommandResult } & ErrorBody>(srv!.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { device: srv!.kioskToken });
    for (let i = 0; i < 10; i++) expect((await issue()).status).toBe(200);
    const refused = await issue();
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(count('tickets')).toBe(10);
    // Over the socket too.
    const sock = connectSocket(srv.url, { deviceToken: srv.kioskToken });
    await waitFor(() => sock.connected);
    const viaSocket = await emitAck<Reply<CommandResult>>(sock, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-B' });
    expect('error' in viaSocket && viaSocket.error.code).toBe('RATE_LIMITED');
    expect(count('tickets')).toBe(10);
    // A retry of a ticket already issued is answered (replayed), not refused: it costs no token.
    const firstKey = cid('retry');
    mono.advance(2_000); // 30/min → one token every 2 s
    const once = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: firstKey, serviceId: 'chuo-B' }, { device: srv.kioskToken });
    expect(once.status).toBe(200);
    const retry = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: firstKey, serviceId: 'chuo-B' }, { device: srv.kioskToken });
    expect(retry.status).toBe(200);
    expect(retry.body.data.replayed).toBe(true);
    expect(count('tickets')).toBe(11);
    mono.advance(2_000);
    expect((await issue()).status).toBe(200);
    expect((await issue()).status).toBe(429);
    // Staff issuing at a counter are not limited by the kiosk's bucket.
    const cookie = await login(srv.url, 'clerk1');
    expect((await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { cookie })).status).toBe(200);
    sock.disconnect();
  });

  it('the wall clock set back an hour (or forward a day) neither empties nor refills a kiosk\'s bucket: the limiter runs on a monotonic clock', async () => {
    const mono = new ManualClock(0);
    srv = await startTestServer({ kioskIssueLimit: { perMinute: 30, burst: 10 }, monotonic: () => mono.now() });
    const issue = () => http(srv!.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { device: srv!.kioskToken });
    for (let i = 0; i < 5; i++) expect((await issue()).status).toBe(200);
    srv.clock.advance(-3_600_000); // NTP or a person sets the wall clock back an hour
    mono.advance(10_000); // ten real seconds pass: five tokens come back
    for (let i = 0; i < 10; i++) expect((await issue()).status).toBe(200);
    expect((await issue()).status).toBe(429);
    srv.clock.advance(86_400_000); // and a jump forward gives nothing away either
    expect((await issue()).status).toBe(429);
    mono.advance(2_000);
    expect((await issue()).status).toBe(200);
  });

  it('the default time source is performance.now, not Date.now', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 });
    const realNow = Date.now;
    try {
      expect(buckets.take('k')).toBe(true);
      Date.now = () => realNow() - 3_600_000;
      expect(buckets.take('k')).toBe(false);
      Date.now = () => realNow() + 3_600_000;
      expect(buckets.take('k')).toBe(false); // a jump forward refills nothing
    } finally {
      Date.now = realNow;
    }
  });
});

describe('revocation reaches sockets at once', () => {
  it('a revoked display is cut off: session:ended, disconnected, and cannot come back', async () => {
    srv = await startTestServer();
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    const ended: string[] = [];
    display.on('session:ended', (i) => ended.push(i.reason));
    await waitFor(() => display.snapshots.length > 0, 5000, 'display snapshot');
    const cookie = await login(srv.url, 'admin');
    const r = await http(srv.url, 'POST', '/api/admin/devices/display-1/revoke', {}, { cookie });
    expect(r.status).toBe(200);
    await waitFor(() => ended.length > 0, 5000, 'session:ended');
    expect(ended).toEqual(['revoked']);
    await waitFor(() => !display.connected, 5000, 'disconnected');
    // No more snapshots reach it, and its token no longer opens a socket or the API.
    const seen = display.snapshots.length;
    await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    await new Promise((res) => setTimeout(res, 300));
    expect(display.snapshots.length).toBe(seen);
    expect((await http(srv.url, 'GET', '/api/device/me', undefined, { device: srv.displayToken })).status).toBe(401);
    const again = connectSocket(srv.url, { deviceToken: srv.displayToken });
    const err = await new Promise<Error>((res) => again.once('connect_error', res));
    expect(err.message).toBe('UNAUTHENTICATED');
    again.disconnect();
    display.disconnect();
    expect(srv.db.prepare("SELECT action, target FROM audit_log WHERE action = 'device.revoke'").get()).toEqual({ action: 'device.revoke', target: 'display-1' });
  });

  it('a device revoked behind the socket layer’s back is refused on its next event', async () => {
    srv = await startTestServer();
    const kiosk = connectSocket(srv.url, { deviceToken: srv.kioskToken });
    await waitFor(() => kiosk.connected);
    srv.db.prepare("UPDATE devices SET revoked_at = 1 WHERE id = 'kiosk-1'").run(); // e.g. by another process
    const r = await emitAck<Reply<CommandResult>>(kiosk, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A' });
    expect('error' in r && r.error.code).toBe('UNAUTHENTICATED');
    expect(count('tickets')).toBe(0);
    await waitFor(() => !kiosk.connected, 5000, 'kiosk disconnected');
  });

  it('a disabled account is cut off at once and cannot sign in', async () => {
    srv = await startTestServer();
    const clerk = await login(srv.url, 'clerk2');
    const sock = connectSocket(srv.url, { cookie: clerk });
    const ended: string[] = [];
    sock.on('session:ended', (i) => ended.push(i.reason));
    await waitFor(() => sock.connected);
    const admin = await login(srv.url, 'admin');
    expect((await http(srv.url, 'PATCH', '/api/admin/staff/clerk2', { disabled: true }, { cookie: admin })).status).toBe(200);
    await waitFor(() => ended.length > 0 && !sock.connected, 5000, 'clerk socket cut off');
    expect(ended).toEqual(['disabled']);
    expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie: clerk })).body.data.kind).toBe('none');
    expect((await loginRaw('clerk2', PASSWORD)).body.error.code).toBe('BAD_CREDENTIALS');
  });
});

describe('idempotency keys are per actor', () => {
  it('a command id replayed by a different actor does not return the first actor’s result', async () => {
    srv = await startTestServer();
    const key = cid('shared');
    const first = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: key, serviceId: 'chuo-A' }, { device: srv.kioskToken });
    const ticket = first.body.data.ticket as { token: string; display: string };
    const cookie = await login(srv.url, 'clerk1');
    const other = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: key, serviceId: 'chuo-A' }, { cookie });
    expect(other.status).toBe(200);
    expect(other.body.data.replayed).toBeUndefined();
    expect((other.body.data.ticket as { token: string }).token).not.toBe(ticket.token);
    expect((other.body.data.ticket as { display: string }).display).toBe('A-002');
    // The same actor replaying still gets its own first result (rule 4).
    const again = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: key, serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect(again.body.data.replayed).toBe(true);
    expect((again.body.data.ticket as { token: string }).token).toBe(ticket.token);
    expect(count('tickets')).toBe(2);
  });
});
