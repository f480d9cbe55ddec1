import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { migrate, openDatabase, type DB } from '../store/db.js';

/**
 * Online backups with SQLite's backup API (better-sqlite3 `db.backup()`): a consistent copy of
 * the database taken page by page while the server keeps running and writing. Files are named
 * `madoguchi-YYYYMMDD-HHMMSS.db` (UTC) so their names sort by time.
 */
export const BACKUP_PATTERN = /^madoguchi-(\d{8})-(\d{6})(?:-\d+)?\.db$/;

export function backupName(now: number): string {
  const iso = new Date(now).toISOString(); // 2026-03-24T00:30:00.000Z
  return `madoguchi-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}.db`;
}

/** Copy `db` into `dir` now; returns the path of the new file. */
export async function backupDatabase(db: DB, dir: string, now = Date.now()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  let path = join(dir, backupName(now));
  for (let i = 1; existsSync(path); i++) path = join(dir, backupName(now).replace(/\.db$/, `-${i}.db`));
  const partial = `${path}.partial`;
  await db.backup(partial);
  // Renamed only when complete, so a half-written file is never taken for a backup.
  copyFileSync(partial, path);
  rmSync(partial, { force: true });
  return path;
}

export interface BackupFile {
  name: string;
  path: string;
  at: number;
  bytes: number;
}

export function listBackups(dir: string): BackupFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => {
      const m = BACKUP_PATTERN.exec(name);
      if (!m) return null;
      const [d, t] = [m[1]!, m[2]!];
      const at = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6));
      const path = join(dir, name);
      return { name, path, at, bytes: statSync(path).size };
    })
    .filter((b): b is BackupFile => b !== null)
    .sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
}

/** Delete backups older than `keepDays` days; the newest one is always kept. Returns the names deleted. */
export function pruneBackups(dir: string, keepDays: number, now = Date.now()): string[] {
  const all = listBackups(dir);
  const cutoff = now - keepDays * 86_400_000;
  const doomed = all.slice(0, -1).filter((b) => b.at < cutoff);
  for (const b of doomed) rmSync(b.path, { force: true });
  return doomed.map((b) => b.name);
}

/**
 * Restore: copy a backup over the database file (the server must be stopped), drop the old WAL
 * and shared-memory files, then open and migrate it as a start would. Returns the open database.
 */
export function restoreBackup(backupPath: string, dbPath: string): DB {
  if (!existsSync(backupPath)) throw new Error(`no such backup: ${backupPath}`);
  mkdirSync(resolve(dbPath, '..'), { recursive: true });
  for (const suffix of ['-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  copyFileSync(backupPath, dbPath);
  const db = openDatabase(dbPath);
  migrate(db);
  return db;
}

export interface BackupSchedule {
  dir: string;
  keepDays: number;
  /** How often to check whether a day has passed since the newest backup. */
  checkMs?: number;
  /** Delay of the first check (default 0: at once); the server waits FIRST_BACKUP_CHECK_MS so a start is not slowed by a copy. */
  firstCheckMs?: number;
  now?: () => number;
  log?: Logger;
}

/**
 * The daily backup the server runs by itself: at start and then every hour it checks the newest
 * backup; when it is a day old (or there is none) it takes one and prunes old ones.
 */
/** The server's first backup check comes this long after start (issue 17). */
export const FIRST_BACKUP_CHECK_MS = 60_000;

export function scheduleDailyBackups(db: DB, s: BackupSchedule): { stop: () => void; runIfDue: () => Promise<string | null> } {
  const now = s.now ?? Date.now;
  let running = false;
  const runIfDue = async (): Promise<string | null> => {
    if (running) return null;
    const newest = listBackups(s.dir).at(-1);
    if (newest && now() - newest.at < 86_400_000 - 60_000) return null;
    running = true;
    try {
      const path = await backupDatabase(db, s.dir, now());
      const pruned = pruneBackups(s.dir, s.keepDays, now());
      s.log?.info({ path, pruned }, 'daily backup done');
      return path;
    } catch (err) {
      s.log?.error({ err }, 'daily backup failed');
      return null;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void runIfDue(), s.checkMs ?? 3_600_000);
  timer.unref();
  let first: NodeJS.Timeout | null = null;
  if (s.firstCheckMs) (first = setTimeout(() => void runIfDue(), s.firstCheckMs)).unref();
  else void runIfDue();
  return {
    stop: () => {
      clearInterval(timer);
      if (first) clearTimeout(first);
    },
    runIfDue,
  };
}

/** Backup settings from the environment (docs/OPERATIONS.md); by default backups sit beside the database. */
export function backupConfigFromEnv(root: string, env = process.env, dbPath = resolve(root, 'data/madoguchi.db')): { dir: string; keepDays: number; enabled: boolean } {
  return {
    dir: env.MADOGUCHI_BACKUP_DIR ? resolve(root, env.MADOGUCHI_BACKUP_DIR) : join(dirname(dbPath), 'backups'),
    keepDays: Math.max(1, Number(env.MADOGUCHI_BACKUP_KEEP_DAYS) || 14),
    enabled: env.MADOGUCHI_BACKUP !== 'off',
  };
}
