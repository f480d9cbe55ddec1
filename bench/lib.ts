import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COUNTERS, insertDevice } from '../server/seed.js';
import { makeTestDb, spawnServerProcess, type ServerProcess } from '../server/testing.js';

/** Shared set-up for benches and the soak: a temp directory, a prepared database, a server process. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `madoguchi-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Prepared {
  officeId: string;
  kioskTokens: string[];
  displayTokens: string[];
  /** Counter ids, and one clerk login per counter (password PASSWORD of server/testing.ts). */
  counters: string[];
  clerks: string[];
  counterServices: Map<string, string[]>;
}

/**
 * The test office on a file, with the system clock's "now", reception always open and wide
 * number ranges for long runs; optionally more counters (each serving two services), one clerk
 * per counter, and more kiosks and displays.
 */
export async function prepareDb(path: string, o: { counters?: number; kiosks?: number; displays?: number } = {}): Promise<Prepared> {
  const nCounters = o.counters ?? DEFAULT_COUNTERS.length;
  const prefixes = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
  const counterSpec: [string, string[]][] = Array.from({ length: nCounters }, (_, i) =>
    i < DEFAULT_COUNTERS.length ? DEFAULT_COUNTERS[i]! : [String(i + 1), [prefixes[i % 7]!, prefixes[(i + 3) % 7]!]],
  );
  const t = await makeTestDb({ path, now: Date.now(), office: { counters: counterSpec } });
  const db = t.db;
  db.prepare('UPDATE services SET number_end = 9999').run();
  const hash = (db.prepare("SELECT password_hash FROM staff WHERE id = 'clerk1'").get() as { password_hash: string }).password_hash;
  const clerks: string[] = [];
  for (let i = 1; i <= nCounters; i++) {
    const id = `clerk${i}`;
    if (i > 2) db.prepare("INSERT INTO staff (id, office_id, login, name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, 'clerk', ?, 0, 0)").run(id, t.officeId, id, id, hash);
    clerks.push(id);
  }
  const kioskTokens = [t.kioskToken];
  for (let i = 2; i <= (o.kiosks ?? 1); i++) kioskTokens.push(insertDevice(db, { id: `kiosk-${i}`, officeId: t.officeId, kind: 'kiosk', name: `kiosk ${i}` }));
  const displayTokens = [t.displayToken];
  for (let i = 2; i <= (o.displays ?? 1); i++) displayTokens.push(insertDevice(db, { id: `display-${i}`, officeId: t.officeId, kind: 'display', name: `display ${i}` }));
  const counterServices = new Map(counterSpec.map(([label, ps]) => [`${t.officeId}-c${label}`, ps.map((p) => `${t.officeId}-${p}`)]));
  db.close();
  return { officeId: t.officeId, kioskTokens, displayTokens, counters: [...counterServices.keys()], clerks, counterServices };
}

export async function withServer<T>(dbPath: string, fn: (s: ServerProcess) => Promise<T>, env?: Record<string, string>, timeoutMs?: number): Promise<T> {
  const s = await spawnServerProcess({ dbPath, env, timeoutMs });
  try {
    return await fn(s);
  } finally {
    await s.kill('SIGTERM');
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
