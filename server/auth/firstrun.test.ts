import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import { http, spawnServerProcess, type ServerProcess } from '../testing.js';

/** `server/main.ts` on a new database: what the operator sees and can do on the very first start. */
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-firstrun-'));
let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('refuses to start with a weak MADOGUCHI_ADMIN_PASSWORD, saying why', async () => {
    const err = await spawnServerProcess({ dbPath: join(dir, 'weak.db'), env: { MADOGUCHI_ADMIN_PASSWORD: 'admin12345' }, timeoutMs: 60_000 }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(err).toMatch(/server exited early/);
    expect(err).toMatch(/起動できません \/ Cannot start: MADOGUCHI_ADMIN_PASSWORD/);
    expect(err).toMatch(/ログインIDを含む/);
  }, 90_000);

  it('prints a different password for each seeded account; the admin must change theirs before anything else', async () => {
    server = await spawnServerProcess({ dbPath: join(dir, 'fresh.db'), env: { MADOGUCHI_ADMIN_PASSWORD: '', MADOGUCHI_STAFF_PASSWORD: '' }, timeoutMs: 60_000 });
    // Health answers as soon as the server listens; the start-up lines follow a moment later.
    for (let i = 0; i < 100 && !/Give each person only their own/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
    const out = server.output();
    const printed = new Map([...out.matchAll(/^ {4}(admin|supervisor|clerk[123]) +(\S+)(.*)$/gm)].map((m) => [m[1]!, { pw: m[2]!, note: m[3]! }]));
    expect([...printed.keys()]).toEqual(['admin', 'supervisor', 'clerk1', 'clerk2', 'clerk3']);
    expect(new Set([...printed.values()].map((p) => p.pw)).size).toBe(5);
    expect(printed.get('admin')!.note).toMatch(/must be changed at first sign-in/);
    expect(printed.get('clerk1')!.note).toBe('');
    // A clerk's password is not the admin's: it does not open the admin account.
    const cross = await http<ErrorBody>(server.url, 'POST', '/api/auth/login', { login: 'admin', password: printed.get('clerk1')!.pw });
    expect(cross.body.error.code).toBe('BAD_CREDENTIALS');
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: printed.get('admin')!.pw }) });
    expect(((await res.json()) as { data: { mustChangePassword?: boolean } }).data.mustChangePassword).toBe(true);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const staff = await http<ErrorBody>(server.url, 'GET', '/api/admin/staff', undefined, { cookie });
    expect([staff.status, staff.body.error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect((await http(server.url, 'POST', '/api/auth/password', { currentPassword: printed.get('admin')!.pw, newPassword: 'our city-wide passphrase' }, { cookie })).status).toBe(200);
    const clerk = await http<{ data: { mustChangePassword?: boolean } }>(server.url, 'POST', '/api/auth/login', { login: 'clerk1', password: printed.get('clerk1')!.pw });
    expect(clerk.status).toBe(200);
    expect(clerk.body.data.mustChangePassword).toBeUndefined();
  }, 90_000);
});
