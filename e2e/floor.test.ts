import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../common/errors.js';
import { cid, http, login, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Supervisor live floor: alerts (wait over target, idle counter with people waiting), counter
 * actions on another clerk's counter, moving and cancelling a waiting ticket, the display ticker.
 */

let browser: Browser;
let srv: TestServer;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
});
afterEach(async () => {
  await srv.close();
});

async function issue(serviceId: string): Promise<string> {
  const r = await http<{ data: { display: string } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId }, { device: srv.kioskToken });
  expect(r.status).toBe(200);
  return r.body.data.display;
}
const counterRow = (id: string) => srv.db.prepare('SELECT state, clerk_id FROM counters WHERE id = ?').get(id);
const stepOf = (display: string) => srv.db.prepare(
  'SELECT s.state, s.outcome, s.service_id AS serviceId FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY s.seq DESC LIMIT 1',
).get(display) as { state: string; outcome: string | null; serviceId: string };

describe('what a supervisor may do to counters (API)', { timeout: 120_000 }, () => {
  it('pauses, resumes and closes a counter a clerk is signed in to; cannot close one that is serving', async () => {
    const [clerk, sup] = await Promise.all([login(srv.url, 'clerk1'), login(srv.url, 'supervisor')]);
    await issue('chuo-A');
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk })).status).toBe(200);
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c1/pause', { commandId: cid() }, { cookie: sup })).status).toBe(200);
    expect(counterRow('chuo-c1')).toEqual({ state: 'paused', clerk_id: 'clerk1' });
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c1/resume', { commandId: cid() }, { cookie: sup })).status).toBe(200);
    await http(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { cookie: clerk });
    const refused = await http<ErrorBody>(srv.url, 'POST', '/api/counters/chuo-c1/close', { commandId: cid() }, { cookie: sup });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('COUNTER_BUSY');
    await http(srv.url, 'POST', '/api/counters/chuo-c1/done', { commandId: cid() }, { cookie: clerk });
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c1/close', { commandId: cid() }, { cookie: sup })).status).toBe(200);
    expect(counterRow('chuo-c1')).toEqual({ state: 'closed', clerk_id: null });
    // A clerk may not act on another clerk's counter.
    const c2 = await login(srv.url, 'clerk2');
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk });
    const forbidden = await http<ErrorBody>(srv.url, 'POST', '/api/counters/chuo-c1/pause', { commandId: cid() }, { cookie: c2 });
    expect(forbidden.status).toBe(403);
  });

  it('a supervisor opening a closed counter becomes its clerk, so opening a second one closes the first (core behaviour, reported)', async () => {
    const sup = await login(srv.url, 'supervisor');
    await http(srv.url, 'POST', '/api/counters/chuo-c3/open', { commandId: cid() }, { cookie: sup });
    expect(counterRow('chuo-c3')).toEqual({ state: 'open', clerk_id: 'supervisor' });
    await http(srv.url, 'POST', '/api/counters/chuo-c6/open', { commandId: cid() }, { cookie: sup });
    expect(counterRow('chuo-c6')).toEqual({ state: 'open', clerk_id: 'supervisor' });
    expect(counterRow('chuo-c3')).toEqual({ state: 'closed', clerk_id: null });
  });
});

describe('live floor page', { timeout: 120_000 }, () => {
  it('shows wait and idle alerts, acts on counters and tickets, and sets the display ticker', async () => {
    const a1 = await issue('chuo-A');
    const b1 = await issue('chuo-B');
    const b2 = await issue('chuo-B');
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c8/open', { commandId: cid() }, { cookie: clerk }); // E only: idle but nobody waits for E
    srv.clock.advance(20 * 60_000); // B's target is 15 min, A's 30 min
    const g1 = await issue('chuo-G'); // a change pushes a fresh snapshot at the new time

    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${srv.url}/console/`);
    await page.fill('input[name=login]', 'supervisor');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    const alerts = page.locator('[data-testid=alerts]');
    await alerts.waitFor();

    // Wait alert for B only (20 min > 15), not A (20 < 30); no idle alert for counter 8 (nobody waits for E).
    await expect.poll(() => alerts.locator('[data-alert="w-chuo-B"]').count()).toBe(1);
    expect(await alerts.locator('[data-alert="w-chuo-A"]').count()).toBe(0);
    expect(await alerts.locator('[data-alert="i-chuo-c8"]').count()).toBe(0);
    expect(await page.locator('[data-testid="oldest-chuo-B"]').getAttribute('class')).toContain('over');
    expect(await page.locator('[data-testid="oldest-chuo-A"]').getAttribute('class')).not.toContain('over');

    // clerk1 moves to counter 1 (A, B) and stays idle while people wait: an idle alert.
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerk });
    await expect.poll(() => alerts.locator('[data-alert="i-chuo-c1"]').count()).toBe(1);
    expect(await alerts.locator('[data-alert="i-chuo-c1"]').textContent()).toContain('1番窓口');
    await screenshot(page, 'floor-1366x768');

    // The supervisor pauses the clerk's counter from the floor: the idle alert goes.
    await page.locator('tr[data-counter="chuo-c1"] button[data-act=pause]').click();
    await expect.poll(() => counterRow('chuo-c1')).toEqual({ state: 'paused', clerk_id: 'clerk1' });
    await expect.poll(() => alerts.locator('[data-alert="i-chuo-c1"]').count()).toBe(0);
    await page.locator('tr[data-counter="chuo-c1"] button[data-act=resume]').click();
    await expect.poll(() => counterRow('chuo-c1')).toEqual({ state: 'open', clerk_id: 'clerk1' });
    await page.locator('tr[data-counter="chuo-c1"] button[data-act=close]').click();
    await expect.poll(() => counterRow('chuo-c1')).toEqual({ state: 'closed', clerk_id: null });

    // Move a waiting ticket to another service, cancel another.
    const row = page.locator(`tr[data-number="${b2}"]`);
    await row.locator('select').selectOption('chuo-C');
    await row.locator('button[data-act=move]').click();
    await expect.poll(() => stepOf(b2)).toMatchObject({ state: 'waiting', serviceId: 'chuo-C' });
    await page.locator(`tr[data-number="${a1}"] button[data-act=cancel]`).click();
    await expect.poll(() => stepOf(a1)).toMatchObject({ state: 'ended', outcome: 'cancelled' });
    expect(stepOf(b1).state).toBe('waiting');
    expect(stepOf(g1).state).toBe('waiting');
    const types = (srv.db.prepare("SELECT type FROM events WHERE type IN ('step.transferred','step.ended') ORDER BY id").all() as { type: string }[]).map((r) => r.type);
    expect(types).toEqual(['step.transferred', 'step.ended']);

    // The display ticker.
    await page.fill('input[name=ticker]', '本日は大変混み合っております');
    await page.locator('button[data-act=ticker]').click();
    await page.getByRole('status').waitFor();
    const pub = await http<{ data: { office: { ticker: string } } }>(srv.url, 'GET', '/api/public/offices/chuo/status');
    expect(pub.body.data.office.ticker).toBe('本日は大変混み合っております');
    expect(srv.db.prepare("SELECT staff_id FROM audit_log WHERE action = 'office.ticker'").all()).toEqual([{ staff_id: 'supervisor' }]);
    await ctx.close();
  });
});
