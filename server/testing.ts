import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js';
import type { CallPolicy, OfficeHours, PublicSnapshot, StaffSnapshot } from '../common/types.js';
import { createApplication, type Application, type AppOptions } from './app.js';
import { ManualClock } from './queue/clock.js';
import { loadRouters } from './routers.js';
import { insertDevice, insertStaff, seedOffice, type SeedOfficeOptions } from './seed.js';
import { migrate, openDatabase, type DB } from './store/db.js';
import { hashPassword } from './auth/password.js';

/**
 * Test kit: a migrated database (in memory unless a path is given), the default office with
 * reception always open, staff of every role, a kiosk and a display, and a manual clock.
 * Used by unit, integration and browser tests alike.
 */
export const T0 = Date.UTC(2026, 2, 24, 0, 30); // 2026-03-24 09:30 in Tokyo, a busy-season Tuesday
export const PASSWORD = 'correct horse battery';

/** scrypt is slow on purpose (32 MiB per hash): the kit hashes the test password once per process. */
let passwordHashOnce: Promise<string> | null = null;
const testPasswordHash = () => (passwordHashOnce ??= hashPassword(PASSWORD));

export interface TestOffice {
  db: DB;
  clock: ManualClock;
  officeId: string;
  kioskToken: string;
  displayToken: string;
}

export async function makeTestDb(opts: { path?: string; hours?: OfficeHours | null; policy?: Partial<CallPolicy>; office?: Partial<SeedOfficeOptions>; now?: number } = {}): Promise<TestOffice> {
  const db = openDatabase(opts.path ?? ':memory:');
  migrate(db);
  const now = opts.now ?? T0;
  const officeId = 'chuo';
  seedOffice(db, { id: officeId, name: { ja: '中央区役所', en: 'Chuo Ward Office' }, hours: opts.hours ?? null, policy: opts.policy, ...opts.office }, now);
  const kioskToken = insertDevice(db, { id: 'kiosk-1', officeId, kind: 'kiosk', name: 'kiosk', token: 'kiosk-token-0123456789' }, now);
  const displayToken = insertDevice(db, { id: 'display-1', officeId, kind: 'display', name: 'display', token: 'display-token-0123456789' }, now);
  for (const [id, role] of [['clerk1', 'clerk'], ['clerk2', 'clerk'], ['supervisor', 'supervisor'], ['admin', 'admin']] as const) {
    await insertStaff(db, { id, login: id, name: id, role, officeId: role === 'admin' ? null : officeId, password: PASSWORD, passwordHash: await testPasswordHash() }, now);
  }
  return { db, clock: new ManualClock(now), officeId, kioskToken, displayToken };
}

export interface TestServer extends TestOffice {
  app: Application;
  url: string;
  close(): Promise<void>;
}

/** A real server on port 0 around a test database. */
export async function startTestServer(opts: Parameters<typeof makeTestDb>[0] & Partial<AppOptions> = {}): Promise<TestServer> {
  const office = await makeTestDb(opts);
  // The kiosk issue rate limit is off in the test kit (tests issue many tickets at one frozen instant); tests of the limit pass `kioskIssueLimit`.
  const app = createApplication({ db: office.db, clock: office.clock, tickMs: 0, routers: loadRouters, webRoot: opts.webRoot ?? null, kioskIssueLimit: null, ...opts });
  const port = await app.listen(0, '127.0.0.1');
  return {
    ...office,
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      office.db.close();
    },
  };
}

/** Sign in over HTTP; returns the cookie header value. */
export async function login(url: string, loginName: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: loginName, password }) });
  if (!res.ok) throw new Error(`login ${loginName} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no cookie');
  return cookie.split(';')[0]!;
}

let seq = 0;
export const cid = (label = 'cmd') => `${label}-${process.pid}-${Date.now()}-${++seq}`;

export interface CallOpts {
  cookie?: string;
  device?: string;
  headers?: Record<string, string>;
}

/** JSON request; returns status and parsed body. */
export async function http<T = unknown>(url: string, method: string, path: string, body?: unknown, o: CallOpts = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...o.headers };
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.device) headers.Authorization = `Bearer ${o.device}`;
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client that records every snapshot it receives. */
export function connectSocket(url: string, o: { cookie?: string; deviceToken?: string } = {}): TestSocket & { snapshots: (PublicSnapshot | StaffSnapshot)[] } {
  const s = ioClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    auth: o.deviceToken ? { deviceToken: o.deviceToken } : {},
    extraHeaders: o.cookie ? { Cookie: o.cookie } : undefined,
  }) as TestSocket & { snapshots: (PublicSnapshot | StaffSnapshot)[] };
  s.snapshots = [];
  s.on('office:snapshot', (snap) => s.snapshots.push(snap));
  return s;
}

/** Emit with ack as a promise. */
export function emitAck<T = unknown>(socket: TestSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), timeoutMs);
    (socket.emit as (ev: string, p: unknown, ack: (r: T) => void) => void)(event, payload, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
  });
}

/** Wait until `pred` holds, polling. */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A TCP port free on loopback right now (for servers that must restart on the same port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

/** A server in its own process (`tsx server/main.ts`) on a database file, for crash and restart tests. */
export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  output: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Spawned servers run without the kiosk limit and the socket event budget (the soak and benchmarks drive them hard); tests of those limits pass them in `env`. */
export async function spawnServerProcess(opts: { dbPath: string; port?: number; env?: Record<string, string>; timeoutMs?: number }): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const { resolve, dirname } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'server/main.ts')], {
    cwd: root,
    env: { ...process.env, VITEST: '', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', MADOGUCHI_DB: opts.dbPath, MADOGUCHI_WEB: resolve(root, 'dist/web'), MADOGUCHI_KIOSK_ISSUE_LIMIT: 'off', MADOGUCHI_SOCKET_EVENTS: 'off', MADOGUCHI_BACKUP: 'off', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${out}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    pid: child.pid!,
    output: () => out,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** RFC 4180 reader as Excel reads a CSV (BOM, quotes with "" escapes, CRLF or LF records). */
export function parseCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') rec.push(field), (field = '');
    else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      rec.push(field), records.push(rec), (rec = []), (field = '');
      if (ch === '\r') i++;
    } else field += ch;
  }
  if (field || rec.length) rec.push(field), records.push(rec);
  return records;
}
