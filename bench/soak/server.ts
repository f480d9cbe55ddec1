import { spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServerProcess, type ServerProcess } from '../../server/testing.js';

/**
 * Start the soak's server process. `compiled` runs `node dist/soak/server/main.js` (esbuild output
 * of server/ and common/, built once per soak by `ensureCompiledServer`) instead of `tsx
 * server/main.ts`: a restart after SIGKILL then takes about a second instead of several, which is
 * what makes a thousand kills fit in an hour. The environment is the test kit's
 * (`spawnServerProcess`) plus `env` (e.g. raised socket limits).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Under the project folder, so server/paths.ts finds db/migrations from the compiled file. */
const OUT_DIR = join(ROOT, 'dist', 'soak');
const ENTRY = join(OUT_DIR, 'server', 'main.js');

function newestSource(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return t;
}

/** Compile server/ and common/ into dist/soak unless the output is newer than every source. */
export async function ensureCompiledServer(): Promise<string> {
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs > Math.max(newestSource(join(ROOT, 'server')), newestSource(join(ROOT, 'common')))) return ENTRY;
  const { buildServer } = await import('../../scripts/build-server.js');
  return buildServer(OUT_DIR);
}

export interface SoakServerOptions {
  dbPath: string;
  port: number;
  compiled?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
}

type Child = ReturnType<typeof spawn>;

function spawnCompiled(entry: string, o: SoakServerOptions): { child: Child; output: () => string; exited: Promise<void>; warm: Promise<void> } {
  const child = spawn(process.execPath, [join(ROOT, 'bench/soak/warm-start.mjs'), entry], {
    cwd: ROOT,
    env: { ...process.env, VITEST: '', LOG_LEVEL: 'warn', PORT: String(o.port), HOST: '127.0.0.1', MADOGUCHI_DB: o.dbPath, MADOGUCHI_WEB: join(ROOT, 'dist/web'), MADOGUCHI_KIOSK_ISSUE_LIMIT: 'off', MADOGUCHI_BACKUP: 'off', ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let onWarm = () => {};
  const warm = new Promise<void>((res) => (onWarm = res));
  child.stdout!.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (out.includes('warm\n')) onWarm();
  });
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  void exited.then(onWarm);
  return { child, output: () => out, exited, warm };
}

/**
 * A starter of server processes on one database and port. With `compiled`, the next process is
 * always spawned ahead and waits with its modules loaded (bench/soak/warm-start.mjs); `start()`
 * lets it run main.js and waits for /api/health.
 */
export class SoakServers {
  private standby: ReturnType<typeof spawnCompiled> | null = null;
  private entry = '';

  constructor(private readonly o: SoakServerOptions) {}

  async start(): Promise<ServerProcess> {
    const o = this.o;
    if (!o.compiled) return spawnServerProcess({ dbPath: o.dbPath, port: o.port, env: o.env, timeoutMs: o.timeoutMs });
    if (!this.entry) this.entry = await ensureCompiledServer();
    const p = this.standby ?? spawnCompiled(this.entry, o);
    this.standby = null;
    await p.warm;
    const { child, output, exited } = p;
    if (child.exitCode !== null) throw new Error(`server exited early: ${output()}`);
    child.stdin!.end('go\n');
    const url = `http://127.0.0.1:${o.port}`;
    const deadline = Date.now() + (o.timeoutMs ?? 20_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${output()}`);
      try {
        const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server did not start: ${output()}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    this.standby = spawnCompiled(this.entry, o); // the next one loads its modules while this one serves
    return {
      url,
      port: o.port,
      pid: child.pid!,
      output,
      kill: async (signal = 'SIGKILL') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
  }

  /** Stop the waiting process (at the end of a soak). */
  async close(): Promise<void> {
    const s = this.standby;
    this.standby = null;
    if (s && s.child.exitCode === null) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
  }
}
