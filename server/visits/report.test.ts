import { afterEach, describe, expect, it } from 'vitest';
import { commandSchemas, type CommandInput, type CommandName } from '../../common/schemas.js';
import type { IssuedTicket } from '../../common/types.js';
import type { Actor } from '../queue/decide.js';
import { cid, login, parseCsv, startTestServer, type TestServer } from '../testing.js';
import type { VisitsReport } from './report.js';
import { configureVisits } from './testkit.js';

/** Waits per leg, visit stay by journey, processing time and pickup wait in the reports (issue 16). */

const MIN = 60_000;
const kiosk: Actor = { role: 'kiosk', staffId: null, deviceId: 'kiosk-1' };
const clerk = (id: string): Actor => ({ role: 'clerk', staffId: id, deviceId: null });
let srv: TestServer;
afterEach(async () => srv?.close());

function run<N extends CommandName>(actor: Actor, name: N, payload: Omit<CommandInput<N>, 'commandId'>) {
  return srv.app.engine.execute(actor, { name, payload: commandSchemas[name].parse({ commandId: cid(name), ...payload }) } as never);
}

describe('visits report and steps export', () => {
  it('a three-leg journey and a pickup: waits per leg, stay by journey, processing and pickup wait apart from the counter wait', async () => {
    srv = await startTestServer();
    configureVisits(srv.db);
    srv.app.engine.reloadOffice('chuo');
    const c = srv.clock;
    for (const [counter, who] of [['chuo-c3', 'clerk1'], ['chuo-c9', 'clerk2'], ['chuo-c4', 'supervisor'], ['chuo-c12', 'admin']] as const) run(clerk(who), 'counter:open', { counterId: counter });
    const journey = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-A', plan: ['chuo-E', 'chuo-F'] }).ticket as IssuedTicket;
    const cert = run(kiosk, 'ticket:issue', { officeId: 'chuo', serviceId: 'chuo-B' }).ticket as IssuedTicket;
    c.advance(4 * MIN);
    run(clerk('clerk1'), 'counter:call-next', { counterId: 'chuo-c3' }); // A: wait 4
    run(clerk('supervisor'), 'counter:call-next', { counterId: 'chuo-c4' }); // B: counter wait 4
    c.advance(10 * MIN);
    run(clerk('clerk1'), 'counter:done', { counterId: 'chuo-c3' }); // E enqueued
    run(clerk('supervisor'), 'counter:processing', { counterId: 'chuo-c4' }); // 書類作成中
    c.advance(6 * MIN);
    run(clerk('clerk2'), 'counter:call-next', { counterId: 'chuo-c9' }); // E: wait 6
    c.advance(5 * MIN);
    run(clerk('clerk2'), 'counter:done', { counterId: 'chuo-c9' }); // F enqueued
    run(clerk('clerk1'), 'ticket:ready', { ticketId: cert.ticketId }); // processing 11
    c.advance(2 * MIN);
    run(clerk('clerk2'), 'counter:call-next', { counterId: 'chuo-c9' }); // F: wait 2
    c.advance(3 * MIN);
    run(clerk('admin'), 'counter:call-next', { counterId: 'chuo-c12' }); // pickup wait 5
    run(clerk('clerk2'), 'counter:done', { counterId: 'chuo-c9' }); // journey ends: stay 4+10+6+5+2+3 = 30
    c.advance(1 * MIN);
    run(clerk('admin'), 'counter:done', { counterId: 'chuo-c12' }); // stay 31

    const sup = await login(srv.url, 'supervisor');
    const get = async (path: string) => {
      const r = await fetch(`${srv.url}${path}`, { headers: { Cookie: sup } });
      expect(r.status).toBe(200);
      return r;
    };
    const report = ((await (await get('/api/reports/visits?offices=chuo&from=2026-03-24&to=2026-03-24')).json()) as { data: VisitsReport }).data;
    const three = report.journeys.find((j) => j.key === 'chuo-A>chuo-E>chuo-F')!;
    expect(three).toMatchObject({ tickets: 1, served: 1, stay: { count: 1, meanMs: 30 * MIN } });
    expect(three.legWaits.map((d) => d.meanMs)).toEqual([4 * MIN, 6 * MIN, 2 * MIN]);
    expect(three.label.ja).toBe('転入・転居・転出 → 国民健康保険・年金 → 児童手当・子育て');
    expect(report.legs.map((l) => [l.leg, l.wait.meanMs])).toEqual([[1, 4 * MIN], [2, 6 * MIN], [3, 2 * MIN]]);
    const b = report.journeys.find((j) => j.key === 'chuo-B')!;
    expect(b).toMatchObject({ tickets: 1, served: 1, stay: { meanMs: 31 * MIN } });
    expect(report.pickup).toMatchObject({
      tickets: 1, ready: 1, collected: 1,
      processing: { count: 1, meanMs: 11 * MIN }, pickupWait: { count: 1, meanMs: 5 * MIN }, counterWait: { count: 1, meanMs: 4 * MIN },
    });

    // The summary's visit stay counts each ticket once (a journey's served legs are not its end).
    const summary = ((await (await get('/api/reports/summary?offices=chuo&from=2026-03-24&to=2026-03-24')).json()) as { data: { stay: { count: number; meanMs: number } } }).data;
    expect(summary.stay).toMatchObject({ count: 2, meanMs: 30.5 * MIN });

    // steps.csv: one row per leg with its own wait; the 交付 stage marked, processing time given.
    const rows = parseCsv(await (await get('/api/reports/steps.csv?offices=chuo&from=2026-03-24&to=2026-03-24')).text());
    const h = rows[0]!;
    const col = (name: string) => h.indexOf(name);
    const mine = rows.slice(1).filter((r) => r[col('番号')] === journey.display);
    expect(mine.map((r) => [r[col('手続順')], r[col('待ち時間(分)')]])).toEqual([['1', '4'], ['2', '6'], ['3', '2']]);
    const certRows = rows.slice(1).filter((r) => r[col('番号')] === cert.display);
    expect(certRows.map((r) => [r[col('段階')], r[col('待ち時間(分)')], r[col('書類作成時間(分)')]])).toEqual([['受付', '4', '11'], ['交付', '5', '11']]);
  });

  it('refuses clerks and bad ranges', async () => {
    srv = await startTestServer();
    const clerkCookie = await login(srv.url, 'clerk1');
    expect((await fetch(`${srv.url}/api/reports/visits?offices=chuo&from=2026-03-24&to=2026-03-24`, { headers: { Cookie: clerkCookie } })).status).toBe(403);
    const sup = await login(srv.url, 'supervisor');
    const bad = await fetch(`${srv.url}/api/reports/visits?offices=chuo&from=2026-03-25&to=2026-03-24`, { headers: { Cookie: sup } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});
