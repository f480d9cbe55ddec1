import { createHash } from 'node:crypto';
import type { DB } from '../../server/store/db.js';

/**
 * A digest of every row of every table, to prove a refused request changed nothing.
 * Left out, on purpose: `staff.failed_logins` / `staff.locked_until` and the `login_failures` table
 * (a refused sign-in counts towards the lock-out — that is the designed effect of a 401 from /api/auth/login).
 */
const IGNORED_COLUMNS: Record<string, string[]> = { staff: ['failed_logins', 'locked_until'] };
/** Left out whole: `login_failures` (per account and address, migration 0005) — the same designed effect of a refused sign-in. */
const IGNORED_TABLES = new Set(['login_failures']);

export function dbDigest(db: DB): string {
  const h = createHash('sha256');
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    if (IGNORED_TABLES.has(name)) continue;
    h.update(`#${name}\n`);
    const ignored = IGNORED_COLUMNS[name] ?? [];
    // A WITHOUT ROWID table (office_calendar …) is ordered by its primary key.
    const order = /WITHOUT\s+ROWID/i.test(sql)
      ? (db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`).all(name) as { name: string }[]).map((c) => `"${c.name}"`).join(', ')
      : 'rowid';
    for (const r of db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).iterate() as Iterable<Record<string, unknown>>) {
      for (const c of ignored) delete r[c];
      h.update(JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v)));
      h.update('\n');
    }
  }
  return h.digest('hex');
}
