import { stmt, type DB } from '../store/db.js';

/**
 * Failed sign-ins are counted per account AND client address (`login_failures`): five failures
 * from one address within 15 minutes lock that address out of that account for 5 minutes. The
 * same account from any other address is not affected, so an outsider cannot lock a clerk out of
 * their counter; guessing from many addresses is held back by the per-address limit on failures
 * (`loginRateLimit`, MADOGUCHI_LOGIN_LIMIT) and by scrypt's cost. A locked attempt answers exactly
 * like a wrong password (BAD_CREDENTIALS), so the lock tells an outsider nothing either.
 */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;
export const FAILURE_WINDOW_MS = 15 * 60_000; // failures older than this are forgotten

interface FailureRow { failures: number; last_failed_at: number; locked_until: number | null }

export function isLockedOut(db: DB, staffId: string, ip: string, now: number): boolean {
  const r = stmt(db, 'SELECT locked_until FROM login_failures WHERE staff_id = ? AND ip = ?').get(staffId, ip) as { locked_until: number | null } | undefined;
  return !!r?.locked_until && r.locked_until > now;
}

/** Count one failure from `ip` on the account; returns the lock's end when this failure locks it. */
export function recordLoginFailure(db: DB, staffId: string, ip: string, now: number): number | null {
  const r = stmt(db, 'SELECT failures, last_failed_at, locked_until FROM login_failures WHERE staff_id = ? AND ip = ?').get(staffId, ip) as FailureRow | undefined;
  const fresh = !r || now - r.last_failed_at > FAILURE_WINDOW_MS || (r.locked_until !== null && r.locked_until <= now);
  const failures = (fresh ? 0 : r.failures) + 1;
  const lockedUntil = failures >= LOCKOUT_FAILURES ? now + LOCKOUT_MS : null;
  stmt(db, `INSERT INTO login_failures (staff_id, ip, failures, last_failed_at, locked_until) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (staff_id, ip) DO UPDATE SET failures = excluded.failures, last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until`)
    .run(staffId, ip, lockedUntil ? 0 : failures, now, lockedUntil);
  if (lockedUntil) syncStaffLock(db, staffId);
  return lockedUntil;
}

/** A successful sign-in from `ip` forgets that address's failures; a new password forgets them all (`ip` omitted). */
export function clearLoginFailures(db: DB, staffId: string, ip?: string): void {
  if (ip === undefined) stmt(db, 'DELETE FROM login_failures WHERE staff_id = ?').run(staffId);
  else stmt(db, 'DELETE FROM login_failures WHERE staff_id = ? AND ip = ?').run(staffId, ip);
  syncStaffLock(db, staffId);
}

/** `staff.locked_until` mirrors the latest lock of any address, for the admin's staff list (錠 badge). */
function syncStaffLock(db: DB, staffId: string): void {
  stmt(db, 'UPDATE staff SET failed_logins = 0, locked_until = (SELECT max(locked_until) FROM login_failures WHERE staff_id = ?) WHERE id = ?').run(staffId, staffId);
}
