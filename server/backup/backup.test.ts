import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../common/events.js';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';
import { backupConfigFromEnv, backupDatabase, backupName, listBackups, pruneBackups, restoreBackup, scheduleDailyBackups } from './backup.js';
import { Engine } from '../engine.js';
import { ManualClock } from '../queue/clock.js';

let srv: TestServer | null = null;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'mdg-backup-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await srv?.close();
  srv = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function issue(n: number, serviceId = 'chuo-A'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await http<{ data: CommandResult }>(srv!.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId }, { device: srv!.kioskToken });
    ids.push(r.body.data.ticketId!);
  }
  return ids;
}

describe('backups', () => {
  it('an online backup taken while the server runs restores with every ticket, and the restored office works', async () => {
    const dir = tmp();
    srv = await startTestServer({ path: join(dir, 'madoguchi.db') });
    const ids = [...(await issue(25)), ...(await issue(5, 'chuo-B'))];
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk });
    await http(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { cookie: clerk });
    // Writes keep coming while the backup runs.
    const [path, more] = await Promise.all([backupDatabase(srv.db, join(dir, 'backups'), srv.clock.now()), issue(5, 'chuo-C')]);
    expect(path.endsWith(backupName(srv.clock.now()))).toBe(true);
    const allIds = [...ids, ...more];
    await srv.close();
    srv = null;

    const restored = restoreBackup(path, join(dir, 'restored', 'madoguchi.db'));
    const found = new Set((restored.prepare('SELECT id FROM tickets').all() as { id: string }[]).map((r) => r.id));
    for (const id of ids) expect(found.has(id), `ticket ${id}`).toBe(true);
    // The backup is consistent: any ticket it holds has its first step and its event.
    const tickets = restored.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number };
    expect(tickets.n).toBeGreaterThanOrEqual(ids.length);
    expect(tickets.n).toBeLessThanOrEqual(allIds.length);
    expect(restored.prepare("SELECT count(*) AS n FROM events WHERE type = 'ticket.issued'").get()).toEqual(tickets);
    expect(restored.prepare('SELECT count(*) AS n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM steps s WHERE s.ticket_id = t.id)').get()).toEqual({ n: 0 });
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    // The engine starts on it and sees the queue as it was.
    const engine = new Engine({ db: restored, clock: new ManualClock(Date.UTC(2026, 2, 24, 0, 31)) });
    const snap = engine.staffSnapshot('chuo');
    expect(snap.counters.find((c) => c.id === 'chuo-c1')!.current?.display).toBe('A-001');
    expect(snap.services.find((s) => s.id === 'chuo-A')!.waiting).toBe(24);
    restored.close();
  }, 60_000);

  it('retention keeps N days (and always the newest); the daily job takes one a day by itself', async () => {
    const dir = tmp();
    const day = 86_400_000;
    const now = Date.UTC(2026, 2, 24, 3, 0);
    for (const ago of [0.5, 3, 13, 15, 40]) writeFileSync(join(dir, backupName(now - ago * day)), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'not a backup');
    const pruned = pruneBackups(dir, 14, now);
    expect(pruned).toHaveLength(2);
    expect(listBackups(dir).map((b) => Math.round((now - b.at) / day * 10) / 10)).toEqual([13, 3, 0.5]);
    expect(readdirSync(dir)).toContain('notes.txt');

    srv = await startTestServer();
    await issue(3);
    const out = join(dir, 'daily');
    let clock = now;
    const job = scheduleDailyBackups(srv.db, { dir: out, keepDays: 2, checkMs: 3_600_000, now: () => clock });
    await new Promise((r) => setTimeout(r, 200)); // the first run, at start
    expect(listBackups(out)).toHaveLength(1);
    clock += 6 * 3_600_000;
    expect(await job.runIfDue()).toBeNull(); // not a day yet
    for (let d = 1; d <= 4; d++) {
      clock = now + d * day;
      expect(await job.runIfDue()).not.toBeNull();
    }
    job.stop();
    // Taken on days 0..4, kept 2 days → days 2, 3, 4.
    expect(listBackups(out).map((b) => (b.at - now) / day)).toEqual([2, 3, 4]);
  }, 60_000);

  it('`npm run backup` copies the live database file of a running server', async () => {
    const dir = tmp();
    const dbPath = join(dir, 'madoguchi.db');
    srv = await startTestServer({ path: dbPath });
    const ids = await issue(7);
    const root = resolve(import.meta.dirname, '../..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', resolve(root, 'server/backup/cli.ts')], {
      cwd: root, env: { ...process.env, MADOGUCHI_DB: dbPath, MADOGUCHI_BACKUP_DIR: join(dir, 'backups') }, timeout: 30_000,
    });
    expect(stdout).toMatch(/Backup written/);
    const [b] = listBackups(join(dir, 'backups'));
    const restored = restoreBackup(b!.path, join(dir, 'r.db'));
    expect((restored.prepare('SELECT id FROM tickets ORDER BY issued_at').all() as { id: string }[]).map((r) => r.id)).toEqual(ids);
    restored.close();
  }, 60_000);
});

describe('backup settings', () => {
  it('put backups beside the database unless MADOGUCHI_BACKUP_DIR says otherwise', () => {
    expect(backupConfigFromEnv('/srv/madoguchi', {}, '/var/lib/madoguchi/office.db').dir).toBe('/var/lib/madoguchi/backups');
    expect(backupConfigFromEnv('/srv/madoguchi', { MADOGUCHI_BACKUP_DIR: 'elsewhere' }, '/var/lib/madoguchi/office.db').dir).toBe('/srv/madoguchi/elsewhere');
    expect(backupConfigFromEnv('/srv/madoguchi', { MADOGUCHI_BACKUP: 'off', MADOGUCHI_BACKUP_KEEP_DAYS: '30' })).toMatchObject({ dir: '/srv/madoguchi/data/backups', keepDays: 30, enabled: false });
  });
});
