import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { commandSchemas } from '../common/schemas.js';
import { Engine } from '../server/engine.js';
import { systemClock } from '../server/queue/clock.js';
import { migrate, openDatabase } from '../server/store/db.js';
import { prepareDb, tempDir, withServer } from './lib.js';
import { percentile, row, round, type BenchRow } from './types.js';

/**
 * Ticket issue throughput over HTTP (kiosks posting to a server process, every ticket fsync'd
 * before the reply) against the fair raw baseline: better-sqlite3 on the same disk with the same
 * durability — WAL, synchronous=FULL, one INSERT per transaction (one fsync per ticket), no HTTP.
 *
 * A second row measures what the wait estimator costs on the issue path (issue 13): every counter
 * is open, so each ticket gets a real forward-simulation estimate over a queue that grows during
 * the run, against the same run with the estimator switched to today's formula
 * (`MADOGUCHI_ESTIMATOR=baseline`, docs/OPERATIONS.md). Target: ≥ 0.9×.
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

/** Open every counter of the prepared office (a clerk each), as the day's first clerks would. */
export function openAllCounters(dbPath: string, counters: string[], clerks: string[]): void {
  const db = openDatabase(dbPath);
  try {
    const engine = new Engine({ db, clock: systemClock });
    counters.forEach((counterId, i) => {
      const payload = commandSchemas['counter:open'].parse({ commandId: `bench-open-${counterId}`, counterId });
      engine.execute({ role: 'clerk', staffId: clerks[i]!, deviceId: null }, { name: 'counter:open', payload } as never);
    });
  } finally {
    db.close();
  }
}

/** Issue rate with every counter open, the estimator on or switched to today's formula (a fresh office each). */
export async function estimatorIssueRate(dir: string, estimator: 'queue-sim' | 'baseline', seconds: number, concurrency: number, label = ''): Promise<{ rate: number; failed: number }> {
  const dbPath = join(dir, `est-${estimator}${label}.db`);
  const p = await prepareDb(dbPath);
  openAllCounters(dbPath, p.counters, p.clerks);
  const env: Record<string, string> = estimator === 'baseline' ? { MADOGUCHI_ESTIMATOR: 'baseline' } : {};
  return withServer(dbPath, async (s) => {
    await httpIssueRate(s.url, p.kioskTokens[0]!, 0.5, concurrency); // warm-up
    return httpIssueRate(s.url, p.kioskTokens[0]!, seconds, concurrency);
  }, env);
}

/** Rounds of the estimator row: off and on alternate; the rates are medians and the ratio the median of the rounds' ratios (a shared machine is noisy). */
const ESTIMATOR_ROUNDS = Number(process.env.BENCH_ESTIMATOR_ROUNDS ?? 3);

export async function estimatorRates(dir: string, rounds: number, seconds: number, concurrency: number): Promise<{ off: number; on: number; ratio: number; failed: number; offs: number[]; ons: number[] }> {
  const offs: number[] = [];
  const ons: number[] = [];
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const off = await estimatorIssueRate(dir, 'baseline', seconds, concurrency, `-${i}`);
    const on = await estimatorIssueRate(dir, 'queue-sim', seconds, concurrency, `-${i}`);
    offs.push(off.rate);
    ons.push(on.rate);
    failed += off.failed + on.failed;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { off: median(offs), on: median(ons), ratio: median(ons.map((on, i) => on / offs[i]!)), failed, offs, ons };
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
    const { off, on, ratio, failed, offs, ons } = await estimatorRates(dir, ESTIMATOR_ROUNDS, SECONDS, CONCURRENCY);
    if (failed) console.warn(`throughput: ${failed} requests refused with counters open`);
    console.log(`throughput with counters open, tickets/s per round — estimator off: ${offs.map((x) => x.toFixed(1)).join(', ')}; on: ${ons.map((x) => x.toFixed(1)).join(', ')}`);
    return [
      row({
        name: `ticket issue over HTTP, counters open, wait estimator on (${CONCURRENCY} kiosks)`,
        value: round(on, 1),
        unit: 'tickets/s',
        baseline: round(off, 1),
        baselineName: "estimator off (today's formula)",
        ratio,
        target: '≥ 0.9×',
      }),
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
