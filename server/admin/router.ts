import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../../common/errors.js';
import type { Service } from '../../common/types.js';
import { audit } from '../audit/audit.js';
import { hashPassword } from '../auth/password.js';
import { revokeStaffSessions } from '../auth/sessions.js';
import { clearLoginFailures } from '../auth/lockout.js';
import { passwordProblem, PASSWORD_PROBLEM_TEXT } from '../auth/policy.js';
import { csvCast } from '../reports/cells.js';
import type { AppContext } from '../context.js';
import { allow, assertOfficeAccess } from '../http/auth.js';
import { queryRoute } from '../access.js';
import { on } from '../http/routes.js';
import { startOfBusinessDay } from '../queue/time.js';
import { DEFAULT_ANNOUNCEMENT, DEFAULT_HOURS, DEFAULT_POLICY } from '../seed.js';
import { loadCounters, loadOffices, loadServices } from '../store/rows.js';
import {
  auditQuerySchema, busySeasonSchema, counterCreateSchema, counterPatchSchema, deviceCreateSchema, officeCreateSchema, officePatchSchema,
  passwordResetSchema, serviceCreateSchema, servicePatchSchema, serviceSchema, sessionRevokeSchema, staffCreateSchema, staffPatchSchema,
} from './schemas.js';

/**
 * Administration API (admins only; see the `// admin` block of server/access.ts). Every change is
 * validated first (zod, then checks against the rest of the configuration), written in one
 * transaction with its audit row, and then pushed live to every screen by `engine.reloadOffice`.
 * A refused change writes nothing: the configuration in force stays as it was.
 */
/** A numeric id in a path: strict decimal digits only (`1e0`, `0x1`, ` 1`, `1.0` are refused with INVALID_INPUT). */
export function intId(param: unknown): number {
  const s = String(param);
  if (!/^[1-9][0-9]{0,14}$/.test(s)) throw new AppError('INVALID_INPUT', { reason: 'id must be a decimal integer' });
  return Number(s);
}

export function adminRouter(ctx: AppContext): Router {
  const r = Router();
  const { db, engine, clock } = ctx;
  const tx = <T>(fn: () => T): T => db.transaction(fn)();

  const officeExists = (officeId: string) => {
    if (!db.prepare('SELECT 1 FROM offices WHERE id = ?').get(officeId)) throw new AppError('OFFICE_NOT_FOUND');
  };
  const scope = (req: Request, officeId: string) => {
    assertOfficeAccess(req.principal, officeId);
    officeExists(officeId);
  };
  const me = (req: Request) => {
    if (req.principal.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
    return req.principal.staff;
  };
  const cityWide = (req: Request) => me(req).officeId === null;
  /** The same rules as one's own password change (server/auth/policy.ts). */
  const checkPassword = (password: string, login: string) => {
    const problem = passwordProblem(password, login);
    if (problem) throw new AppError('WEAK_PASSWORD', { reason: problem }, PASSWORD_PROBLEM_TEXT[problem]);
  };

  function officeConfig(officeId: string) {
    const office = loadOffices(db).find((o) => o.id === officeId)!;
    const sortOrder = (db.prepare('SELECT sort_order FROM offices WHERE id = ?').get(officeId) as { sort_order: number }).sort_order;
    const devices = (db.prepare('SELECT id, kind, name, token, created_at, revoked_at FROM devices WHERE office_id = ? ORDER BY revoked_at IS NOT NULL, kind, created_at').all(officeId) as {
      id: string; kind: 'kiosk' | 'display'; name: string; token: string; created_at: number; revoked_at: number | null;
    }[]).map((d) => deviceView(d));
    const busySeasons = (db.prepare('SELECT id, office_id, year, start_day, end_day FROM busy_seasons WHERE office_id = ? OR office_id IS NULL ORDER BY year DESC').all(officeId) as {
      id: number; office_id: string | null; year: number; start_day: string; end_day: string;
    }[]).map((b) => ({ id: b.id, officeId: b.office_id, year: b.year, startDay: b.start_day, endDay: b.end_day }));
    return { office: { ...office, sortOrder }, services: loadServices(db, officeId), counters: loadCounters(db, officeId).counters, devices, busySeasons };
  }

  function deviceView(d: { id: string; kind: 'kiosk' | 'display'; name: string; token: string; created_at: number; revoked_at: number | null }) {
    const revoked = d.revoked_at !== null;
    return { id: d.id, kind: d.kind, name: d.name, createdAt: d.created_at, revokedAt: d.revoked_at, pairingPath: revoked ? null : `/${d.kind}/?device=${encodeURIComponent(d.token)}` };
  }

  // ── offices ────────────────────────────────────────────────────────────────
  on(r, 'GET', '/api/admin/offices', (req) => {
    const mine = me(req).officeId;
    return loadOffices(db).filter((o) => mine === null || o.id === mine).map((o) => ({ id: o.id, name: o.name, timezone: o.timezone }));
  });

  on(r, 'POST', '/api/admin/offices', (req) => {
    if (!cityWide(req)) throw new AppError('FORBIDDEN', { reason: 'only a city-wide admin creates offices' });
    const o = officeCreateSchema.parse(req.body);
    if (db.prepare('SELECT 1 FROM offices WHERE id = ?').get(o.id)) throw new AppError('CONFLICT', { reason: 'an office with this id exists' });
    const now = clock.now();
    tx(() => {
      const order = (db.prepare('SELECT coalesce(max(sort_order), -1) + 1 AS n FROM offices').get() as { n: number }).n;
      db.prepare(`INSERT INTO offices (id, name_json, timezone, hours_json, policy_json, kiosk_priority, ticker, announcement_json, sort_order, created_at)
        VALUES (?, ?, ?, ?, ?, 1, '', ?, ?, ?)`).run(o.id, JSON.stringify(o.name), o.timezone, o.hours === null ? null : JSON.stringify(o.hours ?? DEFAULT_HOURS), JSON.stringify(DEFAULT_POLICY), JSON.stringify(DEFAULT_ANNOUNCEMENT), order, now);
      audit(db, req, now, { officeId: o.id, action: 'office.create', target: o.id, detail: o });
    });
    engine.reloadOffice(o.id);
    return officeConfig(o.id);
  });

  on(r, 'GET', '/api/admin/offices/:officeId', (req) => {
    const officeId = String(req.params.officeId);
    scope(req, officeId);
    return officeConfig(officeId);
  });

  on(r, 'PATCH', '/api/admin/offices/:officeId', (req) => {
    const officeId = String(req.params.officeId);
    scope(req, officeId);
    const p = officePatchSchema.parse(req.body);
    const now = clock.now();
    const sets: [string, unknown][] = [];
    if (p.name) sets.push(['name_json', JSON.stringify(p.name)]);
    if (p.hours !== undefined) sets.push(['hours_json', p.hours === null ? null : JSON.stringify(p.hours)]);
    if (p.kioskPriority !== undefined) sets.push(['kiosk_priority', p.kioskPriority ? 1 : 0]);
    if (p.ticker !== undefined) sets.push(['ticker', p.ticker]);
    if (p.announcement) sets.push(['announcement_json', JSON.stringify(p.announcement)]);
    if (p.policy) sets.push(['policy_json', JSON.stringify(p.policy)]);
    if (p.texts) sets.push(['texts_json', JSON.stringify(p.texts)]);
    if (p.sortOrder !== undefined) sets.push(['sort_order', p.sortOrder]);
    if (p.notify) sets.push(['notify_json', JSON.stringify(p.notify)]); // issue 16
    if (sets.length) {
      tx(() => {
        db.prepare(`UPDATE offices SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...sets.map(([, v]) => v), officeId);
        audit(db, req, now, { officeId, action: 'office.update', target: officeId, detail: p });
      });
      engine.reloadOffice(officeId);
    }
    return officeConfig(officeId);
  });

  // ── services ───────────────────────────────────────────────────────────────
  const prefixTaken = (officeId: string, prefix: string, exceptId: string | null) =>
    db.prepare('SELECT 1 FROM services WHERE office_id = ? AND prefix = ? AND id <> ?').get(officeId, prefix, exceptId ?? '') !== undefined;

  const writeService = db.prepare(`UPDATE services SET prefix=@prefix, name_json=@name, description_json=@description, number_start=@numberStart, number_end=@numberEnd,
    daily_cap=@dailyCap, target_wait_min=@targetWaitMin, default_service_min=@defaultServiceMin, sort_order=@sortOrder, active=@active, kiosk_visible=@kioskVisible,
    priority_allowed=@priorityAllowed, reception_open=@receptionOpen, reception_close=@receptionClose, journey_rank=@journeyRank, pickup_service_id=@pickupServiceId WHERE id=@id`);
  // 交付 stage (issue 16): the pickup service is another service of the same office.
  const checkPickup = (officeId: string, id: string | null, pickupServiceId: string | null | undefined) => {
    if (!pickupServiceId) return;
    if (pickupServiceId === id || !db.prepare('SELECT 1 FROM services WHERE id = ? AND office_id = ?').get(pickupServiceId, officeId)) {
      throw new AppError('INVALID_INPUT', { field: 'pickupServiceId' }, '交付の用件は同じ庁舎の別の用件を選んでください。');
    }
  };
  const serviceParams = (id: string, s: Omit<Service, 'id' | 'officeId'>) => ({
    id, prefix: s.prefix, name: JSON.stringify(s.name), description: JSON.stringify(s.description), numberStart: s.numberStart, numberEnd: s.numberEnd,
    dailyCap: s.dailyCap, targetWaitMin: s.targetWaitMin, defaultServiceMin: s.defaultServiceMin, sortOrder: s.sortOrder,
    active: s.active ? 1 : 0, kioskVisible: s.kioskVisible ? 1 : 0, priorityAllowed: s.priorityAllowed ? 1 : 0,
    receptionOpen: s.hours?.open ?? null, receptionClose: s.hours?.close ?? null,
    journeyRank: s.journeyRank ?? null, pickupServiceId: s.pickupServiceId ?? null,
  });

  on(r, 'POST', '/api/admin/offices/:officeId/services', (req) => {
    const officeId = String(req.params.officeId);
    scope(req, officeId);
    const input = serviceCreateSchema.parse(req.body);
    const s = serviceSchema.parse({ ...input, description: input.description ?? { ja: '' }, sortOrder: input.sortOrder ?? nextOrder('services', officeId) });
    if (prefixTaken(officeId, s.prefix, null)) throw new AppError('PREFIX_TAKEN');
    checkPickup(officeId, null, s.pickupServiceId);
    const id = db.prepare('SELECT 1 FROM services WHERE id = ?').get(`${officeId}-${s.prefix}`) ? `${officeId}-${randomUUID().slice(0, 8)}` : `${officeId}-${s.prefix}`;
    const now = clock.now();
    tx(() => {
      db.prepare('INSERT INTO services (id, office_id, prefix, name_json) VALUES (?, ?, ?, ?)').run(id, officeId, s.prefix, JSON.stringify(s.name));
      writeService.run(serviceParams(id, s));
      audit(db, req, now, { officeId, action: 'service.create', target: id, detail: s });
    });
    engine.reloadOffice(officeId);
    return loadServices(db, officeId).find((x) => x.id === id);
  });

  on(r, 'PATCH', '/api/admin/services/:serviceId', (req) => {
    const serviceId = String(req.params.serviceId);
    const row = db.prepare('SELECT office_id FROM services WHERE id = ?').get(serviceId) as { office_id: string } | undefined;
    if (!row) throw new AppError('SERVICE_NOT_FOUND');
    scope(req, row.office_id);
    const patch = servicePatchSchema.parse(req.body);
    const current = loadServices(db, row.office_id).find((x) => x.id === serviceId)!;
    const { id: _id, officeId: _o, ...rest } = current;
    const s = serviceSchema.parse({ ...rest, ...patch });
    if (s.prefix !== current.prefix && prefixTaken(row.office_id, s.prefix, serviceId)) throw new AppError('PREFIX_TAKEN');
    checkPickup(row.office_id, serviceId, s.pickupServiceId);
    const now = clock.now();
    tx(() => {
      writeService.run(serviceParams(serviceId, s));
      audit(db, req, now, { officeId: row.office_id, action: 'service.update', target: serviceId, detail: patch });
    });
    engine.reloadOffice(row.office_id);
    return loadServices(db, row.office_id).find((x) => x.id === serviceId);
  });

  const nextOrder = (table: 'services' | 'counters', officeId: string) =>
    (db.prepare(`SELECT coalesce(max(sort_order), -1) + 1 AS n FROM ${table} WHERE office_id = ?`).get(officeId) as { n: number }).n;

  // ── counters ───────────────────────────────────────────────────────────────
  const checkCounterServices = (officeId: string, ids: string[]) => {
    const known = new Set(loadServices(db, officeId).map((s) => s.id));
    const unknown = ids.filter((x) => !known.has(x));
    if (unknown.length) throw new AppError('SERVICE_NOT_FOUND', { serviceIds: unknown });
  };
  const labelTaken = (officeId: string, label: string, exceptId: string | null) =>
    db.prepare('SELECT 1 FROM counters WHERE office_id = ? AND label = ? AND id <> ?').get(officeId, label, exceptId ?? '') !== undefined;
  const writeLinks = (counterId: string, ids: string[]) => {
    db.prepare('DELETE FROM counter_services WHERE counter_id = ?').run(counterId);
    const ins = db.prepare('INSERT INTO counter_services (counter_id, service_id, position) VALUES (?, ?, ?)');
    ids.forEach((sid, i) => ins.run(counterId, sid, i));
  };

  on(r, 'POST', '/api/admin/offices/:officeId/counters', (req) => {
    const officeId = String(req.params.officeId);
    scope(req, officeId);
    const c = counterCreateSchema.parse(req.body);
    checkCounterServices(officeId, c.serviceIds);
    if (labelTaken(officeId, c.label, null)) throw new AppError('LABEL_TAKEN');
    const base = `${officeId}-c${c.label.replace(/[^A-Za-z0-9_-]/g, '')}`;
    const id = base !== `${officeId}-c` && !db.prepare('SELECT 1 FROM counters WHERE id = ?').get(base) ? base : `${officeId}-c${randomUUID().slice(0, 8)}`;
    const name = c.name ?? { ja: `${c.label}番窓口`, en: `Counter ${c.label}` };
    const now = clock.now();
    tx(() => {
      db.prepare('INSERT INTO counters (id, office_id, label, name_json, sort_order, active, state_since) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, officeId, c.label, JSON.stringify(name), c.sortOrder ?? nextOrder('counters', officeId), c.active ? 1 : 0, now);
      writeLinks(id, c.serviceIds);
      audit(db, req, now, { officeId, action: 'counter.create', target: id, detail: { ...c, name } });
    });
    engine.reloadOffice(officeId);
    return loadCounters(db, officeId).counters.find((x) => x.id === id);
  });

  on(r, 'PATCH', '/api/admin/counters/:counterId', (req) => {
    const counterId = String(req.params.counterId);
    const row = db.prepare('SELECT office_id, state FROM counters WHERE id = ?').get(counterId) as { office_id: string; state: string } | undefined;
    if (!row) throw new AppError('COUNTER_NOT_FOUND');
    scope(req, row.office_id);
    const p = counterPatchSchema.parse(req.body);
    if (p.serviceIds) checkCounterServices(row.office_id, p.serviceIds);
    if (p.label !== undefined && labelTaken(row.office_id, p.label, counterId)) throw new AppError('LABEL_TAKEN');
    if (p.active === false && row.state !== 'closed') throw new AppError('COUNTER_IN_USE');
    const now = clock.now();
    tx(() => {
      const sets: [string, unknown][] = [];
      if (p.label !== undefined) sets.push(['label', p.label]);
      if (p.name) sets.push(['name_json', JSON.stringify(p.name)]);
      if (p.active !== undefined) sets.push(['active', p.active ? 1 : 0]);
      if (p.sortOrder !== undefined) sets.push(['sort_order', p.sortOrder]);
      if (sets.length) db.prepare(`UPDATE counters SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...sets.map(([, v]) => v), counterId);
      if (p.serviceIds) writeLinks(counterId, p.serviceIds);
      audit(db, req, now, { officeId: row.office_id, action: 'counter.update', target: counterId, detail: p });
    });
    engine.reloadOffice(row.office_id);
    return loadCounters(db, row.office_id).counters.find((x) => x.id === counterId);
  });

  // ── devices ────────────────────────────────────────────────────────────────
  on(r, 'POST', '/api/admin/offices/:officeId/devices', (req) => {
    const officeId = String(req.params.officeId);
    scope(req, officeId);
    const d = deviceCreateSchema.parse(req.body);
    const id = `${d.kind}-${randomUUID().slice(0, 8)}`;
    const token = randomBytes(24).toString('base64url');
    const now = clock.now();
    tx(() => {
      db.prepare('INSERT INTO devices (id, office_id, kind, name, token, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, officeId, d.kind, d.name, token, now);
      audit(db, req, now, { officeId, action: 'device.create', target: id, detail: d });
    });
    return deviceView({ id, kind: d.kind, name: d.name, token, created_at: now, revoked_at: null });
  });

  on(r, 'POST', '/api/admin/devices/:deviceId/revoke', (req) => {
    const deviceId = String(req.params.deviceId);
    const row = db.prepare('SELECT office_id, revoked_at FROM devices WHERE id = ?').get(deviceId) as { office_id: string; revoked_at: number | null } | undefined;
    if (!row) throw new AppError('DEVICE_NOT_FOUND');
    scope(req, row.office_id);
    const now = clock.now();
    if (row.revoked_at === null) {
      tx(() => {
        db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(now, deviceId);
        audit(db, req, now, { officeId: row.office_id, action: 'device.revoke', target: deviceId });
      });
    }
    // Cut it off at once: its open sockets get session:ended and are closed.
    ctx.disconnectWhere?.((p) => p.kind === 'device' && p.device.id === deviceId, 'revoked');
    return { id: deviceId, revokedAt: row.revoked_at ?? now };
  });

  // ── busy seasons ───────────────────────────────────────────────────────────
  on(r, 'POST', '/api/admin/busy-seasons', (req) => {
    const b = busySeasonSchema.parse(req.body);
    if (b.officeId === null) {
      if (!cityWide(req)) throw new AppError('FORBIDDEN', { reason: 'only a city-wide admin sets a season for every office' });
    } else scope(req, b.officeId);
    const exists = db.prepare("SELECT 1 FROM busy_seasons WHERE year = ? AND ifnull(office_id, '') = ?").get(b.year, b.officeId ?? '');
    if (exists) throw new AppError('CONFLICT', { reason: 'a busy season for this year and office exists; delete it first' });
    const now = clock.now();
    let id = 0;
    tx(() => {
      id = Number(db.prepare('INSERT INTO busy_seasons (office_id, year, start_day, end_day) VALUES (?, ?, ?, ?)').run(b.officeId, b.year, b.startDay, b.endDay).lastInsertRowid);
      audit(db, req, now, { officeId: b.officeId, action: 'busy-season.create', target: String(id), detail: b });
    });
    return { id, ...b };
  });

  on(r, 'DELETE', '/api/admin/busy-seasons/:seasonId', (req) => {
    const seasonId = intId(req.params.seasonId);
    const row = db.prepare('SELECT office_id FROM busy_seasons WHERE id = ?').get(seasonId) as { office_id: string | null } | undefined;
    if (!row) throw new AppError('NOT_FOUND');
    if (row.office_id === null) {
      if (!cityWide(req)) throw new AppError('FORBIDDEN');
    } else scope(req, row.office_id);
    const now = clock.now();
    tx(() => {
      db.prepare('DELETE FROM busy_seasons WHERE id = ?').run(seasonId);
      audit(db, req, now, { officeId: row.office_id, action: 'busy-season.delete', target: String(seasonId) });
    });
    return { ok: true };
  });

  // ── staff ──────────────────────────────────────────────────────────────────
  type StaffRow = { id: string; login: string; name: string; role: string; office_id: string | null; disabled: number; locked_until: number | null; created_at: number; password_changed_at: number };
  const staffView = (s: StaffRow) => {
    const active = (db.prepare('SELECT count(*) AS n FROM sessions WHERE staff_id = ? AND revoked_at IS NULL AND expires_at > ?').get(s.id, clock.now()) as { n: number }).n;
    return { id: s.id, login: s.login, name: s.name, role: s.role, officeId: s.office_id, disabled: !!s.disabled, lockedUntil: s.locked_until, createdAt: s.created_at, passwordChangedAt: s.password_changed_at, activeSessions: active };
  };
  const staffRow = (req: Request, staffId: string): StaffRow => {
    const row = db.prepare('SELECT * FROM staff WHERE id = ?').get(staffId) as StaffRow | undefined;
    if (!row) throw new AppError('STAFF_NOT_FOUND');
    const mine = me(req).officeId;
    // An office admin manages the staff of their office only (not city-wide accounts).
    if (mine !== null && row.office_id !== mine) throw new AppError('FORBIDDEN', { reason: 'other office' });
    return row;
  };
  const assertStaffOffice = (req: Request, officeId: string | null) => {
    if (officeId === null) {
      if (!cityWide(req)) throw new AppError('FORBIDDEN', { reason: 'only a city-wide admin manages city-wide accounts' });
    } else scope(req, officeId);
  };
  const endSessions = (staffId: string, now: number, reason: 'revoked' | 'disabled') => {
    revokeStaffSessions(db, staffId, now);
    ctx.disconnectWhere?.((p) => p.kind === 'staff' && p.staff.id === staffId, reason);
  };

  on(r, 'GET', '/api/admin/staff', (req) => {
    const mine = me(req).officeId;
    const rows = db.prepare('SELECT * FROM staff WHERE ? IS NULL OR office_id = ? ORDER BY office_id, role, login').all(mine, mine) as StaffRow[];
    return rows.map(staffView);
  });

  on(r, 'POST', '/api/admin/staff', async (req) => {
    const s = staffCreateSchema.parse(req.body);
    assertStaffOffice(req, s.officeId);
    checkPassword(s.password, s.login);
    if (db.prepare('SELECT 1 FROM staff WHERE login = ?').get(s.login)) throw new AppError('LOGIN_TAKEN');
    const hash = await hashPassword(s.password);
    const id = `staff-${randomUUID().slice(0, 8)}`;
    const now = clock.now();
    tx(() => {
      if (db.prepare('SELECT 1 FROM staff WHERE login = ?').get(s.login)) throw new AppError('LOGIN_TAKEN');
      db.prepare('INSERT INTO staff (id, office_id, login, name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, s.officeId, s.login, s.name, s.role, hash, now, now);
      audit(db, req, now, { officeId: s.officeId, action: 'staff.create', target: id, detail: { login: s.login, name: s.name, role: s.role, officeId: s.officeId } });
    });
    engine.refreshStaffNames();
    return staffView(db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow);
  });

  on(r, 'PATCH', '/api/admin/staff/:staffId', (req) => {
    const staffId = String(req.params.staffId);
    const row = staffRow(req, staffId);
    const p = staffPatchSchema.parse(req.body);
    if (p.officeId !== undefined) assertStaffOffice(req, p.officeId);
    if (staffId === me(req).id && (p.disabled === true || (p.role && p.role !== 'admin') || (p.officeId !== undefined && p.officeId !== row.office_id))) throw new AppError('CANNOT_CHANGE_SELF');
    const now = clock.now();
    tx(() => {
      const sets: [string, unknown][] = [];
      if (p.name !== undefined) sets.push(['name', p.name]);
      if (p.role !== undefined) sets.push(['role', p.role]);
      if (p.officeId !== undefined) sets.push(['office_id', p.officeId]);
      if (p.disabled !== undefined) sets.push(['disabled', p.disabled ? 1 : 0]);
      if (sets.length) db.prepare(`UPDATE staff SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...sets.map(([, v]) => v), staffId);
      audit(db, req, now, { officeId: p.officeId ?? row.office_id, action: p.disabled === true ? 'staff.disable' : 'staff.update', target: staffId, detail: p });
    });
    // Disabling, or changing role or office, ends their sessions and sockets: the next sign-in gets the new rights.
    if (p.disabled === true) endSessions(staffId, now, 'disabled');
    else if ((p.role !== undefined && p.role !== row.role) || (p.officeId !== undefined && p.officeId !== row.office_id)) endSessions(staffId, now, 'revoked');
    engine.refreshStaffNames();
    return staffView(db.prepare('SELECT * FROM staff WHERE id = ?').get(staffId) as StaffRow);
  });

  on(r, 'POST', '/api/admin/staff/:staffId/password', async (req) => {
    const staffId = String(req.params.staffId);
    const row = staffRow(req, staffId);
    const { password } = passwordResetSchema.parse(req.body);
    checkPassword(password, row.login);
    const hash = await hashPassword(password);
    const now = clock.now();
    tx(() => {
      db.prepare('UPDATE staff SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?').run(hash, now, staffId);
      clearLoginFailures(db, staffId);
      audit(db, req, now, { officeId: row.office_id, action: 'staff.password-reset', target: staffId });
    });
    endSessions(staffId, now, 'revoked');
    return { ok: true };
  });

  on(r, 'GET', '/api/admin/staff/:staffId/sessions', (req) => {
    const staffId = String(req.params.staffId);
    staffRow(req, staffId);
    const now = clock.now();
    return (db.prepare('SELECT * FROM sessions WHERE staff_id = ? ORDER BY created_at DESC LIMIT 50').all(staffId) as {
      id_hash: string; created_at: number; expires_at: number; last_seen_at: number; revoked_at: number | null; ip: string | null; user_agent: string | null;
    }[]).map((s) => ({ id: s.id_hash.slice(0, 16), createdAt: s.created_at, expiresAt: s.expires_at, lastSeenAt: s.last_seen_at, revokedAt: s.revoked_at, ip: s.ip, userAgent: s.user_agent, active: s.revoked_at === null && s.expires_at > now }));
  });

  on(r, 'POST', '/api/admin/staff/:staffId/sessions/revoke', (req) => {
    const staffId = String(req.params.staffId);
    const row = staffRow(req, staffId);
    const { sessionId } = sessionRevokeSchema.parse(req.body ?? {});
    const now = clock.now();
    let revoked = 0;
    tx(() => {
      revoked = sessionId
        ? db.prepare("UPDATE sessions SET revoked_at = ? WHERE staff_id = ? AND substr(id_hash, 1, 16) = ? AND revoked_at IS NULL").run(now, staffId, sessionId).changes
        : db.prepare('UPDATE sessions SET revoked_at = ? WHERE staff_id = ? AND revoked_at IS NULL').run(now, staffId).changes;
      audit(db, req, now, { officeId: row.office_id, action: 'staff.sessions-revoke', target: staffId, detail: { sessionId: sessionId ?? 'all', revoked } });
    });
    ctx.disconnectWhere?.((p) => p.kind === 'staff' && p.staff.id === staffId && (!sessionId || p.sessionHash.startsWith(sessionId)), 'revoked');
    return { revoked };
  });

  // ── audit log ──────────────────────────────────────────────────────────────
  function auditRows(req: Request) {
    const q = auditQuerySchema.parse(req.query);
    const mine = me(req).officeId;
    if (mine !== null && q.officeId && q.officeId !== mine) throw new AppError('FORBIDDEN', { reason: 'other office' });
    const officeId = mine ?? q.officeId ?? null;
    const tz = (officeId && engine.hasOffice(officeId) ? engine.state(officeId).office.timezone : null) ?? 'Asia/Tokyo';
    const from = q.from ? startOfBusinessDay(q.from, tz) : 0;
    const to = q.to ? startOfBusinessDay(q.to, tz) + 86_400_000 : Number.MAX_SAFE_INTEGER;
    const withCommands = q.commands !== '0';
    // Admin and sign-in actions (audit_log) and, unless commands=0, the queue operations staff did (events).
    const sql = `SELECT * FROM (
        SELECT 'audit' AS source, id, at, office_id, staff_id, device_id, action, target, detail_json AS detail, ip FROM audit_log
        ${withCommands ? `UNION ALL SELECT 'command', id, at, office_id, staff_id, device_id, type, coalesce(counter_id, ticket_id), NULL, NULL FROM events WHERE staff_id IS NOT NULL` : ''}
      ) WHERE at >= @from AND at < @to
        AND (@officeId IS NULL OR office_id = @officeId OR (office_id IS NULL AND @mine IS NULL))
        AND (@staffId IS NULL OR staff_id = @staffId OR staff_id IN (SELECT id FROM staff WHERE login = @staffId))
        AND (@action IS NULL OR action LIKE @action || '%')
      ORDER BY at DESC, id DESC LIMIT @limit`;
    const rows = db.prepare(sql).all({ from, to, officeId, mine, staffId: q.staffId ?? null, action: q.action ?? null, limit: q.limit ?? 500 }) as {
      source: string; id: number; at: number; office_id: string | null; staff_id: string | null; device_id: string | null; action: string; target: string | null; detail: string | null; ip: string | null;
    }[];
    const names = new Map((db.prepare('SELECT id, login, name FROM staff').all() as { id: string; login: string; name: string }[]).map((s) => [s.id, s]));
    return rows.map((x) => ({
      source: x.source, at: x.at, officeId: x.office_id, staffId: x.staff_id, staffLogin: x.staff_id ? (names.get(x.staff_id)?.login ?? null) : null,
      deviceId: x.device_id, action: x.action, target: x.target, detail: x.detail ? (JSON.parse(x.detail) as unknown) : null, ip: x.ip,
    }));
  }

  on(r, 'GET', '/api/admin/audit', (req) => auditRows(req));

  // CSV for Excel: UTF-8 with BOM, times in ISO 8601 UTC.
  r.get('/api/admin/audit.csv', allow(queryRoute('GET', '/api/admin/audit.csv').roles), (req, res, next) => {
    try {
      const rows = auditRows(req);
      // Every text cell through the formula-injection guard (server/reports/cells.ts).
      const csv = stringify(
        rows.map((x) => [new Date(x.at).toISOString(), x.officeId ?? '', x.staffLogin ?? x.staffId ?? '', x.deviceId ?? '', x.ip ?? '', x.source, x.action, x.target ?? '', x.detail === null ? '' : JSON.stringify(x.detail)]),
        { header: true, columns: ['at', 'office', 'staff', 'device', 'ip', 'source', 'action', 'target', 'detail'], cast: csvCast },
      );
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date(clock.now()).toISOString().slice(0, 10)}.csv"`);
      res.send('\uFEFF' + csv);
    } catch (err) {
      next(err);
    }
  });

  return r;
}
