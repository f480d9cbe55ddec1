import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, Reply } from '../../common/events.js';
import type { DisplayVoiceStatus, PublicSnapshot } from '../../common/types.js';
import { cid, connectSocket, emitAck, http, login, startTestServer, waitFor, type TestServer } from '../testing.js';

/**
 * The lobby display's side of the server (issue 11): `display:voice` reports kept per device and
 * pushed to the office's staff, the no-show numbers in the public snapshot, and the office's
 * number reading.
 */

let srv: TestServer;
beforeEach(async () => {
  srv = await startTestServer();
});
afterEach(async () => {
  await srv.close();
});

async function staffSocket() {
  const s = connectSocket(srv.url, { cookie: await login(srv.url, 'supervisor') });
  await waitFor(() => s.connected, 5000, 'staff socket');
  await emitAck(s, 'office:subscribe', { officeId: 'chuo' });
  return s;
}

describe('display:voice', () => {
  it('a display reports its last announcement; the staff of its office receive every display’s last result and can ask for it', async () => {
    const staff = await staffSocket();
    const pushed: DisplayVoiceStatus[][] = [];
    staff.on('display:voice-reported', (l) => pushed.push(l));
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    await waitFor(() => display.snapshots.length > 0, 5000, 'display snapshot');

    const ok = await emitAck<Reply<DisplayVoiceStatus>>(display, 'display:voice', { ok: true, callId: 12, display: 'A-012', at: 1000 });
    expect(ok).toMatchObject({ data: { deviceId: 'display-1', deviceName: 'display', officeId: 'chuo', ok: true, reason: null, callId: 12, display: 'A-012', at: 1000, receivedAt: srv.clock.now() } });
    const failed = await emitAck<Reply<DisplayVoiceStatus>>(display, 'display:voice', { ok: false, reason: 'failed', callId: 13, display: 'A-013', at: 2000 });
    expect(failed).toMatchObject({ data: { ok: false, reason: 'failed', callId: 13 } });
    await waitFor(() => pushed.length >= 2, 5000, 'two pushes');
    expect(pushed.at(-1)).toEqual([expect.objectContaining({ deviceId: 'display-1', ok: false, reason: 'failed', display: 'A-013' })]);

    const asked = await emitAck<Reply<DisplayVoiceStatus[]>>(staff, 'display:voice-status', {});
    expect(asked).toEqual({ data: [expect.objectContaining({ deviceId: 'display-1', ok: false, callId: 13 })] });
    display.disconnect();
    staff.disconnect();
  });

  it('bad input gets INVALID_INPUT and changes nothing; only a display may report, only staff may read', async () => {
    const display = connectSocket(srv.url, { deviceToken: srv.displayToken });
    await waitFor(() => display.snapshots.length > 0, 5000, 'display snapshot');
    await emitAck(display, 'display:voice', { ok: true, callId: 5, display: 'A-005', at: 1 });
    for (const bad of [{}, { ok: 'yes', callId: 1, at: 1 }, { ok: false, callId: -1, at: 1 }, { ok: true, callId: 1, at: 1, extra: 1 }, { ok: false, reason: 'other', callId: 1, at: 1 }, { ok: true, callId: 1, display: '<script>', at: 1 }, 'x', null]) {
      const r = await emitAck<Reply<unknown>>(display, 'display:voice', bad);
      expect('error' in r && r.error.code, JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
    const staff = await staffSocket();
    const asked = await emitAck<Reply<DisplayVoiceStatus[]>>(staff, 'display:voice-status', {});
    expect(asked).toEqual({ data: [expect.objectContaining({ ok: true, callId: 5 })] });

    const clerk = connectSocket(srv.url, { cookie: await login(srv.url, 'clerk1') });
    await waitFor(() => clerk.connected, 5000, 'clerk socket');
    const refused = await emitAck<Reply<unknown>>(clerk, 'display:voice', { ok: false, callId: 1, at: 1 });
    expect('error' in refused && refused.error.code).toBe('FORBIDDEN');
    const kiosk = connectSocket(srv.url, { deviceToken: srv.kioskToken });
    await waitFor(() => kiosk.connected, 5000, 'kiosk socket');
    expect(await emitAck<Reply<unknown>>(kiosk, 'display:voice', { ok: false, callId: 1, at: 1 })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await emitAck<Reply<unknown>>(display, 'display:voice-status', {})).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const anon = connectSocket(srv.url);
    await waitFor(() => anon.connected, 5000, 'anonymous socket');
    expect(await emitAck<Reply<unknown>>(anon, 'display:voice', { ok: false, callId: 1, at: 1 })).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    for (const s of [display, staff, clerk, kiosk, anon]) s.disconnect();
  });
});

describe('public snapshot: no-show numbers', () => {
  it("lists today's no-shows newest first, with service and counter", async () => {
    const clerk = await login(srv.url, 'clerk1');
    const cmd = async (action: string) => {
      const r = await http<{ data: CommandResult }>(srv.url, 'POST', `/api/counters/chuo-c3/${action}`, { commandId: cid(action) }, { cookie: clerk });
      expect(r.status, action).toBe(200);
      return r.body.data;
    };
    for (let i = 0; i < 3; i++) await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    await cmd('open');
    for (let i = 0; i < 2; i++) {
      await cmd('call-next');
      srv.clock.advance(60_000);
      await cmd('recall');
      await cmd('no-show');
    }
    const snap = srv.app.engine.publicSnapshot('chuo') as PublicSnapshot;
    expect(snap.noShows.map((n) => n.display)).toEqual(['A-002', 'A-001']);
    expect(snap.noShows[0]).toMatchObject({ serviceId: 'chuo-A', counterId: 'chuo-c3' });
    expect(snap.noShows[0]!.at).toBeGreaterThan(snap.noShows[1]!.at);
    // Numbers, services and counters only: nothing personal.
    expect(JSON.stringify(snap.noShows)).not.toMatch(/token|clerk/);
  });
});

describe('office setting: number reading', () => {
  it('an administrator sets digit-by-digit reading; the display gets it in the snapshot; a bad value changes nothing', async () => {
    const admin = await login(srv.url, 'admin');
    const base = { ja: '{number}番の方、{counter}番窓口へお越しください。', en: 'Number {number}, counter {counter}.', english: false };
    const ok = await http(srv.url, 'PATCH', '/api/admin/offices/chuo', { announcement: { ...base, reading: 'digits' } }, { cookie: admin });
    expect(ok.status).toBe(200);
    expect((srv.app.engine.publicSnapshot('chuo') as PublicSnapshot).office.announcement.reading).toBe('digits');
    const bad = await http<{ error: { code: string } }>(srv.url, 'PATCH', '/api/admin/offices/chuo', { announcement: { ...base, reading: 'kanji' } }, { cookie: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    expect((srv.app.engine.publicSnapshot('chuo') as PublicSnapshot).office.announcement.reading).toBe('digits');
  });
});
