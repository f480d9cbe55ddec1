import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { applyList, diffList, diffStaff, receiveStaffDelta, type StaffDelta } from '../../common/delta.js';
import { commandSchemas, type CommandName } from '../../common/schemas.js';
import type { StaffSnapshot } from '../../common/types.js';
import { Engine } from '../engine.js';
import type { Actor } from '../queue/decide.js';
import { cid, emitAck, login, makeTestDb, startTestServer, connectSocket, type TestServer, type TestSocket } from '../testing.js';

/** Issue 17: staff snapshot deltas — a client that misses deltas resyncs and ends identical to the server. */

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };
const COUNTERS = ['chuo-c1', 'chuo-c2', 'chuo-c3'];
const SERVICES = ['chuo-A', 'chuo-B', 'chuo-C'];

/** One random step of an office day: issue, or a clerk's action at a counter. */
const commandArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('issue' as const), service: fc.integer({ min: 0, max: 2 }), priority: fc.boolean() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('counter' as const),
      counter: fc.integer({ min: 0, max: 2 }),
      action: fc.constantFrom('counter:open', 'counter:call-next', 'counter:start', 'counter:done', 'counter:no-show', 'counter:hold', 'counter:return', 'counter:transfer', 'counter:pause', 'counter:resume', 'counter:close', 'counter:recall'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), nth: fc.nat(50) }) },
);
type Cmd = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;

function runOne(engine: Engine, c: Cmd): void {
  const exec = (actor: Actor, name: CommandName, payload: Record<string, unknown>) => {
    try {
      engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId: cid(name), ...payload }) } as never);
    } catch {
      /* refused commands change nothing; the sequence goes on */
    }
  };
  if (c.kind === 'issue') exec(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: SERVICES[c.service]!, priority: c.priority });
  else if (c.kind === 'cancel') {
    const tickets = [...engine.state('chuo').tickets.keys()];
    if (tickets.length) exec(supervisor, 'ticket:cancel', { ticketId: tickets[c.nth % tickets.length]! });
  } else {
    const counterId = COUNTERS[c.counter]!;
    exec(supervisor, c.action, c.action === 'counter:transfer' ? { counterId, serviceId: SERVICES[(c.counter + 1) % 3]! } : { counterId });
  }
}

/** What goes over the wire: JSON. */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('keyed list patches', () => {
  it('applying the patch of any two lists with unique keys gives the second list', () => {
    const item = fc.record({ id: fc.integer({ min: 0, max: 30 }).map(String), v: fc.integer({ min: 0, max: 3 }) });
    const list = fc.uniqueArray(item, { selector: (x) => x.id, maxLength: 25 });
    fc.assert(
      fc.property(list, list, (a, b) => {
        const patch = diffList(a, b, 'id');
        expect(patch === null ? a : applyList(a, wire(patch), 'id')).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('a queue that lost its head and gained a tail is sent as a patch of two items, not the list', () => {
    const a = Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}`, n: i }));
    const b = [...a.slice(1), { id: 's1000', n: 1000 }];
    const patch = diffList(a, b, 'id')!;
    expect(patch).toEqual({ remove: ['s0'], update: [], insert: [[999, { id: 's1000', n: 1000 }]] });
  });
});

describe('staff snapshot deltas over random office days', () => {
  it('a client that applies deltas, and resyncs when it missed one, always ends identical to the full snapshot', async () => {
    const t = await makeTestDb();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(commandArb, fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 40 }), async (steps) => {
          // A fresh engine over the same database per run: the office as it was left, a new stream.
          const engine = new Engine({ db: t.db, clock: t.clock });
          let server: StaffSnapshot = { ...engine.staffSnapshot('chuo'), rev: 1 };
          let client: StaffSnapshot | null = wire(server);
          let resyncs = 0;
          for (const [cmd, lost, advance] of steps) {
            runOne(engine, cmd);
            if (advance) t.clock.advance(advance * 45_000);
            const next: StaffSnapshot = { ...engine.staffSnapshot('chuo'), rev: server.rev! + 1 };
            const delta: StaffDelta = wire(diffStaff(server, next, server.rev!, next.rev!));
            server = next;
            if (lost) continue; // the client never sees this delta
            const got = receiveStaffDelta(client, delta);
            if (got === 'resync') {
              resyncs += 1;
              client = wire(server); // office:subscribe answers with the full snapshot
            } else client = got;
            expect(client).toEqual(wire(server));
          }
          // A client whose last delta was lost learns of it with the next change (or reconnect): one more round.
          const last: StaffSnapshot = { ...engine.staffSnapshot('chuo'), rev: server.rev! + 1 };
          const got = receiveStaffDelta(client, wire(diffStaff(server, last, server.rev!, last.rev!)));
          client = got === 'resync' ? wire(last) : got;
          expect(client).toEqual(wire(last));
          expect(resyncs).toBeLessThanOrEqual(steps.filter(([, lost]) => lost).length);
        }),
        { numRuns: 40 },
      );
    } finally {
      t.db.close();
    }
  });

  it('both snapshots built from one public build equal the two built apart', async () => {
    const t = await makeTestDb();
    try {
      const engine = new Engine({ db: t.db, clock: t.clock });
      fc.assert(
        fc.property(fc.array(commandArb, { minLength: 1, maxLength: 30 }), (cmds) => {
          for (const c of cmds) runOne(engine, c);
          const both = engine.snapshots('chuo');
          expect(both.public).toEqual(engine.publicSnapshot('chuo'));
          expect(both.staff).toEqual(engine.staffSnapshot('chuo'));
          expect(both.staff.waiting.length + both.staff.held.length).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 15 },
      );
    } finally {
      t.db.close();
    }
  });

  it('a delta on top of another revision, another office or nothing asks for a resync', () => {
    const d = { officeId: 'chuo', baseRev: 4, rev: 5, version: 9, set: {}, unset: [], lists: {} } as StaffDelta;
    expect(receiveStaffDelta(null, d)).toBe('resync');
    expect(receiveStaffDelta({ kind: 'staff', officeId: 'chuo', rev: 3 }, d)).toBe('resync');
    expect(receiveStaffDelta({ kind: 'staff', officeId: 'higashi', rev: 4 }, d)).toBe('resync');
    expect(receiveStaffDelta({ kind: 'public', officeId: 'chuo', rev: 4 }, d)).toBe('resync');
    expect(receiveStaffDelta({ kind: 'staff', officeId: 'chuo', rev: 4 }, d)).toMatchObject({ rev: 5, version: 9 });
  });
});

describe('deltas over a real socket', () => {
  let srv: TestServer | null = null;
  afterEach(async () => {
    await srv?.close();
    srv = null;
  });

  it('a staff socket subscribed with deltas gets the full snapshot once, then small deltas; one missed makes it resync to the server snapshot', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'supervisor');
    const sock = connectSocket(srv.url, { cookie });
    const snaps: StaffSnapshot[] = [];
    const deltas: { delta: StaffDelta; bytes: number }[] = [];
    sock.on('office:snapshot', (s) => snaps.push(s as StaffSnapshot));
    sock.on('office:staff-delta', (d) => deltas.push({ delta: d, bytes: JSON.stringify(d).length }));
    const ack = (await emitAck(sock, 'office:subscribe', { officeId: 'chuo', deltas: true })) as { data: { kind: string; rev: number } };
    expect(ack.data.kind).toBe('staff');
    const kioskHeaders = { 'Content-Type': 'application/json', Authorization: `Bearer ${srv.kioskToken}` };
    const issue = async () => {
      const r = await fetch(`${srv!.url}/api/offices/chuo/tickets`, { method: 'POST', headers: kioskHeaders, body: JSON.stringify({ commandId: cid('d'), serviceId: 'chuo-A' }) });
      expect(r.status).toBe(200);
    };
    for (let i = 0; i < 30; i++) await issue();
    await waitFor(() => snaps.length === 1 && deltas.length > 0 && deltas.at(-1)!.delta.version === srv!.app.engine.version('chuo'));
    expect(snaps).toHaveLength(1); // never a second full snapshot while it keeps up
    expect(snaps[0]!.rev).toBe(ack.data.rev);

    // Replay the deltas on the first snapshot as the browser does, but lose one in the middle.
    let held: StaffSnapshot | null = snaps[0]!;
    let resynced = false;
    for (const [i, { delta }] of deltas.entries()) {
      if (i === 1) continue; // lost
      const next = receiveStaffDelta(held, delta);
      if (next === 'resync') {
        resynced = true;
        held = null;
        break;
      }
      held = next;
    }
    expect(resynced).toBe(true);
    const before = snaps.length;
    await emitAck(sock, 'office:subscribe', { officeId: 'chuo', deltas: true }); // the resync
    await waitFor(() => snaps.length === before + 1);
    held = snaps.at(-1)!;
    // Two more changes as deltas on top of the resynced snapshot, then compare with the server's own.
    const seen = deltas.length;
    await issue();
    await issue();
    await waitFor(() => deltas.length > seen && deltas.at(-1)!.delta.version === srv!.app.engine.version('chuo'));
    for (const { delta } of deltas.slice(seen)) {
      const next = receiveStaffDelta(held, delta);
      expect(next).not.toBe('resync');
      held = next as StaffSnapshot;
    }
    const { rev: _rev, ...mine } = held;
    expect(wire(mine)).toEqual(wire(srv.app.engine.staffSnapshot('chuo')));
    // A delta of one issued ticket is a small fraction of the full snapshot.
    expect(deltas.at(-1)!.bytes).toBeLessThan(JSON.stringify(snaps.at(-1)).length / 3);
    sock.disconnect();
  });

  it('a staff socket that did not ask for deltas still gets a full snapshot after every change', async () => {
    srv = await startTestServer();
    const cookie = await login(srv.url, 'supervisor');
    const sock = connectSocket(srv.url, { cookie });
    const snaps: StaffSnapshot[] = [];
    let deltas = 0;
    sock.on('office:snapshot', (s) => snaps.push(s as StaffSnapshot));
    sock.on('office:staff-delta', () => (deltas += 1));
    await emitAck(sock, 'office:subscribe', { officeId: 'chuo' });
    await fetch(`${srv.url}/api/offices/chuo/tickets`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${srv.kioskToken}` }, body: JSON.stringify({ commandId: cid('d'), serviceId: 'chuo-A' }) });
    await waitFor(() => snaps.length === 2);
    expect(deltas).toBe(0);
    expect(snaps[1]!.waiting).toHaveLength(1);
    sock.disconnect();
  });
});

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export type { TestSocket };
