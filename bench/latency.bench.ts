import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import { cid, emitAck, freePort, login, type TestSocket } from '../server/testing.js';
import { prepareDb, sleep, tempDir, withServer } from './lib.js';
import { percentile, round, row, type BenchRow } from './types.js';

/**
 * Call-to-display latency: 20 counters, 3 displays and 200 public status-page sockets connected
 * to a server process; a clerk presses "call next" (socket) and we time until each display holds
 * a snapshot with that call. Baseline: a bare socket.io server process broadcasting the same
 * snapshots to the same number of clients on an emit.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const COUNTERS = 20;
const DISPLAYS = 3;
const PUBLIC = Number(process.env.BENCH_PUBLIC_CLIENTS ?? 200);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);

interface Receiver {
  socket: Socket;
  got: { version: number; at: number }[];
}

function receiver(url: string, auth: Record<string, string>, extraHeaders?: Record<string, string>): Receiver {
  const socket = ioClient(url, { transports: ['websocket'], forceNew: true, auth, extraHeaders, reconnection: false });
  const r: Receiver = { socket, got: [] };
  socket.on('office:snapshot', (s: { version: number }) => r.got.push({ version: s.version, at: performance.now() }));
  return r;
}

async function connected(list: Receiver[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!list.every((r) => r.socket.connected)) {
    if (Date.now() > deadline) throw new Error('clients did not connect');
    await sleep(20);
  }
}

/** For each sample (emit time, version acked), the time until each display had a snapshot of at least that version. */
function latencies(samples: { t0: number; version: number }[], displays: Receiver[]): number[] {
  const out: number[] = [];
  for (const s of samples) {
    for (const d of displays) {
      const hit = d.got.find((g) => g.version >= s.version && g.at >= s.t0);
      if (hit) out.push(hit.at - s.t0);
    }
  }
  return out;
}

async function madoguchi(dir: string): Promise<{ lat: number[]; publicJson: string; staffJson: string }> {
  const dbPath = join(dir, 'latency.db');
  const prep = await prepareDb(dbPath, { counters: COUNTERS, displays: DISPLAYS });
  return withServer(dbPath, async (srv) => {
    // Enough tickets for every call, issued before the measurement.
    const services = [...new Set([...prep.counterServices.values()].flat())];
    for (let i = 0; i < CALLS + COUNTERS; i++) {
      const res = await fetch(`${srv.url}/api/offices/chuo/tickets`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${prep.kioskTokens[0]}` },
        body: JSON.stringify({ commandId: cid('lat'), serviceId: services[i % services.length] }),
      });
      if (res.status !== 200) throw new Error(`issue failed: ${res.status}`);
    }
    const cookies = await Promise.all(prep.clerks.map((c) => login(srv.url, c)));
    const counters = cookies.map((cookie) => receiver(srv.url, {}, { Cookie: cookie }));
    const displays = prep.displayTokens.map((t) => receiver(srv.url, { deviceToken: t }));
    const publics = Array.from({ length: PUBLIC }, () => receiver(srv.url, {}));
    await connected([...counters, ...displays, ...publics]);
    for (const c of counters) await emitAck(c.socket as TestSocket, 'office:subscribe', { officeId: 'chuo' }, 30_000);
    for (const p of publics) await emitAck(p.socket as TestSocket, 'office:subscribe', { officeId: 'chuo' }, 30_000);
    for (let i = 0; i < COUNTERS; i++) {
      const r = (await emitAck(counters[i]!.socket as TestSocket, 'counter:open', { commandId: cid('open'), counterId: prep.counters[i] }, 30_000)) as { error?: unknown };
      if (r.error) throw new Error(`open failed: ${JSON.stringify(r.error)}`);
    }
    await sleep(300);
    const busy = new Set<number>();
    const samples: { t0: number; version: number }[] = [];
    for (let k = 0; k < CALLS; k++) {
      const i = k % COUNTERS;
      const sock = counters[i]!.socket as TestSocket;
      if (busy.has(i)) await emitAck(sock, 'counter:done', { commandId: cid('done'), counterId: prep.counters[i] }, 30_000).catch(() => null);
      await sleep(5);
      const t0 = performance.now();
      const r = (await emitAck(sock, 'counter:call-next', { commandId: cid('call'), counterId: prep.counters[i] }, 30_000).catch(() => ({}))) as { data?: { version: number } };
      if (!r.data) continue;
      busy.add(i);
      samples.push({ t0, version: r.data.version });
    }
    await sleep(500);
    const publicJson = JSON.stringify(await (await fetch(`${srv.url}/api/public/offices/chuo/status`)).json().then((b: { data: unknown }) => b.data));
    const staffRes = await fetch(`${srv.url}/api/offices/chuo/snapshot`, { headers: { Cookie: cookies[0]! } });
    const staffJson = JSON.stringify(((await staffRes.json()) as { data: unknown }).data);
    for (const r of [...counters, ...displays, ...publics]) r.socket.disconnect();
    return { lat: latencies(samples, displays), publicJson, staffJson };
  });
}

async function bare(dir: string, publicJson: string, staffJson: string): Promise<number[]> {
  writeFileSync(join(dir, 'public.json'), publicJson);
  writeFileSync(join(dir, 'staff.json'), staffJson);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(HERE, 'bare-broadcast.ts')], {
    cwd: resolve(HERE, '..'),
    env: { ...process.env, PORT: String(port), PUBLIC_JSON: join(dir, 'public.json'), STAFF_JSON: join(dir, 'staff.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res());
      child.once('exit', () => rej(new Error('baseline server exited')));
    });
    const url = `http://127.0.0.1:${port}`;
    const counters = Array.from({ length: COUNTERS }, () => receiver(url, { room: 'staff' }));
    const displays = Array.from({ length: DISPLAYS }, () => receiver(url, { room: 'public' }));
    const publics = Array.from({ length: PUBLIC }, () => receiver(url, { room: 'public' }));
    await connected([...counters, ...displays, ...publics]);
    await sleep(300);
    const samples: { t0: number; version: number }[] = [];
    for (let k = 0; k < CALLS; k++) {
      await sleep(5);
      const t0 = performance.now();
      const r = (await emitAck(counters[k % COUNTERS]!.socket as TestSocket, 'ping' as never, {}, 30_000).catch(() => ({}))) as { data?: { version: number } };
      if (r.data) samples.push({ t0, version: r.data.version });
    }
    await sleep(500);
    for (const r of [...counters, ...displays, ...publics]) r.socket.disconnect();
    return latencies(samples, displays);
  } finally {
    child.kill('SIGKILL');
  }
}

export default async function run(): Promise<BenchRow[]> {
  const { dir, cleanup } = tempDir('latency');
  try {
    const m = await madoguchi(dir);
    const b = await bare(dir, m.publicJson, m.staffJson);
    const clients = `${COUNTERS} counters, ${DISPLAYS} displays, ${PUBLIC} public`;
    return [
      row({ name: `call→display p50 (${clients})`, value: round(percentile(m.lat, 50)), unit: 'ms', baseline: round(percentile(b, 50)), baselineName: 'bare socket.io broadcast p50', target: '—' }),
      row({ name: `call→display p99 (${clients})`, value: round(percentile(m.lat, 99)), unit: 'ms', baseline: round(percentile(b, 99)), baselineName: 'bare socket.io broadcast p99', target: '≤ 2×' }),
    ];
  } finally {
    cleanup();
  }
}
