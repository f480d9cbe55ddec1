import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../scripts/build-server.js';
import { prepareDb, sleep, tempDir } from './lib.js';
import { row, round, type BenchRow } from './types.js';
import { freePort } from '../server/testing.js';

/**
 * Time from start to serving (first 200 from /api/health) and idle memory (RSS after a few
 * seconds idle) of a server process, started as `npm start` runs it (`node dist/server/main.js`,
 * compiled by scripts/build-server.ts, which this bench runs first) and, for comparison, as
 * `tsx server/main.ts` (what `npm run dev` runs); baseline: a bare Node process with express and
 * socket.io listening.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 3;
const IDLE_MS = 3000;

const BARE = `import express from 'express'; import { createServer } from 'node:http'; import { Server } from 'socket.io';
const app = express(); app.get('/api/health', (_q, r) => { r.json({ ok: true }); });
const http = createServer(app); new Server(http); http.listen(Number(process.env.PORT), '127.0.0.1');`;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function measure(args: string[], env: Record<string, string>): Promise<{ startMs: number; rssMb: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, VITEST: '', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited early: ${args.join(' ')}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (r.ok) break;
      } catch {
        /* not up */
      }
      if (performance.now() - t0 > 30_000) throw new Error('did not start');
      await sleep(5);
    }
    const startMs = performance.now() - t0;
    await sleep(IDLE_MS);
    return { startMs, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

async function median(n: number, f: () => Promise<{ startMs: number; rssMb: number }>): Promise<{ startMs: number; rssMb: number }> {
  const rs = [];
  for (let i = 0; i < n; i++) rs.push(await f());
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { startMs: mid(rs.map((r) => r.startMs)), rssMb: mid(rs.map((r) => r.rssMb)) };
}

export default async function run(): Promise<BenchRow[]> {
  const { dir, cleanup } = tempDir('startup');
  try {
    const dbPath = join(dir, 'startup.db');
    await prepareDb(dbPath);
    const env = { MADOGUCHI_DB: dbPath, MADOGUCHI_WEB: join(ROOT, 'dist/web'), MADOGUCHI_BACKUP_DIR: join(dir, 'backups') }; // start-up backup off the project's data/
    const mainJs = await buildServer(); // the real production build: dist/server/main.js
    const bare = await median(RUNS, () => measure(['--input-type=module', '-e', BARE], {}));
    const tsx = await median(RUNS, () => measure(['--import', 'tsx', join(ROOT, 'server/main.ts')], env));
    const js = await median(RUNS, () => measure([mainJs], env));
    const b = { baseline: 0, baselineName: '' };
    return [
      row({ ...b, name: 'start to serving (tsx, npm run dev)', value: round(tsx.startMs, 0), unit: 'ms', baseline: round(bare.startMs, 0), baselineName: 'bare express+socket.io', target: '< 2000 ms' }),
      row({ ...b, name: 'start to serving (npm start: node dist/server/main.js)', value: round(js.startMs, 0), unit: 'ms', baseline: round(bare.startMs, 0), baselineName: 'bare express+socket.io', target: '< 1000 ms' }),
      row({ ...b, name: 'idle RSS (tsx, npm run dev)', value: round(tsx.rssMb, 1), unit: 'MB', baseline: round(bare.rssMb, 1), baselineName: 'bare express+socket.io', target: '< 150 MB' }),
      row({ ...b, name: 'idle RSS (npm start: node dist/server/main.js)', value: round(js.rssMb, 1), unit: 'MB', baseline: round(bare.rssMb, 1), baselineName: 'bare express+socket.io', target: '< 100 MB' }),
    ];
  } finally {
    cleanup();
  }
}
