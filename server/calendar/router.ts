import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { CALENDAR_ENTRY_KINDS, type CalendarEntry } from '../../common/calendar.js';
import { LANGS, type LocalizedText } from '../../common/types.js';
import { audit } from '../audit/audit.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { businessDay } from '../queue/time.js';
import { loadOffices } from '../store/rows.js';
import { HOLIDAYS_KNOWN_UNTIL } from './holidays.js';
import { addDaysTo, datesBetween, isValidDate, officeDay } from './office.js';
import { deleteCalendarEntry, officeCalendar, putCalendarEntry, saveCalendarSettings } from './store.js';

/**
 * The office calendar over HTTP: a public read of the days (open?, hours, holiday, notice) for the
 * status page, kiosks and planning, and the admin's dated entries and year-end setting. Every change
 * is audited and reloads the office, so kiosks and displays follow at once.
 */

export const CALENDAR_MAX_DAYS = 400;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const date = z.string().refine(isValidDate, 'yyyy-MM-dd');
const mmdd = z.string().refine((s) => /^\d{2}-\d{2}$/.test(s) && isValidDate(`2024-${s}`), 'MM-dd');
const label = z.strictObject(Object.fromEntries(LANGS.map((l) => [l, z.string().trim().max(120).optional()])) as Record<string, z.ZodType>)
  .refine((t) => typeof (t as { ja?: unknown }).ja === 'string' && ((t as { ja: string }).ja.length > 0), { message: 'label.ja is required', path: ['ja'] });

export const calendarEntrySchema = z
  .strictObject({ kind: z.enum(CALENDAR_ENTRY_KINDS), open: hhmm.optional(), close: hhmm.optional(), label: label.optional() })
  .refine((e) => (e.kind === 'open' || e.kind === 'hours' ? !!e.open && !!e.close : !e.open && !e.close), {
    message: "open and close are required for kinds 'open' and 'hours', and not allowed otherwise",
    path: ['open'],
  })
  .refine((e) => !e.open || !e.close || e.open < e.close, { message: 'close must be after open', path: ['close'] });

export const calendarSettingsSchema = z.strictObject({ yearEnd: z.strictObject({ from: mmdd, to: mmdd }).nullable() });

const rangeSchema = z.strictObject({ from: date.optional(), to: date.optional() });

export function calendarRouter(ctx: AppContext): Router {
  const r = Router();
  const { db, engine, clock } = ctx;

  const officeOf = (officeId: string) => {
    const o = loadOffices(db).find((x) => x.id === officeId);
    if (!o) throw new AppError('OFFICE_NOT_FOUND');
    return o;
  };
  const adminScope = (req: Request, officeId: string) => {
    assertOfficeAccess(req.principal, officeId);
    return officeOf(officeId);
  };

  on(r, 'GET', '/api/public/offices/:officeId/calendar', (req) => {
    const office = officeOf(String(req.params.officeId));
    const q = rangeSchema.parse(req.query);
    const from = q.from ?? businessDay(clock.now(), office.timezone);
    const to = q.to ?? addDaysTo(from, 59);
    if (to < from) throw new AppError('INVALID_INPUT', { reason: 'to is before from' }, '終了日が開始日より前です。');
    if (datesBetween(from, to).length > CALENDAR_MAX_DAYS) throw new AppError('INVALID_INPUT', { reason: `at most ${CALENDAR_MAX_DAYS} days` }, `期間は${CALENDAR_MAX_DAYS}日以内で指定してください。`);
    const cal = officeCalendar(office);
    return { officeId: office.id, from, to, hours: office.hours, holidaysKnownUntil: HOLIDAYS_KNOWN_UNTIL, days: datesBetween(from, to).map((d) => officeDay(d, office.hours, cal)) };
  });

  on(r, 'GET', '/api/admin/offices/:officeId/calendar', (req) => {
    const office = adminScope(req, String(req.params.officeId));
    return { settings: officeCalendar(office).settings, entries: office.calendar?.entries ?? [] };
  });

  on(r, 'PUT', '/api/admin/offices/:officeId/calendar/:date', (req) => {
    const officeId = String(req.params.officeId);
    adminScope(req, officeId);
    const d = date.safeParse(String(req.params.date));
    if (!d.success) throw new AppError('INVALID_INPUT', { path: 'date', message: 'yyyy-MM-dd' });
    const body = calendarEntrySchema.parse(req.body);
    const entry: CalendarEntry = { date: d.data, kind: body.kind, ...(body.open ? { open: body.open, close: body.close } : {}), ...(body.label ? { label: body.label as LocalizedText } : {}) };
    const now = clock.now();
    db.transaction(() => {
      putCalendarEntry(db, officeId, entry, now);
      audit(db, req, now, { officeId, action: 'calendar.put', target: d.data, detail: entry });
    })();
    engine.reloadOffice(officeId);
    return entry;
  });

  on(r, 'DELETE', '/api/admin/offices/:officeId/calendar/:date', (req) => {
    const officeId = String(req.params.officeId);
    adminScope(req, officeId);
    const d = String(req.params.date);
    const now = clock.now();
    const removed = db.transaction(() => {
      const had = deleteCalendarEntry(db, officeId, d);
      if (had) audit(db, req, now, { officeId, action: 'calendar.delete', target: d, detail: null });
      return had;
    })();
    if (!removed) throw new AppError('NOT_FOUND', { date: d }, 'その日付の設定はありません。');
    engine.reloadOffice(officeId);
    return { date: d, removed: true };
  });

  on(r, 'PUT', '/api/admin/offices/:officeId/calendar-settings', (req) => {
    const officeId = String(req.params.officeId);
    adminScope(req, officeId);
    const settings = calendarSettingsSchema.parse(req.body);
    const now = clock.now();
    db.transaction(() => {
      saveCalendarSettings(db, officeId, settings);
      audit(db, req, now, { officeId, action: 'calendar.settings', target: officeId, detail: settings });
    })();
    engine.reloadOffice(officeId);
    return settings;
  });

  return r;
}
