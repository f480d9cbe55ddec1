import { join } from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { receiveStaffDelta, type StaffDelta } from '../common/delta.js';
import { commandSchemas } from '../common/schemas.js';
import type { StaffSnapshot } from '../common/types.js';
import { Engine } from '../server/engine.js';
import { systemClock } from '../server/queue/clock.js';
import { openDatabase } from '../server/store/db.js';
import { cid, emitAck, login, type TestSocket } from '../server/testing.js';
import { prepareDb, sleep, tempDir, withServer } from './lib.js';
import { percentile, round, row, type BenchRow } from './types.js';

/**
 * Big office (issue 17): 4,000 tickets waiting and 30 counters. Each counter's socket follows the
 * office with staff deltas (as the counter screen does) and one console socket the old way (a full
 * snapshot per change). Clerks press done + call-next in turn. Measured: the command's latency
 * (emit → ack), call → counter (emit → the calling counter holds a snapshot of that version, delta
 * applied), and the bytes each staff socket receives per change. Baselines from the same run: the
 * same office with 40 waiting (command p99) and the full-snapshot socket (bytes, call → console).
 */
const COUNTERS = 30;
const WAITING = Number(process.env.BENCH_BIG_WAITING ?? 4000);
const CALLS = Number(process.env.BENCH_BIG_CALLS ?? 60);

interface Follower {
  socket: Socket;
  held: StaffSnapshot | null;
  /** Version held over time. */
  got: { version: number; at: number }[];
  deltaBytes: number[];
  fullBytes: number[];
  resyncs: number;
}

function follow(url: string, cookie: string, deltas: boolean): Follower {
  const socket = ioClient(url, { transports: ['websocket'], forceNew: true, extraHeaders: { Cookie: cookie }, reconnection: false });
  const f: Follower = { socket, held: null, got: [], deltaBytes: [], fullBytes: [], resyncs: 0 };
  // Byte counts are the JSON payloads as they travel (socket.io adds a few bytes of framing).
  socket.on('office:snapshot', (s: StaffSnapshot) => {
    f.fullBytes.push(JSON.stringify(s).length);
    f.held = s;
    f.got.push({ version: s.version, at: performance.now() });
  });
  socket.on('office:staff-delta', (d: StaffDelta) => {
    f.deltaBytes.push(JSON.stringify(d).length);
    const next = receiveStaffDelta(f.held, d);
    if (next === 'resync') {
      f.resyncs += 1;
      f.held = null;
      socket.emit('office:subscribe', { officeId: 'chuo', deltas: true }, () => undefined);
      return;
    }
    f.held = next;
    f.got.push({ version: next.version, at: performance.now() });
  });
  void deltas;
  return f;
}

const reached = (f: Follower, version: number, t0: number) => f.got.find((g) => g.version >= version && g.at >= t0)?.at;

/** Fill the queue in-process before the server starts: one transaction, one fsync. */
function fill(dbPath: string, waiting: number, services: string[]): void {
  const db = openDatabase(dbPath);
  try {
    const engine = new Engine({ db, clock: systemClock });
    const kiosk = { role: 'kiosk' as const, staffId: null, deviceId: 'kiosk-1' };
    db.transaction(() => {
      for (let i = 0; i < waiting; i++) {
        const payload = commandSchemas['ticket:issue'].parse({ commandId: cid('fill'), officeId: 'chuo', serviceId: services[i % services.length] });
        engine.execute(kiosk, { name: 'ticket:issue', payload } as never);
      }
    })();
  } finally {
    db.close();
  }
}

async function office(dir: string, waiting: number): Promise<{ cmd: number[]; counter: number[]; consoleLat: number[]; deltaBytes: number[]; fullBytes: number; resyncs: number }> {
  const dbPath = join(dir, `big-${waiting}.db`);
  const prep = await prepareDb(dbPath, { counters: COUNTERS });
  const services = [...new Set([...prep.counterServices.values()].flat())];
  fill(dbPath, waiting + CALLS + COUNTERS, services);
  return withServer(dbPath, async (srv) => {
    const cookies = await Promise.all(prep.clerks.map((c) => login(srv.url, c)));
    const counters = cookies.map((cookie) => follow(srv.url, cookie, true));
    const consoleSock = follow(srv.url, await login(srv.url, 'supervisor'), false);
    const all = [...counters, consoleSock];
    const deadline = Date.now() + 60_000;
    while (!all.every((f) => f.socket.connected)) {
      if (Date.now() > deadline) throw new Error('clients did not connect');
      await sleep(20);
    }
    for (const c of counters) await emitAck(c.socket as unknown as TestSocket, 'office:subscribe', { officeId: 'chuo', deltas: true }, 60_000);
    await emitAck(consoleSock.socket as unknown as TestSocket, 'office:subscribe', { officeId: 'chuo' }, 60_000);
    for (let i = 0; i < COUNTERS; i++) {
      const r = (await emitAck(counters[i]!.socket as unknown as TestSocket, 'counter:open', { commandId: cid('open'), counterId: prep.counters[i] }, 60_000)) as { error?: unknown };
      if (r.error) throw new Error(`open failed: ${JSON.stringify(r.error)}`);
    }
    await sleep(500);
    for (const f of all) (f.deltaBytes.length = 0), (f.fullBytes.length = 0);
    const cmd: number[] = [];
    const samples: { t0: number; version: number; i: number }[] = [];
    const busy = new Set<number>();
    for (let k = 0; k < CALLS; k++) {
      const i = k % COUNTERS;
      const sock = counters[i]!.socket as unknown as TestSocket;
      if (busy.has(i)) await emitAck(sock, 'counter:done', { commandId: cid('done'), counterId: prep.counters[i] }, 60_000).catch(() => null);
      await sleep(5);
      const t0 = performance.now();
      const r = (await emitAck(sock, 'counter:call-next', { commandId: cid('call'), counterId: prep.counters[i] }, 60_000).catch(() => ({}))) as { data?: { version: number } };
      if (!r.data) continue;
      cmd.push(performance.now() - t0);
      busy.add(i);
      samples.push({ t0, version: r.data.version, i });
    }
    await sleep(1000);
    const counter: number[] = [];
    const consoleLat: number[] = [];
    for (const s of samples) {
      const a = reached(counters[s.i]!, s.version, s.t0);
      if (a !== undefined) counter.push(a - s.t0);
      const b = reached(consoleSock, s.version, s.t0);
      if (b !== undefined) consoleLat.push(b - s.t0);
    }
    const deltaBytes = counters.flatMap((c) => c.deltaBytes);
    const fullBytes = consoleSock.fullBytes.length ? consoleSock.fullBytes.reduce((a, b) => a + b, 0) / consoleSock.fullBytes.length : NaN;
    const resyncs = counters.reduce((n, c) => n + c.resyncs, 0);
    for (const f of all) f.socket.disconnect();
    return { cmd, counter, consoleLat, deltaBytes, fullBytes, resyncs };
  }, { MADOGUCHI_LOGIN_LIMIT: '1000' }, 120_000); // 31 sign-ins at once from one address; loading 4,000 tickets on a loaded machine
}

export default async function run(): Promise<BenchRow[]> {
  const { dir, cleanup } = tempDir('bigoffice');
  try {
    const small = await office(dir, 40);
    const big = await office(dir, WAITING);
    if (big.resyncs) console.warn(`bigoffice: ${big.resyncs} delta resyncs`);
    const meanDelta = big.deltaBytes.reduce((a, b) => a + b, 0) / Math.max(1, big.deltaBytes.length);
    const label = `${WAITING} waiting, ${COUNTERS} counters`;
    return [
      row({ name: `staff bytes per change (${label}, deltas)`, value: round(meanDelta, 0), unit: 'bytes', baseline: round(big.fullBytes, 0), baselineName: 'full staff snapshot per change', target: '—' }),
      row({ name: `call-next p99 (${label})`, value: round(percentile(big.cmd, 99)), unit: 'ms', baseline: round(percentile(small.cmd, 99)), baselineName: 'same, 40 waiting', target: '—' }),
      row({ name: `call→counter p99 (${label}, deltas)`, value: round(percentile(big.counter, 99)), unit: 'ms', baseline: round(percentile(big.consoleLat, 99)), baselineName: 'call→console p99, full snapshots', target: '—' }),
      row({ name: `call→counter p99 (40 waiting, ${COUNTERS} counters, deltas)`, value: round(percentile(small.counter, 99)), unit: 'ms', baseline: round(percentile(small.consoleLat, 99)), baselineName: 'call→console p99, full snapshots', target: '—' }),
    ];
  } finally {
    cleanup();
  }
}
