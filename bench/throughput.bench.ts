import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { migrate, openDatabase } from '../server/store/db.js';
import { prepareDb, tempDir, withServer } from './lib.js';
import { percentile, row, round, type BenchRow } from './types.js';

/**
 * Ticket issue throughput over HTTP (kiosks posting to a server process, every ticket fsync'd
 * before the reply) against the fair raw baseline: better-sqlite3 on the same disk with the same
 * durability — WAL, synchronous=FULL, one INSERT per transaction (one fsync per ticket), no HTTP.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SERVICES = ['chuo-A', 'chuo-B', 'chuo-C', 'chuo-D', 'chuo-E', 'chuo-F', 'chuo-G'];

export function rawInsertRate(path: string, seconds: number): number {
  const db = openDatabase(path);
  try {
    migrate(db);
    db.prepare(`INSERT INTO offices (id, name_json, timezone, policy_json, announcement_json, created_at) VALUES ('raw', '{"ja":"raw"}', 'Asia/Tokyo', '{}', '{}', 0)`).run();
    const ins = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, 'raw', '2026-03-24', ?, ?, ?, 0, 'ja', ?, ?)`);
    const one = db.transaction((i: number) => {
      const prefix = String.fromCharCode(65 + (i % 7));
      const n = Math.floor(i / 7) + 1;
      ins.run(randomUUID(), prefix, n, `${prefix}-${n}`, Date.now(), randomBytes(18).toString('base64url'));
    });
    const start = performance.now();
    let i = 0;
    while (performance.now() - start < seconds * 1000) one(i++);
    return i / ((performance.now() - start) / 1000);
  } finally {
    db.close();
  }
}

export async function httpIssueRate(url: string, kioskToken: string, seconds: number, concurrency: number): Promise<{ rate: number; ok: number; failed: number; latencies: number[] }> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  const worker = async (w: number) => {
    let i = w;
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/offices/chuo/tickets`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${kioskToken}` },
        body: JSON.stringify({ commandId: `bench-${randomUUID()}`, serviceId: SERVICES[i++ % SERVICES.length] }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { rate: ok / ((performance.now() - start) / 1000), ok, failed, latencies };
}

export default async function run(): Promise<BenchRow[]> {
  const { dir, cleanup } = tempDir('throughput');
  try {
    const raw = rawInsertRate(join(dir, 'raw.db'), SECONDS);
    const dbPath = join(dir, 'http.db');
    const { kioskTokens: [kioskToken] } = await prepareDb(dbPath);
    const http = await withServer(dbPath, async (s) => {
      await httpIssueRate(s.url, kioskToken!, 0.5, CONCURRENCY); // warm-up
      return httpIssueRate(s.url, kioskToken!, SECONDS, CONCURRENCY);
    });
    if (http.failed) console.warn(`throughput: ${http.failed} requests refused`);
    // Issue 17: the latency of one issue under that load (request to reply, fsync included), against
    // the time of one raw fsync'd transaction of the same run (1000 / raw rate).
    const rawMs = 1000 / raw;
    return [
      row({
        name: `ticket issue over HTTP (${CONCURRENCY} kiosks)`,
        value: round(http.rate, 1),
        unit: 'tickets/s',
        baseline: round(raw, 1),
        baselineName: 'raw INSERT, 1 per txn, WAL+FULL',
        target: '≥ 0.5×',
      }),
      row({ name: `ticket issue p50 latency under load (${CONCURRENCY} kiosks)`, value: round(percentile(http.latencies, 50)), unit: 'ms', baseline: round(rawMs, 3), baselineName: 'one raw fsync\'d INSERT txn', target: '—' }),
      row({ name: `ticket issue p99 latency under load (${CONCURRENCY} kiosks)`, value: round(percentile(http.latencies, 99)), unit: 'ms', baseline: round(rawMs, 3), baselineName: 'one raw fsync\'d INSERT txn', target: '—' }),
    ];
  } finally {
    cleanup();
  }
}
