import type { CommandResult } from '../../common/events.js';
import type { IssuedTicket, PublicSnapshot } from '../../common/types.js';
import type { DB } from '../../server/store/db.js';
import { diffReplay } from '../../server/store/replay.js';

/** A command the client was told succeeded, with the reply it got. */
export interface Acked {
  name: string;
  commandId: string;
  result: CommandResult;
}

export interface Ledger {
  acked: Acked[];
  tickets: IssuedTicket[];
}

/**
 * The rules, checked against a database file after a crash and restart (in one read transaction,
 * so the view is consistent even while the server writes). Returns the violations; `counted` is
 * called once per invariant checked (true = held).
 *  - rule 2: every acknowledged command is stored with the result its client got; every
 *    acknowledged ticket is on disk with its number; an acknowledged "done" is ended as served;
 *  - rule 1: no (office, business day, prefix, number) twice;
 *  - rule 3: no step current at two counters, every called/serving step is the current step of
 *    exactly its own counter, and no counter has two;
 *  - rule 5: the events replay to the stored rows;
 *  - the server serves what is on disk (waiting counts, version = last event).
 */
export function checkStore(db: DB, ledger: Ledger, server: PublicSnapshot | null, counted: (ok: boolean) => void = () => {}, officeId = 'chuo'): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    counted(ok);
    if (!ok) out.push(what);
  };
  db.transaction(() => {
    // Idempotency keys may be scoped to the actor ("<actor>|<command id>").
    // One pass over the table into a map (a LIKE per acknowledged command is quadratic in a long soak).
    const stored = new Map<string, string>();
    for (const r of db.prepare('SELECT command_id, result_json FROM idempotency').iterate() as Iterable<{ command_id: string; result_json: string }>) {
      stored.set(r.command_id, r.result_json);
      const bar = r.command_id.indexOf('|');
      if (bar >= 0 && !stored.has(r.command_id.slice(bar + 1))) stored.set(r.command_id.slice(bar + 1), r.result_json);
    }
    for (const a of ledger.acked) {
      const json = stored.get(a.commandId);
      const row = json ? (JSON.parse(json) as CommandResult) : null;
      check(!!row && row.version === a.result.version && row.ticketId === a.result.ticketId && row.stepId === a.result.stepId, `acknowledged ${a.name} ${a.commandId} lost`);
    }
    const ticket = db.prepare('SELECT display, business_day FROM tickets WHERE id = ?');
    for (const t of ledger.tickets) {
      const row = ticket.get(t.ticketId) as { display: string; business_day: string } | undefined;
      check(!!row && row.display === t.display && row.business_day === t.businessDay, `acknowledged ticket ${t.display} lost`);
    }
    const ended = db.prepare('SELECT state, outcome FROM steps WHERE id = ?');
    for (const a of ledger.acked) {
      if (a.name !== 'counter:done' || !a.result.stepId) continue;
      const row = ended.get(a.result.stepId) as { state: string; outcome: string } | undefined;
      check(row?.state === 'ended' && row.outcome === 'served', `acknowledged done of ${String(a.result.display)} not on disk`);
    }
    const dup = db.prepare('SELECT office_id, business_day, prefix, number, count(*) AS n FROM tickets GROUP BY 1, 2, 3, 4 HAVING n > 1').all();
    check(dup.length === 0, `numbers issued twice: ${JSON.stringify(dup)}`);
    const counters = db.prepare('SELECT id, current_step_id FROM counters WHERE office_id = ?').all(officeId) as { id: string; current_step_id: string | null }[];
    const current = counters.filter((c) => c.current_step_id).map((c) => c.current_step_id!);
    check(new Set(current).size === current.length, 'a step is current at two counters');
    const active = db.prepare("SELECT id, counter_id FROM steps WHERE office_id = ? AND state IN ('called', 'serving')").all(officeId) as { id: string; counter_id: string | null }[];
    for (const s of active) {
      const holders = counters.filter((c) => c.current_step_id === s.id);
      check(holders.length === 1 && holders[0]!.id === s.counter_id, `step ${s.id} called/serving but held by ${holders.map((h) => h.id).join(',') || 'no counter'} (its counter ${s.counter_id})`);
    }
    check(active.length === current.length, `${current.length} counters have a current step but ${active.length} steps are called/serving`);
    const diffs = diffReplay(db, officeId);
    check(diffs.length === 0, `replay differs: ${diffs.slice(0, 3).join(' | ')}`);
    if (server) {
      const waiting = (db.prepare("SELECT count(*) AS n FROM steps WHERE office_id = ? AND state = 'waiting'").get(officeId) as { n: number }).n;
      const shown = server.services.reduce((a, s) => a + s.waiting, 0);
      check(shown === waiting, `server shows ${shown} waiting, disk has ${waiting}`);
      // The public version is the last event id, or (feat/sockets, issue 18) the office's own count of events.
      const ev = db.prepare('SELECT max(id) AS v, count(*) AS n FROM events WHERE office_id = ?').get(officeId) as { v: number | null; n: number };
      const maxEvent = ev.v ?? 0;
      check(server.version === maxEvent || server.version === ev.n, `server version ${server.version}, last event ${maxEvent}, ${ev.n} events`);
    }
  })();
  return out;
}
