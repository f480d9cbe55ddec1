import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../common/errors.js';
import { commandSchemas, type AnyCommand } from '../common/schemas.js';
import type { IssuedTicket } from '../common/types.js';
import { Engine } from './engine.js';
import type { Actor } from './queue/decide.js';
import { openDatabase, type DB } from './store/db.js';
import { diffReplay } from './store/replay.js';
import { cid, makeTestDb, type TestOffice } from './testing.js';

/**
 * Group commit: commands submitted in the same turn of the event loop share one transaction (one
 * fsync), yet each is acknowledged only after the COMMIT, a refused or failing one changes nothing,
 * and the others are unaffected.
 */
const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
let dir: string;
let t: TestOffice;
let engine: Engine;
let reader: DB; // a second connection: sees only what is committed

const issueCmd = (serviceId: string, commandId = cid('gc')): AnyCommand => ({ name: 'ticket:issue', payload: commandSchemas['ticket:issue'].parse({ commandId, officeId: 'chuo', serviceId }) }) as AnyCommand;
const committedTickets = () => (reader.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-gc-'));
  t = await makeTestDb({ path: join(dir, 'gc.db') });
  engine = new Engine({ db: t.db, clock: t.clock });
  reader = openDatabase(join(dir, 'gc.db'));
});
afterEach(() => {
  reader.close();
  t.db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('acknowledges each command only once it is committed, and commits a burst together', async () => {
    const seenAtAck: number[] = [];
    const promises = Array.from({ length: 20 }, () => engine.submit(kiosk, issueCmd('chuo-A')).then((r) => (seenAtAck.push(committedTickets()), r)));
    expect(committedTickets()).toBe(0); // nothing runs before the flush
    const results = await Promise.all(promises);
    expect(results.map((r) => (r.ticket as IssuedTicket).display)).toEqual(Array.from({ length: 20 }, (_, i) => `A-${String(i + 1).padStart(3, '0')}`));
    // When the first acknowledgement went out, all twenty were already on disk: one transaction.
    expect(seenAtAck).toEqual(Array(20).fill(20));
  });

  it('notifies listeners only after the commit', async () => {
    const seenAtNotify: number[] = [];
    engine.onChange(() => seenAtNotify.push(committedTickets()));
    await Promise.all([engine.submit(kiosk, issueCmd('chuo-A')), engine.submit(kiosk, issueCmd('chuo-B'))]);
    expect(seenAtNotify).toEqual([2]);
  });

  it('a refused command in a batch changes nothing; a retried command id returns the first result', async () => {
    const first = issueCmd('chuo-A', 'same-command-id-1');
    const settled = await Promise.allSettled([
      engine.submit(kiosk, first),
      engine.submit(kiosk, issueCmd('chuo-nowhere')),
      engine.submit(kiosk, issueCmd('chuo-A')),
      engine.submit(kiosk, issueCmd('chuo-A', 'same-command-id-1')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(((settled[1] as PromiseRejectedResult).reason as AppError).code).toBe('SERVICE_NOT_FOUND');
    const [a, , b, again] = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
    expect((a!.ticket as IssuedTicket).display).toBe('A-001');
    expect((b!.ticket as IssuedTicket).display).toBe('A-002');
    expect(again!.ticketId).toBe(a!.ticketId);
    expect(again!.replayed).toBe(true);
    expect(committedTickets()).toBe(2);
    expect(diffReplay(reader, 'chuo')).toEqual([]);
  });

  it('a command failing inside its savepoint rolls back alone; the others commit and memory matches the disk', async () => {
    t.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON tickets WHEN NEW.prefix = 'C' BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
    const settled = await Promise.allSettled([engine.submit(kiosk, issueCmd('chuo-A')), engine.submit(kiosk, issueCmd('chuo-C')), engine.submit(kiosk, issueCmd('chuo-A'))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedTickets()).toBe(2);
    expect(engine.publicSnapshot('chuo').services.find((s) => s.id === 'chuo-C')!.waiting).toBe(0);
    expect(engine.publicSnapshot('chuo').services.find((s) => s.id === 'chuo-A')!.waiting).toBe(2);
    t.db.exec('DROP TRIGGER boom');
    const next = await engine.submit(kiosk, issueCmd('chuo-C'));
    expect((next.ticket as IssuedTicket).display).toBe('C-001');
    expect(diffReplay(reader, 'chuo')).toEqual([]);
  });

  it('a synchronous execute between batches still commits on its own', async () => {
    const p = engine.submit(kiosk, issueCmd('chuo-A'));
    const direct = engine.execute(kiosk, issueCmd('chuo-A'));
    expect(committedTickets()).toBe(1); // the direct one, committed before it returned
    expect((direct.ticket as IssuedTicket).display).toBe('A-001');
    expect(((await p).ticket as IssuedTicket).display).toBe('A-002');
  });
});
