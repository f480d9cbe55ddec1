import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../common/errors.js';
import type { ActorRole } from '../../common/types.js';
import type { AppContext } from '../context.js';
import type { Actor } from '../queue/decide.js';
import { devicePrincipal, readCookie, SESSION_COOKIE, sessionPrincipal, type Principal } from '../auth/sessions.js';
import { isCrossOrigin } from '../security/origin.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal;
    viaCookie: boolean;
  }
}

export function roleOf(p: Principal): ActorRole {
  if (p.kind === 'staff') return p.staff.role;
  if (p.kind === 'device') return p.device.kind;
  return 'none';
}

export function actorOf(p: Principal): Actor {
  if (p.kind === 'staff') return { role: p.staff.role, staffId: p.staff.id, deviceId: null };
  if (p.kind === 'device') return { role: p.device.kind, staffId: null, deviceId: p.device.id };
  return { role: 'none', staffId: null, deviceId: null };
}

/** A device token comes as `Authorization: Bearer <token>`; staff use the session cookie. */
export function deviceTokenOf(req: Request): string | null {
  const auth = req.get('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return null;
}

export function resolvePrincipal(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    req.principal = { kind: 'none' };
    req.viaCookie = false;
    const now = ctx.clock.now();
    const device = deviceTokenOf(req);
    if (device) {
      const p = devicePrincipal(ctx.db, device);
      if (!p) return next(new AppError('UNAUTHENTICATED', { reason: 'unknown or revoked device token' }));
      req.principal = p;
      return next();
    }
    const cookie = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (cookie) {
      const p = sessionPrincipal(ctx.db, cookie, now, { passwordChange: true });
      if (p) {
        req.principal = p;
        req.viaCookie = true;
        if (p.kind === 'staff' && p.mustChangePassword && !allowedBeforePasswordChange(req)) return next(new AppError('PASSWORD_CHANGE_REQUIRED'));
      }
    }
    next();
  };
}

/**
 * A session that must change its first-run password may change it, see who it is, sign out (or
 * in as someone else), and read what anyone may read; every other API call answers 403
 * PASSWORD_CHANGE_REQUIRED. Pages (static files) load as usual.
 */
function allowedBeforePasswordChange(req: Request): boolean {
  const path = req.path;
  if (!path.startsWith('/api/')) return true;
  if (path.startsWith('/api/public/') || path === '/api/health') return true;
  if (req.method === 'GET' && path === '/api/auth/me') return true;
  return req.method === 'POST' && (path === '/api/auth/password' || path === '/api/auth/logout' || path === '/api/auth/login');
}

/**
 * Cookie sessions are protected against cross-site requests: a state-changing request must be
 * JSON (a cross-site form cannot send it without a CORS preflight we never grant) and, when the
 * browser says where it comes from, come from this site.
 */
export function csrfGuard(): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!req.viaCookie && req.path !== '/api/auth/login') return next();
    if (isCrossOrigin({ origin: req.get('origin'), host: req.get('host'), secFetchSite: req.get('sec-fetch-site') })) return next(new AppError('CSRF_REJECTED'));
    // A DELETE without a body cannot come from a cross-site form (forms only GET and POST) and needs a CORS preflight from script: no Content-Type asked.
    const bodiless = req.get('content-length') === undefined || req.get('content-length') === '0';
    if (req.method === 'DELETE' && bodiless && !req.get('transfer-encoding')) return next();
    if (!req.is('application/json')) return next(new AppError('CSRF_REJECTED', { reason: 'Content-Type must be application/json' }));
    next();
  };
}

/** Role check for one route of the access table. */
export function allow(roles: ActorRole[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const role = roleOf(req.principal);
    if (roles.includes(role)) return next();
    next(new AppError(role === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN'));
  };
}

/** Staff bound to an office and devices reach only their own office. */
export function assertOfficeAccess(p: Principal, officeId: string): void {
  if (p.kind === 'staff' && p.staff.officeId !== null && p.staff.officeId !== officeId) throw new AppError('FORBIDDEN', { reason: 'other office' });
  if (p.kind === 'device' && p.device.officeId !== officeId) throw new AppError('FORBIDDEN', { reason: 'other office' });
}

/**
 * Login attempts per client address (on top of the per-account lockout): only failed attempts
 * count, so a busy office signing in every morning from one NAT address is never blocked.
 * `MADOGUCHI_LOGIN_LIMIT` = failures allowed per 15 minutes per address (default 20).
 */
export function loginRateLimit(max = Number(process.env.MADOGUCHI_LOGIN_LIMIT) || 20, windowMs = 15 * 60_000): RequestHandler {
  return rateLimit({
    windowMs,
    limit: max,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('RATE_LIMITED', { reason: 'too many failed sign-ins from this address' })),
  });
}
