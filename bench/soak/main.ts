import { resolve } from 'node:path';
import { parseSoakArgs, USAGE, type SoakPlan } from './args.js';
import { runFuzz } from './fuzz.js';
import { addCounts, newRun, readResults, refreshFigures, saveRun, unfinishedRun, type SoakRun } from './results.js';
import { runSoak } from './soak.js';

/**
 * `npm run soak`: the long reliability run — a busy day with SIGKILL restarts and disconnect
 * storms, in batches of kills on fresh databases, then fuzzing of every route and event (a phase at
 * the server's default socket limits, the rest at raised limits). `--help` lists the options; the
 * figures go to bench/soak-results.json after every batch. Exits 1 on any violation.
 */
const MAX_KEPT_VIOLATIONS = 50;

/** Fuzz phases and their chunks, in order: the default-limits phase first (it is short). */
export function fuzzChunks(plan: Pick<SoakPlan, 'fuzz' | 'fuzzChunk' | 'defaultLimitsShare'>): { phase: 'defaultLimits' | 'raisedLimits'; inputs: number }[] {
  const atDefault = plan.fuzz === 0 || plan.defaultLimitsShare === 0 ? 0 : Math.min(plan.fuzz, Math.max(200, Math.round(plan.fuzz * plan.defaultLimitsShare)));
  const out: { phase: 'defaultLimits' | 'raisedLimits'; inputs: number }[] = [];
  for (const [phase, total] of [['defaultLimits', atDefault], ['raisedLimits', plan.fuzz - atDefault]] as const) {
    for (let left = total; left > 0; left -= plan.fuzzChunk) out.push({ phase, inputs: Math.min(plan.fuzzChunk, left) });
  }
  return out;
}

async function main(): Promise<void> {
  let plan: SoakPlan;
  try {
    const p = parseSoakArgs(process.argv.slice(2), process.env);
    if (p === 'help') {
      console.log(USAGE);
      process.exit(0);
    }
    plan = p;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const out = plan.out ? resolve(plan.out) : null;
  let run: SoakRun;
  const previous = plan.resume && out ? unfinishedRun(readResults(out)) : null;
  if (plan.resume && !previous) console.log('soak: nothing to resume, starting a new run');
  if (previous) {
    run = previous;
    plan = { ...previous.plan, out: plan.out, resume: true };
    // The kills of an interrupted batch happened and were checked: they count; the batch runs again from its seed.
    if (run.soakInProgress) addCounts(run.soak, run.soakInProgress);
    delete run.soakInProgress;
    console.log(`soak: resuming run ${run.id} (${run.done.soakBatches} batches, ${run.done.fuzzChunks} fuzz chunks done)`);
  } else run = newRun(plan, `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim());
  const sessionStart = Date.now();
  const wallBefore = run.figures.wallTimeS;
  const save = () => {
    run.figures.wallTimeS = Math.round(wallBefore + (Date.now() - sessionStart) / 1000);
    run.updatedAt = new Date().toISOString();
    refreshFigures(run);
    if (out) saveRun(out, run);
  };
  const keep = (vs: string[]) => {
    run.figures.violations += vs.length;
    for (const v of vs) if (run.violations.length < MAX_KEPT_VIOLATIONS) run.violations.push(v);
  };
  console.log(`soak: seed ${plan.seed}, ${plan.kills} kills in batches of ${plan.batch}, ${plan.fuzz} fuzzed inputs, server ${plan.compiled ? 'compiled' : 'tsx'}, server env ${JSON.stringify(plan.serverEnv)}${out ? `, figures to ${out}` : ''}`);

  // SIGKILL soak, in batches on fresh databases.
  const batches = Math.ceil(plan.kills / plan.batch);
  for (let i = run.done.soakBatches; i < batches; i++) {
    const kills = Math.min(plan.batch, plan.kills - i * plan.batch);
    const t0 = Date.now();
    const s = await runSoak({
      kills, seed: plan.seed + i, loadMs: plan.loadMs, kiosks: 4, counters: 12, displays: 3, phones: 30, stormChance: 0.4,
      compiled: plan.compiled, serverEnv: plan.serverEnv, maxWaiting: 200,
      onProgress: (partial) => {
        const { violations: _v, ...c } = partial;
        run.soakInProgress = addCounts({}, c);
        save();
      },
      log: (l) => (l.startsWith('VIOLATION') || /kill \d+\/\d+/.test(l) ? console.log(`[batch ${i + 1}/${batches}] ${l}`) : undefined),
    });
    const { violations, ...counts } = s;
    delete run.soakInProgress;
    addCounts(run.soak, counts);
    keep(violations.map((v) => `soak batch ${i + 1} (seed ${plan.seed + i}): ${v}`));
    run.done.soakBatches = i + 1;
    save();
    console.log(`soak: batch ${i + 1}/${batches} done in ${Math.round((Date.now() - t0) / 1000)} s — ${run.figures.kills} kills, ${run.figures.acknowledgedCommands} acknowledged, ${run.figures.lost} lost, ${run.figures.duplicates} duplicates, ${run.violations.length} violations`);
  }

  // Fuzzing, in chunks on fresh in-process servers.
  const chunks = fuzzChunks(plan);
  for (let j = run.done.fuzzChunks; j < chunks.length; j++) {
    const c = chunks[j]!;
    const t0 = Date.now();
    const f = await runFuzz({
      httpRuns: Math.ceil(c.inputs / 2), socketRuns: Math.floor(c.inputs / 2), seed: plan.seed + 1000 + j,
      serverEnv: c.phase === 'raisedLimits' ? plan.serverEnv : undefined,
      ...(c.phase === 'defaultLimits' ? { burstEvery: 25, burstSize: 100 } : {}),
      log: (l) => console.log(`[fuzz ${j + 1}/${chunks.length} ${c.phase}] ${l}`),
    });
    const { violations, ...counts } = f;
    addCounts(run.fuzz[c.phase], counts);
    keep(violations.map((v) => `fuzz chunk ${j + 1} ${c.phase} (seed ${plan.seed + 1000 + j}): ${v}`));
    run.done.fuzzChunks = j + 1;
    save();
    console.log(`fuzz: chunk ${j + 1}/${chunks.length} (${c.phase}, ${c.inputs} inputs) done in ${Math.round((Date.now() - t0) / 1000)} s — ${run.figures.inputsTried} inputs, ${run.figures.stateChangesFromRefused} state changes from refused input, ${run.figures.serverErrors} 5xx/INTERNAL`);
  }

  run.status = 'complete';
  save();
  const fz = addCounts(addCounts({}, run.fuzz.defaultLimits), run.fuzz.raisedLimits);
  const sk = run.soak;
  const fig = run.figures;
  console.log(`
soak summary (seed ${fig.seed}, commit ${fig.commit.slice(0, 10)}${run.dirty ? ' + uncommitted changes' : ''}, ${fig.wallTimeS} s)
  kills survived        ${fig.kills} (${sk.storms ?? 0} disconnect storms, ${sk.serverDisconnects ?? 0} sockets closed by the server)
  operations run        ${sk.operations ?? 0} (${fig.acknowledgedCommands} acknowledged, ${sk.refused ?? 0} refused, ${sk.unknown ?? 0} lost in crashes; ${sk.retriedAfterCrash ?? 0} retried with the same id; ${sk.phoneLookups ?? 0} phone look-ups)
  tickets acknowledged  ${fig.ticketsAcknowledged}
  lost / duplicates     ${fig.lost} / ${fig.duplicates}
  invariants checked    ${sk.invariantsChecked ?? 0}
  inputs tried (fuzz)   ${fig.inputsTried} (${fz.httpInputs ?? 0} HTTP, ${fz.socketInputs ?? 0} socket; ${fz.refused ?? 0} refused, ${fz.accepted ?? 0} accepted; ${run.fuzz.defaultLimits.inputs ?? 0} at default limits with ${fz.bursts ?? 0} floods of 100: ${fz.limited ?? 0} refused by a limit, ${fz.serverDisconnects ?? 0} sockets closed by the server)
  5xx / INTERNAL        ${fig.serverErrors}
  refused but changed   ${fig.stateChangesFromRefused}
  violations            ${fig.violations}`);
  for (const v of run.violations) console.log(`  ✗ ${v}`);
  process.exit(fig.violations ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('main.ts')) void main();
