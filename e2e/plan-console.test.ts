import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { insertHistory } from '../server/plan/testkit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/** The console's 計画 Planning page: forecast of the coming season, and the crowding calendar adjusted by hand and published. */
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

describe('console planning page', () => {
  it('shows the forecast, then adjusts and publishes the crowding calendar', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await signInConsole(page, srv.url, 'supervisor', '計画 Planning');
    const table = page.locator('[data-testid="forecast-table"]');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(22); // 20 March – 10 April
    expect(await table.locator('tbody tr').first().textContent()).toContain('春分の日');
    await screenshot(page, 'plan-forecast-1280');

    await page.getByRole('button', { name: '混雑予想カレンダー Crowding calendar' }).click();
    const draft = page.locator('[data-testid="crowd-draft"]');
    await draft.waitFor();
    await page.getByLabel('2026-04-10 混雑度').selectOption('4');
    await page.getByLabel('2026-04-10 避けたい時間').fill('9,10,x');
    await page.locator('[data-testid="crowd-publish"]').click();
    expect(await page.locator('.pl-error').textContent()).toContain('避けたい時間');
    await page.getByLabel('2026-04-10 避けたい時間').fill('9,10');
    await page.getByLabel('2026-04-10 お知らせ').fill('年度初めの手続き集中');
    await page.locator('[data-testid="crowd-publish"]').click();
    await expect.poll(() => page.locator('.pl-done').textContent()).toContain('第1版を公開しました');
    await expect.poll(() => page.locator('[data-testid="crowd-versions"] li').first().textContent()).toContain('調整 1 日');
    await screenshot(page, 'plan-crowding-1280');
    const pub = await http<{ data: { days: { date: string; level: number; avoidHours: number[]; note?: string; adjusted?: boolean }[] } }>(srv.url, 'GET', '/api/public/offices/chuo/crowding');
    expect(pub.body.data.days.find((d) => d.date === '2026-04-10')).toEqual({ date: '2026-04-10', open: true, level: 4, avoidHours: [9, 10], note: '年度初めの手続き集中', adjusted: true });
    await page.close();
  }, 120_000);
});
