import { beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import { Engine } from '../../server/engine.js';
import type { Actor } from '../../server/queue/decide.js';
import { cid, makeTestDb, type TestOffice } from '../../server/testing.js';
import { checkStore, type Ledger } from './invariants.js';

/** The soak's checker must catch each broken rule, or a green soak would prove nothing. */
let t: TestOffice;
let engine: Engine;
let ledger: Ledger;
const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk: Actor = { role: 'clerk', staffId: 'clerk1', deviceId: null };

function run(actor: Actor, name: CommandName, payload: Record<string, unknown>) {
  const commandId = cid(name);
  const result = engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId, ...payload }) } as never);
  ledger.acked.push({ name, commandId, result });
  if (result.ticket) ledger.tickets.push(result.ticket as IssuedTicket);
  return result;
}

beforeEach(async () => {
  t = await makeTestDb();
  engine = new Engine({ db: t.db, clock: t.clock });
  ledger = { acked: [], tickets: [] };
  for (const s of ['chuo-A', 'chuo-A', 'chuo-B']) run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: s });
  run(clerk, 'counter:open', { counterId: 'chuo-c1' });
  run(clerk, 'counter:call-next', { counterId: 'chuo-c1' });
  run(clerk, 'counter:done', { counterId: 'chuo-c1' });
  run(clerk, 'counter:call-next', { counterId: 'chuo-c1' });
});

describe('soak invariant checker', () => {
  it('passes a consistent store and counts what it checked', () => {
    let n = 0;
    expect(checkStore(t.db, ledger, engine.publicSnapshot('chuo'), () => n++)).toEqual([]);
    expect(n).toBeGreaterThan(ledger.acked.length);
  });

  it('catches a lost acknowledged ticket', () => {
    const lost = ledger.tickets[2]!;
    t.db.pragma('foreign_keys = OFF');
    t.db.prepare('DELETE FROM steps WHERE ticket_id = ?').run(lost.ticketId);
    t.db.prepare('DELETE FROM tickets WHERE id = ?').run(lost.ticketId);
    expect(checkStore(t.db, ledger, null).join('\n')).toContain(`acknowledged ticket ${lost.display} lost`);
  });

  it('catches a lost acknowledged state change', () => {
    t.db.prepare("DELETE FROM idempotency WHERE command_id = @id OR command_id LIKE '%|' || @id").run({ id: ledger.acked[5]!.commandId });
    expect(checkStore(t.db, ledger, null).join('\n')).toMatch(/acknowledged counter:done .* lost/);
  });

  it('catches a number issued twice', () => {
    const rebuilt = t.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'tickets'").get() as { sql: string };
    t.db.pragma('foreign_keys = OFF');
    t.db.exec(`CREATE TABLE tickets_copy AS SELECT * FROM tickets; DROP TABLE tickets; ${rebuilt.sql.replace(/,\s*UNIQUE \(office_id, business_day, prefix, number\)[^\n]*/, '')}; INSERT INTO tickets SELECT * FROM tickets_copy; DROP TABLE tickets_copy;`);
    t.db.prepare("UPDATE tickets SET number = 1, display = 'A-001' WHERE prefix = 'A'").run();
    expect(checkStore(t.db, ledger, null).join('\n')).toContain('numbers issued twice');
  });

  it('catches a step at two counters', () => {
    const step = (t.db.prepare('SELECT current_step_id AS s FROM counters WHERE id = ?').get('chuo-c1') as { s: string }).s;
    t.db.prepare("UPDATE counters SET current_step_id = ?, state = 'open' WHERE id = 'chuo-c2'").run(step);
    expect(checkStore(t.db, ledger, null).join('\n')).toContain('a step is current at two counters');
  });

  it('catches rows that the events do not replay to, and a server that shows other than the disk', () => {
    t.db.prepare("UPDATE steps SET state = 'waiting', counter_id = NULL WHERE state = 'called'").run();
    const found = checkStore(t.db, ledger, engine.publicSnapshot('chuo')).join('\n');
    expect(found).toContain('replay differs');
    expect(found).toContain('waiting, disk has');
  });
});
