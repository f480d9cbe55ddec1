import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, http, login, parseCsv, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { configureVisits } from '../server/visits/testkit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { openClerkPage } from './counter-kit.js';
import { openDisplay } from './display-kit.js';

/**
 * Whole visits in the browser (issue 16): a three-leg journey from the kiosk to the last counter,
 * each leg enqueued when the previous one ends, followed on the phone page and in the steps
 * export; a 交付 stage: 受付 → 書類作成中 → 作成係 marks ready → 交付 panel on the display and
 * 「書類ができました」 on the phone → called and served at the 交付 counter → the report.
 */

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
  configureVisits(srv.db);
  srv.app.engine.reloadOffice('chuo');
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

async function phone(path: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: 'ja-JP', isMobile: true, hasTouch: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}${path}`);
  return page;
}
const legStates = (page: Page) => page.locator('[data-testid=journey-legs] li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-service')}:${e.getAttribute('data-state')}`));

describe('journeys and the 交付 stage in the browser', () => {
  it('three legs: kiosk → 転入 → 国保 → 児童手当, each leg queued on the previous one’s end; the phone page follows; waits per leg in steps.csv', async () => {
    const kctx = await browser.newContext({ viewport: { width: 1280, height: 1024 }, locale: 'ja-JP' });
    contexts.push(kctx);
    const kiosk = await kctx.newPage();
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300`);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    await kiosk.getByTestId('journey-toggle').click();
    await screenshot(kiosk, 'visits-kiosk-picker-empty');
    // Tapped in another order: shown and issued in the office's order (the services may span pages).
    const tap = async (id: string) => {
      const b = kiosk.locator(`button[data-service="${id}"]`);
      if (!(await b.count()) && (await kiosk.getByTestId('page-prev').count())) while (await kiosk.getByTestId('page-prev').isEnabled()) await kiosk.getByTestId('page-prev').click();
      while (!(await b.count())) await kiosk.getByTestId('page-next').click();
      await b.click();
    };
    for (const id of ['chuo-F', 'chuo-A', 'chuo-E']) await tap(id);
    await tap('chuo-A');
    await tap('chuo-A'); // off and on again
    if (await kiosk.locator('button[data-service="chuo-B"]').count()) expect(await kiosk.locator('button[data-service="chuo-B"]').isDisabled()).toBe(true); // not combinable
    expect(await kiosk.locator('[data-testid=journey-order] li').allTextContents()).toEqual(['1 A 転入・転居・転出', '2 E 国民健康保険・年金', '3 F 児童手当・子育て']);
    await screenshot(kiosk, 'visits-kiosk-picker');
    await kiosk.getByTestId('journey-issue').click();
    await kiosk.getByTestId('ticket-screen').waitFor();
    const display = (await kiosk.getByTestId('ticket-number').textContent())!;
    expect(display).toMatch(/^A-\d{3}$/);
    expect(await kiosk.locator('[data-testid=ticket-journey] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-service')))).toEqual(['chuo-A', 'chuo-E', 'chuo-F']);
    await screenshot(kiosk, 'visits-kiosk-ticket');
    const url = (await kiosk.getByTestId('ticket-qr').getAttribute('aria-label'))!;
    const token = url.split('/t/')[1]!;

    const me = await phone(`/t/${token}`);
    await me.getByTestId('journey-legs').waitFor();
    expect(await legStates(me)).toEqual(['chuo-A:current', 'chuo-E:planned', 'chuo-F:planned']);
    await screenshot(me, 'visits-phone-journey-start');

    // Leg 1 at counter 3.
    const c3 = await openClerkPage(browser, srv, contexts, 'clerk1', 'chuo-c3');
    await c3.locator('[data-action=callNext]:not([disabled])').click();
    await c3.locator('[data-testid=journey-legs] li').first().waitFor();
    expect(await c3.locator('[data-testid=journey-legs] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-service')))).toEqual(['chuo-E', 'chuo-F']);
    await screenshot(c3, 'visits-counter-journey');
    srv.clock.advance(10 * 60_000);
    await c3.locator('[data-action=done]:not([disabled])').click();
    await expect.poll(() => legStates(me), { timeout: 10_000 }).toEqual(['chuo-A:done', 'chuo-E:current', 'chuo-F:planned']);

    // Legs 2 and 3 at counter 9 (国保・児童手当).
    const c9 = await openClerkPage(browser, srv, contexts, 'clerk2', 'chuo-c9');
    srv.clock.advance(3 * 60_000);
    await c9.locator('[data-action=callNext]:not([disabled])').click();
    await c9.getByTestId('journey-legs').waitFor();
    srv.clock.advance(8 * 60_000);
    await c9.locator('[data-action=done]:not([disabled])').click();
    await expect.poll(() => legStates(me), { timeout: 10_000 }).toEqual(['chuo-A:done', 'chuo-E:done', 'chuo-F:current']);
    await screenshot(me, 'visits-phone-journey-leg3');
    srv.clock.advance(2 * 60_000);
    await c9.locator('[data-action=callNext]:not([disabled])').click();
    await c9.getByTestId('journey-none').waitFor(); // the last leg: nothing after it
    await c9.locator('[data-action=done]:not([disabled])').click();
    await expect.poll(() => legStates(me), { timeout: 10_000 }).toEqual(['chuo-A:done', 'chuo-E:done', 'chuo-F:done']);

    const sup = await login(srv.url, 'supervisor');
    const csv = parseCsv(await (await fetch(`${srv.url}/api/reports/steps.csv?offices=chuo&from=2026-03-24&to=2026-03-24`, { headers: { Cookie: sup } })).text());
    const h = csv[0]!;
    const mine = csv.slice(1).filter((r) => r[h.indexOf('番号')] === display);
    expect(mine.map((r) => [r[h.indexOf('手続順')], r[h.indexOf('用件')], r[h.indexOf('待ち時間(分)')], r[h.indexOf('結果')]])).toEqual([
      ['1', '転入・転居・転出', '0', '対応済'], ['2', '国民健康保険・年金', '3', '対応済'], ['3', '児童手当・子育て', '2', '対応済'],
    ]);
  }, 120_000);

  it('交付: 受付 → 書類作成中 → 作成係 marks ready → the display’s 交付 panel and the phone → called and served at the 交付 counter; the report has both waits', async () => {
    const r = await http<{ data: { ticket: { token: string; display: string; ticketId: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('b'), serviceId: 'chuo-B' }, { device: srv.kioskToken });
    const { token, display } = r.body.data.ticket;
    const { page: board } = await openDisplay(browser, srv.url, srv.displayToken);
    const me = await phone(`/t/${token}`);
    await me.getByTestId('my-number').waitFor();

    const c4 = await openClerkPage(browser, srv, contexts, 'supervisor', 'chuo-c4');
    srv.clock.advance(2 * 60_000);
    await c4.locator('[data-action=callNext]:not([disabled])').click();
    await c4.getByTestId('processing').click();
    await me.getByTestId('pickup-processing').waitFor({ timeout: 10_000 });

    // 作成係: the back-office screen lists it and marks it ready.
    const bctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    contexts.push(bctx);
    const bo = await bctx.newPage();
    await bo.goto(`${srv.url}/counter/?mode=backoffice`);
    await bo.fill('input[name=login]', 'clerk2');
    await bo.fill('input[name=password]', PASSWORD);
    await bo.click('button[type=submit]');
    await bo.getByTestId(`ready-${display}`).waitFor();
    await screenshot(bo, 'visits-backoffice');
    srv.clock.advance(15 * 60_000);
    await bo.getByTestId(`ready-${display}`).click();
    await bo.locator(`[data-testid=bo-ready] li[data-number="${display}"]`).waitFor();

    await expect.poll(() => board.getByTestId('pickup-number').allTextContents(), { timeout: 10_000 }).toEqual([display]);
    await screenshot(board, 'visits-display-pickup');
    await me.getByTestId('pickup-ready').waitFor({ timeout: 10_000 });
    expect(await me.getByTestId('pickup-ready').textContent()).toContain('書類ができました');
    await screenshot(me, 'visits-phone-ready');

    // The floor shows it as ready and not collected.
    const fctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    contexts.push(fctx);
    const floor = await fctx.newPage();
    await floor.goto(`${srv.url}/console/`);
    await floor.fill('input[name=login]', 'supervisor');
    await floor.fill('input[name=password]', PASSWORD);
    await floor.click('button[type=submit]');
    await expect.poll(() => floor.getByTestId('floor-ready').textContent(), { timeout: 15_000 }).toContain(display);
    await screenshot(floor, 'visits-floor');

    // The 交付 counter calls and serves it: it leaves the panel and is called like any number.
    const clerk = await login(srv.url, 'admin');
    const cmd = (name: string) => http(srv.url, 'POST', `/api/counters/chuo-c12/${name}`, { commandId: cid(name) }, { cookie: clerk });
    await cmd('open');
    srv.clock.advance(4 * 60_000);
    expect((await cmd('call-next')).status).toBe(200);
    await expect.poll(() => board.getByTestId('now-number').textContent(), { timeout: 10_000 }).toBe(display);
    await expect.poll(() => board.getByTestId('pickups').count(), { timeout: 10_000 }).toBe(0);
    await cmd('done');

    const sup = await login(srv.url, 'supervisor');
    const rep = await http<{ data: { pickup: { collected: number; processing: { meanMs: number }; pickupWait: { meanMs: number }; counterWait: { meanMs: number } } } }>(srv.url, 'GET', '/api/reports/visits?offices=chuo&from=2026-03-24&to=2026-03-24', undefined, { cookie: sup });
    expect(rep.body.data.pickup).toMatchObject({ collected: 1, processing: { meanMs: 15 * 60_000 }, pickupWait: { meanMs: 4 * 60_000 } });
  }, 120_000);

  it('a reception desk issues a journey in the order the clerk chose (staff-issued)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/counter/?mode=reception`);
    await page.fill('input[name=login]', 'clerk1');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByTestId('reception').waitFor();
    await page.click('[data-testid=reception] button[data-service="chuo-E"]');
    await page.click('[data-testid=reception] button[data-service="chuo-A"]');
    expect(await page.locator('[data-testid=reception] button[data-service="chuo-B"]').count()).toBe(0); // not combinable with a journey
    await page.getByTestId('reception-issue').click();
    await page.getByTestId('reception-issued').waitFor();
    const number = (await page.locator('[data-testid=reception-issued] b').textContent())!;
    expect(number).toMatch(/^E-\d{3}$/);
    await screenshot(page, 'visits-reception');
    const t = srv.db.prepare('SELECT plan_json FROM tickets WHERE display = ?').get(number) as { plan_json: string };
    expect(JSON.parse(t.plan_json)).toEqual(['chuo-A']);
  }, 60_000);
});
