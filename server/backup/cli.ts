import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { backupConfigFromEnv, backupDatabase, pruneBackups } from './backup.js';
import { PROJECT_ROOT } from '../paths.js';

/**
 * `npm run backup`: an online, consistent copy of the database while the server runs, into
 * data/backups/ (MADOGUCHI_BACKUP_DIR) with a timestamped name; old ones pruned as the daily job does.
 */
const ROOT = PROJECT_ROOT; // same from source (tsx) and from dist/server/backup/cli.js (node)
const dbPath = resolve(ROOT, process.env.MADOGUCHI_DB ?? 'data/madoguchi.db');
const cfg = backupConfigFromEnv(ROOT, process.env, dbPath);

async function main(): Promise<void> {
  if (!existsSync(dbPath)) {
    console.error(`データベースがありません / No database at ${dbPath}`);
    process.exit(1);
  }
  const db = new Database(dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const path = await backupDatabase(db, cfg.dir);
    const pruned = pruneBackups(cfg.dir, cfg.keepDays);
    console.log(`バックアップを作成しました / Backup written: ${path}`);
    if (pruned.length) console.log(`古いバックアップを削除 / Pruned (older than ${cfg.keepDays} days): ${pruned.join(', ')}`);
  } finally {
    db.close();
  }
}

main().catch((err) => {
  console.error('バックアップに失敗しました / Backup failed:', err);
  process.exit(1);
});
