import type { Socket } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, startTestServer, type TestServer } from '../server/testing.js';
import { issueTickets, openClerkPage } from './counter-kit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Counter console in a real browser: two clerks on two counters, concurrent calls, transfer to
 * the front of another queue, keyboard shortcuts, and the recall / no-show / hold / call-specific
 * flows checked in the database (steps and events).
 */

let browser: Browser;
let srv: TestServer;
const contexts: BrowserContext[] = [];

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
  for (const c of contexts.splice(0)) await c.close();
  await srv.close();
});

const issue = (serviceId: string, n = 1) => issueTickets(srv, serviceId, n);
const clerkPage = (loginName: string, counterId: string) => openClerkPage(browser, srv, contexts, loginName, counterId);

const current = (page: Page) => page.locator('[data-testid=current-number]');
const action = (page: Page, a: string) => page.locator(`button[data-action=${a}]`);
const stepOf = (display: string) => srv.db.prepare(
  `SELECT s.state, s.outcome, s.call_count AS callCount, s.call_reason AS callReason, s.counter_id AS counterId, s.service_id AS serviceId
   FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY s.seq DESC LIMIT 1`,
).get(display) as { state: string; outcome: string | null; callCount: number; callReason: string | null; counterId: string | null; serviceId: string };
const eventTypes = (display: string) => (srv.db.prepare(
  'SELECT e.type FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE t.display = ? ORDER BY e.id',
).all(display) as { type: string }[]).map((r) => r.type);
const countEvents = (type: string) => (srv.db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;

describe('counter console', { timeout: 120_000 }, () => {
  it('two clerks call at once and get different tickets; a transfer to the front arrives first at the other counter; keys act like buttons', async () => {
    await issue('chuo-A', 2);
    const p1 = await clerkPage('clerk1', 'chuo-c1');
    const p2 = await clerkPage('clerk2', 'chuo-c2');
    expect(srv.db.prepare("SELECT id, state, clerk_id FROM counters WHERE id IN ('chuo-c1','chuo-c2') ORDER BY id").all())
      .toEqual([{ id: 'chuo-c1', state: 'open', clerk_id: 'clerk1' }, { id: 'chuo-c2', state: 'open', clerk_id: 'clerk2' }]);
    // The choice is remembered on that device.
    expect(await p1.evaluate(() => localStorage.getItem('madoguchi.counter.counterId'))).toBe('chuo-c1');

    // Both press call next at the same moment: one by mouse, one by its shortcut (Space).
    await expect.poll(() => action(p1, 'callNext').isEnabled()).toBe(true);
    await expect.poll(() => action(p2, 'callNext').isEnabled()).toBe(true);
    await Promise.all([action(p1, 'callNext').click(), p2.keyboard.press('Space')]);
    await expect.poll(() => current(p1).textContent()).toMatch(/A-00[12]/);
    await expect.poll(() => current(p2).textContent()).toMatch(/A-00[12]/);
    const n1 = (await current(p1).textContent())!;
    const n2 = (await current(p2).textContent())!;
    expect(n1).not.toBe(n2);
    expect(stepOf(n1)).toMatchObject({ state: 'called', counterId: 'chuo-c1' });
    expect(stepOf(n2)).toMatchObject({ state: 'called', counterId: 'chuo-c2' });

    // Start by key (S) on one page and by button on the other: same state.
    await p1.keyboard.press('s');
    await action(p2, 'start').click();
    await expect.poll(() => stepOf(n1).state).toBe('serving');
    await expect.poll(() => stepOf(n2).state).toBe('serving');
    await expect.poll(() => p1.locator('[data-testid=step-state]').textContent()).toBe('対応中');

    // B tickets wait; clerk2 transfers its ticket to service B, front of the queue, with the T key.
    const bs = await issue('chuo-B', 2);
    await p2.keyboard.press('t');
    const dialog = p2.locator('[role=dialog]');
    await dialog.locator('input[name=service][value="chuo-B"]').check();
    await dialog.locator('input[name=position][value="front"]').check();
    await screenshot(p2, 'counter-transfer-dialog-1366x768');
    await p2.keyboard.press('Enter');
    await expect.poll(() => current(p2).count()).toBe(0);
    expect(stepOf(n2)).toMatchObject({ state: 'waiting', serviceId: 'chuo-B' });
    expect(eventTypes(n2)).toContain('step.transferred');

    // clerk1 finishes by button, then calls next by key: the transferred ticket comes first, ahead of older B tickets.
    await action(p1, 'done').click();
    await expect.poll(() => stepOf(n1)).toMatchObject({ state: 'ended', outcome: 'served' });
    await expect.poll(() => p1.locator('[data-service="chuo-B"] .q-next').textContent()).toContain(n2);
    await expect.poll(() => action(p1, 'callNext').isEnabled()).toBe(true);
    await p1.keyboard.press(' ');
    await expect.poll(() => current(p1).textContent()).toBe(n2);
    expect(stepOf(n2)).toMatchObject({ state: 'called', counterId: 'chuo-c1', serviceId: 'chuo-B' });
    expect(stepOf(bs[0]!).state).toBe('waiting');
    // Its earlier step is shown.
    await expect.poll(() => p1.locator('[data-testid=history]').textContent()).toContain('転入・転居・転出');
    await expect.poll(() => p1.locator('[data-testid=history]').textContent()).toContain('引継ぎ');
    // clerk2's screen shows what clerk1 is doing.
    await expect.poll(() => p2.locator('[data-testid=others]').textContent()).toContain(n2);
    await screenshot(p1, 'counter-1366x768');

    // Done by key (D) does what the button did.
    await p1.keyboard.press('d');
    await expect.poll(() => stepOf(n2)).toMatchObject({ state: 'ended', outcome: 'served' });
    await expect.poll(() => current(p1).count()).toBe(0);

    // English is one press away; Japanese is the default.
    await p1.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => action(p1, 'callNext').locator('.act-label').textContent()).toBe('Call next');
    expect(await p1.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(p1, 'counter-en-1366x768');
  });

  it('recall, no-show after the required recalls, hold/resume and call-specific end in the right states and events', async () => {
    const [g1, g2, g3] = await issue('chuo-G', 3);
    const page = await clerkPage('clerk1', 'chuo-c4');

    // Call a specific number (C, type it, Enter).
    await expect.poll(() => action(page, 'callNumber').isEnabled()).toBe(true);
    await page.keyboard.press('c');
    await page.locator('input[name=number]').fill('g2');
    await page.keyboard.press('Enter');
    await expect.poll(() => current(page).textContent()).toBe(g2);
    expect(stepOf(g2!)).toMatchObject({ state: 'called', callReason: 'specific', counterId: 'chuo-c4', callCount: 1 });

    // No-show is refused (disabled, with the reason) until one recall (policy default 1).
    await expect(action(page, 'noShow').isDisabled()).resolves.toBe(true);
    await expect.poll(() => action(page, 'noShow').textContent()).toContain('あと 1 回再呼出すると不在にできます');
    await page.keyboard.press('f');
    await expect.poll(() => page.locator('[data-testid=flash]').textContent()).toContain('再呼出');
    expect(stepOf(g2!).state).toBe('called');
    await page.keyboard.press('r');
    await expect.poll(() => stepOf(g2!).callCount).toBe(2);
    await expect.poll(() => action(page, 'noShow').isEnabled()).toBe(true);
    await action(page, 'noShow').click();
    await expect.poll(() => stepOf(g2!)).toMatchObject({ state: 'ended', outcome: 'no_show' });
    expect(eventTypes(g2!)).toEqual(['ticket.issued', 'step.called', 'step.recalled', 'step.ended']);

    // Hold (W) and resume (B): the held ticket comes back to this counter, called again (not to the shared queue).
    await expect.poll(() => action(page, 'callNext').isEnabled()).toBe(true);
    await page.keyboard.press('Space');
    await expect.poll(() => current(page).textContent()).toBe(g1);
    await page.keyboard.press('w');
    await expect.poll(() => stepOf(g1!).state).toBe('held');
    await expect.poll(() => page.locator('[data-testid=held]').textContent()).toContain(g1);
    await expect.poll(() => action(page, 'resume').isEnabled()).toBe(true);
    await page.keyboard.press('b');
    await expect.poll(() => stepOf(g1!)).toMatchObject({ state: 'called', counterId: 'chuo-c4', callReason: 'resumed', callCount: 2 });
    await expect.poll(() => current(page).textContent()).toBe(g1);
    expect(eventTypes(g1!)).toEqual(['ticket.issued', 'step.called', 'step.held', 'step.called']);
    await page.keyboard.press('d');
    await expect.poll(() => stepOf(g1!)).toMatchObject({ state: 'ended', outcome: 'served' });

    // A double press calls exactly one ticket: g3.
    const calledBefore = countEvents('step.called');
    await expect.poll(() => action(page, 'callNext').isEnabled()).toBe(true);
    await action(page, 'callNext').dblclick();
    await page.keyboard.press('Space');
    await expect.poll(() => current(page).textContent()).toBe(g3);
    await new Promise((r) => setTimeout(r, 300));
    expect(countEvents('step.called') - calledBefore).toBe(1);

    // Pause is refused while serving; finish, then pause (Z) and resume (Z); close (Q + Enter).
    await expect.poll(() => action(page, 'pause').textContent()).toContain('対応中の番号を先に完了してください');
    await page.keyboard.press('d');
    await expect.poll(() => stepOf(g3!)).toMatchObject({ state: 'ended', outcome: 'served' });
    await expect.poll(() => action(page, 'pause').isEnabled()).toBe(true);
    await page.keyboard.press('z');
    await expect.poll(() => (srv.db.prepare("SELECT state FROM counters WHERE id = 'chuo-c4'").get() as { state: string }).state).toBe('paused');
    await expect.poll(() => action(page, 'callNext').textContent()).toContain('休止中');
    await page.keyboard.press('z');
    await expect.poll(() => (srv.db.prepare("SELECT state FROM counters WHERE id = 'chuo-c4'").get() as { state: string }).state).toBe('open');
    await expect.poll(() => action(page, 'close').isEnabled()).toBe(true);
    await page.keyboard.press('q');
    await page.locator('[role=dialog]').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => srv.db.prepare("SELECT state, clerk_id FROM counters WHERE id = 'chuo-c4'").get()).toEqual({ state: 'closed', clerk_id: null });
    // The clerk is told they closed it themselves, not that someone else did.
    await expect.poll(() => page.locator('[data-testid=closed-by]').textContent()).toBe('この窓口は自分で閉じました。');
    expect(countEvents('counter.paused')).toBe(1);
    expect(countEvents('counter.resumed')).toBe(1);
    expect(countEvents('counter.closed')).toBe(1);
  });

  it('moving to another counter closes the old one; while the connection is down the screen says so and acts on nothing, then catches up', async () => {
    // Track every TCP connection (the websocket upgrade keeps the same socket) to cut them later.
    const sockets = new Set<Socket>();
    let refuse = false;
    const onConn = (s: Socket) => (refuse ? s.destroy() : sockets.add(s));
    srv.app.httpServer.on('connection', onConn);
    await issue('chuo-B', 1);
    const page = await clerkPage('clerk1', 'chuo-c5');
    await page.getByRole('button', { name: '窓口を移る' }).click();
    await page.locator('.chooser').waitFor();
    await screenshot(page, 'counter-chooser-1366x768');
    await page.click('[data-counter="chuo-c4"]');
    await page.waitForSelector('.counter-main');
    expect(srv.db.prepare("SELECT id, state, clerk_id FROM counters WHERE id IN ('chuo-c4','chuo-c5') ORDER BY id").all())
      .toEqual([{ id: 'chuo-c4', state: 'open', clerk_id: 'clerk1' }, { id: 'chuo-c5', state: 'closed', clerk_id: null }]);
    await expect.poll(() => page.locator('[data-testid="waiting-chuo-B"]').textContent()).toBe('1 人');

    // The network drops: every connection is cut and new ones are refused for a while.
    refuse = true;
    for (const s of sockets) s.destroy();
    await page.locator('[data-testid=offline]').waitFor();
    expect(await action(page, 'callNext').isDisabled()).toBe(true);
    await expect.poll(() => action(page, 'callNext').textContent()).toContain('接続が切れています');
    await page.keyboard.press('Space');
    // Changes while away (straight into the engine: the network is down for HTTP too).
    srv.app.engine.execute({ role: 'kiosk', staffId: null, deviceId: 'kiosk-1' }, { name: 'ticket:issue', payload: { commandId: cid(), officeId: 'chuo', serviceId: 'chuo-B', priority: false, priorityReason: null, lang: 'ja' } });
    expect(countEvents('step.called')).toBe(0);
    await screenshot(page, 'counter-offline-1366x768');

    refuse = false;
    await page.locator('[data-testid=offline]').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.locator('[data-testid="waiting-chuo-B"]').textContent()).toBe('2 人');
    await expect.poll(() => action(page, 'callNext').isEnabled()).toBe(true);
    srv.app.httpServer.off('connection', onConn);

    // A priority ticket (issued at the counter by staff) is called first and marked.
    const cookie = await page.context().cookies().then((cs) => cs.map((c) => `${c.name}=${c.value}`).join('; '));
    const prio = await http<{ data: { display: string } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-C', priority: true, priorityReason: 'elderly' }, { cookie });
    expect(prio.status).toBe(200);
    await expect.poll(() => page.locator('[data-testid="waiting-chuo-C"]').textContent()).toBe('1 人');
    await page.keyboard.press('c');
    await page.locator('input[name=number]').fill(prio.body.data.display);
    await page.keyboard.press('Enter');
    await expect.poll(() => current(page).textContent()).toBe(prio.body.data.display);
    await expect.poll(() => page.locator('[data-testid=priority]').count()).toBe(1);
    await page.keyboard.press('d');
    await expect.poll(() => current(page).count()).toBe(0);

    // Signing out closes the idle counter; the sign-in form comes back and the choice stays remembered.
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.locator('input[name=login]').waitFor();
    expect(srv.db.prepare("SELECT state, clerk_id FROM counters WHERE id = 'chuo-c4'").get()).toEqual({ state: 'closed', clerk_id: null });
    expect(await page.evaluate(() => localStorage.getItem('madoguchi.counter.counterId'))).toBe('chuo-c4');
  });
});

