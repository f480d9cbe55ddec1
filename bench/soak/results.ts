import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SoakPlan } from './args.js';

/**
 * The figures of `npm run soak`, kept in the committed file bench/soak-results.json (not in
 * bench/results.json, which is gitignored and rewritten by every `npm run bench`): a list of runs,
 * each saved after every batch so that an interrupted run keeps what it completed and `--resume`
 * continues it with the same plan and seeds.
 */
export type Counts = Record<string, number>;

export interface Figures {
  kills: number;
  acknowledgedCommands: number;
  ticketsAcknowledged: number;
  lost: number;
  duplicates: number;
  /** HTTP ≥ 500 and INTERNAL replies, soak and fuzz together. */
  serverErrors: number;
  stateChangesFromRefused: number;
  inputsTried: number;
  /** All violations (the run keeps the first 50 in `violations`). */
  violations: number;
  wallTimeS: number;
  seed: number;
  commit: string;
}

export interface SoakRun {
  id: string;
  /** `stopped`: ended by hand and superseded; `--resume` leaves it alone. */
  status: 'running' | 'complete' | 'stopped';
  startedAt: string;
  updatedAt: string;
  commit: string;
  /** Uncommitted changes in the worktree when the run started (other than this file). */
  dirty: boolean;
  node: string;
  platform: string;
  command: string;
  plan: Omit<SoakPlan, 'out' | 'resume'>;
  done: { soakBatches: number; fuzzChunks: number };
  figures: Figures;
  soak: Counts;
  /** Counts of the batch in progress (saved after every kill); folded into `soak` when the batch ends or the run is resumed (that batch then starts again from its seed). */
  soakInProgress?: Counts;
  fuzz: { defaultLimits: Counts; raisedLimits: Counts };
  violations: string[];
}

export interface ResultsFile {
  about: string;
  runs: SoakRun[];
}

const ABOUT = 'Figures of `npm run soak` (bench/soak/main.ts, docs/OPERATIONS.md "npm run soak"); one entry per run, saved after every batch.';

export function readResults(path: string): ResultsFile {
  if (!existsSync(path)) return { about: ABOUT, runs: [] };
  const f = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  return { about: ABOUT, runs: Array.isArray(f.runs) ? f.runs : [] };
}

/** Save one run: re-read the file first (another soak process may have saved its own run meanwhile). */
export function saveRun(path: string, run: SoakRun): void {
  const f = readResults(path);
  const i = f.runs.findIndex((r) => r.id === run.id);
  if (i >= 0) f.runs[i] = run;
  else f.runs.push(run);
  writeFileSync(`${path}.tmp`, JSON.stringify(f, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** The run `--resume` continues: the last one still running (interrupted). */
export function unfinishedRun(f: ResultsFile): SoakRun | null {
  return [...f.runs].reverse().find((r) => r.status === 'running') ?? null;
}

/** Add the numeric fields of `b` into `a`. */
export function addCounts(a: Counts, b: object): Counts {
  for (const [k, v] of Object.entries(b)) if (typeof v === 'number') a[k] = (a[k] ?? 0) + v;
  return a;
}

export function gitCommit(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/soak-results.json'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

export function newRun(plan: SoakPlan, command: string, now = new Date()): SoakRun {
  const { out: _out, resume: _resume, ...kept } = plan;
  const { commit, dirty } = gitCommit();
  return {
    id: now.toISOString(),
    status: 'running',
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    commit,
    dirty,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    command,
    plan: kept,
    done: { soakBatches: 0, fuzzChunks: 0 },
    figures: { kills: 0, acknowledgedCommands: 0, ticketsAcknowledged: 0, lost: 0, duplicates: 0, serverErrors: 0, stateChangesFromRefused: 0, inputsTried: 0, violations: 0, wallTimeS: 0, seed: plan.seed, commit },
    soak: {},
    fuzz: { defaultLimits: {}, raisedLimits: {} },
    violations: [],
  };
}

/** Recompute the headline figures from the summed counts. */
export function refreshFigures(run: SoakRun): void {
  const s = addCounts(addCounts({}, run.soak), run.soakInProgress ?? {});
  const d = run.fuzz.defaultLimits;
  const r = run.fuzz.raisedLimits;
  const n = (c: Counts, k: string) => c[k] ?? 0;
  Object.assign(run.figures, {
    kills: n(s, 'kills'),
    acknowledgedCommands: n(s, 'acknowledged'),
    ticketsAcknowledged: n(s, 'ticketsAcknowledged'),
    lost: n(s, 'lost'),
    duplicates: n(s, 'duplicates'),
    serverErrors: n(s, 'serverErrors') + n(d, 'serverErrors') + n(r, 'serverErrors'),
    stateChangesFromRefused: n(d, 'stateChangesFromRefused') + n(r, 'stateChangesFromRefused'),
    inputsTried: n(d, 'inputs') + n(r, 'inputs'),
  });
}
