import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, http, login, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/** Issue 13 on screen: today's estimate accuracy on the floor, the estimate columns in the reports. */

let browser: Browser;
let srv: TestServer;
beforeAll(async () => {
  browser = await launchBrowser();
  srv = await startTestServer({ webRoot: WEB_ROOT });
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('estimate accuracy on the floor and in the reports', { timeout: 120_000 }, () => {
  it("shows today's coverage on the floor once tickets with an estimate have been called", async () => {
    const clerk = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c4/open', { commandId: cid() }, { cookie: clerk }); // B, C, G
    const issued: { lowMin: number | null; highMin: number | null }[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await http<{ data: { ticket: { estimate: { lowMin: number | null; highMin: number | null } } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { device: srv.kioskToken });
      issued.push(r.body.data.ticket.estimate);
    }
    for (let i = 0; i < 4; i++) {
      await http(srv.url, 'POST', '/api/counters/chuo-c4/call-next', { commandId: cid() }, { cookie: clerk });
      srv.clock.advance(5 * 60_000);
      await http(srv.url, 'POST', '/api/counters/chuo-c4/done', { commandId: cid() }, { cookie: clerk });
    }
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/console/`);
    await page.fill('input[name=login]', 'supervisor');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    const acc = page.locator('[data-testid=estimate-accuracy]');
    await acc.waitFor();
    await expect.poll(() => acc.textContent()).toContain('4件');
    const text = (await acc.textContent())!;
    expect(text).toContain('本日の目安の的中');
    expect(text).toMatch(/\d+%/);
    await screenshot(page, 'estimate-floor-1366x768');
    await page.getByRole('button', { name: 'レポート Reports' }).click();
    await page.locator('.rp-kpis').waitFor();
    await expect.poll(() => page.locator('.rp-kpis').textContent()).toContain('目安の的中率');
    await screenshot(page, 'estimate-reports-1366x768');
    await ctx.close();
  });
});
