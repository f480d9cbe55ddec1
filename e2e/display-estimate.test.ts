import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSnapshot } from '../common/types.js';
import { http, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { issue, openCounters, openDisplay } from './display-kit.js';

/**
 * Issue 13 on the lobby display: each service's waiting row shows the estimate for a newcomer in
 * the same words as the kiosk and the phone page (約X〜Y分 / X分以内), and says in words when no
 * counter serving it is open.
 */
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

describe('display waiting row with the estimate', { timeout: 120_000 }, () => {
  it('shows 目安 and the range of the public snapshot per service, and the reason when no counter is open', async () => {
    // Counters 1–3 open (1, 2: A and B; 3: A only); nobody serves C.
    await openCounters(srv, 3);
    await issue(srv.url, srv.kioskToken, 'chuo-A', 9);
    await issue(srv.url, srv.kioskToken, 'chuo-B', 4);
    await issue(srv.url, srv.kioskToken, 'chuo-C', 1);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { viewport: { width: 1920, height: 1080 } });
    const rowA = page.locator('[data-testid="waiting"] li[data-service="chuo-A"] [data-testid="waiting-estimate"]');
    await rowA.waitFor();
    const snap = (await http<{ data: PublicSnapshot }>(srv.url, 'GET', '/api/public/offices/chuo/status')).body.data;
    const estA = snap.services.find((s) => s.id === 'chuo-A')!.estimate;
    expect(estA.lowMin).not.toBeNull();
    const wantA = estA.lowMin === 0 ? `${estA.highMin}分以内` : `約${estA.lowMin}〜${estA.highMin}分`;
    await expect.poll(() => rowA.textContent()).toBe(`目安${wantA}`);
    expect(await rowA.getAttribute('title')).toMatch(/^Estimated wait: (about \d+–\d+ min|within \d+ min)$/);
    // 9 A residents on three counters: at least some minutes, never "now".
    expect(estA.highMin!).toBeGreaterThan(5);
    const rowC = page.locator('[data-testid="waiting"] li[data-service="chuo-C"] [data-testid="waiting-estimate"]');
    expect(await rowC.textContent()).toBe('ただいま受付窓口が開いていません');
    // Whole on screen: neither the range nor the reason is cut off.
    const clipped = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.waiting .est')].filter((e) => e.scrollWidth > e.clientWidth + 0.5 || e.getBoundingClientRect().bottom > (e.closest('li')!.getBoundingClientRect().bottom + 0.5)).map((e) => e.textContent));
    expect(clipped).toEqual([]);
    await screenshot(page, 'display-estimate-1920x1080');
    await ctx.close();
  });
});
