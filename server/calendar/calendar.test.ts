import { afterEach, describe, expect, it } from 'vitest';
import type { OfficeDay } from '../../common/calendar.js';
import type { PublicSnapshot } from '../../common/types.js';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';
import { nationalHoliday } from './holidays.js';
import { calendarOf, officeDay, openDays, receptionOpenAt } from './office.js';

const HOURS = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
/** UTC ms of a Tokyo local time. */
const tokyo = (date: string, hm: string) => Date.parse(`${date}T${hm}:00+09:00`);

describe('national holidays come from @holiday-jp/holiday_jp', () => {
  it("pins 2027's 春分の日 (a Sunday) and its 振替休日 on Monday", () => {
    expect(nationalHoliday('2027-03-21')?.name).toBe('春分の日');
    expect(nationalHoliday('2027-03-22')?.name).toContain('振替休日');
    expect(nationalHoliday('2027-03-23')).toBeNull();
    // 2026's 国民の休日 between 敬老の日 and 秋分の日.
    expect(nationalHoliday('2026-09-22')).not.toBeNull();
  });
});

describe('officeDay: what the calendar says of a date', () => {
  it('closes weekends, national holidays and 年末年始; opens ordinary weekdays at the weekly hours', () => {
    const cal = calendarOf(null, []);
    expect(officeDay('2027-03-23', HOURS, cal)).toMatchObject({ open: true, reason: 'regular', hours: { open: '08:30', close: '17:15' }, weekday: 2 });
    expect(officeDay('2027-03-22', HOURS, cal)).toMatchObject({ open: false, reason: 'holiday' });
    expect(officeDay('2027-03-27', HOURS, cal)).toMatchObject({ open: false, reason: 'weekly', weekday: 6 });
    expect(officeDay('2026-12-29', HOURS, cal)).toMatchObject({ open: false, reason: 'yearEnd' });
    expect(officeDay('2027-01-04', HOURS, cal)).toMatchObject({ open: true, reason: 'regular' });
    // The office may drop the year-end closure.
    expect(officeDay('2026-12-29', HOURS, calendarOf({ yearEnd: null }, []))).toMatchObject({ open: true });
  });

  it('applies the office entries: 休日開庁, changed hours, closures and special days', () => {
    const cal = calendarOf(null, [
      { date: '2027-03-28', kind: 'open', open: '09:00', close: '12:00' },
      { date: '2027-03-29', kind: 'hours', open: '08:30', close: '19:00', label: { ja: '本日は19時まで受け付けます' } },
      { date: '2027-03-30', kind: 'closed', label: { ja: 'システム更新のため閉庁' } },
      { date: '2027-03-31', kind: 'event' },
    ]);
    const sunday = officeDay('2027-03-28', HOURS, cal);
    expect(sunday).toMatchObject({ open: true, reason: 'specialOpen', hours: { open: '09:00', close: '12:00' }, special: true });
    expect(sunday.notice?.ja).toBe('本日は休日開庁日です');
    expect(officeDay('2027-03-29', HOURS, cal)).toMatchObject({ open: true, reason: 'changedHours', hours: { close: '19:00' }, notice: { ja: '本日は19時まで受け付けます' } });
    expect(officeDay('2027-03-30', HOURS, cal)).toMatchObject({ open: false, reason: 'closed' });
    expect(officeDay('2027-03-31', HOURS, cal)).toMatchObject({ open: true, reason: 'regular', special: true });
    expect(openDays('2027-03-27', '2027-04-02', HOURS, cal).map((d) => d.date)).toEqual(['2027-03-28', '2027-03-29', '2027-03-31', '2027-04-01', '2027-04-02']);
    expect(receptionOpenAt(tokyo('2027-03-28', '11:59'), 'Asia/Tokyo', HOURS, cal)).toBe(true);
    expect(receptionOpenAt(tokyo('2027-03-28', '12:00'), 'Asia/Tokyo', HOURS, cal)).toBe(false);
    expect(receptionOpenAt(tokyo('2027-03-29', '18:30'), 'Asia/Tokyo', HOURS, cal)).toBe(true);
    expect(receptionOpenAt(tokyo('2027-03-30', '10:00'), 'Asia/Tokyo', HOURS, cal)).toBe(false);
  });
});

describe('the kiosk follows the office calendar', () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  const kioskIssue = () => http<{ data?: unknown; error?: { code: string; details?: { today: OfficeDay } } }>(s.url, 'POST', `/api/offices/${s.officeId}/tickets`, { commandId: cid('issue'), serviceId: 'chuo-A', priority: false }, { device: s.kioskToken });
  const publicOffice = async () => (await http<{ data: PublicSnapshot }>(s.url, 'GET', `/api/public/offices/${s.officeId}/status`)).body.data.office;

  it('refuses tickets on a national holiday with the calendar’s reason, and a 休日開庁 Sunday accepts them', async () => {
    s = await startTestServer({ hours: HOURS, now: tokyo('2027-03-22', '10:00') });
    const refused = await kioskIssue();
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('OUTSIDE_HOURS');
    expect(refused.body.error?.details?.today).toMatchObject({ date: '2027-03-22', open: false, reason: 'holiday' });
    expect(refused.body.error?.details?.today.holiday?.name).toContain('振替休日');
    expect((await publicOffice()).acceptingNow).toBe(false);
    expect(s.db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 0 });

    const admin = await login(s.url, 'admin');
    const put = await http<{ data: unknown }>(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar/2027-03-28`, { kind: 'open', open: '09:00', close: '12:00' }, { cookie: admin });
    expect(put.status).toBe(200);
    s.clock.set(tokyo('2027-03-28', '10:00'));
    const issued = await kioskIssue();
    expect(issued.status).toBe(200);
    const office = await publicOffice();
    expect(office.acceptingNow).toBe(true);
    expect(office.today).toMatchObject({ reason: 'specialOpen', notice: { ja: '本日は休日開庁日です' } });
    s.clock.set(tokyo('2027-03-28', '12:00'));
    expect((await kioskIssue()).status).toBe(409);
    expect((s.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'calendar.put'").get() as { n: number }).n).toBe(1);
  });

  it('serves the days publicly, refuses bad entries and long ranges, and writes nothing then', async () => {
    s = await startTestServer({ hours: HOURS, now: tokyo('2027-03-23', '10:00') });
    const cal = await http<{ data: { from: string; to: string; days: OfficeDay[] } }>(s.url, 'GET', `/api/public/offices/${s.officeId}/calendar?from=2027-03-20&to=2027-03-23`);
    expect(cal.status).toBe(200);
    expect(cal.body.data.days.map((d) => [d.date, d.open, d.reason])).toEqual([
      ['2027-03-20', false, 'weekly'], ['2027-03-21', false, 'holiday'], ['2027-03-22', false, 'holiday'], ['2027-03-23', true, 'regular'],
    ]);
    const long = await http<{ error: { code: string; message: string } }>(s.url, 'GET', `/api/public/offices/${s.officeId}/calendar?from=2027-01-01&to=2028-03-01`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('400日以内');
    expect((await http(s.url, 'GET', `/api/public/offices/nowhere/calendar`)).status).toBe(404);

    const admin = await login(s.url, 'admin');
    for (const bad of [{ kind: 'open' }, { kind: 'closed', open: '09:00', close: '10:00' }, { kind: 'hours', open: '12:00', close: '09:00' }, { kind: 'party' }]) {
      const r = await http<{ error: { code: string } }>(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar/2027-03-24`, bad, { cookie: admin });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('INVALID_INPUT');
    }
    expect((await http(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar/2027-02-30`, { kind: 'closed' }, { cookie: admin })).status).toBe(400);
    expect(s.db.prepare('SELECT count(*) AS n FROM office_calendar').get()).toEqual({ n: 0 });
    const clerk = await login(s.url, 'clerk1');
    expect((await http(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar/2027-03-24`, { kind: 'closed' }, { cookie: clerk })).status).toBe(403);

    // Closing today stops the kiosk at once; removing the entry reopens it; year-end setting round-trips.
    expect((await http(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar/2027-03-23`, { kind: 'closed', label: { ja: '臨時閉庁' } }, { cookie: admin })).status).toBe(200);
    expect((await kioskIssue()).status).toBe(409);
    expect((await publicOffice()).today).toMatchObject({ reason: 'closed', notice: { ja: '臨時閉庁' } });
    const del = await http(s.url, 'DELETE', `/api/admin/offices/${s.officeId}/calendar/2027-03-23`, undefined, { cookie: admin });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect((await http(s.url, 'DELETE', `/api/admin/offices/${s.officeId}/calendar/2027-03-23`, undefined, { cookie: admin })).status).toBe(404);
    expect((await kioskIssue()).status).toBe(200);
    const set = await http<{ data: unknown }>(s.url, 'PUT', `/api/admin/offices/${s.officeId}/calendar-settings`, { yearEnd: { from: '12-28', to: '01-04' } }, { cookie: admin });
    expect(set.status).toBe(200);
    const got = await http<{ data: { settings: unknown } }>(s.url, 'GET', `/api/admin/offices/${s.officeId}/calendar`, undefined, { cookie: admin });
    expect(got.body.data.settings).toEqual({ yearEnd: { from: '12-28', to: '01-04' } });
  });
});
