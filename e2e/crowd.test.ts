import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login, startTestServer, type TestServer } from '../server/testing.js';
import { insertHistory } from '../server/plan/testkit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * 混雑予想カレンダー: a supervisor publishes the calendar (one day adjusted by hand); the public status
 * page shows it (symbol + word per day, hours to avoid), and the printable page lays it out on A4.
 */
let browser: Browser;
let srv: TestServer;

beforeAll(async () => {
  browser = await launchBrowser();
  srv = await startTestServer({ webRoot: WEB_ROOT, hours: { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] } });
  insertHistory(srv.db, 'chuo', '2024-01-04', '2026-03-19');
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('crowding calendar for residents', () => {
  it('shows the published calendar on the status page and prints it on A4', async () => {
    const page0 = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await page0.goto(`${srv.url}/status/?office=chuo`);
    await page0.locator('[data-testid="services"]').waitFor();
    expect(await page0.locator('[data-testid="crowd-calendar"]').count()).toBe(0); // nothing published yet
    await page0.close();

    const sup = await login(srv.url, 'supervisor');
    const pub = await http<{ data: { version: number } }>(srv.url, 'POST', '/api/plan/offices/chuo/crowding/publish', { from: '2026-03-23', to: '2026-04-17', days: [{ date: '2026-04-15', level: 3, avoidHours: [9, 10], note: '確定申告の締切' }] }, { cookie: sup });
    expect(pub.status).toBe(200);
    expect(pub.body.data.version).toBe(1);

    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP', isMobile: true });
    await page.goto(`${srv.url}/status/?office=chuo`);
    const section = page.locator('[data-testid="crowd-calendar"]');
    await section.waitFor();
    expect(await section.locator('h2').textContent()).toContain('混雑予想カレンダー');
    const peak = section.locator('li[data-date="2026-03-30"]');
    expect(Number(await peak.getAttribute('data-level'))).toBeGreaterThanOrEqual(3);
    expect(await peak.textContent()).toMatch(/3\/30（月）[△✕](混雑|大変混雑)避けたい時間: 9〜10時/);
    const adjusted = section.locator('li[data-date="2026-04-15"]');
    expect(await adjusted.textContent()).toBe('4/15（水）※△混雑避けたい時間: 9〜10時、10〜11時確定申告の締切');
    expect(await section.locator('li[data-date="2026-03-28"]').count()).toBe(0); // Saturday: closed, not listed
    expect(await section.locator('.cc-legend li').allTextContents()).toEqual(['◎ 空いています', '○ やや混雑', '△ 混雑', '✕ 大変混雑']);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'crowd-status-360x740');
    await page.close();

    // The printable page at A4 (210 × 297 mm at 96 dpi), print media.
    const print = await browser.newPage({ viewport: { width: 794, height: 1123 }, locale: 'ja-JP' });
    await print.emulateMedia({ media: 'print' });
    await print.goto(`${srv.url}/status/?office=chuo&view=crowding-print&lang=ja`);
    await print.locator('[data-testid="crowd-print"] table').waitFor();
    await expect.poll(() => print.locator('h1').textContent()).toBe('中央区役所 混雑予想カレンダー');
    expect(await print.locator('thead th').allTextContents()).toEqual(['月', '火', '水', '木', '金']);
    expect(await print.locator('tbody tr').count()).toBe(4); // four weeks, 23 March – 17 April
    const box = await print.locator('[data-testid="crowd-print"]').boundingBox();
    expect(box!.height).toBeLessThanOrEqual(1123); // one A4 page
    expect(box!.width).toBeLessThanOrEqual(794);
    await screenshot(print, 'crowd-print-a4');
    const pdf = await print.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await print.close();
  }, 120_000);

  it('in the resident’s language: Vietnamese on the status page and the print page, やさしいにほんご with furigana (catalogue crowd.*)', async () => {
    // The calendar published by the test above.
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP', isMobile: true });
    await page.goto(`${srv.url}/status/?office=chuo&lang=vi`);
    const section = page.locator('[data-testid="crowd-calendar"]');
    await section.waitFor();
    expect(await section.locator('h2').textContent()).toContain('Lịch dự báo mức đông');
    expect(await section.locator('li[data-date="2026-04-15"]').textContent()).toBe('4/15 (T4)※△ĐôngGiờ nên tránh: 9:00–10:00, 10:00–11:00確定申告の締切');
    expect(await section.locator('.cc-legend li').allTextContents()).toEqual(['◎ Vắng', '○ Hơi đông', '△ Đông', '✕ Rất đông']);
    expect(await section.getByTestId('crowd-print-link').getAttribute('href')).toContain('&lang=vi');
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'crowd-status-vi');
    await page.goto(`${srv.url}/status/?office=chuo&lang=ja-easy`);
    await section.waitFor();
    expect(await section.locator('h2 ruby rt').allTextContents()).toEqual(['こ', 'ひ']);
    expect(await section.locator('li[data-date="2026-04-15"] .cc-word rt').allTextContents()).toEqual(['こ']);
    await page.close();

    const print = await browser.newPage({ viewport: { width: 794, height: 1123 }, locale: 'ja-JP' });
    await print.goto(`${srv.url}/status/?office=chuo&view=crowding-print&lang=vi`);
    await print.locator('[data-testid="crowd-print"] table').waitFor();
    expect(await print.locator('thead th').allTextContents()).toEqual(['T2', 'T3', 'T4', 'T5', 'T6']);
    expect(await print.locator('h1').textContent()).toContain('Lịch dự báo mức đông');
    await print.close();
  }, 60_000);
});
