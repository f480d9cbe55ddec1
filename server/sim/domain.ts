import type { AnyCommand } from '../../common/schemas.js';
import type { Step } from '../../common/types.js';
import type { Clock } from '../queue/clock.js';
import { ManualClock } from '../queue/clock.js';
import { decide, type Actor } from '../queue/decide.js';
import { applyEvent, createState, type OfficeState } from '../queue/state.js';
import { businessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import { loadCounters, loadOffices, loadServices } from '../store/rows.js';
import { IdSource, type SimExecutor, type SimRuntime } from './simulate.js';

/**
 * The bare domain as a simulator executor: the same `decide` and reducer the engine runs, without
 * SQLite, idempotency or notifications. For long statistical runs (the Erlang C check) where
 * the engine's disk writes would take minutes; a test pins that both give the same history.
 * Finished steps of past days are moved to `finished` by `tick`, as the engine forgets them.
 */
export class DomainExecutor implements SimExecutor {
  private readonly states = new Map<string, OfficeState>();
  readonly finished: Step[] = [];

  constructor(db: DB, private readonly clock: Clock, private readonly newId: () => string, private readonly newToken: () => string) {
    for (const office of loadOffices(db)) {
      this.states.set(office.id, createState(office, loadServices(db, office.id), loadCounters(db, office.id).counters));
    }
  }

  state(officeId: string): OfficeState {
    const s = this.states.get(officeId);
    if (!s) throw new Error(`unknown office ${officeId}`);
    return s;
  }

  private officeOf(cmd: AnyCommand): OfficeState {
    const p = cmd.payload as Record<string, unknown>;
    if (typeof p.officeId === 'string') return this.state(p.officeId);
    for (const s of this.states.values()) if (typeof p.counterId === 'string' && s.counters.has(p.counterId)) return s;
    throw new Error('command for no known office');
  }

  execute(actor: Actor, cmd: AnyCommand): { stepId?: string } {
    const state = this.officeOf(cmd);
    const d = decide(state, cmd, { now: this.clock.now(), actor, newId: this.newId, newToken: this.newToken });
    for (const e of d.events) applyEvent(state, e);
    return { stepId: d.stepId };
  }

  tick(): void {
    for (const state of this.states.values()) {
      const today = businessDay(this.clock.now(), state.office.timezone);
      for (const t of [...state.tickets.values()]) {
        if (t.businessDay >= today) continue;
        const ids = state.stepsByTicket.get(t.id) ?? [];
        if (!ids.every((id) => state.steps.get(id)?.state === 'ended')) continue;
        for (const id of ids) {
          this.finished.push(state.steps.get(id)!);
          state.steps.delete(id);
        }
        state.stepsByTicket.delete(t.id);
        state.tickets.delete(t.id);
      }
      for (const key of [...state.numbering.keys()]) if (key.split('|')[0]! < today) state.numbering.delete(key);
    }
  }

  /** Every step the executor has seen: finished past days, then what is still in memory. */
  allSteps(): Step[] {
    return [...this.finished, ...[...this.states.values()].flatMap((st) => [...st.steps.values()])];
  }
}

export function domainRuntime(db: DB, startAt: number): SimRuntime & { engine: DomainExecutor } {
  const clock = new ManualClock(startAt);
  const ids = new IdSource();
  const engine = new DomainExecutor(db, clock, () => ids.rng.uuid(), () => ids.rng.token());
  return { engine, clock, ids };
}
