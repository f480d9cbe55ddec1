import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSnapshot } from '../../common/types.js';
import { cid, connectSocket, http, makeTestDb, spawnServerProcess, waitFor, type ServerProcess, type TestSocket } from '../testing.js';

/**
 * Issue 18, finding 1: a raw websocket that stops reading and floods `office:subscribe` froze the
 * office (health 1.4–6.6 s, RSS +600 MB in 20 s). Here four such clients, each reconnecting as soon
 * as it is cut off, flood a real server process (so its memory can be measured) while a display
 * and a kiosk carry on.
 */
const FLOODERS = 4;
const FLOOD_MS = 8_000;
const HEALTH_MAX_MS = 500;
const RSS_GROWTH_MAX_MB = 150;
const SUBSCRIBE = '42["office:subscribe",{"officeId":"chuo"}]';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FloodStats {
  connections: number;
  /** Connections that ended while the flooder was still sending (the server cut it off). */
  cutByServer: number;
  sent: number;
}

/**
 * The hostile clients, in their own process so that their busy loop does not slow this process's
 * measurements: each does the handshake, `40`, waits to be connected, stops reading and sends
 * subscribes as fast as the socket takes them; when cut off it reconnects at once.
 */
const FLOOD_SCRIPT = `
const WebSocket = require('ws');
const [url, n, ms, msg] = process.argv.slice(1);
const stopAt = Date.now() + Number(ms);
const stats = { connections: 0, cutByServer: 0, sent: 0 };
function once() {
  return new Promise((resolve) => {
    stats.connections++;
    const ws = new WebSocket(url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
    let done = false;
    const finish = (cut) => { if (done) return; done = true; if (cut) stats.cutByServer++; resolve(); };
    const pump = () => {
      if (done) return;
      if (ws.readyState !== WebSocket.OPEN) return finish(Date.now() < stopAt);
      if (Date.now() >= stopAt) { ws.terminate(); return finish(false); }
      for (let i = 0; i < 200 && ws.bufferedAmount < 256 * 1024; i++) { ws.send(msg); stats.sent++; }
      setImmediate(pump);
    };
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) { ws._socket.pause(); pump(); }
    });
    ws.on('error', () => {});
    ws.on('close', () => finish(Date.now() < stopAt));
  });
}
async function flooder() { while (Date.now() < stopAt) await once(); }
Promise.all(Array.from({ length: Number(n) }, flooder)).then(() => { console.log(JSON.stringify(stats)); process.exit(0); });
`;

function flood(url: string, n: number, ms: number): Promise<FloodStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', FLOOD_SCRIPT, url, String(n), String(ms), SUBSCRIBE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as FloodStats) : reject(new Error(`flooder exited ${code}: ${out}`))));
  });
}

let dir: string;
let server: ServerProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-flood-'));
  const office = await makeTestDb({ path: join(dir, 'flood.db') });
  office.db.close();
  server = await spawnServerProcess({ dbPath: join(dir, 'flood.db'), env: { LOG_LEVEL: 'error', MADOGUCHI_SOCKET_EVENTS: '20/40', MADOGUCHI_SOCKET_QUEUE_KB: '1024/16384', MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '500' } /* the defaults, explicitly */, timeoutMs: 60_000 });
}, 90_000);
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('a non-reading socket flooding subscribes', () => {
  it('is cut off; health stays fast, memory stays bounded, and the kiosk and display carry on', async () => {
    const kioskToken = 'kiosk-token-0123456789';
    for (let i = 0; i < 30; i++) await http(server.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('warm'), serviceId: i % 2 ? 'chuo-A' : 'chuo-B' }, { device: kioskToken });
    const display = connectSocket(server.url, { deviceToken: 'display-token-0123456789' }) as TestSocket & { snapshots: PublicSnapshot[] };
    await waitFor(() => display.snapshots.length > 0, 10_000, 'display snapshot');
    for (let i = 0; i < 5; i++) await fetch(`${server.url}/api/health`);
    await sleep(500);
    const rssBefore = rssMb(server.pid);

    const stopAt = Date.now() + FLOOD_MS;
    const flooders = flood(server.url, FLOODERS, FLOOD_MS);

    const health: number[] = [];
    let rssMax = rssBefore;
    let kiosk: { ms: number; status: number } | null = null;
    let displayMs: number | null = null;
    const probes = (async () => {
      while (Date.now() < stopAt) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
        health.push(res?.ok ? performance.now() - t0 : Infinity);
        rssMax = Math.max(rssMax, rssMb(server.pid));
        if (!kiosk && Date.now() > stopAt - FLOOD_MS / 2) {
          const waitingA = () => display.snapshots.at(-1)!.services.find((s) => s.id === 'chuo-A')!.waiting;
          const before = waitingA();
          const k0 = performance.now();
          const r = await http(server.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('mid'), serviceId: 'chuo-A' }, { device: kioskToken });
          kiosk = { ms: performance.now() - k0, status: r.status };
          await waitFor(() => waitingA() === before + 1, 5_000, 'display update during the flood');
          displayMs = performance.now() - k0;
        }
        await sleep(100);
      }
    })();
    const [stats] = await Promise.all([flooders, probes]);
    const rssAfter = rssMb(server.pid);
    console.log(
      `flood: ${stats.sent} subscribes sent over ${stats.connections} connections (${stats.cutByServer} cut off by the server); ` +
        `health max ${Math.max(...health).toFixed(0)} ms over ${health.length} probes; RSS ${rssBefore.toFixed(0)} → max ${rssMax.toFixed(0)} → ${rssAfter.toFixed(0)} MB; ` +
        `kiosk ${kiosk ? (kiosk as { ms: number }).ms.toFixed(0) : '-'} ms, display updated after ${displayMs === null ? '-' : (displayMs as number).toFixed(0)} ms`,
    );

    expect(stats.cutByServer).toBeGreaterThanOrEqual(FLOODERS);
    expect(health.length).toBeGreaterThan(10);
    expect(Math.max(...health)).toBeLessThan(HEALTH_MAX_MS);
    expect(rssMax - rssBefore).toBeLessThan(RSS_GROWTH_MAX_MB);
    expect(kiosk).toMatchObject({ status: 200 });
    expect((kiosk as unknown as { ms: number }).ms).toBeLessThan(1_000);
    expect(displayMs).not.toBeNull();
    expect(displayMs!).toBeLessThan(1_000);
    expect(display.connected).toBe(true);
    display.disconnect();
  }, 120_000);
});
