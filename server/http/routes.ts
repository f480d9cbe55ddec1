import { Router, type Request } from 'express';
import { AppError, ERRORS } from '../../common/errors.js';
import { loginSchema, passwordChangeSchema, tickerSchema } from '../../common/schemas.js';
import { audit } from '../audit/audit.js';
import type { Whoami } from '../../common/types.js';
import { COMMAND_ROUTES, queryRoute, type QueryRoute } from '../access.js';
import { submitCommand } from '../commands.js';
import type { AppContext } from '../context.js';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.js';
import { clearLoginFailures, isLockedOut, recordLoginFailure } from '../auth/lockout.js';
import { passwordProblem, PASSWORD_PROBLEM_TEXT } from '../auth/policy.js';
import { createSession, readCookie, revokeSession, revokeStaffSessions, SESSION_COOKIE, SESSION_TTL_MS, staffInfo } from '../auth/sessions.js';
import { allow, assertOfficeAccess } from './auth.js';

export function whoami(req: Request): Whoami {
  const p = req.principal;
  if (p.kind === 'staff') return { kind: 'staff', staff: p.staff, ...(p.mustChangePassword ? { mustChangePassword: true } : {}) };
  if (p.kind === 'device') return { kind: 'device', device: p.device };
  return { kind: 'none' };
}

/** Register a handler for a route of the access table, with its role check. */
export function on(router: Router, method: QueryRoute['method'], path: string, handler: (req: Request) => unknown | Promise<unknown>): void {
  const route = queryRoute(method, path);
  const m = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  router[m](path, allow(route.roles), async (req, res, next) => {
    try {
      const data = await handler(req);
      res.json({ data });
    } catch (err) {
      next(err);
    }
  });
}

export function coreRoutes(ctx: AppContext): Router {
  const r = Router();
  const { engine, db, clock } = ctx;

  // ok:false with HTTP 503 when the database does not accept writes (busy, read-only, I/O, full).
  on(r, 'GET', '/api/health', (req) => {
    db.prepare('SELECT 1').get();
    const w = engine.writeHealth.status();
    const held = engine.heldDayTurns();
    if (!w.ok) req.res!.status(503);
    const why = w.reason ? { reason: w.reason, message: ERRORS[w.reason].ja } : {};
    return { ok: w.ok, ...why, time: clock.now(), offices: engine.officeIds().length, db: { writable: w.ok }, ...(held.length ? { dayTurnHeld: held } : {}) };
  });

  // Every failed sign-in looks the same from outside: one code (BAD_CREDENTIALS), one scrypt run
  // (against a dummy hash for an unknown login), one commit — whether the login is unknown, the
  // password wrong, the account disabled or this address locked out of it (server/auth/lockout.ts).
  // Issue 17: made a little after start, not during it (scrypt: 32 MiB and a core for a moment).
  setTimeout(() => void dummyHash(), 2_000).unref();
  on(r, 'POST', '/api/auth/login', async (req) => {
    const { login, password } = loginSchema.parse(req.body);
    const now = clock.now();
    const ip = req.ip ?? '';
    const row = db.prepare('SELECT * FROM staff WHERE login = ?').get(login) as
      | { id: string; login: string; name: string; role: 'clerk' | 'supervisor' | 'admin'; office_id: string | null; disabled: number; password_hash: string; must_change_password: number }
      | undefined;
    const match = await verifyPassword(password, row ? row.password_hash : await dummyHash());
    const locked = row ? isLockedOut(db, row.id, ip, now) : false;
    if (!row || row.disabled || locked || !match) {
      // The audit row names the account only when it exists; a typed unknown login (perhaps a password typed into the wrong field) is not stored.
      const reason = !row ? 'unknown-login' : row.disabled ? 'disabled' : locked ? 'locked' : 'wrong-password';
      db.transaction(() => {
        const lockedUntil = row && !row.disabled && !locked ? recordLoginFailure(db, row.id, ip, now) : null;
        audit(db, req, now, { officeId: row?.office_id ?? null, action: 'auth.login-failed', target: row?.id ?? null, detail: row ? { reason, login: row.login } : { reason } });
        if (row && lockedUntil) audit(db, req, now, { officeId: row.office_id, action: 'auth.locked-out', target: row.id, detail: { until: lockedUntil } });
      })();
      throw new AppError('BAD_CREDENTIALS');
    }
    const token = db.transaction(() => {
      clearLoginFailures(db, row.id, ip);
      const t = createSession(db, row.id, now, { ip: req.ip, userAgent: req.get('user-agent') });
      audit(db, { ip: req.ip, principal: { kind: 'staff', staff: staffInfo(row), sessionHash: '' } }, now, { officeId: row.office_id, action: 'auth.login', target: row.id });
      return t;
    })();
    req.res!.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: SESSION_TTL_MS });
    return { staff: staffInfo(row), ...(row.must_change_password ? { mustChangePassword: true } : {}) };
  });

  on(r, 'POST', '/api/auth/logout', (req) => {
    const token = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (token) revokeSession(db, token, clock.now());
    const p = req.principal;
    if (p.kind === 'staff') audit(db, req, clock.now(), { officeId: p.staff.officeId, action: 'auth.logout', target: p.staff.id });
    if (p.kind === 'staff') ctx.disconnectWhere?.((q) => q.kind === 'staff' && q.sessionHash === p.sessionHash, 'logout');
    req.res!.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  on(r, 'GET', '/api/auth/me', (req) => whoami(req));

  // Changing one's own password ends every session of that staff member (this one too) and their sockets.
  // It also clears a first-run password's forced change. The current password is checked like a
  // sign-in (failures count per account and address); the new one against the rules (WEAK_PASSWORD).
  on(r, 'POST', '/api/auth/password', async (req) => {
    const p = req.principal;
    if (p.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
    const { currentPassword, newPassword } = passwordChangeSchema.parse(req.body);
    const problem = newPassword === currentPassword ? 'same-as-current' : passwordProblem(newPassword, p.staff.login);
    if (problem) throw new AppError('WEAK_PASSWORD', { reason: problem }, PASSWORD_PROBLEM_TEXT[problem]);
    const ip = req.ip ?? '';
    const row = db.prepare('SELECT password_hash FROM staff WHERE id = ?').get(p.staff.id) as { password_hash: string } | undefined;
    const match = row ? await verifyPassword(currentPassword, row.password_hash) : false;
    const now = clock.now();
    if (!match || isLockedOut(db, p.staff.id, ip, now)) {
      db.transaction(() => {
        if (!isLockedOut(db, p.staff.id, ip, now)) recordLoginFailure(db, p.staff.id, ip, now);
        audit(db, req, now, { officeId: p.staff.officeId, action: 'auth.password-change-failed', target: p.staff.id });
      })();
      throw new AppError('BAD_CREDENTIALS');
    }
    const hash = await hashPassword(newPassword);
    db.transaction(() => {
      db.prepare('UPDATE staff SET password_hash = ?, password_changed_at = ?, must_change_password = 0 WHERE id = ?').run(hash, now, p.staff.id);
      clearLoginFailures(db, p.staff.id);
      revokeStaffSessions(db, p.staff.id, now);
      audit(db, req, now, { officeId: p.staff.officeId, action: 'auth.password-changed', target: p.staff.id });
    })();
    ctx.disconnectWhere?.((q) => q.kind === 'staff' && q.staff.id === p.staff.id, 'revoked');
    req.res!.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  on(r, 'GET', '/api/public/offices', () =>
    engine.officeIds().map((id) => {
      const o = engine.state(id).office;
      return { id: o.id, name: o.name, timezone: o.timezone };
    }),
  );

  on(r, 'GET', '/api/public/offices/:officeId/status', (req) => engine.publicSnapshot(String(req.params.officeId)));

  on(r, 'GET', '/api/public/tickets/:token', (req) => {
    const status = engine.ticketStatusByToken(String(req.params.token));
    if (!status) throw new AppError('TICKET_NOT_FOUND');
    return status;
  });

  on(r, 'GET', '/api/offices/:officeId/snapshot', (req) => {
    const officeId = String(req.params.officeId);
    assertOfficeAccess(req.principal, officeId);
    return engine.staffSnapshot(officeId);
  });

  on(r, 'GET', '/api/device/me', (req) => whoami(req));

  on(r, 'PUT', '/api/offices/:officeId/ticker', (req) => {
    const officeId = String(req.params.officeId);
    assertOfficeAccess(req.principal, officeId);
    if (!engine.hasOffice(officeId)) throw new AppError('OFFICE_NOT_FOUND');
    const { ticker } = tickerSchema.parse(req.body);
    db.prepare('UPDATE offices SET ticker = ? WHERE id = ?').run(ticker, officeId);
    audit(db, req, clock.now(), { officeId, action: 'office.ticker', target: officeId, detail: { ticker } });
    engine.reloadOffice(officeId);
    return { ticker };
  });

  for (const route of COMMAND_ROUTES) {
    r.post(route.path, allow(route.roles), (req, res, next) => {
      try {
        const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
        const commandId = req.get('idempotency-key');
        const payload = { ...(commandId ? { commandId } : {}), ...body, ...req.params };
        submitCommand(ctx, req.principal, route.name, payload).then((data) => res.json({ data }), next);
      } catch (err) {
        next(err);
      }
    });
  }
  return r;
}
