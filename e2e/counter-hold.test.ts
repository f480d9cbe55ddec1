import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, login, startTestServer, type TestServer } from '../server/testing.js';
import { issueTickets, openClerkPage } from './counter-kit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Counter console, issue 11: hold keeps the ticket for the counter that held it (resume brings it
 * back there; another counter's Space cannot take it; another clerk's resume is refused), the
 * side panel shows the number Space will call, the transfer dialog has no default target and is
 * driven by service keys, and a closed counter says who closed it.
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

const issue = (serviceId: string, n = 1, priority = false) => issueTickets(srv, serviceId, n, priority);
const clerkPage = (loginName: string, counterId: string) => openClerkPage(browser, srv, contexts, loginName, counterId);

const current = (page: Page) => page.locator('[data-testid=current-number]');
const nextShown = (page: Page) => page.locator('[data-testid=next-number]');
const action = (page: Page, a: string) => page.locator(`button[data-action=${a}]`);
const stepOf = (display: string) => srv.db.prepare(
  `SELECT s.id, s.state, s.outcome, s.call_reason AS callReason, s.counter_id AS counterId, s.service_id AS serviceId
   FROM steps s JOIN tickets t ON t.id = s.ticket_id WHERE t.display = ? ORDER BY s.seq DESC LIMIT 1`,
).get(display) as { id: string; state: string; outcome: string | null; callReason: string | null; counterId: string | null; serviceId: string };
const eventCount = () => (srv.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

describe('counter console: hold, next number, transfer keys, closed by', { timeout: 120_000 }, () => {
  it('hold → resume returns to the same counter; Space at another counter calls the shown next number, never the held one; another clerk cannot resume it', async () => {
    const [a1, a2, a3] = await issue('chuo-A', 3);
    const p1 = await clerkPage('clerk1', 'chuo-c3'); // serves A
    const p2 = await clerkPage('clerk2', 'chuo-c2'); // serves A, B

    await expect.poll(() => nextShown(p1).textContent()).toBe(a1);
    await expect.poll(() => action(p1, 'callNext').isEnabled()).toBe(true);
    await p1.keyboard.press('Space');
    await expect.poll(() => current(p1).textContent()).toBe(a1);
    await p1.keyboard.press('w');
    await expect.poll(() => stepOf(a1!)).toMatchObject({ state: 'held', counterId: 'chuo-c3' });

    // The other counter sees the ticket held at counter 3, without a resume button, and Space there calls a2.
    await expect.poll(() => p2.locator('[data-testid=held-elsewhere]').textContent()).toBe(`${a1} 3番窓口で保留`);
    await expect.poll(() => action(p2, 'resume').isDisabled()).toBe(true);
    await expect.poll(() => nextShown(p2).textContent()).toBe(a2);
    await screenshot(p2, 'counter-held-elsewhere-1366x768');
    await p2.keyboard.press('Space');
    await expect.poll(() => current(p2).textContent()).toBe(a2);
    expect(stepOf(a1!).state).toBe('held');

    // clerk2 tries to resume it anyway (through the API): refused with its code, nothing changes.
    const cookie2 = await login(srv.url, 'clerk2');
    const before = eventCount();
    const refused = await http<{ error: { code: string } }>(srv.url, 'POST', `/api/steps/${stepOf(a1!).id}/resume`, { commandId: cid() }, { cookie: cookie2 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('HELD_BY_OTHER_COUNTER');
    expect(eventCount()).toBe(before);

    // The resident is back: B at counter 3 brings them to this clerk.
    await expect.poll(() => p1.locator('[data-testid=held]').textContent()).toContain(a1);
    await screenshot(p1, 'counter-held-1366x768');
    await p1.keyboard.press('b');
    await expect.poll(() => current(p1).textContent()).toBe(a1);
    expect(stepOf(a1!)).toMatchObject({ state: 'called', counterId: 'chuo-c3', callReason: 'resumed' });

    // Counter 2 finishes; the shown next number is what Space then calls (a3).
    await p2.keyboard.press('d');
    await expect.poll(() => current(p2).count()).toBe(0);
    await expect.poll(() => nextShown(p2).textContent()).toBe(a3);
    await p2.keyboard.press('Space');
    await expect.poll(() => current(p2).textContent()).toBe(a3);
  });

  it('the shown next number equals what Space calls, with priority tickets and the ratio policy in play', async () => {
    await issue('chuo-B', 3);
    await issue('chuo-A', 2);
    await issue('chuo-B', 1, true);
    await issue('chuo-A', 1, true);
    const page = await clerkPage('clerk1', 'chuo-c1'); // serves A, B
    for (let i = 0; i < 7; i++) {
      await expect.poll(() => action(page, 'callNext').isEnabled()).toBe(true);
      const shown = await nextShown(page).textContent();
      expect(shown).toMatch(/^[AB]-\d{3}$/);
      await page.keyboard.press('Space');
      await expect.poll(() => current(page).textContent()).toBe(shown);
      if (i === 0) await screenshot(page, 'counter-next-number-1366x768');
      await page.keyboard.press('d');
      await expect.poll(() => current(page).count()).toBe(0);
    }
    await expect.poll(() => page.locator('[data-testid=next-call]').textContent()).toContain('お待ちの方はいません');
  });

  it('transfer: no default target, Enter alone changes nothing, the service key chooses, Esc cancels', async () => {
    const [a1] = await issue('chuo-A', 1);
    const page = await clerkPage('clerk1', 'chuo-c3');
    await expect.poll(() => action(page, 'callNext').isEnabled()).toBe(true);
    await page.keyboard.press('Space');
    await expect.poll(() => current(page).textContent()).toBe(a1);
    const before = eventCount();

    // Esc cancels.
    await page.keyboard.press('t');
    const dialog = page.locator('[role=dialog]');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Enter by habit: nothing is chosen, nothing happens.
    await page.keyboard.press('t');
    await dialog.waitFor();
    expect(await dialog.locator('input[name=service]:checked').count()).toBe(0);
    expect(await dialog.locator('button[type=submit]').isDisabled()).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 300));
    expect(await dialog.isVisible()).toBe(true);
    expect(eventCount()).toBe(before);
    expect(stepOf(a1!)).toMatchObject({ state: 'called', serviceId: 'chuo-A' });
    await screenshot(page, 'counter-transfer-none-1366x768');

    // The prefix letter chooses the service (E, lower or upper case); Enter then confirms.
    await page.keyboard.press('e');
    await expect.poll(() => dialog.locator('input[name=service]:checked').getAttribute('value')).toBe('chuo-E');
    await page.keyboard.press('Shift+C');
    await expect.poll(() => dialog.locator('input[name=service]:checked').getAttribute('value')).toBe('chuo-C');
    await page.keyboard.press('e');
    await screenshot(page, 'counter-transfer-key-1366x768');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => stepOf(a1!)).toMatchObject({ state: 'waiting', serviceId: 'chuo-E' });
  });

  it('a counter closed by a supervisor names them; closed by the clerk it says so', async () => {
    const p2 = await clerkPage('clerk2', 'chuo-c2');
    const sup = await login(srv.url, 'supervisor');
    const r = await http(srv.url, 'POST', '/api/counters/chuo-c2/close', { commandId: cid() }, { cookie: sup });
    expect(r.status).toBe(200);
    await expect.poll(() => p2.locator('[data-testid=closed-by]').textContent()).toBe('この窓口は supervisor さんが閉じました。');
    await screenshot(p2, 'counter-closed-by-supervisor-1366x768');
  });
});
