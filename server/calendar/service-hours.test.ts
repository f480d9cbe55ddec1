import { afterEach, describe, expect, it } from 'vitest';
import type { PublicSnapshot, Service } from '../../common/types.js';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';

const HOURS = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
const tokyo = (date: string, hm: string) => Date.parse(`${date}T${hm}:00+09:00`);

describe('per-service hours (a service that stops taking tickets at 16:00 while the office takes them until 17:15)', () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  const kioskIssue = (serviceId: string) =>
    http<{ data?: unknown; error?: { code: string; details?: { serviceHours?: unknown } } }>(s.url, 'POST', `/api/offices/${s.officeId}/tickets`, { commandId: cid('issue'), serviceId, priority: false }, { device: s.kioskToken });
  const services = async () => (await http<{ data: PublicSnapshot }>(s.url, 'GET', `/api/public/offices/${s.officeId}/status`)).body.data.services;
  const tickets = () => (s.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;

  it('admin sets the window; the kiosk and the snapshot refuse that service outside it, others go on', async () => {
    s = await startTestServer({ hours: HOURS, now: tokyo('2027-03-23', '15:59') });
    const admin = await login(s.url, 'admin');
    const patched = await http<{ data: Service }>(s.url, 'PATCH', '/api/admin/services/chuo-A', { hours: { open: '09:00', close: '16:00' } }, { cookie: admin });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data.hours).toEqual({ open: '09:00', close: '16:00' });

    // 15:59: inside the window
    expect((await services()).find((x) => x.id === 'chuo-A')).toMatchObject({ refusal: null, hours: { open: '09:00', close: '16:00' } });
    expect((await kioskIssue('chuo-A')).status).toBe(200);

    // 16:00: the service stops, the office (until 17:15) and the other services go on
    s.clock.set(tokyo('2027-03-23', '16:00'));
    const list = await services();
    expect(list.find((x) => x.id === 'chuo-A')?.refusal).toBe('OUTSIDE_HOURS');
    expect(list.find((x) => x.id === 'chuo-B')?.refusal).toBeNull();
    const before = tickets();
    const refused = await kioskIssue('chuo-A');
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('OUTSIDE_HOURS');
    expect(refused.body.error?.details?.serviceHours).toEqual({ open: '09:00', close: '16:00' });
    expect(tickets()).toBe(before);
    expect((await kioskIssue('chuo-B')).status).toBe(200);

    // before its opening (08:45): office open, this service not yet
    s.clock.set(tokyo('2027-03-24', '08:45'));
    expect((await kioskIssue('chuo-A')).status).toBe(409);
    expect((await kioskIssue('chuo-B')).status).toBe(200);

    // the window never opens a closed office: a holiday stays closed
    s.clock.set(tokyo('2027-03-22', '10:00'));
    expect((await services()).find((x) => x.id === 'chuo-A')?.refusal).toBe('OUTSIDE_HOURS');

    // null = the office's hours again
    s.clock.set(tokyo('2027-03-23', '16:30'));
    expect((await http(s.url, 'PATCH', '/api/admin/services/chuo-A', { hours: null }, { cookie: admin })).status).toBe(200);
    expect((await kioskIssue('chuo-A')).status).toBe(200);
  });

  it('refuses a bad window and changes nothing', async () => {
    s = await startTestServer({ hours: HOURS, now: tokyo('2027-03-23', '10:00') });
    const admin = await login(s.url, 'admin');
    for (const bad of [{ open: '16:00', close: '09:00' }, { open: '9:00', close: '16:00' }, { open: '09:00' }, { open: '09:00', close: '24:00' }]) {
      const r = await http<{ error: { code: string } }>(s.url, 'PATCH', '/api/admin/services/chuo-A', { hours: bad }, { cookie: admin });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('INVALID_INPUT');
    }
    expect(s.db.prepare("SELECT reception_open, reception_close FROM services WHERE id = 'chuo-A'").get()).toEqual({ reception_open: null, reception_close: null });
  });
});

describe('officeOpenDays (open days for reports)', () => {
  it('leaves out weekends, national holidays, 年末年始 and closures; keeps 休日開庁 days', async () => {
    const { officeOpenDays } = await import('./reception.js');
    const office = {
      id: 'x', name: { ja: 'x' }, timezone: 'Asia/Tokyo', hours: HOURS, policy: { normalPerPriority: null, maxWaitMin: null, recallsBeforeNoShow: 0 }, kioskPriority: false, ticker: '',
      announcement: { ja: '', en: '', english: false },
      calendar: { settings: { yearEnd: { from: '12-29', to: '01-03' } }, entries: [{ date: '2027-03-28', kind: 'open' as const, open: '09:00', close: '12:00' }, { date: '2027-03-26', kind: 'closed' as const }] },
    };
    expect(officeOpenDays(office, '2027-03-20', '2027-03-29')).toEqual(['2027-03-23', '2027-03-24', '2027-03-25', '2027-03-28', '2027-03-29']);
    expect(officeOpenDays(office, '2026-12-28', '2027-01-05')).toEqual(['2026-12-28', '2027-01-04', '2027-01-05']);
  });
});
