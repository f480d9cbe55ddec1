import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz.js';

/** The short version of the soak's fuzzing (rule 9); `npm run soak` tries thousands more inputs. */
describe('fuzzing', () => {
  it('fuzzing every route and event as every role: no 5xx, always an answer, nothing changed by a refusal', async () => {
    // Every 50th socket input is sent 100 times at once (a flood past the default event budget, when the server has one).
    const f = await runFuzz({ httpRuns: 250, socketRuns: 250, burstEvery: 50, burstSize: 100 });
    console.log(`fuzz: ${f.inputs} inputs tried (${f.httpInputs} HTTP, ${f.socketInputs} socket), ${f.refused} refused, ${f.accepted} accepted, ${f.violations.length} violations`);
    expect(f.violations).toEqual([]);
    expect({ stateChangesFromRefused: f.stateChangesFromRefused, serverErrors: f.serverErrors, unanswered: f.unanswered }).toEqual({ stateChangesFromRefused: 0, serverErrors: 0, unanswered: 0 });
    expect(f.bursts).toBe(5);
    expect(f.socketInputs).toBe(250 + 5 * 99);
    expect(f.refused).toBeGreaterThan(0);
    expect(f.accepted).toBeGreaterThan(0);
  }, 120_000);
});

describe('socket events answer whatever the argument shape', () => {
  it('extra arguments, a lone callback and unknown events get an error ack; no ack needed never crashes', async () => {
    const { startTestServer, connectSocket, login, waitFor, cid } = await import('../../server/testing.js');
    const srv = await startTestServer();
    try {
      const s = connectSocket(srv.url, { cookie: await login(srv.url, 'clerk1') });
      await waitFor(() => s.connected);
      const emit = (...args: unknown[]) =>
        new Promise<{ error?: { code: string }; data?: unknown }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ack for ${String(args[0])}`)), 5000);
          (s.emit as unknown as (...a: unknown[]) => void)(...args, (r: { error?: { code: string } }) => {
            clearTimeout(timer);
            resolve(r);
          });
        });
      const events = () => (srv.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      const before = events();
      expect((await emit('counter:open', { commandId: cid(), counterId: 'chuo-c1' }, 'extra')).error?.code).toBe('INVALID_INPUT');
      expect((await emit('counter:open')).error?.code).toBe('INVALID_INPUT');
      expect((await emit('office:subscribe', { officeId: 'chuo' }, 1, 2)).error?.code).toBe('INVALID_INPUT');
      expect((await emit('no:such-event', {})).error?.code).toBe('NOT_FOUND');
      (s.emit as unknown as (...a: unknown[]) => void)('counter:open', { commandId: cid(), counterId: 'chuo-c1' }, 'extra'); // no callback
      expect(events()).toBe(before);
      // Still serving, and a well-formed emit works.
      expect((await emit('counter:open', { commandId: cid(), counterId: 'chuo-c1' })).data).toBeTruthy();
      expect(events()).toBe(before + 1);
      s.disconnect();
    } finally {
      await srv.close();
    }
  }, 60_000);
});
