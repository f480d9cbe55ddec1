import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DB } from './db.js';

/**
 * Database faults the server answers with 503 and a code of its own instead of a generic 500:
 * the write lock is held by someone else (busy), the file or its directory cannot be written
 * (read-only), the disk failed (I/O) or is full. Nothing is half-written in any of them: the
 * transaction rolled back, and the same command may be sent again with the same id.
 */
export type DbFaultCode = 'DB_BUSY' | 'DB_READONLY' | 'DB_IO' | 'DB_FULL';

/** The busy timeout of the server's connection: a held write lock costs the event loop at most this. */
export const SERVER_BUSY_TIMEOUT_MS = 250;

/** The fault code of a better-sqlite3 error (its `code` is SQLite's extended result code), or null. */
export function dbFaultOf(err: unknown): DbFaultCode | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'DB_BUSY';
  if (code.startsWith('SQLITE_READONLY')) return 'DB_READONLY';
  if (code === 'SQLITE_FULL') return 'DB_FULL';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_PROTOCOL') return 'DB_IO';
  return null;
}

/** A UNIQUE or PRIMARY KEY conflict (numbering: someone else already holds this number on disk). */
export function isUniqueConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface WriteHealth {
  ok: boolean;
  /** Fault code when not ok. */
  reason: DbFaultCode | null;
  /** When this was last learnt (ms, monotonic). */
  checkedAt: number;
}

/** How long a write outcome (the engine's last COMMIT or a probe) answers /api/health without a new probe. */
export const WRITE_HEALTH_TTL_MS = 2_000;

const monotonic = () => performance.now();

/**
 * Whether the database accepts writes right now: the outcome of the last write the engine made,
 * or — when that is older than WRITE_HEALTH_TTL_MS — a probe: one tiny write transaction that
 * rewrites a row with its own value (a real WAL append and fsync, changes nothing), at most once
 * per TTL so a polling monitor costs nothing.
 */
export class WriteMonitor {
  private last: WriteHealth | null = null;
  constructor(private readonly db: DB, private readonly now: () => number = monotonic) {}

  /** Record a write outcome (the engine calls this after each group commit). */
  record(err: unknown): void {
    if (err === null) {
      this.last = { ok: true, reason: null, checkedAt: this.now() };
      return;
    }
    const reason = dbFaultOf(err);
    if (reason) this.last = { ok: false, reason, checkedAt: this.now() };
  }

  status(): WriteHealth {
    if (this.last && this.now() - this.last.checkedAt < WRITE_HEALTH_TTL_MS) return this.last;
    try {
      this.db.transaction(() => {
        this.db.prepare('UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT max(version) FROM schema_migrations)').run();
      }).immediate();
      this.record(null);
    } catch (err) {
      this.last = { ok: false, reason: dbFaultOf(err) ?? 'DB_IO', checkedAt: this.now() };
    }
    return this.last!;
  }
}

export type PreflightProblem = { path: string; what: 'directory' | 'database' | 'wal' | 'shm'; error: string };

/**
 * Before SQLite opens the file: can this process write the database's directory, the database
 * file and its -wal and -shm files (when they exist)? SQLite silently opens an unwritable file
 * read-only, and maps an unwritable -shm that may then kill the process with SIGBUS; better to
 * refuse to start with a clear line. Returns the first problem found, or null.
 */
export function preflightDatabase(path: string): PreflightProblem | null {
  if (path === ':memory:' || path === '') return null;
  const file = resolve(path);
  const dir = dirname(file);
  const probe = join(dir, `.madoguchi-write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true }); // first run: data/ does not exist yet
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
  } catch (err) {
    return { path: dir, what: 'directory', error: errText(err) };
  }
  for (const [p, what] of [[file, 'database'], [`${file}-wal`, 'wal'], [`${file}-shm`, 'shm']] as const) {
    let exists = true;
    try {
      statSync(p);
    } catch {
      exists = false;
    }
    if (!exists) continue;
    try {
      closeSync(openSync(p, 'r+'));
    } catch (err) {
      return { path: p, what, error: errText(err) };
    }
  }
  return null;
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}
