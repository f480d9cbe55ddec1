import { createHash, randomBytes } from 'node:crypto';
import type { DeviceInfo, StaffInfo, StaffRole } from '../../common/types.js';
import { stmt, type DB } from '../store/db.js';

export const SESSION_COOKIE = 'mdg_session';
export const SESSION_TTL_MS = 12 * 3_600_000; // one working day and some overtime

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

export type Principal =
  | { kind: 'staff'; staff: StaffInfo; sessionHash: string; mustChangePassword?: boolean }
  | { kind: 'device'; device: DeviceInfo }
  | { kind: 'none' };

export function createSession(db: DB, staffId: string, now: number, meta: { ip?: string; userAgent?: string } = {}): string {
  const token = randomBytes(32).toString('base64url');
  db.prepare('INSERT INTO sessions (id_hash, staff_id, created_at, expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(sha256(token), staffId, now, now + SESSION_TTL_MS, now, meta.ip ?? null, meta.userAgent ?? null);
  return token;
}

export function revokeSession(db: DB, token: string, now: number): void {
  db.prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL').run(now, sha256(token));
}

export function revokeSessionByHash(db: DB, hash: string, now: number): void {
  db.prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL').run(now, hash);
}

export function revokeStaffSessions(db: DB, staffId: string, now: number): void {
  db.prepare('UPDATE sessions SET revoked_at = ? WHERE staff_id = ? AND revoked_at IS NULL').run(now, staffId);
}

interface StaffRow { id: string; login: string; name: string; role: StaffRole; office_id: string | null; disabled: number; must_change_password?: number }

export function staffInfo(r: StaffRow): StaffInfo {
  return { id: r.id, login: r.login, name: r.name, role: r.role, officeId: r.office_id };
}

/**
 * Resolve a session cookie value to its staff member, or null when unknown, expired, revoked or disabled.
 * A staff member who must still change a first-run password resolves only where the caller says it
 * handles that (`passwordChange`: the HTTP layer, which then allows nothing but the change); for
 * everyone else (the socket layer) such a session is no session.
 */
export function sessionPrincipal(db: DB, token: string, now: number, opts: { passwordChange?: boolean } = {}): Principal | null {
  const hash = sha256(token);
  const row = stmt(
    db,
    `SELECT st.id, st.login, st.name, st.role, st.office_id, st.disabled, st.must_change_password, se.last_seen_at FROM sessions se JOIN staff st ON st.id = se.staff_id
      WHERE se.id_hash = ? AND se.revoked_at IS NULL AND se.expires_at > ?`,
  ).get(hash, now) as (StaffRow & { last_seen_at: number }) | undefined;
  if (!row || row.disabled) return null;
  if (row.must_change_password && !opts.passwordChange) return null;
  // "Last seen", for the admin's session list; written at most once a minute per session.
  if (now - row.last_seen_at > 60_000) stmt(db, 'UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, hash);
  return { kind: 'staff', staff: staffInfo(row), sessionHash: hash, ...(row.must_change_password ? { mustChangePassword: true } : {}) };
}

export function devicePrincipal(db: DB, token: string): Principal | null {
  const row = stmt(db, 'SELECT id, office_id, kind, name, config_json FROM devices WHERE token = ? AND revoked_at IS NULL').get(token) as
    | { id: string; office_id: string; kind: 'kiosk' | 'display'; name: string; config_json: string }
    | undefined;
  if (!row) return null;
  return { kind: 'device', device: { id: row.id, officeId: row.office_id, kind: row.kind, name: row.name, config: JSON.parse(row.config_json) as Record<string, unknown> } };
}

export function isSessionValid(db: DB, hash: string, now: number): boolean {
  const row = stmt(db, 'SELECT 1 FROM sessions se JOIN staff st ON st.id = se.staff_id WHERE se.id_hash = ? AND se.revoked_at IS NULL AND se.expires_at > ? AND st.disabled = 0').get(hash, now);
  return row !== undefined;
}

/** Parse a Cookie header without a dependency: name=value pairs separated by semicolons. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** A device still paired (not revoked)? Sockets re-check this on every event. */
export function isDeviceValid(db: DB, deviceId: string): boolean {
  return stmt(db, 'SELECT 1 FROM devices WHERE id = ? AND revoked_at IS NULL').get(deviceId) !== undefined;
}
