import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

export type DB = Database.Database;

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'db', 'migrations');

/**
 * Open the database with the durability the rules need: WAL, synchronous=FULL (an acknowledged
 * ticket is fsync'd, rule 2), foreign keys, and a busy timeout for the backup tool.
 */
export function openDatabase(path: string): DB {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

export class SchemaTooNewError extends Error {
  constructor(readonly dbVersion: number, readonly codeVersion: number) {
    super(`database schema version ${dbVersion} is newer than this code (${codeVersion}); upgrade Madoguchi before starting it on this database`);
  }
}

/** Apply pending migrations, each in its own transaction; refuse a database newer than the code. */
export function migrate(db: DB, migrations = readMigrations()): { applied: string[]; version: number } {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
    applied.push(m.name);
  }
  return { applied, version: Math.max(current, latest) };
}

const statementCache = new WeakMap<DB, Map<string, Database.Statement>>();

/**
 * A prepared statement for this database, prepared once and reused: the hot paths (every command,
 * every request's principal lookup) then skip SQLite's parse/plan step. The statement stays valid
 * across schema changes (SQLite re-prepares it itself); the cache goes with the connection.
 */
export function stmt(db: DB, sql: string): Database.Statement {
  let m = statementCache.get(db);
  if (!m) statementCache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
