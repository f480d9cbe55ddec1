import { parseArgs } from 'node:util';

/** The command line of `npm run soak` (bench/soak/main.ts), with the older env variables as defaults. */
export interface SoakPlan {
  kills: number;
  /** Fuzzed inputs in all, half HTTP and half socket. */
  fuzz: number;
  seed: number;
  /** Kills per fresh database and server (the run's figures are the sums). */
  batch: number;
  /** Fuzzed inputs per fresh in-process server. */
  fuzzChunk: number;
  /** Share of the fuzzed inputs sent at the server's default socket limits, unpaced (the rest with `serverEnv` raised limits). */
  defaultLimitsShare: number;
  loadMs: [number, number];
  compiled: boolean;
  serverEnv: Record<string, string>;
  out: string | null;
  resume: boolean;
}

/**
 * Raised socket limits for the soak's server processes and the fuzz phase at raised limits
 * (server/realtime/limits.ts, feat/sockets): no event budget, 64 MB / 256 MB of unsent output per
 * public / staff socket, no cap on anonymous sockets per address. `--server-env` overrides them.
 */
export const RAISED_LIMITS_ENV: Record<string, string> = {
  MADOGUCHI_SOCKET_EVENTS: 'off',
  MADOGUCHI_SOCKET_QUEUE_KB: '65536/262144',
  MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '0',
};

export const USAGE = `npm run soak -- [options]
  --kills N          SIGKILL restarts under load (env SOAK_KILLS, default 25)
  --fuzz N           fuzzed inputs in all, half HTTP, half socket (env FUZZ_RUNS × 2, default 6000)
  --seed N           seed of the whole run; batch i uses seed + i (env SOAK_SEED, default from the clock)
  --batch N          kills per fresh database and server process (env SOAK_BATCH, default 50)
  --fuzz-chunk N     fuzzed inputs per fresh server (default 10000)
  --default-share F  share of fuzzed inputs at the default socket limits, unpaced (default 0.1; at least 200 when fuzzing)
  --load-ms A-B      load between kills, ms, random in [A, B] (default 500-3000)
  --tsx              restart the server with tsx server/main.ts instead of the compiled dist/soak/server/main.js
  --server-env K=V   server environment for the soak and the fuzz phase at raised limits, repeatable
                     (env SOAK_SERVER_ENV="K=V,K=V"); over the raised limits MADOGUCHI_SOCKET_EVENTS=off,
                     MADOGUCHI_SOCKET_QUEUE_KB=65536/262144, MADOGUCHI_SOCKET_ANON_PER_ADDRESS=0
  --out FILE         where the figures go (default bench/soak-results.json); --no-write to skip
  --resume           continue the last unfinished run in the results file (same plan, same seeds)
  --help             this text
Exits 1 on any violation.`;

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a whole number ≥ 0, got "${v}"`);
  return n;
}

function envPairs(list: string[], name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`${name}: expected KEY=VALUE, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

export function parseSoakArgs(argv: string[], env: NodeJS.ProcessEnv, now = Date.now()): SoakPlan | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kills: { type: 'string' },
      fuzz: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      'fuzz-chunk': { type: 'string' },
      'default-share': { type: 'string' },
      'load-ms': { type: 'string' },
      tsx: { type: 'boolean' },
      'server-env': { type: 'string', multiple: true },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const load = (values['load-ms'] ?? '500-3000').split('-').map(Number);
  if (load.length !== 2 || !load.every((n) => Number.isInteger(n) && n >= 0) || load[0]! > load[1]!) throw new Error(`--load-ms: expected A-B with 0 ≤ A ≤ B, got "${values['load-ms']}"`);
  const share = Number(values['default-share'] ?? 0.1);
  if (!(share >= 0 && share <= 1)) throw new Error(`--default-share: expected a number in [0, 1], got "${values['default-share']}"`);
  const envList = (env.SOAK_SERVER_ENV ?? '').split(',').filter(Boolean);
  return {
    kills: int(values.kills ?? env.SOAK_KILLS, '--kills', 25),
    fuzz: values.fuzz !== undefined ? int(values.fuzz, '--fuzz', 0) : 2 * int(env.FUZZ_RUNS, 'FUZZ_RUNS', 3000),
    seed: int(values.seed ?? env.SOAK_SEED, '--seed', now % 1_000_000),
    batch: Math.max(1, int(values.batch ?? env.SOAK_BATCH, '--batch', 50)),
    fuzzChunk: Math.max(1, int(values['fuzz-chunk'], '--fuzz-chunk', 10_000)),
    defaultLimitsShare: share,
    loadMs: [load[0]!, load[1]!],
    compiled: !values.tsx,
    serverEnv: { ...RAISED_LIMITS_ENV, ...envPairs(envList, 'SOAK_SERVER_ENV'), ...envPairs(values['server-env'] ?? [], '--server-env') },
    out: values['no-write'] ? null : (values.out ?? 'bench/soak-results.json'),
    resume: !!values.resume,
  };
}
