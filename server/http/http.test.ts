import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import type { CommandResult } from '../../common/events.js';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';

let srv: TestServer;
beforeEach(async () => {
  srv = await startTestServer();
});
afterEach(async () => {
  await srv.close();
});

const stateDump = () => JSON.stringify([srv.db.prepare('SELECT count(*) FROM events').get(), srv.db.prepare('SELECT * FROM steps ORDER BY rowid').all(), srv.db.prepare('SELECT * FROM counters ORDER BY id').all()]);

describe('HTTP API', () => {
  it('health answers without sign-in', async () => {
    const r = await http<{ data: { ok: boolean } }>(srv.url, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.body.data.ok).toBe(true);
  });

  it('two simultaneous call-next on two counters get two different tickets', async () => {
    for (let i = 0; i < 4; i++) await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    const [c1, c2] = await Promise.all([login(srv.url, 'clerk1'), login(srv.url, 'clerk2')]);
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: c1 });
    await http(srv.url, 'POST', '/api/counters/chuo-c2/open', { commandId: cid() }, { cookie: c2 });
    const [a, b] = await Promise.all([
      http<{ data: CommandResult }>(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { cookie: c1 }),
      http<{ data: CommandResult }>(srv.url, 'POST', '/api/counters/chuo-c2/call-next', { commandId: cid() }, { cookie: c2 }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.data.display).not.toBe(b.body.data.display);
    expect(new Set([a.body.data.display, b.body.data.display])).toEqual(new Set(['A-001', 'A-002']));
  });

  it('a retried HTTP command (Idempotency-Key header) returns the first result', async () => {
    const key = cid('idem');
    const first = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { serviceId: 'chuo-B' }, { device: srv.kioskToken, headers: { 'Idempotency-Key': key } });
    const again = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { serviceId: 'chuo-B' }, { device: srv.kioskToken, headers: { 'Idempotency-Key': key } });
    expect(again.body.data.ticket).toEqual(first.body.data.ticket);
    expect(srv.db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 1 });
  });

  it('invalid payload → 400 INVALID_INPUT, one error shape, no stack trace, nothing changes', async () => {
    const before = stateDump();
    for (const body of [{}, { commandId: 'short' }, { commandId: cid(), serviceId: 'chuo-A', priority: 'yes' }, { commandId: cid(), serviceId: 'chuo-A', extra: 1 }]) {
      const r = await http<ErrorBody>(srv.url, 'POST', '/api/offices/chuo/tickets', body, { device: srv.kioskToken });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_INPUT');
      expect(typeof r.body.error.message).toBe('string');
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts|node_modules|Error:/);
    }
    const raw = await fetch(`${srv.url}/api/offices/chuo/tickets`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${srv.kioskToken}` }, body: '{"commandId": ' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as ErrorBody).error.code).toBe('INVALID_INPUT');
    expect(stateDump()).toBe(before);
  });

  it('unknown things → 404 with specific codes', async () => {
    const c = await login(srv.url, 'clerk1');
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/counters/nope/open', { commandId: cid() }, { cookie: c })).body.error.code).toBe('COUNTER_NOT_FOUND');
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'nope' }, { device: srv.kioskToken })).body.error.code).toBe('SERVICE_NOT_FOUND');
    expect((await http<ErrorBody>(srv.url, 'GET', '/api/public/tickets/unknown-token')).status).toBe(404);
    expect((await http<ErrorBody>(srv.url, 'GET', '/api/nothing-here')).body.error.code).toBe('NOT_FOUND');
  });

  it('not signed in → 401, wrong role → 403, conflicts → 409', async () => {
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() })).status).toBe(401);
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { device: srv.kioskToken })).status).toBe(403);
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.displayToken })).status).toBe(403);
    expect((await http<ErrorBody>(srv.url, 'GET', '/api/offices/chuo/snapshot', undefined, { device: srv.kioskToken })).status).toBe(403);
    const c = await login(srv.url, 'clerk1');
    expect((await http<ErrorBody>(srv.url, 'POST', '/api/offices/chuo/close-day', { commandId: cid() }, { cookie: c })).status).toBe(403);
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: c });
    const r = await http<ErrorBody>(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { cookie: c });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'NO_TICKET_WAITING', message: 'お待ちの方はいません。' });
    expect((await http(srv.url, 'POST', '/api/auth/login', { login: 'clerk1', password: 'wrong' })).status).toBe(401);
    expect((await http(srv.url, 'GET', '/api/public/offices/chuo/status')).status).toBe(200);
  });

  it('the public ticket page shows position and the counter once called, without personal data', async () => {
    await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    const mine = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    const token = (mine.body.data.ticket as { token: string }).token;
    expect(token.length).toBeGreaterThanOrEqual(20);
    const s1 = await http<{ data: { display: string; state: string; estimate: { ahead: number } } }>(srv.url, 'GET', `/api/public/tickets/${token}`);
    expect(s1.body.data).toMatchObject({ display: 'A-002', state: 'waiting', estimate: { ahead: 1 } });
    const c = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c3/open', { commandId: cid() }, { cookie: c });
    await http(srv.url, 'POST', '/api/counters/chuo-c3/call', { commandId: cid(), number: 'A-002' }, { cookie: c });
    const s2 = await http<{ data: { state: string; counter: { label: string } } }>(srv.url, 'GET', `/api/public/tickets/${token}`);
    expect(s2.body.data).toMatchObject({ state: 'called', counter: { label: '3' } });
  });

  it('logout ends the session', async () => {
    const c = await login(srv.url, 'supervisor');
    expect((await http(srv.url, 'GET', '/api/offices/chuo/snapshot', undefined, { cookie: c })).status).toBe(200);
    await http(srv.url, 'POST', '/api/auth/logout', {}, { cookie: c });
    expect((await http(srv.url, 'GET', '/api/offices/chuo/snapshot', undefined, { cookie: c })).status).toBe(401);
  });
});

describe('display ticker', () => {
  it('a supervisor sets the ticker; it reaches the public snapshot and the audit log; a clerk may not', async () => {
    const sup = await login(srv.url, 'supervisor');
    const r = await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: '本日は混雑しています' }, { cookie: sup });
    expect(r.status).toBe(200);
    const pub = await http<{ data: { office: { ticker: string } } }>(srv.url, 'GET', '/api/public/offices/chuo/status');
    expect(pub.body.data.office.ticker).toBe('本日は混雑しています');
    expect(srv.db.prepare("SELECT staff_id, action FROM audit_log WHERE action = 'office.ticker'").all()).toEqual([{ staff_id: 'supervisor', action: 'office.ticker' }]);
    const clerk = await login(srv.url, 'clerk1');
    expect((await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: 'x' }, { cookie: clerk })).status).toBe(403);
    const bad = await http<ErrorBody>(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: 'x'.repeat(201) }, { cookie: sup });
    expect(bad.status).toBe(400);
    const after = await http<{ data: { office: { ticker: string } } }>(srv.url, 'GET', '/api/public/offices/chuo/status');
    expect(after.body.data.office.ticker).toBe('本日は混雑しています');
  });
});
