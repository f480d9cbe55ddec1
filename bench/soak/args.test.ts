import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSoakArgs, RAISED_LIMITS_ENV } from './args.js';
import { fuzzChunks } from './main.js';
import { addCounts, newRun, readResults, refreshFigures, saveRun, unfinishedRun } from './results.js';

describe('npm run soak command line', () => {
  it('takes kills, fuzz count, seed and batch from the flags', () => {
    const p = parseSoakArgs(['--kills', '1000', '--fuzz', '100000', '--seed', '42', '--batch', '250', '--load-ms', '300-1000', '--server-env', 'A=1', '--server-env', 'B=x=y'], {});
    expect(p).toMatchObject({ kills: 1000, fuzz: 100_000, seed: 42, batch: 250, loadMs: [300, 1000], compiled: true, serverEnv: { ...RAISED_LIMITS_ENV, A: '1', B: 'x=y' }, out: 'bench/soak-results.json', resume: false });
  });

  it('keeps the older env variables as defaults (FUZZ_RUNS is per transport), flags win over them', () => {
    const env = { SOAK_KILLS: '7', SOAK_SEED: '9', FUZZ_RUNS: '500', SOAK_SERVER_ENV: 'A=1,C=3' };
    expect(parseSoakArgs([], env)).toMatchObject({ kills: 7, seed: 9, fuzz: 1000, serverEnv: { ...RAISED_LIMITS_ENV, A: '1', C: '3' } });
    expect(parseSoakArgs(['--kills', '3', '--server-env', 'A=2'], env)).toMatchObject({ kills: 3, serverEnv: { ...RAISED_LIMITS_ENV, A: '2', C: '3' } });
    expect(parseSoakArgs(['--server-env', 'MADOGUCHI_SOCKET_EVENTS=100/200'], {})).toMatchObject({ serverEnv: { MADOGUCHI_SOCKET_EVENTS: '100/200', MADOGUCHI_SOCKET_ANON_PER_ADDRESS: '0' } });
    expect(parseSoakArgs([], {}, 1_234_567)).toMatchObject({ kills: 25, fuzz: 6000, seed: 234_567, batch: 50 });
  });

  it('answers --help, and refuses bad values with a message', () => {
    expect(parseSoakArgs(['--help'], {})).toBe('help');
    expect(() => parseSoakArgs(['--kills', '-1'], {})).toThrow(/--kills/);
    expect(() => parseSoakArgs(['--kills', 'many'], {})).toThrow(/--kills/);
    expect(() => parseSoakArgs(['--load-ms', '900-100'], {})).toThrow(/--load-ms/);
    expect(() => parseSoakArgs(['--server-env', 'novalue'], {})).toThrow(/KEY=VALUE/);
    expect(() => parseSoakArgs(['--no-such-flag'], {})).toThrow();
    expect(parseSoakArgs(['--no-write', '--tsx'], {})).toMatchObject({ out: null, compiled: false });
  });

  it('splits the fuzzed inputs: a phase at default limits first (at least 200), the rest at raised limits, in chunks', () => {
    expect(fuzzChunks({ fuzz: 100_000, fuzzChunk: 10_000, defaultLimitsShare: 0.1 })).toEqual([
      { phase: 'defaultLimits', inputs: 10_000 },
      ...Array.from({ length: 9 }, () => ({ phase: 'raisedLimits', inputs: 10_000 })),
    ]);
    expect(fuzzChunks({ fuzz: 600, fuzzChunk: 250, defaultLimitsShare: 0.1 })).toEqual([
      { phase: 'defaultLimits', inputs: 200 },
      { phase: 'raisedLimits', inputs: 250 },
      { phase: 'raisedLimits', inputs: 150 },
    ]);
    expect(fuzzChunks({ fuzz: 0, fuzzChunk: 10, defaultLimitsShare: 0.1 })).toEqual([]);
    expect(fuzzChunks({ fuzz: 100, fuzzChunk: 1000, defaultLimitsShare: 0.5 })).toEqual([{ phase: 'defaultLimits', inputs: 100 }]);
  });
});

describe('soak figures file', () => {
  it('saves a run after each batch beside the other runs, sums the batches, and finds the unfinished run to resume', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-results-'));
    try {
      const path = join(dir, 'soak-results.json');
      const plan = parseSoakArgs(['--kills', '100', '--batch', '50', '--fuzz', '0', '--seed', '5'], {});
      if (plan === 'help') throw new Error('unexpected');
      const other = newRun(plan, 'other', new Date(0));
      other.status = 'complete';
      saveRun(path, other);
      const run = newRun(plan, 'npm run soak -- --kills 100', new Date(1000));
      addCounts(run.soak, { kills: 50, acknowledged: 900, lost: 0, duplicates: 0, serverErrors: 0, note: 'ignored' });
      run.done.soakBatches = 1;
      refreshFigures(run);
      saveRun(path, run);
      addCounts(run.soak, { kills: 50, acknowledged: 1000, lost: 0, duplicates: 0, serverErrors: 1 });
      addCounts(run.fuzz.raisedLimits, { inputs: 300, stateChangesFromRefused: 0, serverErrors: 2 });
      run.done.soakBatches = 2;
      refreshFigures(run);
      saveRun(path, run);
      const f = readResults(path);
      expect(f.runs).toHaveLength(2);
      const back = unfinishedRun(f)!;
      expect(back.id).toBe(run.id);
      expect(back.done.soakBatches).toBe(2);
      expect(back.figures).toMatchObject({ kills: 100, acknowledgedCommands: 1900, serverErrors: 3, inputsTried: 300, seed: 5 });
      expect(back.figures.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
      // A batch in progress (saved after every kill) counts in the figures before it ends.
      back.soakInProgress = { kills: 7, acknowledged: 70 };
      refreshFigures(back);
      expect(back.figures).toMatchObject({ kills: 107, acknowledgedCommands: 1970 });
      // A run stopped by hand is not resumed.
      expect(unfinishedRun({ ...f, runs: f.runs.map((r) => ({ ...r, status: 'stopped' as const })) })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
