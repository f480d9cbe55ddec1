import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import type { CommandResult } from '../../common/events.js';
import type { StaffSnapshot } from '../../common/types.js';
import { toAppError } from '../http/errors.js';
import { cid, http, login, makeTestDb, spawnServerProcess, startTestServer, waitFor, type TestServer } from '../testing.js';
import { dbFaultOf, preflightDatabase, SERVER_BUSY_TIMEOUT_MS } from './faults.js';
import { Engine } from '../engine.js';
import { commandSchemas, type AnyCommand } from '../../common/schemas.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NOBODY = 65534;

type Health = { data: { ok: boolean; reason?: string; message?: string; db: { writable: boolean } } };

let srv: TestServer | null = null;
const dirs: string[] = [];
const others: Database.Database[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'madoguchi-faults-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const o of others.splice(0)) if (o.open) o.close();
  await srv?.close();
  srv = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const issue = (s: TestServer, commandId: string) =>
  http<{ data: CommandResult } & ErrorBody>(s.url, 'POST', '/api/offices/chuo/tickets', { commandId, serviceId: 'chuo-A' }, { device: s.kioskToken });
const ticketsOnDisk = (path: string) => {
  const r = new Database(path, { readonly: true });
  try {
    return (r.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
  } finally {
    r.close();
  }
};
const waitingInMemory = (s: TestServer) => s.app.engine.staffSnapshot('chuo').services.reduce((n, x) => n + x.waiting, 0);

describe('database faults answer 503 with their own code, change nothing, and can be retried', () => {
  it('a write lock held by another connection (BEGIN IMMEDIATE): issue → 503 DB_BUSY within a second, health says why; after release the same commandId issues', async () => {
    const path = join(tempDir(), 'busy.db');
    srv = await startTestServer({ path });
    const other = new Database(path);
    others.push(other);
    other.exec('BEGIN IMMEDIATE');

    const key = cid('busy');
    const t0 = performance.now();
    const refused = await issue(srv, key);
    const elapsed = performance.now() - t0;
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('DB_BUSY');
    expect(refused.body.error.message).toMatch(/混み合って/);
    expect(elapsed).toBeLessThan(1500); // 250 ms busy timeout + HTTP; was 5 s (the old busy timeout) and a 500
    // Sign-in writes too (failed-login counter, session): 503 DB_BUSY, not a 500 after 5 s.
    const t1 = performance.now();
    const signIn = await http<ErrorBody>(srv.url, 'POST', '/api/auth/login', { login: 'clerk1', password: 'correct horse battery' });
    expect(signIn.status).toBe(503);
    expect(signIn.body.error.code).toBe('DB_BUSY');
    expect(performance.now() - t1).toBeLessThan(4500); // scrypt itself takes a second or more on a loaded machine; the old path waited 5 s on top

    const health = await http<Health>(srv.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.data).toMatchObject({ ok: false, reason: 'DB_BUSY', db: { writable: false } });
    // Nothing was written, nothing is in memory.
    expect(waitingInMemory(srv)).toBe(0);

    other.exec('ROLLBACK');
    const retried = await issue(srv, key);
    expect(retried.status).toBe(200);
    expect((retried.body.data.ticket as { display: string }).display).toBe('A-001');
    expect(retried.body.data.replayed).toBeUndefined();
    expect(ticketsOnDisk(path)).toBe(1);
    expect(waitingInMemory(srv)).toBe(1);
    const healthy = await http<Health>(srv.url, 'GET', '/api/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body.data).toMatchObject({ ok: true, db: { writable: true } });
  });

  it('a burst of commands against a held lock waits once (one BEGIN IMMEDIATE per group commit), not once per command', async () => {
    const path = join(tempDir(), 'burst.db');
    const t = await makeTestDb({ path });
    const engine = new Engine({ db: t.db, clock: t.clock });
    const other = new Database(path);
    others.push(other, t.db);
    other.exec('BEGIN IMMEDIATE');
    const kiosk = { role: 'kiosk' as const, staffId: null, deviceId: 'kiosk-1' };
    const cmd = (commandId: string) => ({ name: 'ticket:issue', payload: commandSchemas['ticket:issue'].parse({ commandId, officeId: 'chuo', serviceId: 'chuo-A' }) }) as AnyCommand;
    const ids = Array.from({ length: 8 }, () => cid('burst'));
    const t0 = performance.now();
    const settled = await Promise.allSettled(ids.map((id) => engine.submit(kiosk, cmd(id))));
    expect(performance.now() - t0).toBeLessThan(SERVER_BUSY_TIMEOUT_MS * 6); // one wait per command would be 8 × 250 ms
    expect(settled.map((r) => r.status === 'rejected' && dbFaultOf(r.reason))).toEqual(Array(8).fill('DB_BUSY'));
    expect(engine.staffSnapshot('chuo').services.reduce((n, x) => n + x.waiting, 0)).toBe(0);
    other.exec('ROLLBACK');
    const again = await Promise.all(ids.map((id) => engine.submit(kiosk, cmd(id))));
    expect(again.map((r) => (r.ticket as { display: string }).display)).toEqual(Array.from({ length: 8 }, (_, i) => `A-00${i + 1}`));
  });

  it('the health probe notices a held lock by itself (no command needed) and answers quickly', async () => {
    const path = join(tempDir(), 'probe.db');
    srv = await startTestServer({ path });
    const other = new Database(path);
    others.push(other);
    other.exec('BEGIN IMMEDIATE');
    const t0 = performance.now();
    const health = await http<Health>(srv.url, 'GET', '/api/health');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(health.status).toBe(503);
    expect(health.body.data.reason).toBe('DB_BUSY');
    other.exec('ROLLBACK');
  });

  it('a read-only database file: issue → 503 DB_READONLY, health ok:false, nothing in memory', async () => {
    const path = join(tempDir(), 'ro.db');
    const seeded = await makeTestDb({ path });
    seeded.db.close();
    const db = new Database(path, { readonly: true });
    const { createApplication } = await import('../app.js');
    const { loadRouters } = await import('../routers.js');
    const app = createApplication({ db, clock: seeded.clock, tickMs: 0, routers: loadRouters, webRoot: null, kioskIssueLimit: null });
    const port = await app.listen(0, '127.0.0.1');
    srv = { ...seeded, db, app, url: `http://127.0.0.1:${port}`, close: async () => { await app.close(); db.close(); } };

    const refused = await issue(srv, cid('ro'));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('DB_READONLY');
    expect(refused.body.error.message).toMatch(/読み取り専用/);
    expect(waitingInMemory(srv)).toBe(0);
    const health = await http<Health>(srv.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.data).toMatchObject({ ok: false, reason: 'DB_READONLY', db: { writable: false } });
  });

  it('a full database (SQLITE_FULL): 503 DB_FULL, memory equals disk, and the same commandId works once there is room', async () => {
    const path = join(tempDir(), 'full.db');
    srv = await startTestServer({ path });
    const cookie = await login(srv.url, 'clerk1');
    const pages = (srv.db.pragma('page_count', { simple: true }) as number);
    srv.db.pragma(`max_page_count = ${pages}`);
    let full: { key: string; body: ErrorBody; status: number } | null = null;
    for (let i = 0; i < 200 && !full; i++) {
      const key = cid('full');
      const r = await issue(srv, key);
      if (r.status !== 200) full = { key, body: r.body, status: r.status };
    }
    expect(full).not.toBeNull();
    expect(full!.status).toBe(503);
    expect(full!.body.error.code).toBe('DB_FULL');
    const onDisk = ticketsOnDisk(path);
    expect(waitingInMemory(srv)).toBe(onDisk);
    const snap = await http<{ data: StaffSnapshot }>(srv.url, 'GET', '/api/offices/chuo/snapshot', undefined, { cookie });
    expect(snap.body.data.services.reduce((n, x) => n + x.waiting, 0)).toBe(onDisk);
    const health = await http<Health>(srv.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.data.reason).toBe('DB_FULL');

    srv.db.pragma('max_page_count = 1073741823');
    const retried = await issue(srv, full!.key);
    expect(retried.status).toBe(200);
    expect(ticketsOnDisk(path)).toBe(onDisk + 1);
    expect(waitingInMemory(srv)).toBe(onDisk + 1);
  });

  it('SQLite result codes map to the fault codes (I/O and disk full included); other errors stay INTERNAL', () => {
    const e = (code: string) => new Database.SqliteError('x', code);
    expect(dbFaultOf(e('SQLITE_BUSY'))).toBe('DB_BUSY');
    expect(dbFaultOf(e('SQLITE_BUSY_SNAPSHOT'))).toBe('DB_BUSY');
    expect(dbFaultOf(e('SQLITE_READONLY_DBMOVED'))).toBe('DB_READONLY');
    expect(dbFaultOf(e('SQLITE_IOERR_WRITE'))).toBe('DB_IO');
    expect(dbFaultOf(e('SQLITE_IOERR_SHMMAP'))).toBe('DB_IO');
    expect(dbFaultOf(e('SQLITE_FULL'))).toBe('DB_FULL');
    expect(dbFaultOf(e('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(toAppError(e('SQLITE_IOERR_FSYNC')).toBody().error.code).toBe('DB_IO');
    expect(toAppError(e('SQLITE_IOERR_FSYNC')).status).toBe(503);
    expect(toAppError(e('SQLITE_CONSTRAINT_UNIQUE')).toBody().error.code).toBe('INTERNAL');
    expect(toAppError(new Error('boom')).toBody().error.code).toBe('INTERNAL');
  });
});

/** Start `server/main.ts` as the unprivileged user nobody (root ignores file modes) and wait for it to exit. */
function startAsNobody(dbPath: string, timeoutMs = 30_000): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      uid: NOBODY,
      gid: NOBODY,
      env: { ...process.env, VITEST: '', HOME: '/tmp', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', MADOGUCHI_DB: dbPath, MADOGUCHI_BACKUP: 'off', MADOGUCHI_WEB: resolve(ROOT, 'dist/web') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`still running: ${out}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, out });
    });
  });
}

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('an unwritable database is refused at start with a clear line and exit code 3', () => {
  async function preparedDir(): Promise<{ dir: string; path: string }> {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const path = join(dir, 'm.db');
    const t = await makeTestDb({ path });
    t.db.close();
    return { dir, path };
  }

  it('directory not writable (db file writable): exit 3, names the folder', async () => {
    const { dir, path } = await preparedDir();
    chownSync(path, NOBODY, NOBODY);
    const r = await startAsNobody(path);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.out).toContain('起動できません');
    expect(r.out).toContain('directory is not writable');
    expect(r.out).toContain(dir);
  }, 40_000);

  it('an existing -shm file not writable (which SQLite would map and die of SIGBUS on): exit 3, names the file', async () => {
    const { dir, path } = await preparedDir();
    chownSync(dir, NOBODY, NOBODY);
    chownSync(path, NOBODY, NOBODY);
    writeFileSync(`${path}-shm`, ''); // owned by root, mode 644
    chmodSync(`${path}-shm`, 0o644);
    const r = await startAsNobody(path);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.out).toContain('shm is not writable');
    expect(r.out).toContain(`${path}-shm`);
  }, 40_000);

  it('preflight passes on a writable database, and creates a missing folder (first run)', async () => {
    const { path } = await preparedDir();
    expect(preflightDatabase(path)).toBeNull();
    expect(preflightDatabase(':memory:')).toBeNull();
    expect(preflightDatabase(join(tempDir(), 'data', 'new', 'm.db'))).toBeNull();
  });
});

describe('start-up output: device pairing links only on the first run', () => {
  it('first start prints the kiosk and display links; a restart prints where to find them instead', async () => {
    const path = join(tempDir(), 'first.db');
    const first = await spawnServerProcess({ dbPath: path });
    await waitFor(() => first.output().includes('/console/'), 5000, 'start-up lines');
    await first.kill('SIGTERM');
    expect(first.output()).toMatch(/発券機 Kiosk.*\/kiosk\/\?device=/);
    expect(first.output()).toMatch(/表示盤 Display.*\/display\/\?device=/);
    const again = await spawnServerProcess({ dbPath: path });
    await waitFor(() => again.output().includes('/console/'), 5000, 'start-up lines');
    await again.kill('SIGTERM');
    expect(again.output()).not.toContain('?device=');
    expect(again.output()).toContain('管理画面 → 管理 → 端末');
  }, 60_000);
});
