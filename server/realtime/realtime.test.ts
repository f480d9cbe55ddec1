import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, Reply } from '../../common/events.js';
import type { PublicSnapshot, StaffSnapshot } from '../../common/types.js';
import { cid, connectSocket, emitAck, http, login, startTestServer, waitFor, type TestServer } from '../testing.js';

let srv: TestServer;
beforeEach(async () => {
  srv = await startTestServer();
});
afterEach(async () => {
  await srv.close();
});

describe('real-time flow with a real server and real socket.io clients', () => {
  it('a kiosk issues, the display receives the new snapshot, a counter calls, the display sees the call with the counter', async () => {
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    await waitFor(() => display.snapshots.length > 0, 5000, 'first display snapshot');
    const first = display.snapshots.at(-1) as PublicSnapshot;
    expect(first.kind).toBe('public');
    expect(first.services.find((s) => s.prefix === 'A')!.waiting).toBe(0);

    const issued = await http<{ data: CommandResult }>(srv.url, 'POST', `/api/offices/${srv.officeId}/tickets`, { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect(issued.status).toBe(200);
    const ticket = issued.body.data.ticket as { display: string };
    expect(ticket.display).toBe('A-001');
    const afterIssue = await waitFor(() => display.snapshots.find((s) => s.services.find((x) => x.prefix === 'A')!.waiting === 1), 5000, 'snapshot with one waiting');
    expect(afterIssue.version).toBeGreaterThan(first.version);

    const cookie = await login(srv.url, 'clerk1');
    const counter = connectSocket(srv.url, { cookie });
    await waitFor(() => counter.connected);
    const opened = await emitAck<Reply<CommandResult>>(counter, 'counter:open', { commandId: cid(), counterId: 'chuo-c3' });
    expect('data' in opened).toBe(true);
    const called = await emitAck<Reply<CommandResult>>(counter, 'counter:call-next', { commandId: cid(), counterId: 'chuo-c3' });
    expect(called).toMatchObject({ data: { display: 'A-001', counterId: 'chuo-c3' } });

    const withCall = await waitFor(() => display.snapshots.find((s) => s.recentCalls.length > 0), 5000, 'call on display');
    expect(withCall.recentCalls.at(-1)).toMatchObject({ display: 'A-001', counterLabel: '3', recall: false });
    expect(withCall.counters.find((c) => c.id === 'chuo-c3')!.current).toMatchObject({ display: 'A-001', state: 'called' });
    // Nothing personal or secret in the public snapshot: no ticket tokens.
    expect(JSON.stringify(withCall)).not.toContain((issued.body.data.ticket as { token: string }).token);
    display.disconnect();
    counter.disconnect();
  });

  it('a reconnecting client gets a fresh snapshot with the current version', async () => {
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    await waitFor(() => display.snapshots.length > 0);
    display.disconnect();
    for (let i = 0; i < 3; i++) {
      await http(srv.url, 'POST', `/api/offices/${srv.officeId}/tickets`, { commandId: cid(), serviceId: 'chuo-B' }, { device: srv.kioskToken });
    }
    const before = display.snapshots.length;
    display.connect();
    const fresh = await waitFor(() => display.snapshots.length > before && display.snapshots.at(-1), 5000, 'fresh snapshot after reconnect');
    expect(fresh.services.find((s) => s.prefix === 'B')!.waiting).toBe(3);
    expect(fresh.version).toBe(srv.app.engine.publicVersion(srv.officeId));
    display.disconnect();
  });

  it('staff sockets get the staff snapshot; public sockets never do', async () => {
    const cookie = await login(srv.url, 'supervisor');
    const staff = connectSocket(srv.url, { cookie });
    const pub = connectSocket(srv.url);
    await waitFor(() => staff.connected && pub.connected);
    const s = await emitAck<Reply<StaffSnapshot>>(staff, 'office:subscribe', { officeId: srv.officeId });
    const p = await emitAck<Reply<PublicSnapshot>>(pub, 'office:subscribe', { officeId: srv.officeId });
    expect('data' in s && s.data.kind).toBe('staff');
    expect('data' in p && p.data.kind).toBe('public');
    staff.disconnect();
    pub.disconnect();
  });

  it('every role mismatch on the socket is refused with 401/403 codes and changes nothing', async () => {
    const anon = connectSocket(srv.url);
    const kiosk = connectSocket(srv.url, { deviceToken: srv.kioskToken });
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    const clerk = connectSocket(srv.url, { cookie: await login(srv.url, 'clerk1') });
    await waitFor(() => anon.connected && kiosk.connected && display.connected && clerk.connected);
    const events = () => (srv.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const before = events();
    const code = (r: Reply<unknown>) => ('error' in r ? r.error.code : 'OK');
    expect(code(await emitAck(anon, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A' }))).toBe('UNAUTHENTICATED');
    expect(code(await emitAck(display, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(kiosk, 'counter:open', { commandId: cid(), counterId: 'chuo-c1' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(anon, 'counter:call-next', { commandId: cid(), counterId: 'chuo-c1' }))).toBe('UNAUTHENTICATED');
    expect(code(await emitAck(clerk, 'office:close-day', { commandId: cid(), officeId: 'chuo' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(clerk, 'ticket:cancel', { commandId: cid(), ticketId: 'x' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(clerk, 'counter:open', { commandId: 42 }))).toBe('INVALID_INPUT');
    expect(events()).toBe(before);
    // A kiosk may issue over the socket too.
    expect(code(await emitAck(kiosk, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A' }))).toBe('OK');
    for (const s of [anon, kiosk, display, clerk]) s.disconnect();
  });
});
