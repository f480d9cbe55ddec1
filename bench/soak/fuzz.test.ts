import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz.js';

/** The short version of the soak's fuzzing (rule 9); `npm run soak` tries thousands more inputs. */
describe('fuzzing', () => {
  it('fuzzing every route and event as every role: no 5xx, always an answer, nothing changed by a refusal', async () => {
    const f = await runFuzz({ httpRuns: 250, socketRuns: 250 });
    console.log(`fuzz: ${f.inputs} inputs tried (${f.httpInputs} HTTP, ${f.socketInputs} socket), ${f.refused} refused, ${f.accepted} accepted, ${f.violations.length} violations`);
    expect(f.violations).toEqual([]);
    expect(f.refused).toBeGreaterThan(0);
    expect(f.accepted).toBeGreaterThan(0);
  }, 120_000);
});
