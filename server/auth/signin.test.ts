import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../common/errors.js';
import type { Whoami } from '../../common/types.js';
import { insertStaff, firstRunPasswordsFromEnv, seedDefault, FirstRunPasswordError } from '../seed.js';
import { migrate, openDatabase } from '../store/db.js';
import { connectSocket, emitAck, http, login, PASSWORD, startTestServer, waitFor, type TestServer } from '../testing.js';
import { verifyPassword } from './password.js';
import { passwordProblem } from './policy.js';

let srv: TestServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('sign-in answers the same, in the same time, for every failure', () => {
  it('unknown login, wrong password, disabled account and locked-out address: same status, code and message, medians within a factor of two', async () => {
    srv = await startTestServer();
    srv.db.prepare("UPDATE staff SET disabled = 1 WHERE id = 'clerk2'").run();
    const lockAddr = '198.51.100.9';
    let n = 0;
    const attempt = async (login: string, password: string, ip = `192.0.2.${++n}`) => {
      const t0 = performance.now();
      const r = await http<ErrorBody>(srv!.url, 'POST', '/api/auth/login', { login, password }, { headers: { 'X-Forwarded-For': ip } });
      return { ms: performance.now() - t0, status: r.status, body: r.body };
    };
    for (let i = 0; i < 5; i++) await attempt('supervisor', 'not the password', lockAddr); // locks lockAddr out of supervisor
    await attempt('nobody', 'x'); // warm-up
    const cases = {
      unknown: () => attempt('no-such-login', 'correct horse battery'),
      wrong: () => attempt('clerk1', 'not the password'),
      disabled: () => attempt('clerk2', PASSWORD),
      locked: () => attempt('supervisor', PASSWORD, lockAddr), // the right password, from the locked-out address
    };
    const times: Record<string, number[]> = { unknown: [], wrong: [], disabled: [], locked: [] };
    const answers = new Set<string>();
    for (let round = 0; round < 5; round++) {
      for (const [k, f] of Object.entries(cases)) {
        const r = await f();
        times[k]!.push(r.ms);
        answers.add(JSON.stringify([r.status, r.body]));
      }
    }
    expect([...answers]).toEqual([JSON.stringify([401, { error: { code: 'BAD_CREDENTIALS', message: 'ログインIDまたはパスワードが違います。失敗が続くと、しばらくの間サインインできなくなります。' } }])]);
    const wrong = median(times.wrong!);
    for (const k of ['unknown', 'disabled', 'locked']) {
      const ratio = median(times[k]!) / wrong;
      expect(ratio, `${k}: median ${median(times[k]!).toFixed(1)} ms against ${wrong.toFixed(1)} ms for a wrong password`).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
    // The audit log names existing accounts by id and never stores an unknown login as typed.
    const unknown = srv.db.prepare("SELECT target, detail_json FROM audit_log WHERE action = 'auth.login-failed' AND detail_json LIKE '%unknown-login%'").all() as { target: string | null; detail_json: string }[];
    expect(unknown.length).toBe(6);
    expect(unknown.every((u) => u.target === null && !u.detail_json.includes('no-such-login'))).toBe(true);
    expect(JSON.stringify(srv.db.prepare('SELECT * FROM audit_log').all())).not.toContain('no-such-login');
  }, 120_000);

  it('a password typed into the login field does not land in the audit log', async () => {
    srv = await startTestServer();
    const r = await http<ErrorBody>(srv.url, 'POST', '/api/auth/login', { login: 'Tr0ub4dor&3-secret', password: 'x' });
    expect(r.body.error.code).toBe('BAD_CREDENTIALS');
    expect(JSON.stringify(srv.db.prepare('SELECT * FROM audit_log').all())).not.toContain('Tr0ub4dor');
  });
});

describe('first-run passwords', () => {
  it('each seeded account gets its own random password; a generated admin password must be changed, a chosen one need not', async () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const seeded = await seedDefault(db);
    const pws = seeded.accounts.map((a) => a.password!);
    expect(seeded.accounts.map((a) => a.login)).toEqual(['admin', 'supervisor', 'clerk1', 'clerk2', 'clerk3']);
    expect(new Set(pws).size).toBe(5);
    for (const p of pws) expect(passwordProblem(p)).toBeNull();
    const rows = db.prepare('SELECT login, password_hash, must_change_password FROM staff ORDER BY rowid').all() as { login: string; password_hash: string; must_change_password: number }[];
    expect(rows.map((r) => [r.login, r.must_change_password])).toEqual([['admin', 1], ['supervisor', 0], ['clerk1', 0], ['clerk2', 0], ['clerk3', 0]]);
    expect(await verifyPassword(pws[0]!, rows[2]!.password_hash)).toBe(false); // clerk1 does not have the admin's password
    expect(await verifyPassword(pws[2]!, rows[2]!.password_hash)).toBe(true);
    db.close();

    const db2 = openDatabase(':memory:');
    migrate(db2);
    const chosen = await seedDefault(db2, firstRunPasswordsFromEnv({ MADOGUCHI_ADMIN_PASSWORD: 'our office passphrase', MADOGUCHI_STAFF_PASSWORD: 'training day passphrase' }));
    expect(chosen.accounts.map((a) => [a.login, a.password, a.mustChange])).toEqual([
      ['admin', null, false], ['supervisor', null, false], ['clerk1', null, false], ['clerk2', null, false], ['clerk3', null, false],
    ]);
    const hashes = db2.prepare('SELECT login, password_hash FROM staff').all() as { login: string; password_hash: string }[];
    expect(await verifyPassword('our office passphrase', hashes.find((h) => h.login === 'admin')!.password_hash)).toBe(true);
    expect(await verifyPassword('training day passphrase', hashes.find((h) => h.login === 'clerk3')!.password_hash)).toBe(true);
    db2.close();
  }, 60_000);

  it('MADOGUCHI_ADMIN_PASSWORD and MADOGUCHI_STAFF_PASSWORD are checked with the password rules', () => {
    const refused = (env: Record<string, string>) => {
      try {
        firstRunPasswordsFromEnv(env);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(FirstRunPasswordError);
        return (e as Error).message;
      }
    };
    expect(refused({ MADOGUCHI_ADMIN_PASSWORD: 'admin' })).toMatch(/MADOGUCHI_ADMIN_PASSWORD.*10文字以上/);
    expect(refused({ MADOGUCHI_ADMIN_PASSWORD: 'admin-2026-madoguchi' })).toMatch(/ログインIDを含む/);
    expect(refused({ MADOGUCHI_ADMIN_PASSWORD: 'Password2026!' })).toMatch(/よく使われる/);
    expect(refused({ MADOGUCHI_STAFF_PASSWORD: 'clerk1clerk1' })).toMatch(/MADOGUCHI_STAFF_PASSWORD/);
    expect(refused({ MADOGUCHI_ADMIN_PASSWORD: 'same long passphrase', MADOGUCHI_STAFF_PASSWORD: 'same long passphrase' })).toMatch(/differ/);
    expect(refused({ MADOGUCHI_ADMIN_PASSWORD: 'our office passphrase' })).toBeNull();
    expect(refused({})).toBeNull();
  });

  it('an admin with a first-run password gets 403 PASSWORD_CHANGE_REQUIRED for everything but the change, me and sign-out, until it is changed', async () => {
    srv = await startTestServer();
    await insertStaff(srv.db, { id: 'first', login: 'first', name: '初回管理者', role: 'admin', officeId: null, password: 'printed-Xq81-pw', mustChangePassword: true });
    const res = await http<{ data: { mustChangePassword?: boolean } }>(srv.url, 'POST', '/api/auth/login', { login: 'first', password: 'printed-Xq81-pw' });
    expect(res.status).toBe(200);
    expect(res.body.data.mustChangePassword).toBe(true);
    const cookie = await login(srv.url, 'first', 'printed-Xq81-pw');
    for (const [method, path, body] of [
      ['GET', '/api/admin/staff', undefined],
      ['GET', '/api/offices/chuo/snapshot', undefined],
      ['PUT', '/api/offices/chuo/ticker', { ticker: 'x' }],
      ['POST', '/api/admin/staff', { login: 'sneaky', name: 'x', role: 'admin', officeId: null, password: 'a long passphrase here' }],
      ['POST', '/api/offices/chuo/tickets', { commandId: 'cmd-first-0001', serviceId: 'chuo-A' }],
      ['GET', '/api/reports/summary?offices=chuo&from=2026-03-24&to=2026-03-24', undefined],
    ] as const) {
      const r = await http<ErrorBody>(srv.url, method, path, body, { cookie });
      expect([path, r.status, r.body.error?.code]).toEqual([path, 403, 'PASSWORD_CHANGE_REQUIRED']);
    }
    expect(srv.db.prepare("SELECT count(*) AS n FROM staff WHERE login = 'sneaky'").get()).toEqual({ n: 0 });
    expect(srv.db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    const me = await http<{ data: Whoami }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie });
    expect(me.body.data).toMatchObject({ kind: 'staff', staff: { login: 'first' }, mustChangePassword: true });
    expect((await http(srv.url, 'GET', '/api/public/offices', undefined, { cookie })).status).toBe(200);
    // The socket layer treats such a session as no session: no staff snapshot, no commands.
    const sock = connectSocket(srv.url, { cookie });
    await waitFor(() => sock.connected);
    expect(await emitAck<{ data: { kind: string } }>(sock, 'session:whoami', {})).toEqual({ data: { kind: 'none' } });
    sock.disconnect();
    // Weak or unchanged new passwords are refused with their reason; then the change goes through.
    const change = (newPassword: string, currentPassword = 'printed-Xq81-pw') => http<ErrorBody>(srv!.url, 'POST', '/api/auth/password', { currentPassword, newPassword }, { cookie });
    expect((await change('printed-Xq81-pw')).body.error.details).toEqual({ reason: 'same-as-current' });
    expect((await change('short')).body.error.details).toEqual({ reason: 'too-short' });
    expect((await change('first-admin-2026')).body.error.details).toEqual({ reason: 'contains-login' });
    expect((await change('zzzzzzzzzzzz')).body.error.details).toEqual({ reason: 'repeated' });
    expect((await change('1234567890ab')).body.error.details).toEqual({ reason: 'sequence' });
    const weak = await change('P@ssw0rd2026');
    expect([weak.status, weak.body.error.code, weak.body.error.details]).toEqual([400, 'WEAK_PASSWORD', { reason: 'common' }]);
    expect((await change('a good new passphrase', 'wrong current')).body.error.code).toBe('BAD_CREDENTIALS');
    expect((await change('a good new passphrase')).status).toBe(200);
    // Every session ended with the change; a new sign-in is a normal admin.
    expect((await http<{ data: Whoami }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie })).body.data.kind).toBe('none');
    const fresh = await http<{ data: { mustChangePassword?: boolean } }>(srv.url, 'POST', '/api/auth/login', { login: 'first', password: 'a good new passphrase' });
    expect(fresh.body.data.mustChangePassword).toBeUndefined();
    const after = await login(srv.url, 'first', 'a good new passphrase');
    expect((await http(srv.url, 'GET', '/api/admin/staff', undefined, { cookie: after })).status).toBe(200);
  }, 120_000);
});

describe('admin ids', () => {
  it('a busy-season id must be a decimal integer: 1e0, 0x1, 01 and 1.0 are refused and delete nothing', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'admin');
    const made = await http<{ data: { id: number } }>(srv.url, 'POST', '/api/admin/busy-seasons', { officeId: 'chuo', year: 2026, startDay: '2026-03-19', endDay: '2026-04-09' }, { cookie });
    expect(made.body.data.id).toBe(1);
    for (const bad of ['1e0', '0x1', '01', '1.0', '%201']) {
      const r = await http<ErrorBody>(srv.url, 'DELETE', `/api/admin/busy-seasons/${bad}`, {}, { cookie });
      expect([bad, r.status, r.body.error.code]).toEqual([bad, 400, 'INVALID_INPUT']);
    }
    expect(srv.db.prepare('SELECT count(*) AS n FROM busy_seasons').get()).toEqual({ n: 1 });
    expect((await http(srv.url, 'DELETE', '/api/admin/busy-seasons/1', {}, { cookie })).status).toBe(200);
    // The audit log's limit is a decimal integer too.
    expect((await http<ErrorBody>(srv.url, 'GET', '/api/admin/audit?limit=1e1', undefined, { cookie })).body.error.code).toBe('INVALID_INPUT');
    expect((await http<{ data: unknown[] }>(srv.url, 'GET', '/api/admin/audit?limit=2', undefined, { cookie })).body.data.length).toBe(2);
    expect(srv.db.prepare('SELECT count(*) AS n FROM busy_seasons').get()).toEqual({ n: 0 });
  });
});
