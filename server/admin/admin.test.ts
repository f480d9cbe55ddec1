import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import type { CommandResult } from '../../common/events.js';
import type { Counter, PublicSnapshot, Service } from '../../common/types.js';
import { cid, connectSocket, http, login, startTestServer, waitFor, type TestServer } from '../testing.js';

let srv: TestServer;
let admin: string;
beforeEach(async () => {
  srv = await startTestServer();
  admin = await login(srv.url, 'admin');
});
afterEach(async () => {
  await srv.close();
});

const config = () => srv.db.prepare("SELECT * FROM offices WHERE id = 'chuo'").get() as Record<string, unknown>;
const dumpConfig = () => JSON.stringify([config(), srv.db.prepare('SELECT * FROM services ORDER BY id').all(), srv.db.prepare('SELECT * FROM counters ORDER BY id').all(), srv.db.prepare('SELECT * FROM counter_services ORDER BY counter_id, position').all(), srv.db.prepare('SELECT * FROM staff ORDER BY id').all(), srv.db.prepare('SELECT * FROM devices ORDER BY id').all()]);
const call = <T = unknown>(method: string, path: string, body?: unknown, cookie = admin) => http<{ data: T } & ErrorBody>(srv.url, method, path, body, { cookie });

describe('administration changes take effect live', () => {
  it('a new service and a new counter reach a connected display and kiosk without restart; tickets can be issued and called', async () => {
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    await waitFor(() => display.snapshots.length > 0);
    const svc = await call<Service>('POST', '/api/admin/offices/chuo/services', { prefix: 'H', name: { ja: 'パスポート', en: 'Passports' }, targetWaitMin: 20, defaultServiceMin: 7 });
    expect(svc.status).toBe(200);
    expect(svc.body.data).toMatchObject({ id: 'chuo-H', prefix: 'H', name: { ja: 'パスポート', en: 'Passports' }, numberStart: 1, numberEnd: 999, active: true, kioskVisible: true });
    const snap = await waitFor(() => (display.snapshots as PublicSnapshot[]).find((s) => s.services.some((x) => x.id === 'chuo-H')), 5000, 'new service on display');
    expect(snap.services.find((x) => x.id === 'chuo-H')).toMatchObject({ prefix: 'H', name: { ja: 'パスポート' }, refusal: null });

    const ctr = await call<Counter>('POST', '/api/admin/offices/chuo/counters', { label: '12', serviceIds: ['chuo-H', 'chuo-A'] });
    expect(ctr.body.data).toMatchObject({ id: 'chuo-c12', label: '12', name: { ja: '12番窓口' }, serviceIds: ['chuo-H', 'chuo-A'], active: true });
    await waitFor(() => (display.snapshots as PublicSnapshot[]).find((s) => s.counters.some((c) => c.id === 'chuo-c12')), 5000, 'new counter on display');

    const issued = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-H' }, { device: srv.kioskToken });
    expect((issued.body.data.ticket as { display: string }).display).toBe('H-001');
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c12/open', { commandId: cid() }, { cookie: clerk });
    const called = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/counters/chuo-c12/call-next', { commandId: cid() }, { cookie: clerk });
    expect(called.body.data.display).toBe('H-001');
    display.disconnect();
  });

  it('office settings, call policy, ticker, texts and announcement change live; a service hidden from the kiosk disappears', async () => {
    const kiosk = connectSocket(srv.url, { deviceToken: srv.kioskToken });
    await waitFor(() => kiosk.snapshots.length > 0);
    const r = await call('PATCH', '/api/admin/offices/chuo', {
      name: { ja: '中央区役所 本庁舎', en: 'Chuo Ward Office' },
      hours: { open: '08:30', close: '17:00', days: [1, 2, 3, 4, 5] },
      policy: { normalPerPriority: 3, maxWaitMin: 90, recallsBeforeNoShow: 2 },
      ticker: '本日は混雑しています',
      kioskPriority: false,
      announcement: { ja: '{number}番の方、{counter}番窓口へどうぞ。', en: 'Number {number}, counter {counter}.', english: true },
      texts: { ticketFooter: { ja: 'この番号札はお持ちください', en: 'Please keep this ticket' }, displayWelcome: { ja: 'ようこそ' } },
    });
    expect(r.status).toBe(200);
    const s = await waitFor(() => (kiosk.snapshots as PublicSnapshot[]).find((x) => x.office.ticker === '本日は混雑しています'), 5000, 'office change');
    expect(s.office).toMatchObject({ name: { ja: '中央区役所 本庁舎' }, kioskPriority: false, hours: { close: '17:00' }, announcement: { english: true }, texts: { ticketFooter: { ja: 'この番号札はお持ちください' } } });
    expect(srv.app.engine.state('chuo').office.policy).toEqual({ normalPerPriority: 3, maxWaitMin: 90, recallsBeforeNoShow: 2 });

    await call('PATCH', '/api/admin/services/chuo-G', { kioskVisible: false, name: { ja: '税証明', en: 'Tax' } });
    const hidden = await waitFor(() => (kiosk.snapshots as PublicSnapshot[]).find((x) => x.services.find((y) => y.id === 'chuo-G')?.kioskVisible === false), 5000, 'G hidden');
    expect(hidden.services.find((y) => y.id === 'chuo-G')!.name.ja).toBe('税証明');
    kiosk.disconnect();
    const actions = (srv.db.prepare('SELECT action, staff_id, ip FROM audit_log ORDER BY id').all() as { action: string; staff_id: string; ip: string }[]).filter((a) => !a.action.startsWith('auth.'));
    expect(actions.map((a) => a.action)).toEqual(['office.update', 'service.update']);
    expect(actions.every((a) => a.staff_id === 'admin' && a.ip)).toBe(true);
  });
});

describe('a bad configuration change is refused and the old one stays in force', () => {
  it.each([
    ['range ends before it starts', 'PATCH', '/api/admin/services/chuo-A', { numberStart: 500, numberEnd: 10 }, 'INVALID_INPUT'],
    ['prefix of another service', 'PATCH', '/api/admin/services/chuo-A', { prefix: 'B' }, 'PREFIX_TAKEN'],
    ['lower-case prefix', 'POST', '/api/admin/offices/chuo/services', { prefix: 'h', name: { ja: 'x' } }, 'INVALID_INPUT'],
    ['service without a Japanese name', 'POST', '/api/admin/offices/chuo/services', { prefix: 'H', name: { en: 'x' } }, 'INVALID_INPUT'],
    ['unknown field', 'PATCH', '/api/admin/services/chuo-A', { colour: 'red' }, 'INVALID_INPUT'],
    ['counter with a service of nowhere', 'POST', '/api/admin/offices/chuo/counters', { label: '12', serviceIds: ['chuo-A', 'nope'] }, 'SERVICE_NOT_FOUND'],
    ['counter label taken', 'PATCH', '/api/admin/counters/chuo-c2', { label: '1' }, 'LABEL_TAKEN'],
    ['hours closing before opening', 'PATCH', '/api/admin/offices/chuo', { hours: { open: '17:00', close: '08:30', days: [1] } }, 'INVALID_INPUT'],
    ['announcement without {number}', 'PATCH', '/api/admin/offices/chuo', { announcement: { ja: '窓口へどうぞ', en: '', english: false }, ticker: 'not applied either' }, 'INVALID_INPUT'],
    ['policy ratio 0', 'PATCH', '/api/admin/offices/chuo', { policy: { normalPerPriority: 0, maxWaitMin: 60, recallsBeforeNoShow: 1 } }, 'INVALID_INPUT'],
    ['staff with a short password', 'POST', '/api/admin/staff', { login: 'new1', name: 'x', role: 'clerk', officeId: 'chuo', password: 'short' }, 'WEAK_PASSWORD'],
    ['staff whose password contains the login', 'POST', '/api/admin/staff', { login: 'yamada', name: 'x', role: 'clerk', officeId: 'chuo', password: 'yamada-2026-04' }, 'WEAK_PASSWORD'],
    ['a password reset to a common password', 'POST', '/api/admin/staff/clerk1/password', { password: 'Password2026!' }, 'WEAK_PASSWORD'],
    ['a busy-season id in exponent form', 'DELETE', '/api/admin/busy-seasons/1e0', {}, 'INVALID_INPUT'],
    ['staff login taken', 'POST', '/api/admin/staff', { login: 'clerk1', name: 'x', role: 'clerk', officeId: 'chuo', password: 'long enough password' }, 'LOGIN_TAKEN'],
    ['admin disabling themself', 'PATCH', '/api/admin/staff/admin', { disabled: true }, 'CANNOT_CHANGE_SELF'],
    ['device of an unknown kind', 'POST', '/api/admin/offices/chuo/devices', { kind: 'printer', name: 'x' }, 'INVALID_INPUT'],
  ])('%s → %s', async (_what, method, path, body, code) => {
    const before = dumpConfig();
    const snapBefore = JSON.stringify(srv.app.engine.publicSnapshot('chuo').services);
    const r = await call(method, path, body);
    expect(r.body.error.code).toBe(code);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(typeof r.body.error.message).toBe('string');
    expect(dumpConfig()).toBe(before);
    expect(JSON.stringify(srv.app.engine.publicSnapshot('chuo').services)).toBe(snapBefore);
    // Tickets are still issued under the old configuration.
    const t = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect((t.body.data.ticket as { display: string }).display).toBe('A-001');
  });

  it('an open counter cannot be deactivated', async () => {
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk });
    expect((await call('PATCH', '/api/admin/counters/chuo-c1', { active: false })).body.error.code).toBe('COUNTER_IN_USE');
    expect(srv.app.engine.state('chuo').counters.get('chuo-c1')!.active).toBe(true);
  });
});

describe('offices and scope', () => {
  it('a city-wide admin adds an office, live; an office admin cannot, and reaches only their own office', async () => {
    const r = await call('POST', '/api/admin/offices', { id: 'kita', name: { ja: '北区役所', en: 'Kita Ward Office' } });
    expect(r.status).toBe(200);
    expect(srv.app.engine.officeIds()).toContain('kita');
    const pub = await http<{ data: { id: string }[] }>(srv.url, 'GET', '/api/public/offices');
    expect(pub.body.data.map((o) => o.id)).toContain('kita');
    expect((await call('POST', '/api/admin/offices', { id: 'kita', name: { ja: 'x' } })).body.error.code).toBe('CONFLICT');
    await call('POST', '/api/admin/staff', { login: 'kita-admin', name: '北 管理', role: 'admin', officeId: 'kita', password: 'kita admin password' });
    const kitaAdmin = await login(srv.url, 'kita-admin', 'kita admin password');
    expect((await call('POST', '/api/admin/offices', { id: 'minami', name: { ja: '南' } }, kitaAdmin)).status).toBe(403);
    expect((await call('GET', '/api/admin/offices/chuo', undefined, kitaAdmin)).status).toBe(403);
    expect((await call('PATCH', '/api/admin/services/chuo-A', { targetWaitMin: 5 }, kitaAdmin)).status).toBe(403);
    expect((await call('PATCH', '/api/admin/staff/clerk1', { disabled: true }, kitaAdmin)).status).toBe(403);
    const mine = await call<{ id: string }[]>('GET', '/api/admin/offices', undefined, kitaAdmin);
    expect(mine.body.data.map((o) => o.id)).toEqual(['kita']);
    const svc = await call('POST', '/api/admin/offices/kita/services', { prefix: 'A', name: { ja: '届出' } }, kitaAdmin);
    expect(svc.status).toBe(200); // the same prefix as chuo-A is fine in another office
  }, 60_000);
});

describe('staff, devices, seasons, audit', () => {
  it('staff: create, sign in, reset password (ends sessions), list and revoke sessions', async () => {
    const created = await call<{ id: string; role: string }>('POST', '/api/admin/staff', { login: 'tanaka', name: '田中', role: 'clerk', officeId: 'chuo', password: 'first password 1' });
    expect(created.body.data).toMatchObject({ role: 'clerk', disabled: false });
    const id = created.body.data.id;
    const s1 = await login(srv.url, 'tanaka', 'first password 1');
    srv.clock.advance(5 * 60_000);
    await http(srv.url, 'GET', '/api/auth/me', undefined, { cookie: s1 });
    const sessions = await call<{ id: string; active: boolean; lastSeenAt: number; ip: string }[]>('GET', `/api/admin/staff/${id}/sessions`);
    expect(sessions.body.data).toHaveLength(1);
    expect(sessions.body.data[0]).toMatchObject({ active: true, lastSeenAt: srv.clock.now() });
    expect(sessions.body.data[0]!.ip).toMatch(/127\.0\.0\.1/);
    await call('POST', `/api/admin/staff/${id}/sessions/revoke`, { sessionId: sessions.body.data[0]!.id });
    expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie: s1 })).body.data.kind).toBe('none');
    const s2 = await login(srv.url, 'tanaka', 'first password 1');
    expect((await call('POST', `/api/admin/staff/${id}/password`, { password: 'second password 2' })).status).toBe(200);
    expect((await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie: s2 })).body.data.kind).toBe('none');
    await login(srv.url, 'tanaka', 'second password 2');
    // Promote to supervisor: the role table now lets them set the ticker.
    await call('PATCH', `/api/admin/staff/${id}`, { role: 'supervisor' });
    const s3 = await login(srv.url, 'tanaka', 'second password 2');
    expect((await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: 'hello' }, { cookie: s3 })).status).toBe(200);
    expect((await http(srv.url, 'PATCH', '/api/admin/offices/chuo', { ticker: 'x' }, { cookie: s3 })).status).toBe(403);
  }, 60_000);

  it('a new device gets a pairing URL that works; the list shows it until revoked', async () => {
    const d = await call<{ id: string; pairingPath: string }>('POST', '/api/admin/offices/chuo/devices', { kind: 'kiosk', name: '2階 発券機' });
    expect(d.body.data.pairingPath).toMatch(/^\/kiosk\/\?device=[A-Za-z0-9_-]{20,}$/);
    const token = decodeURIComponent(d.body.data.pairingPath.split('device=')[1]!);
    const me = await http<{ data: { kind: string; device: { name: string; officeId: string } } }>(srv.url, 'GET', '/api/device/me', undefined, { device: token });
    expect(me.body.data.device).toMatchObject({ name: '2階 発券機', officeId: 'chuo' });
    const cfg = await call<{ devices: { id: string; pairingPath: string | null }[] }>('GET', '/api/admin/offices/chuo');
    expect(cfg.body.data.devices.find((x) => x.id === d.body.data.id)!.pairingPath).toBe(d.body.data.pairingPath);
    await call('POST', `/api/admin/devices/${d.body.data.id}/revoke`, {});
    const after = await call<{ devices: { id: string; pairingPath: string | null; revokedAt: number | null }[] }>('GET', '/api/admin/offices/chuo');
    expect(after.body.data.devices.find((x) => x.id === d.body.data.id)).toMatchObject({ pairingPath: null, revokedAt: srv.clock.now() });
    expect((await http(srv.url, 'GET', '/api/device/me', undefined, { device: token })).status).toBe(401);
  });

  it('busy seasons: add, refuse a duplicate or a reversed period, delete', async () => {
    const ok = await call<{ id: number }>('POST', '/api/admin/busy-seasons', { officeId: 'chuo', year: 2027, startDay: '2027-03-15', endDay: '2027-04-15' });
    expect(ok.status).toBe(200);
    expect((await call('POST', '/api/admin/busy-seasons', { officeId: 'chuo', year: 2027, startDay: '2027-03-01', endDay: '2027-04-01' })).body.error.code).toBe('CONFLICT');
    expect((await call('POST', '/api/admin/busy-seasons', { officeId: 'chuo', year: 2028, startDay: '2028-04-15', endDay: '2028-03-15' })).body.error.code).toBe('INVALID_INPUT');
    const cfg = await call<{ busySeasons: { id: number; startDay: string }[] }>('GET', '/api/admin/offices/chuo');
    expect(cfg.body.data.busySeasons.map((b) => b.startDay)).toContain('2027-03-15');
    await call('DELETE', `/api/admin/busy-seasons/${ok.body.data.id}`, {});
    expect(srv.db.prepare('SELECT count(*) AS n FROM busy_seasons WHERE year = 2027').get()).toEqual({ n: 0 });
  });

  it('the audit log lists who did what, when, from where — filtered and as CSV; clerks cannot read it', async () => {
    await call('PATCH', '/api/admin/services/chuo-B', { targetWaitMin: 10 });
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk });
    const all = await call<{ action: string; staffLogin: string | null; ip: string | null; at: number; source: string }[]>('GET', '/api/admin/audit');
    const svc = all.body.data.find((a) => a.action === 'service.update')!;
    expect(svc).toMatchObject({ staffLogin: 'admin', source: 'audit', at: srv.clock.now() });
    expect(svc.ip).toMatch(/127\.0\.0\.1/);
    expect(all.body.data.find((a) => a.action === 'counter.opened')).toMatchObject({ staffLogin: 'clerk1', source: 'command' });
    const onlyClerk = await call<{ staffLogin: string }[]>('GET', '/api/admin/audit?staffId=clerk1');
    expect(onlyClerk.body.data.length).toBeGreaterThan(0);
    expect(onlyClerk.body.data.every((a) => a.staffLogin === 'clerk1')).toBe(true);
    const onlyService = await call<{ action: string }[]>('GET', '/api/admin/audit?action=service.&from=2026-03-24&to=2026-03-24');
    expect(onlyService.body.data.map((a) => a.action)).toEqual(['service.update']);
    expect((await call('GET', '/api/admin/audit?from=yesterday')).body.error.code).toBe('INVALID_INPUT');
    const csv = await fetch(`${srv.url}/api/admin/audit.csv?action=service.`, { headers: { Cookie: admin } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel reads UTF-8
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('at,office,staff,device,ip,source,action,target,detail');
    expect(lines[1]).toContain('2026-03-24T00:30:00.000Z,chuo,admin,');
    expect(lines[1]).toContain('service.update,chuo-B');
    expect((await http(srv.url, 'GET', '/api/admin/audit', undefined, { cookie: clerk })).status).toBe(403);
  });
});
