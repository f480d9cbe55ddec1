import type { LocalizedText, PickupStage } from '../../common/types.js';
import { distribution, type Distribution } from '../reports/stats.js';
import { loadNames, requireOffices } from '../reports/query.js';
import type { DB } from '../store/db.js';

/**
 * Whole-visit report (issue 16), from the stored steps and tickets (which the events rebuild):
 *  - by journey: tickets grouped by the path of their legs (services in the order they were
 *    served, transfers and the 交付 step left out), with the visit stay (滞在時間 = last step's
 *    ended_at − issued_at) of those finished served, and the wait of each leg (leg i's
 *    first_called_at − its enqueued_at, the leg enqueued when the previous one ended);
 *  - by leg position: the wait of every first, second, third … leg of a journey;
 *  - 交付 stage: processing time (書類作成中 → ready, readyAt − processingAt) and pickup wait (the
 *    交付 step's first call − its enqueue: the ready instant, or the end of the resident's last
 *    leg when the papers were ready earlier), apart from the counter wait of the 受付 steps.
 * A ticket counts in the range of its business day. Nothing personal is read.
 */

export interface JourneyRow {
  key: string;
  serviceIds: string[];
  label: LocalizedText;
  tickets: number;
  /** Finished with every leg served. */
  served: number;
  stay: Distribution;
  legWaits: Distribution[];
}

export interface VisitsReport {
  offices: { id: string; name: LocalizedText }[];
  from: string;
  to: string;
  journeys: JourneyRow[];
  /** Waits of legs by position in multi-leg journeys: [0] = first leg, … */
  legs: { leg: number; wait: Distribution }[];
  pickup: { tickets: number; ready: number; collected: number; processing: Distribution; pickupWait: Distribution; counterWait: Distribution };
}

interface Row {
  id: string;
  ticket_id: string;
  issued_at: number;
  pickup_json: string | null;
  seq: number;
  service_id: string;
  state: string;
  outcome: string | null;
  enqueued_at: number;
  first_called_at: number | null;
  ended_at: number | null;
}

export function visitsReport(db: DB, officeIds: string[], from: string, to: string): VisitsReport {
  const names = loadNames(db);
  const offices = requireOffices(names, officeIds);
  const byJourney = new Map<string, { serviceIds: string[]; tickets: number; served: number; stays: number[]; legWaits: number[][] }>();
  const legWaits: number[][] = [];
  const processing: number[] = [];
  const pickupWait: number[] = [];
  const counterWait: number[] = [];
  let pickupTickets = 0, pickupReady = 0, pickupCollected = 0;
  const stmt = db.prepare(`SELECT s.id, t.id AS ticket_id, t.issued_at, t.pickup_json, s.seq, s.service_id, s.state, s.outcome, s.enqueued_at, s.first_called_at, s.ended_at
    FROM tickets t JOIN steps s ON s.ticket_id = t.id
    WHERE t.office_id = ? AND t.business_day >= ? AND t.business_day <= ? ORDER BY t.id, s.seq`);
  for (const office of offices) {
    let current: Row[] = [];
    const flush = () => {
      if (current.length) visit(current);
      current = [];
    };
    const visit = (rows: Row[]) => {
      const first = rows[0]!;
      const pickup = first.pickup_json ? (JSON.parse(first.pickup_json) as PickupStage) : null;
      const legs = rows.filter((r) => r.outcome !== 'transferred' && r.id !== pickup?.stepId);
      const open = rows.some((r) => r.state !== 'ended');
      if (pickup) {
        pickupTickets++;
        const from = rows.find((r) => r.id === pickup.fromStepId);
        if (from?.first_called_at != null) counterWait.push(from.first_called_at - from.enqueued_at);
        if (pickup.readyAt !== null) {
          pickupReady++;
          processing.push(pickup.readyAt - pickup.processingAt);
        }
        const p = rows.find((r) => r.id === pickup.stepId);
        if (p?.first_called_at != null) pickupWait.push(p.first_called_at - p.enqueued_at);
        if (p?.outcome === 'served') pickupCollected++;
      }
      const ids = legs.map((l) => l.service_id);
      const key = ids.join('>');
      let j = byJourney.get(key);
      if (!j) byJourney.set(key, (j = { serviceIds: ids, tickets: 0, served: 0, stays: [], legWaits: ids.map(() => []) }));
      j.tickets++;
      legs.forEach((l, i) => {
        if (l.first_called_at === null) return;
        const w = l.first_called_at - l.enqueued_at;
        j!.legWaits[i]!.push(w);
        if (legs.length > 1) (legWaits[i] ??= []).push(w);
      });
      const last = rows.at(-1)!;
      if (!open && (!pickup || pickup.closedAt == null || pickup.stepId !== null) && rows.every((r) => r.outcome === 'served' || r.outcome === 'transferred') && last.ended_at !== null) {
        j.served++;
        j.stays.push(last.ended_at - first.issued_at);
      }
    };
    for (const r of stmt.iterate(office.id, from, to) as IterableIterator<Row>) {
      if (current.length && current[0]!.ticket_id !== r.ticket_id) flush();
      current.push(r);
    }
    flush();
  }
  const label = (ids: string[]): LocalizedText => {
    const ja = ids.map((id) => names.services.get(id)?.name.ja ?? id).join(' → ');
    const en = ids.map((id) => names.services.get(id)?.name.en ?? names.services.get(id)?.name.ja ?? id).join(' → ');
    return { ja, en };
  };
  const journeys = [...byJourney.entries()]
    .map(([key, j]) => ({ key, serviceIds: j.serviceIds, label: label(j.serviceIds), tickets: j.tickets, served: j.served, stay: distribution(j.stays), legWaits: j.legWaits.map(distribution) }))
    .sort((a, b) => b.serviceIds.length - a.serviceIds.length || b.tickets - a.tickets || a.key.localeCompare(b.key));
  return {
    offices: offices.map((o) => ({ id: o.id, name: o.name })),
    from, to, journeys,
    legs: legWaits.map((w, i) => ({ leg: i + 1, wait: distribution(w) })),
    pickup: { tickets: pickupTickets, ready: pickupReady, collected: pickupCollected, processing: distribution(processing), pickupWait: distribution(pickupWait), counterWait: distribution(counterWait) },
  };
}

