import { beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../common/errors.js';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket, Step } from '../../common/types.js';
import { Engine } from '../engine.js';
import type { Actor } from '../queue/decide.js';
import { diffReplay, replayOffice } from '../store/replay.js';
import { stepFromRow } from '../store/rows.js';
import { cid, makeTestDb, type TestOffice } from '../testing.js';
import { configureVisits } from './testkit.js';

/** Journeys and the 交付 stage in the engine: events, queue effects, replay (issue 16). */

const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
const supervisor: Actor = { role: 'supervisor', staffId: 'supervisor', deviceId: null };

let t: TestOffice;
let engine: Engine;

beforeEach(async () => {
  t = await makeTestDb();
  configureVisits(t.db);
  engine = new Engine({ db: t.db, clock: t.clock });
});

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) {
  const parsed = commandSchemas[name].parse({ commandId: cid(name), ...payload });
  return engine.execute(actor, { name, payload: parsed } as never);
}
function codeOf(fn: () => unknown): ErrorCode | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
  return null;
}
const stepsOf = (ticketId: string): Step[] => (t.db.prepare('SELECT * FROM steps WHERE ticket_id = ? ORDER BY seq').all(ticketId) as Record<string, unknown>[]).map(stepFromRow);
const eventTypes = () => (t.db.prepare('SELECT type FROM events ORDER BY id').all() as { type: string }[]).map((r) => r.type);
const open = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:open', { counterId });
const callNext = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:call-next', { counterId }).display as string;
const done = (counterId: string, staffId: string) => run(clerk(staffId), 'counter:done', { counterId });

describe('journeys', () => {
  it('a three-leg kiosk ticket: one number; each leg enqueued when the previous one ends served, its wait measured from then; replay rebuilds it', () => {
    // Tapped in another order: the kiosk gets the office's default order 転入 → 国保 → 児童手当.
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-F', plan: ['chuo-A', 'chuo-E'] }).ticket as IssuedTicket;
    expect(tk.serviceId).toBe('chuo-A');
    expect(tk.display).toMatch(/^A-/);
    expect(tk.plan).toEqual(['chuo-E', 'chuo-F']);
    open('chuo-c3', 'clerk1');
    open('chuo-c9', 'clerk2');
    t.clock.advance(60_000);
    expect(callNext('chuo-c3', 'clerk1')).toBe(tk.display);
    t.clock.advance(10 * 60_000);
    const endA = t.clock.now();
    done('chuo-c3', 'clerk1');
    let steps = stepsOf(tk.ticketId);
    expect(steps.map((s) => [s.serviceId, s.state, s.outcome])).toEqual([['chuo-A', 'ended', 'served'], ['chuo-E', 'waiting', null]]);
    expect(steps[1]!.enqueuedAt).toBe(endA);
    expect(steps[1]!.fromStepId).toBe(steps[0]!.id);
    t.clock.advance(5 * 60_000);
    expect(callNext('chuo-c9', 'clerk2')).toBe(tk.display);
    t.clock.advance(8 * 60_000);
    const endE = t.clock.now();
    done('chuo-c9', 'clerk2');
    steps = stepsOf(tk.ticketId);
    expect(steps[2]).toMatchObject({ serviceId: 'chuo-F', state: 'waiting', enqueuedAt: endE, seq: 3 });
    expect(steps[1]!.firstCalledAt! - steps[1]!.enqueuedAt).toBe(5 * 60_000);
    t.clock.advance(2 * 60_000);
    expect(callNext('chuo-c9', 'clerk2')).toBe(tk.display);
    done('chuo-c9', 'clerk2');
    steps = stepsOf(tk.ticketId);
    expect(steps).toHaveLength(3);
    expect(steps.every((s) => s.outcome === 'served')).toBe(true);
    expect((t.db.prepare('SELECT plan_json FROM tickets WHERE id = ?').get(tk.ticketId) as { plan_json: string | null }).plan_json).toBeNull();
    expect(eventTypes().filter((e) => e === 'journey.advanced')).toHaveLength(2);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
    // A restarted engine knows the ticket's plan state exactly as before.
    expect(replayOffice(t.db, 'chuo').tickets.get(tk.ticketId)?.plan).toBeUndefined();
  });

  it('a clerk removes a leg: the ticket ends after the legs left; add and reorder too; replay agrees', () => {
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', plan: ['chuo-E', 'chuo-F'] }).ticket as IssuedTicket;
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'ticket:plan', { ticketId: tk.ticketId, plan: ['chuo-F'] }); // 国保 not needed after all
    done('chuo-c3', 'clerk1');
    let steps = stepsOf(tk.ticketId);
    expect(steps.map((s) => s.serviceId)).toEqual(['chuo-A', 'chuo-F']);
    // Add a certificate (any active service, like a transfer) before 児童手当… then drop it again.
    run(clerk('clerk1'), 'ticket:plan', { ticketId: tk.ticketId, plan: ['chuo-B'] });
    run(clerk('clerk1'), 'ticket:plan', { ticketId: tk.ticketId, plan: [] });
    open('chuo-c10', 'clerk2');
    expect(callNext('chuo-c10', 'clerk2')).toBe(tk.display);
    done('chuo-c10', 'clerk2');
    steps = stepsOf(tk.ticketId);
    expect(steps.map((s) => [s.serviceId, s.outcome])).toEqual([['chuo-A', 'served'], ['chuo-F', 'served']]);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('refuses bad plans with stable codes and changes nothing', () => {
    const before = eventTypes().length;
    expect(codeOf(() => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', plan: ['chuo-B'] }))).toBe('JOURNEY_NOT_ALLOWED'); // B is not combinable
    expect(codeOf(() => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', plan: ['chuo-A'] }))).toBe('JOURNEY_NOT_ALLOWED');
    expect(codeOf(() => run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', plan: ['nope'] }))).toBe('SERVICE_NOT_FOUND');
    expect(() => commandSchemas['ticket:issue'].parse({ commandId: cid(), officeId: 'chuo', serviceId: 'chuo-A', plan: ['a', 'b', 'c', 'd', 'e'] })).toThrow();
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B' }).ticket as IssuedTicket;
    expect(codeOf(() => run(clerk('clerk1'), 'ticket:plan', { ticketId: tk.ticketId, plan: ['chuo-E', 'chuo-E'] }))).toBe('JOURNEY_NOT_ALLOWED');
    expect(codeOf(() => run(clerk('clerk1'), 'ticket:plan', { ticketId: 'missing', plan: [] }))).toBe('TICKET_NOT_FOUND');
    expect(eventTypes().length).toBe(before + 1);
  });

  it('staff at a reception desk keep the order given; a transfer on a leg keeps the plan; no-show ends the journey', () => {
    const tk = run(clerk('clerk1'), 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-E', plan: ['chuo-A'] }).ticket as IssuedTicket;
    expect(tk.serviceId).toBe('chuo-E');
    open('chuo-c8', 'clerk1');
    callNext('chuo-c8', 'clerk1');
    run(clerk('clerk1'), 'counter:transfer', { counterId: 'chuo-c8', serviceId: 'chuo-F' });
    open('chuo-c10', 'clerk2');
    expect(callNext('chuo-c10', 'clerk2')).toBe(tk.display);
    done('chuo-c10', 'clerk2');
    expect(stepsOf(tk.ticketId).map((s) => [s.serviceId, s.outcome])).toEqual([['chuo-E', 'transferred'], ['chuo-F', 'served'], ['chuo-A', null]]);
    open('chuo-c3', 'clerk1');
    callNext('chuo-c3', 'clerk1');
    run(clerk('clerk1'), 'counter:recall', { counterId: 'chuo-c3' });
    run(clerk('clerk1'), 'counter:no-show', { counterId: 'chuo-c3' });
    expect(stepsOf(tk.ticketId)).toHaveLength(3);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});

describe('交付 (pickup) stage', () => {
  it('受付 → 書類作成中 → ready → 交付 queue → served; processing and pickup wait from the events; replay agrees', () => {
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B' }).ticket as IssuedTicket;
    open('chuo-c4', 'clerk1');
    callNext('chuo-c4', 'clerk1');
    t.clock.advance(3 * 60_000);
    const processingAt = t.clock.now();
    run(clerk('clerk1'), 'counter:processing', { counterId: 'chuo-c4' });
    expect(stepsOf(tk.ticketId).map((s) => s.outcome)).toEqual(['served']);
    let snap = engine.staffSnapshot('chuo');
    expect(snap.pickups).toEqual([expect.objectContaining({ display: tk.display, state: 'processing', processingAt, readyAt: null, fromServiceId: 'chuo-B', serviceId: 'chuo-K' })]);
    expect(engine.ticketStatusByToken(tk.token)?.pickup).toEqual({ state: 'processing', serviceId: 'chuo-K', readyAt: null });
    // Not yet ready: call-next at the 交付 counter finds nobody.
    open('chuo-c12', 'clerk2');
    expect(codeOf(() => callNext('chuo-c12', 'clerk2'))).toBe('NO_TICKET_WAITING');
    t.clock.advance(20 * 60_000);
    const readyAt = t.clock.now();
    run(supervisor, 'ticket:ready', { ticketId: tk.ticketId });
    expect(engine.publicSnapshot('chuo').pickupsReady).toEqual([{ display: tk.display, serviceId: 'chuo-K', readyAt }]);
    expect(engine.ticketStatusByToken(tk.token)?.pickup?.state).toBe('ready');
    expect(codeOf(() => run(supervisor, 'ticket:ready', { ticketId: tk.ticketId }))).toBe('NOT_PROCESSING');
    t.clock.advance(4 * 60_000);
    expect(callNext('chuo-c12', 'clerk2')).toBe(tk.display);
    expect(engine.publicSnapshot('chuo').pickupsReady).toEqual([]);
    done('chuo-c12', 'clerk2');
    const steps = stepsOf(tk.ticketId);
    expect(steps.map((s) => [s.serviceId, s.outcome])).toEqual([['chuo-B', 'served'], ['chuo-K', 'served']]);
    expect(steps[1]!.enqueuedAt).toBe(readyAt);
    expect(steps[1]!.firstCalledAt! - steps[1]!.enqueuedAt).toBe(4 * 60_000);
    const pickup = JSON.parse((t.db.prepare('SELECT pickup_json FROM tickets WHERE id = ?').get(tk.ticketId) as { pickup_json: string }).pickup_json);
    expect(pickup).toMatchObject({ processingAt, readyAt, stepId: steps[1]!.id });
    expect(engine.staffSnapshot('chuo').pickups).toEqual([]);
    expect(engine.ticketStatusByToken(tk.token)?.pickup?.state).toBe('done');
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('ready while the resident is at another leg: the 交付 step comes after the journey; a service without the stage refuses; cancel closes a pending stage', () => {
    t.db.prepare('UPDATE services SET journey_rank = 0 WHERE id = ?').run('chuo-B');
    engine.reloadOffice('chuo');
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B', plan: ['chuo-E'] }).ticket as IssuedTicket;
    open('chuo-c4', 'clerk1');
    callNext('chuo-c4', 'clerk1');
    run(clerk('clerk1'), 'counter:processing', { counterId: 'chuo-c4' });
    expect(stepsOf(tk.ticketId).map((s) => [s.serviceId, s.state])).toEqual([['chuo-B', 'ended'], ['chuo-E', 'waiting']]);
    run(clerk('clerk1'), 'ticket:ready', { ticketId: tk.ticketId });
    expect(stepsOf(tk.ticketId)).toHaveLength(2);
    expect(engine.publicSnapshot('chuo').pickupsReady).toHaveLength(1);
    open('chuo-c8', 'clerk2');
    callNext('chuo-c8', 'clerk2');
    expect(codeOf(() => run(clerk('clerk2'), 'counter:processing', { counterId: 'chuo-c8' }))).toBe('NO_PICKUP_STAGE');
    done('chuo-c8', 'clerk2');
    expect(stepsOf(tk.ticketId).map((s) => [s.serviceId, s.state])).toEqual([['chuo-B', 'ended'], ['chuo-E', 'ended'], ['chuo-K', 'waiting']]);
    // Another one cancelled while processing.
    const t2 = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B' }).ticket as IssuedTicket;
    callNext('chuo-c4', 'clerk1');
    run(clerk('clerk1'), 'counter:processing', { counterId: 'chuo-c4' });
    run(supervisor, 'ticket:cancel', { ticketId: t2.ticketId });
    expect(engine.ticketStatusByToken(t2.token)?.pickup?.state).toBe('closed');
    expect(codeOf(() => run(supervisor, 'ticket:ready', { ticketId: t2.ticketId }))).toBe('NOT_PROCESSING');
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });

  it('survives a restart: a new engine on the same database continues the plan and the 交付 stage', () => {
    t.db.prepare('UPDATE services SET journey_rank = 0 WHERE id = ?').run('chuo-B');
    engine.reloadOffice('chuo');
    const tk = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B', plan: ['chuo-E'] }).ticket as IssuedTicket;
    open('chuo-c4', 'clerk1');
    callNext('chuo-c4', 'clerk1');
    run(clerk('clerk1'), 'counter:processing', { counterId: 'chuo-c4' });
    engine = new Engine({ db: t.db, clock: t.clock }); // restart
    expect(engine.state('chuo').tickets.get(tk.ticketId)).toMatchObject({ pickup: { serviceId: 'chuo-K', readyAt: null, stepId: null } });
    run(clerk('clerk1'), 'ticket:ready', { ticketId: tk.ticketId });
    open('chuo-c8', 'clerk2');
    callNext('chuo-c8', 'clerk2');
    engine = new Engine({ db: t.db, clock: t.clock }); // restart again, mid-leg
    done('chuo-c8', 'clerk2');
    expect(stepsOf(tk.ticketId).map((s) => [s.serviceId, s.state])).toEqual([['chuo-B', 'ended'], ['chuo-E', 'ended'], ['chuo-K', 'waiting']]);
    expect(engine.publicSnapshot('chuo').pickupsReady?.map((p) => p.display)).toEqual([tk.display]);
    expect(diffReplay(t.db, 'chuo')).toEqual([]);
  });
});

