import { io as ioClient } from 'socket.io-client';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply, SubscribeAck } from '../../common/events.js';
import type { PublicSnapshot, StaffSnapshot } from '../../common/types.js';
import { SESSION_TTL_MS } from '../auth/sessions.js';
import type { Logger } from '../log.js';
import { seedOffice } from '../seed.js';
import { cid, connectSocket, emitAck, http, login, startTestServer, waitFor, type TestServer, type TestSocket } from '../testing.js';
import { DEFAULT_REALTIME_LIMITS, EventBudget, realtimeLimitsFromEnv } from './limits.js';

let srv: TestServer | null = null;
const open: TestSocket[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.disconnect();
  await srv?.close();
  srv = null;
});

type Snap = PublicSnapshot | StaffSnapshot;
type Sock = TestSocket & { snapshots: Snap[] };
const track = <S extends TestSocket>(s: S): S => (open.push(s), s);

/** A raw socket.io client with any headers; resolves when connected, or with the refusal. */
function connectWith(url: string, o: { headers?: Record<string, string>; deviceToken?: string } = {}): Promise<{ socket: Sock; error: null } | { socket: Sock; error: { message: string; data?: { error?: { code: string; details?: Record<string, unknown> } } } }> {
  const socket = track(ioClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: o.deviceToken ? { deviceToken: o.deviceToken } : {}, extraHeaders: o.headers }) as Sock);
  socket.snapshots = [];
  socket.on('office:snapshot', (snap) => socket.snapshots.push(snap));
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err as never }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('subscribing', () => {
  it('a repeated subscribe to the same room rebuilds nothing and sends the snapshot once per subscribe (event only; the ack is small)', async () => {
    srv = await startTestServer();
    const engine = srv.app.engine;
    let built = 0;
    const original = engine.publicSnapshot.bind(engine);
    engine.publicSnapshot = (id: string) => (built++, original(id));
    const s = track(connectSocket(srv.url));
    await waitFor(() => s.connected);
    const acks: Reply<SubscribeAck>[] = [];
    for (let i = 0; i < 10; i++) acks.push(await emitAck<Reply<SubscribeAck>>(s, 'office:subscribe', { officeId: srv.officeId }));
    await sleep(100);
    expect(built).toBe(1);
    expect(s.snapshots).toHaveLength(10);
    expect(new Set(s.snapshots.map((x) => x.version)).size).toBe(1);
    for (const a of acks) {
      expect(a).toEqual({ data: { kind: 'public', version: s.snapshots[0]!.version } });
      // Not a snapshot: an old client that took the ack for one would find no officeId and ignore it.
      expect(JSON.stringify(a).length).toBeLessThan(100);
    }
    // After a change: one build shared by the broadcast and the next subscribes.
    await http(srv.url, 'POST', `/api/offices/${srv.officeId}/tickets`, { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    await waitFor(() => s.snapshots.length === 11, 5000, 'broadcast');
    for (let i = 0; i < 3; i++) await emitAck(s, 'office:subscribe', { officeId: srv.officeId });
    await waitFor(() => s.snapshots.length === 14, 5000, 'three more');
    expect(built).toBe(2);
    expect(s.snapshots.at(-1)!.services.find((x) => x.id === 'chuo-A')!.waiting).toBe(1);
  });

  it('a staff snapshot is built once per change for every staff socket, and a config change without a new event still reaches the screens', async () => {
    srv = await startTestServer();
    const engine = srv.app.engine;
    let built = 0;
    const original = engine.staffSnapshot.bind(engine);
    engine.staffSnapshot = (id: string) => (built++, original(id));
    const cookie = await login(srv.url, 'supervisor');
    const staff = Array.from({ length: 5 }, () => track(connectSocket(srv!.url, { cookie })));
    await waitFor(() => staff.every((s) => s.connected));
    for (const s of staff) await emitAck(s, 'office:subscribe', { officeId: srv.officeId });
    expect(built).toBe(1);
    await http(srv.url, 'POST', `/api/offices/${srv.officeId}/tickets`, { commandId: cid(), serviceId: 'chuo-B' }, { device: srv.kioskToken });
    await waitFor(() => staff.every((s) => s.snapshots.length === 2), 5000, 'staff broadcast');
    expect(built).toBe(2);
    const versionBefore = staff[0]!.snapshots[1]!.version;
    const t = await http(srv.url, 'PUT', `/api/offices/${srv.officeId}/ticker`, { ticker: '本日は混雑しています' }, { cookie });
    expect(t.status).toBe(200);
    const fresh = await waitFor(() => staff[0]!.snapshots.find((x) => x.office.ticker === '本日は混雑しています'), 5000, 'ticker');
    expect(fresh.version).toBeGreaterThanOrEqual(versionBefore);
  });
});

describe('public version', () => {
  it('counts this office’s changes only: another office’s activity neither moves it nor shows as a gap', async () => {
    srv = await startTestServer();
    seedOffice(srv.db, { id: 'higashi', name: { ja: '東区役所', en: 'Higashi Ward Office' }, hours: null }, srv.clock.now());
    srv.app.engine.reloadAll();
    const engine = srv.app.engine;
    const kiosk = { role: 'kiosk' as const, staffId: null, deviceId: 'kiosk-1' };
    const issue = (officeId: string, serviceId: string) =>
      engine.execute(kiosk, { name: 'ticket:issue', payload: { commandId: cid(), officeId, serviceId, priority: false, priorityReason: null, lang: 'ja' } });
    const count = (officeId: string) => (srv!.db.prepare('SELECT count(*) AS n FROM events WHERE office_id = ?').get(officeId) as { n: number }).n;
    issue('chuo', 'chuo-A');
    const v1 = engine.publicSnapshot('chuo').version;
    expect(v1).toBe(count('chuo'));
    for (let i = 0; i < 5; i++) issue('higashi', 'higashi-A');
    expect(engine.publicSnapshot('chuo').version).toBe(v1);
    issue('chuo', 'chuo-A');
    const v2 = engine.publicSnapshot('chuo').version;
    expect(v2 - v1).toBe(count('chuo') - v1); // the events of that one command, not the other office's five tickets
    expect(v2).toBeLessThan(engine.version('chuo')); // the staff version (last event id) does count globally
    // And it survives a restart of the engine (rebuilt from the events).
    engine.reloadAll();
    expect(engine.publicSnapshot('chuo').version).toBe(v2);
  });
});

describe('origin of cookie-authenticated sockets', () => {
  it('a socket with the staff cookie from another origin is refused CSRF_REJECTED; same origin works; a device token works from anywhere', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'admin');
    const evil = 'http://127.0.0.1:1'; // same host, another port: same-site, so a browser sends the Lax cookie
    const cross = await connectWith(srv.url, { headers: { Cookie: cookie, Origin: evil } });
    expect(cross.error?.message).toBe('CSRF_REJECTED');
    expect(cross.error?.data?.error?.code).toBe('CSRF_REJECTED');
    const fetchSite = await connectWith(srv.url, { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } });
    expect(fetchSite.error?.message).toBe('CSRF_REJECTED');
    const before = (srv.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

    const same = await connectWith(srv.url, { headers: { Cookie: cookie, Origin: srv.url } });
    expect(same.error).toBeNull();
    const who = await emitAck<Reply<{ kind: string }>>(same.socket, 'session:whoami', {});
    expect(who).toMatchObject({ data: { kind: 'staff' } });

    const device = await connectWith(srv.url, { deviceToken: srv.kioskToken, headers: { Origin: evil } });
    expect(device.error).toBeNull();
    const issued = await emitAck<Reply<unknown>>(device.socket, 'ticket:issue', { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A' });
    expect('data' in issued).toBe(true);
    // Anonymous from another origin (a phone page served elsewhere) stays public.
    const anon = await connectWith(srv.url, { headers: { Origin: evil } });
    expect(anon.error).toBeNull();
    expect((srv.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBeGreaterThan(before);
  });
});

describe('anonymous sockets per address', () => {
  it('the N+1th anonymous socket from one address is refused TOO_MANY_CONNECTIONS; staff and devices are not counted; a closed one frees its place', async () => {
    srv = await startTestServer({ realtime: { maxAnonymousPerAddress: 3 } });
    const first = await Promise.all([0, 1, 2].map(() => connectWith(srv!.url)));
    expect(first.every((c) => c.error === null)).toBe(true);
    const fourth = await connectWith(srv.url);
    expect(fourth.error?.message).toBe('TOO_MANY_CONNECTIONS');
    expect(fourth.error?.data?.error).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', details: { limit: 3 } });
    const display = await connectWith(srv.url, { deviceToken: srv.displayToken });
    expect(display.error).toBeNull();
    const clerk = await connectWith(srv.url, { headers: { Cookie: await login(srv.url, 'clerk1') } });
    expect(clerk.error).toBeNull();
    first[0]!.socket.disconnect();
    await sleep(100);
    const again = await connectWith(srv.url);
    expect(again.error).toBeNull();
  });

  it('the limits come from the environment, with defaults that fit a lobby NAT of hundreds of phones', () => {
    expect(realtimeLimitsFromEnv({}).maxAnonymousPerAddress).toBe(500);
    const l = realtimeLimitsFromEnv({ MADOGUCHI_SOCKET_EVENTS: '5/10', MADOGUCHI_SOCKET_QUEUE_KB: '256/4096', MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '50' });
    expect(l).toMatchObject({ eventsPerSecond: 5, eventBurst: 10, maxQueuedBytesPublic: 256 * 1024, maxQueuedBytesStaff: 4096 * 1024, maxAnonymousPerAddress: 50 });
    expect(realtimeLimitsFromEnv({ MADOGUCHI_SOCKET_EVENTS: 'off', MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '0' })).toMatchObject({ eventsPerSecond: 0, maxAnonymousPerAddress: 0 });
    // Malformed values keep the defaults.
    expect(realtimeLimitsFromEnv({ MADOGUCHI_SOCKET_EVENTS: 'lots', MADOGUCHI_SOCKET_QUEUE_KB: '-1', MADOGUCHI_SOCKET_ANON_PER_ADDRESS: 'x' })).toMatchObject({
      eventsPerSecond: DEFAULT_REALTIME_LIMITS.eventsPerSecond, maxQueuedBytesPublic: DEFAULT_REALTIME_LIMITS.maxQueuedBytesPublic, maxAnonymousPerAddress: 500,
    });
  });
});

describe('event budget', () => {
  it('the token bucket runs on the monotonic clock: burst, refusal, refill, and cut-off after another burst over budget', () => {
    let t = 1000;
    const b = new EventBudget(2, 3, () => t);
    expect([b.take(), b.take(), b.take()]).toEqual(['ok', 'ok', 'ok']);
    expect(b.take()).toBe('refused');
    t += 1000; // two tokens back, minus the one owed
    expect(b.take()).toBe('ok');
    expect(b.take()).toBe('refused');
    t -= 5000; // a clock going back refills nothing
    expect([b.take(), b.take()]).toEqual(['refused', 'refused']);
    expect(b.take()).toBe('cut');
  });

  it('over budget a socket gets RATE_LIMITED and nothing runs; one that keeps sending is disconnected; a counter within budget is unaffected', async () => {
    let t = 0;
    srv = await startTestServer({ realtime: { eventsPerSecond: 5, eventBurst: 5, monotonicNow: () => t } });
    const cookie = await login(srv.url, 'clerk1');
    const greedy = track(connectSocket(srv.url, { cookie }));
    const calm = track(connectSocket(srv.url, { cookie }));
    await waitFor(() => greedy.connected && calm.connected);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await emitAck<Reply<unknown>>(greedy, i === 5 ? 'counter:open' : 'session:whoami', i === 5 ? { commandId: cid(), counterId: 'chuo-c1' } : {});
      codes.push('error' in r ? r.error.code : 'OK');
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(srv.app.engine.staffSnapshot('chuo').counters.find((c) => c.id === 'chuo-c1')!.state).toBe('closed');
    // The other socket has its own budget.
    expect(await emitAck(calm, 'counter:open', { commandId: cid(), counterId: 'chuo-c2' })).toHaveProperty('data');
    t += 1000;
    expect(await emitAck(greedy, 'session:whoami', {})).toHaveProperty('data');
    // Flooding on: refused, then cut off.
    const disconnected = new Promise<string>((r) => greedy.once('disconnect', (reason) => r(reason)));
    greedy.io.opts.reconnection = false;
    for (let i = 0; i < 20; i++) (greedy.emit as (ev: string, p: unknown) => void)('session:whoami', {});
    // Cut at once, its unread output discarded (the transport may close before the goodbye packet is read).
    expect(['io server disconnect', 'transport close']).toContain(await disconnected);
    expect(await emitAck(calm, 'session:whoami', {})).toHaveProperty('data');
  });
});

describe('session expiry', () => {
  it('a staff socket whose session expired gets no further staff snapshot: session:ended "expired" at the next change, without the 30 s sweep', async () => {
    srv = await startTestServer();
    const staff = track(connectSocket(srv.url, { cookie: await login(srv.url, 'supervisor') }));
    const display = track(connectSocket(srv.url, { deviceToken: srv.displayToken }));
    await waitFor(() => staff.connected && display.snapshots.length === 1);
    staff.io.opts.reconnection = false;
    await emitAck(staff, 'office:subscribe', { officeId: srv.officeId });
    await waitFor(() => staff.snapshots.length === 1);
    const ended: string[] = [];
    staff.on('session:ended', (i) => ended.push(i.reason));
    srv.clock.advance(SESSION_TTL_MS + 1);
    await http(srv.url, 'POST', `/api/offices/${srv.officeId}/tickets`, { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    await waitFor(() => display.snapshots.length === 2, 5000, 'display still served');
    await waitFor(() => !staff.connected, 2000, 'staff socket cut off');
    expect(ended).toEqual(['expired']);
    expect(staff.snapshots).toHaveLength(1);
  });
});

describe('unsent output', () => {
  it('a staff socket that stops reading is cut off once its unsent output passes the cap; a reading one keeps up', async () => {
    const warns: { obj: Record<string, unknown>; msg: string }[] = [];
    const log = { warn: (obj: Record<string, unknown>, msg: string) => warns.push({ obj, msg }), error: () => {}, info: () => {}, debug: () => {}, trace: () => {}, fatal: () => {} } as unknown as Logger & { child: () => Logger };
    (log as unknown as { child: () => Logger }).child = () => log;
    const cap = 256 * 1024;
    srv = await startTestServer({ log, realtime: { maxQueuedBytesStaff: cap } });
    const engine = srv.app.engine;
    const kiosk = { role: 'kiosk' as const, staffId: null, deviceId: 'kiosk-1' };
    const issue = () => engine.execute(kiosk, { name: 'ticket:issue', payload: { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-B', priority: false, priorityReason: null, lang: 'ja' } });
    for (let i = 0; i < 500; i++) issue(); // a staff snapshot of ~150 KB
    const cookie = await login(srv.url, 'supervisor');
    const reader = track(connectSocket(srv.url, { cookie }));
    await waitFor(() => reader.connected);
    await emitAck(reader, 'office:subscribe', { officeId: 'chuo' });

    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { Cookie: cookie } });
    let closed = false;
    ws.on('close', () => (closed = true));
    ws.on('error', () => {});
    await new Promise<void>((resolve) =>
      ws.on('message', (data: WebSocket.RawData) => {
        const text = String(data);
        if (text.startsWith('0')) ws.send('40');
        else if (text.startsWith('40')) {
          ws.send('42["office:subscribe",{"officeId":"chuo"}]');
          (ws as unknown as { _socket: { pause: () => void } })._socket.pause();
          resolve();
        }
      }),
    );
    let changes = 0;
    while (!warns.length && changes < 1000) {
      issue();
      changes++;
      await sleep(2);
    }
    const cutOff = warns.find((w) => w.msg === 'socket cut off');
    expect(cutOff?.obj).toMatchObject({ reason: 'unsent-output', principal: 'staff' });
    expect(cutOff!.obj.queuedBytes as number).toBeGreaterThan(cap);
    // Nothing is queued beyond the cap and one more snapshot.
    expect(cutOff!.obj.queuedBytes as number).toBeLessThan(cap + 2 * JSON.stringify(engine.staffSnapshot('chuo')).length);
    // The reading staff socket is still there and up to date.
    await waitFor(() => reader.snapshots.at(-1)?.version === engine.version('chuo'), 5000, 'reader up to date');
    expect(reader.connected).toBe(true);
    console.log(`unsent output: cut after ${changes} changes with ${cutOff!.obj.queuedBytes} bytes queued (cap ${cap})`);
    ws.terminate();
    expect(closed || ws.readyState !== WebSocket.OPEN).toBe(true);
  });
});
