import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.js';

/**
 * The short version of `npm run soak`: a busy stretch with SIGKILL restarts and disconnect storms
 * against a real server process; every rule checked after each restart; zero violations allowed.
 * (Speed is not asserted here.) Fuzzing is in fuzz.test.ts.
 */
describe('reliability (short soak)', () => {
  it('survives SIGKILL restarts and disconnect storms with every rule intact', async () => {
    const lines: string[] = [];
    // The compiled, warm-started server of `npm run soak` (bench/soak/server.ts), so the restarts are those of the long run.
    const s = await runSoak({ kills: 2, loadMs: [500, 1200], kiosks: 3, counters: 5, displays: 2, phones: 6, stormChance: 0.5, compiled: true, maxWaiting: 100, log: (l) => lines.push(l) });
    console.log(
      `soak: ${s.operations} operations (${s.acknowledged} acknowledged, ${s.refused} refused, ${s.unknown} lost in crashes, ${s.retriedAfterCrash} retried), ` +
        `${s.kills} kills survived, ${s.storms} storms, ${s.invariantsChecked} invariants checked, ${s.violations.length} violations`,
    );
    expect(s.violations, lines.join('\n')).toEqual([]);
    expect(s.kills).toBe(2);
    expect(s.ticketsAcknowledged).toBeGreaterThan(0);
    expect(s.acknowledged).toBeGreaterThan(s.ticketsAcknowledged); // clerks' commands were acknowledged too
    expect(s.invariantsChecked).toBeGreaterThan(0);
    expect({ lost: s.lost, duplicates: s.duplicates, serverErrors: s.serverErrors }).toEqual({ lost: 0, duplicates: 0, serverErrors: 0 });
    expect(s.phoneLookups).toBeGreaterThan(0); // phones followed their tickets between the kills
  }, 300_000);
});
