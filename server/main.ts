import { resolve } from 'node:path';
import { createApplication } from './app.js';
import { logger } from './log.js';
import { FirstRunPasswordError, firstRunPasswordsFromEnv, seedDefault, type FirstRunPasswords } from './seed.js';
import { migrate, openDatabase, SchemaTooNewError } from './store/db.js';
import { preflightDatabase } from './store/faults.js';
import { PROJECT_ROOT } from './paths.js';

/** Entry point: open and migrate the database, seed a default office on first run, listen. */
const ROOT = PROJECT_ROOT; // the same from server/main.ts (tsx) and dist/server/main.js (node)
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const dbPath = resolve(ROOT, process.env.MADOGUCHI_DB ?? 'data/madoguchi.db');
const webRoot = resolve(ROOT, process.env.MADOGUCHI_WEB ?? 'dist/web');

async function main(): Promise<void> {
  const t0 = performance.now();
  // SQLite would open an unwritable file read-only (every write a 503) or die of SIGBUS on an unwritable -shm.
  const unwritable = preflightDatabase(dbPath);
  if (unwritable) {
    logger.fatal({ ...unwritable }, 'database not writable');
    console.error(`\n起動できません: データベースの${unwritable.what === 'directory' ? 'フォルダー' : 'ファイル'}に書き込めません / Cannot start: the database ${unwritable.what} is not writable by this process\n  ${unwritable.path}\n  (${unwritable.error}) — check its owner and permissions (docs/OPERATIONS.md)\n`);
    process.exit(3);
  }
  const db = openDatabase(dbPath);
  try {
    const { applied } = migrate(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } catch (err) {
    if (err instanceof SchemaTooNewError) {
      console.error(`\n起動できません / Cannot start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const fresh = (db.prepare('SELECT count(*) AS n FROM offices').get() as { n: number }).n === 0;
  let seeded: Awaited<ReturnType<typeof seedDefault>> | null = null;
  if (fresh) {
    // First-run passwords: each account its own random one, unless the operator set them (checked with the password rules).
    let passwords: FirstRunPasswords;
    try {
      passwords = firstRunPasswordsFromEnv(process.env);
    } catch (err) {
      if (!(err instanceof FirstRunPasswordError)) throw err;
      console.error(`\n起動できません / Cannot start: ${err.message}\n`);
      db.close();
      process.exit(2);
    }
    seeded = await seedDefault(db, passwords);
  }
  const { loadRouters } = await import('./routers.js');
  const app = createApplication({ db, webRoot, routers: loadRouters });
  const actual = await app.listen(port, host);
  // Daily online backup with retention (docs/OPERATIONS.md); MADOGUCHI_BACKUP=off disables it.
  // Issue 17: loaded after listening, and its first check a minute after start (no work at start that can wait).
  const { backupConfigFromEnv, scheduleDailyBackups, FIRST_BACKUP_CHECK_MS } = await import('./backup/backup.js');
  const backupCfg = backupConfigFromEnv(ROOT, process.env, dbPath);
  const backups = backupCfg.enabled ? scheduleDailyBackups(db, { dir: backupCfg.dir, keepDays: backupCfg.keepDays, log: logger, firstCheckMs: FIRST_BACKUP_CHECK_MS }) : null;
  const base = `http://localhost:${actual}`;
  const lines = [
    '',
    `Madoguchi 窓口 — serving on ${base}  (started in ${Math.round(performance.now() - t0)} ms, database ${dbPath})`,
    `  受付状況 Status (public)   ${base}/status/`,
    `  窓口端末 Counter (clerks)  ${base}/counter/`,
    `  管理画面 Office console    ${base}/console/`,
  ];
  // Pairing links are device credentials: printed once, when the default devices are created; afterwards the console shows them.
  if (seeded) {
    const devices = db.prepare("SELECT kind, name, token FROM devices WHERE revoked_at IS NULL ORDER BY kind DESC, id").all() as { kind: string; name: string; token: string }[];
    for (const d of devices) lines.push(`  ${d.kind === 'kiosk' ? '発券機 Kiosk  ' : '表示盤 Display'}  (${d.name})  ${base}/${d.kind}/?device=${d.token}`);
  } else {
    lines.push('  発券機・表示盤のペアリング用リンク: 管理画面 → 管理 → 端末 / Kiosk and display pairing links: console → Admin → Devices');
  }
  if (seeded) {
    lines.push('', `  初回起動: 既定の庁舎「中央区役所」を作成しました / First start: default office created.`);
    lines.push('  サインイン Sign in — 初期パスワード first-run passwords (このとき一度だけ表示 / shown this once):');
    for (const a of seeded.accounts) {
      const pw = a.password ?? (a.role === 'admin' ? '(MADOGUCHI_ADMIN_PASSWORD)' : '(MADOGUCHI_STAFF_PASSWORD)');
      lines.push(`    ${a.login.padEnd(11)} ${pw}${a.mustChange ? '   初回サインイン時に変更が必要 / must be changed at first sign-in' : ''}`);
    }
    lines.push('  各自のパスワードは本人だけに伝え、管理画面（アカウント）で変更してください。 Give each person only their own; change it in the console (Account).');
  } else {
    lines.push('', '  Sign in with your staff account at /counter/ or /console/.');
  }
  console.log(lines.join('\n') + '\n');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    backups?.stop();
    await app.close();
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
