import { runFuzz } from './fuzz.js';
import { runSoak } from './soak.js';

/**
 * `npm run soak`: the long reliability run — a busy day with SIGKILL restarts and disconnect
 * storms, then fuzzing of every route and event. Options: SOAK_KILLS (default 25),
 * SOAK_SEED, FUZZ_RUNS (default 3000 per transport). Exits 1 on any violation.
 */
const kills = Number(process.env.SOAK_KILLS ?? 25);
const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : Date.now() % 1_000_000;
const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 3000);

async function main(): Promise<void> {
  const started = Date.now();
  const soak = await runSoak({ kills, seed, loadMs: [500, 3000], kiosks: 4, counters: 12, displays: 3, phones: 30, stormChance: 0.4, log: console.log });
  const fuzz = await runFuzz({ httpRuns: fuzzRuns, socketRuns: fuzzRuns, seed, log: console.log });
  const violations = [...soak.violations, ...fuzz.violations];
  console.log(`
soak summary (seed ${seed}, ${Math.round((Date.now() - started) / 1000)} s)
  operations run        ${soak.operations} (${soak.acknowledged} acknowledged, ${soak.refused} refused, ${soak.unknown} lost in crashes; ${soak.retriedAfterCrash} retried with the same id)
  tickets acknowledged  ${soak.ticketsAcknowledged}
  kills survived        ${soak.kills}
  disconnect storms     ${soak.storms}
  invariants checked    ${soak.invariantsChecked}
  inputs tried (fuzz)   ${fuzz.inputs} (${fuzz.httpInputs} HTTP, ${fuzz.socketInputs} socket; ${fuzz.refused} refused, ${fuzz.accepted} accepted, ${fuzz.retried} resent after a dropped connection)
  violations            ${violations.length}`);
  for (const v of violations) console.log(`  ✗ ${v}`);
  process.exit(violations.length ? 1 : 0);
}

void main();
