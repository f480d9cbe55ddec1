import { createRequire } from 'node:module';
import { join } from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { PublicSnapshot } from '../common/types.js';
import { commandSchemas } from '../common/schemas.js';
import { createSession, SESSION_COOKIE } from '../server/auth/sessions.js';
import { Engine } from '../server/engine.js';
import { systemClock } from '../server/queue/clock.js';
import { insertDevice, seedOffice } from '../server/seed.js';
import { cid, emitAck, makeTestDb, spawnServerProcess, type ServerProcess, type TestSocket } from '../server/testing.js';
import { sleep, tempDir } from './lib.js';
import { percentile, round, row, type BenchRow } from './types.js';

/**
 * A city in one process (issue 17): OFFICES ward offices on one server, each with 10–20 counters
 * (a clerk socket each, following staff deltas), a kiosk (HTTP), a display (socket) and PHONES
 * status-page sockets (raw websockets that subscribe and count bytes, so the bench's own client
 * stays light). Load per office: the busy-season peak — about 360 tickets an hour (2,500 a day,
 * a third of them 9:00–11:00) and as many calls — sped up SPEED (10) times so a short run has
 * samples (a harder test than the real peak); each office starts with 40 tickets waiting.
 * Measured: command p99 (issue over HTTP and call-next over the socket, request → answer) and
 * call → display p99 (call-next sent → that office's display holds a snapshot with the call).
 * Baseline: one office with the same per-office load and clients, in the same run. Then the load
 * per office is doubled until a p99 doubles against that baseline: the offices one process carries
 * ≈ OFFICES × the last multiplier that stayed under 2× (commands and broadcasts scale with it;
 * sockets and memory do not, they are measured at OFFICES).
 */
const OFFICES = Number(process.env.BENCH_CITY_OFFICES ?? 20);
const PHONES = Number(process.env.BENCH_CITY_PHONES ?? 200);
const SPEED = Number(process.env.BENCH_CITY_SPEED ?? 10);
const SECONDS = Number(process.env.BENCH_CITY_SECONDS ?? 12);
const MULTIPLIERS = (process.env.BENCH_CITY_MULTIPLIERS ?? '2,4,8').split(',').map(Number);
const PEAK_PER_HOUR = 360;

interface RawWs {
  on(ev: 'message', fn: (data: Buffer) => void): void;
  on(ev: 'open' | 'close' | 'error', fn: (...a: unknown[]) => void): void;
  send(data: string): void;
  close(): void;
  readyState: number;
}
const WebSocket = createRequire(createRequire(import.meta.url).resolve('socket.io'))('ws') as new (url: string) => RawWs;

interface Office {
  id: string;
  kioskToken: string;
  displayToken: string;
  counters: string[];
  cookies: string[];
  services: string[];
}

/** One database with `n` offices: ids o01…, 10–20 counters each, a kiosk, a display, a signed-in clerk per counter. */
async function prepareCity(path: string, n: number): Promise<Office[]> {
  const t = await makeTestDb({ path, now: Date.now() });
  const db = t.db;
  const hash = (db.prepare("SELECT password_hash FROM staff WHERE id = 'clerk1'").get() as { password_hash: string }).password_hash;
  const prefixes = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
  const offices: Office[] = [];
  const now = Date.now();
  for (let k = 1; k <= n; k++) {
    const id = `o${String(k).padStart(2, '0')}`;
    const nCounters = 10 + ((k * 7) % 11); // 10–20
    const counters: [string, string[]][] = Array.from({ length: nCounters }, (_, i) => [String(i + 1), [prefixes[i % 7]!, prefixes[(i + 3) % 7]!]]);
    seedOffice(db, { id, name: { ja: `区役所${k}`, en: `Ward office ${k}` }, hours: null, counters }, now);
    const kioskToken = insertDevice(db, { id: `${id}-kiosk`, officeId: id, kind: 'kiosk', name: 'kiosk' }, now);
    const displayToken = insertDevice(db, { id: `${id}-display`, officeId: id, kind: 'display', name: 'display' }, now);
    const cookies: string[] = [];
    for (let i = 1; i <= nCounters; i++) {
      const staffId = `${id}-clerk${i}`;
      db.prepare("INSERT INTO staff (id, office_id, login, name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, 'clerk', ?, 0, 0)").run(staffId, id, staffId, staffId, hash);
      cookies.push(`${SESSION_COOKIE}=${createSession(db, staffId, now)}`); // sessions made directly: 300 scrypt sign-ins would be the bench
    }
    offices.push({ id, kioskToken, displayToken, counters: counters.map(([l]) => `${id}-c${l}`), cookies, services: prefixes.map((p) => `${id}-${p}`) });
  }
  db.prepare('UPDATE services SET number_end = 9999').run();
  // A queue to call from the first second: 40 waiting per office, issued in-process in one transaction.
  const engine = new Engine({ db, clock: systemClock });
  db.transaction(() => {
    for (const o of offices) {
      for (let i = 0; i < 40; i++) {
        const payload = commandSchemas['ticket:issue'].parse({ commandId: cid('fill'), officeId: o.id, serviceId: o.services[i % o.services.length] });
        engine.execute({ role: 'kiosk', staffId: null, deviceId: `${o.id}-kiosk` }, { name: 'ticket:issue', payload } as never);
      }
    }
  })();
  db.close();
  return offices;
}

interface Live {
  office: Office;
  display: Socket;
  displayGot: { at: number; callIds: number[] }[];
  clerks: Socket[];
  phones: RawWs[];
  phoneBytes: number;
  busy: Set<number>;
  next: number;
}

async function connect(url: string, o: Office): Promise<Live> {
  const display = ioClient(url, { transports: ['websocket'], forceNew: true, auth: { deviceToken: o.displayToken }, reconnection: false });
  const live: Live = { office: o, display, displayGot: [], clerks: [], phones: [], phoneBytes: 0, busy: new Set(), next: 0 };
  display.on('office:snapshot', (s: PublicSnapshot) => live.displayGot.push({ at: performance.now(), callIds: s.recentCalls.map((c) => c.callId) }));
  live.clerks = o.cookies.map((cookie) => ioClient(url, { transports: ['websocket'], forceNew: true, extraHeaders: { Cookie: cookie }, reconnection: false }));
  for (let i = 0; i < PHONES; i++) live.phones.push(phone(url, o, live));
  return live;
}

/** A status-page socket as raw websocket frames: connects, subscribes, answers pings, counts bytes. */
function phone(url: string, o: Office, live: Live): RawWs {
  {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    // engine.io: "0{…}" open → "40" connect the namespace; "2" ping → "3" pong; then subscribe as the status page does.
    ws.on('message', (data: Buffer) => {
      live.phoneBytes += data.length;
      const s = data.toString('utf8', 0, Math.min(data.length, 3));
      if (s.startsWith('0{')) ws.send('40');
      else if (s === '2') ws.send('3');
      else if (s.startsWith('40')) ws.send(`42${JSON.stringify(['office:subscribe', { officeId: o.id }])}`);
    });
    ws.on('error', () => undefined);
    return ws;
  }
}

/** Wait until one office's clients are connected; a phone refused or dropped while connecting is replaced. */
async function ready(url: string, l: Live): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(l.display.connected && l.clerks.every((c) => c.connected) && l.phones.every((p) => p.readyState === 1))) {
    if (Date.now() > deadline) throw new Error(`city clients did not connect (${l.office.id}: ${l.phones.filter((p) => p.readyState === 1).length}/${l.phones.length} phones)`);
    l.phones = l.phones.map((p) => (p.readyState === 3 ? phone(url, l.office, l) : p));
    await sleep(50);
  }
}

async function openCounters(lives: Live[]): Promise<void> {
  for (const l of lives) {
    for (const [i, c] of l.clerks.entries()) {
      await emitAck(c as unknown as TestSocket, 'office:subscribe', { officeId: l.office.id, deltas: true }, 60_000);
      const r = (await emitAck(c as unknown as TestSocket, 'counter:open', { commandId: cid('open'), counterId: l.office.counters[i] }, 60_000)) as { error?: unknown };
      if (r.error) throw new Error(`open failed: ${JSON.stringify(r.error)}`);
    }
  }
}

/** Run the peak load × `mult` for SECONDS on these offices; command and call → display latencies. */
async function load(url: string, lives: Live[], mult: number, seconds = SECONDS): Promise<{ cmd: number[]; display: number[]; commands: number }> {
  const perOfficePerSec = (PEAK_PER_HOUR / 3600) * SPEED * mult; // issues per second per office; as many calls
  const interval = 1000 / (perOfficePerSec * 2 * lives.length);
  const cmd: number[] = [];
  const calls: { live: Live; t0: number; callId: number }[] = [];
  const inflight: Promise<unknown>[] = [];
  const end = performance.now() + seconds * 1000;
  let k = 0;
  while (performance.now() < end) {
    const live = lives[Math.floor(k / 2) % lives.length]!;
    const isIssue = k % 2 === 0;
    k += 1;
    const t0 = performance.now();
    if (isIssue) {
      const o = live.office;
      inflight.push(
        fetch(`${url}/api/offices/${o.id}/tickets`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${o.kioskToken}` },
          body: JSON.stringify({ commandId: cid('city'), serviceId: o.services[Math.floor(Math.random() * o.services.length)] }),
        }).then(async (r) => {
          await r.arrayBuffer();
          if (r.ok) cmd.push(performance.now() - t0);
        }),
      );
    } else {
      const i = live.next++ % live.office.counters.length;
      const sock = live.clerks[i]! as unknown as TestSocket;
      const counterId = live.office.counters[i];
      inflight.push(
        (async () => {
          if (live.busy.has(i)) await emitAck(sock, 'counter:done', { commandId: cid('done'), counterId }, 60_000).catch(() => null);
          const t1 = performance.now();
          const r = (await emitAck(sock, 'counter:call-next', { commandId: cid('call'), counterId }, 60_000).catch(() => ({}))) as { data?: { version: number } };
          if (!r.data) return;
          cmd.push(performance.now() - t1);
          live.busy.add(i);
          calls.push({ live, t0: t1, callId: r.data.version });
        })(),
      );
    }
    const wait = t0 + interval - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inflight);
  await sleep(1500);
  const display: number[] = [];
  for (const c of calls) {
    const hit = c.live.displayGot.find((g) => g.at >= c.t0 && g.callIds.some((id) => id >= c.callId));
    if (hit) display.push(hit.at - c.t0);
  }
  return { cmd, display, commands: k };
}

async function city(dir: string, n: number, mults: number[], seconds = SECONDS): Promise<{ mult: number; cmd: number[]; display: number[]; rssMb: number }[]> {
  const dbPath = join(dir, `city-${n}.db`);
  const offices = await prepareCity(dbPath, n);
  const srv: ServerProcess = await spawnServerProcess({ dbPath, timeoutMs: 60_000, env: { MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '0', MADOGUCHI_LOGIN_LIMIT: '100000' } });
  const lives: Live[] = [];
  try {
    // Office by office: thousands of handshakes at once would time out on a loaded machine.
    for (const o of offices) {
      const l = await connect(srv.url, o);
      lives.push(l);
      await ready(srv.url, l);
    }
    await openCounters(lives);
    // Let the opening's broadcasts drain (health answers quickly again), then a short discarded warm-up.
    for (let i = 0; i < 600; i++) {
      const t0 = performance.now();
      await fetch(`${srv.url}/api/health`).then((r) => r.arrayBuffer());
      if (performance.now() - t0 < 20) break;
      await sleep(100);
    }
    await load(srv.url, lives, 1, 3);
    await sleep(1000);
    const out = [];
    for (const mult of mults) {
      const r = await load(srv.url, lives, mult, seconds);
      const { readFileSync } = await import('node:fs');
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.pid}/status`, 'utf8'));
      out.push({ mult, ...r, rssMb: m ? Number(m[1]) / 1024 : NaN });
    }
    return out;
  } finally {
    for (const l of lives) {
      l.display.disconnect();
      for (const c of l.clerks) c.disconnect();
      for (const p of l.phones) p.close();
    }
    await srv.kill('SIGTERM');
  }
}

export default async function run(): Promise<BenchRow[]> {
  const { dir, cleanup } = tempDir('city');
  try {
    const [one] = await city(dir, 1, [1], SECONDS * 2); // one office has few calls a second: a longer run
    const runs = await city(dir, OFFICES, [1, ...MULTIPLIERS]);
    const base = { cmd: percentile(one!.cmd, 99), display: percentile(one!.display, 99) };
    const at1 = runs[0]!;
    // The largest load multiplier whose p99s both stayed under twice the one-office figures.
    let carried = 0;
    for (const r of runs) if (percentile(r.cmd, 99) < 2 * base.cmd && percentile(r.display, 99) < 2 * base.display) carried = Math.max(carried, r.mult);
    const clients = `${PHONES} phones, 10–20 counters, display, kiosk each; peak ×${SPEED}`;
    const rows = [
      row({ name: `city: command p99, ${OFFICES} offices (${clients})`, value: round(percentile(at1.cmd, 99)), unit: 'ms', baseline: round(base.cmd), baselineName: 'same load, 1 office', target: '≤ 2×' }),
      row({ name: `city: call→display p99, ${OFFICES} offices`, value: round(percentile(at1.display, 99)), unit: 'ms', baseline: round(base.display), baselineName: 'same load, 1 office', target: '≤ 2×' }),
    ];
    for (const r of runs.slice(1)) {
      rows.push(row({ name: `city: command p99, ${OFFICES} offices at ${r.mult}× peak (≈ ${OFFICES * r.mult} offices)`, value: round(percentile(r.cmd, 99)), unit: 'ms', baseline: round(base.cmd), baselineName: 'same load, 1 office', target: '—' }));
      rows.push(row({ name: `city: call→display p99, ${OFFICES} offices at ${r.mult}× peak`, value: round(percentile(r.display, 99)), unit: 'ms', baseline: round(base.display), baselineName: 'same load, 1 office', target: '—' }));
    }
    rows.push(row({ name: `city: offices one process carries before a p99 doubles (≈ ${OFFICES} × load multiplier)`, value: OFFICES * carried, unit: 'offices', baseline: OFFICES, baselineName: 'offices connected', target: '—' }));
    rows.push(row({ name: `city: server RSS with ${OFFICES} offices (${OFFICES * (PHONES + 17)} sockets)`, value: round(at1.rssMb, 1), unit: 'MB', baseline: round(runs.at(-1)!.rssMb, 1), baselineName: 'after the heaviest load', target: '—' }));
    return rows;
  } finally {
    cleanup();
  }
}
