import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../common/events.js';
import { cid, makeTestDb, spawnServerProcess, type ServerProcess } from '../testing.js';
import { openDatabase } from './db.js';
import { diffReplay } from './replay.js';

/**
 * Rule 1 and 2 under a power cut: the server is killed with SIGKILL while kiosks issue tickets.
 * After each restart every acknowledged ticket is on disk, no number repeats, and the events
 * replay to the stored state.
 */
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash: SIGKILL while issuing', () => {
  it('keeps every acknowledged ticket, never repeats a number, and replays to the stored state', async () => {
    const dbPath = join(dir, 'crash.db');
    const prepared = await makeTestDb({ path: dbPath, now: Date.now() });
    prepared.db.close();
    const acknowledged = new Map<string, string>(); // ticket id → display
    let server: ServerProcess | null = null;

    for (let round = 0; round < 3; round++) {
      server = await spawnServerProcess({ dbPath });
      const url = server.url;
      let stop = false;
      const kiosk = async (serviceId: string) => {
        while (!stop) {
          try {
            const res = await fetch(`${url}/api/offices/chuo/tickets`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${prepared.kioskToken}` },
              body: JSON.stringify({ commandId: cid('crash'), serviceId }),
            });
            if (res.status === 200) {
              const body = (await res.json()) as { data: CommandResult };
              const t = body.data.ticket as { ticketId: string; display: string };
              acknowledged.set(t.ticketId, t.display);
            }
          } catch {
            return; // connection refused/reset: the server is gone
          }
        }
      };
      const loops = ['chuo-A', 'chuo-A', 'chuo-B', 'chuo-G'].map((s) => kiosk(s));
      const target = acknowledged.size + 40;
      const deadline = Date.now() + 15_000;
      while (acknowledged.size < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await server.kill('SIGKILL'); // mid-flight: requests are in progress
      stop = true;
      await Promise.all(loops);
    }

    expect(acknowledged.size).toBeGreaterThanOrEqual(120);
    // Restart once more and check through the API that the server serves the stored state.
    server = await spawnServerProcess({ dbPath });
    const status = (await (await fetch(`${server.url}/api/public/offices/chuo/status`)).json()) as { data: { services: { id: string; waiting: number }[] } };
    await server.kill('SIGTERM');

    const db = openDatabase(dbPath);
    try {
      const rows = db.prepare('SELECT id, display, business_day, prefix, number FROM tickets').all() as { id: string; display: string; business_day: string; prefix: string; number: number }[];
      const stored = new Map(rows.map((r) => [r.id, r.display]));
      for (const [id, display] of acknowledged) expect(stored.get(id), `acknowledged ticket ${display} lost`).toBe(display);
      const keys = rows.map((r) => `${r.business_day}|${r.prefix}|${r.number}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(diffReplay(db, 'chuo')).toEqual([]);
      const waitingStored = db.prepare("SELECT count(*) AS n FROM steps WHERE state = 'waiting'").get() as { n: number };
      expect(status.data.services.reduce((a, s) => a + s.waiting, 0)).toBe(waitingStored.n);
    } finally {
      db.close();
    }
  }, 120_000);
});
