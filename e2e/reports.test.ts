import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { insertStaff } from '../server/seed.js';
import { seedDemo } from '../server/sim/demo.js';
import { PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/**
 * Browser test of the console's reports on the real demo data: `seedDemo` (small variant) runs
 * the simulator over 中央区役所 and 東区役所 — an ordinary February week and a busy-season week in
 * 2025 and 2026, with 中央区役所's reform (temporary counters, staggered lunches) in 2026. A
 * supervisor signs in at /console/, opens Reports and the busy-season comparison of both offices.
 */

const MIN = 60_000;
/** Monday 30 March 2026, 09:30 in Tokyo: after the demo's last simulated day (27 March), inside the 2026 season. */
const NOW = Date.UTC(2026, 2, 30, 0, 30);

interface SeasonApiRow {
  officeId: string;
  serviceId: string | null;
  year: number;
  inProgress: boolean;
  wait: { meanMs: number | null; medianMs: number | null; p90Ms: number | null };
}

describe('console reports in a browser, on the demo data', () => {
  let srv: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT, now: NOW });
    await seedDemo(srv.db, { small: true, password: PASSWORD });
    // a city-wide supervisor (企画課) who may compare both offices
    await insertStaff(srv.db, { id: 'city', login: 'city', name: '企画課 主任', role: 'supervisor', officeId: null, password: PASSWORD }, NOW);
    srv.app.engine.reloadAll(); // the demo added 東区役所, counters and staff behind the running engine
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function signIn(login: string) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1100 }, locale: 'ja-JP' });
    return signInConsole(page, srv.url, login, /レポート/);
  }

  it('shows the busy-season comparison of both offices, year by year, with the change from the previous year', async () => {
    const page = await signIn('city');
    await page.getByRole('tab', { name: /繁忙期比較/ }).click();
    const chart = page.locator('.rp-season-chart');
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    const api = await page.evaluate(async () => (await (await fetch('/api/reports/busy-season?offices=chuo,higashi')).json()) as { data: { years: number[]; rows: SeasonApiRow[] } });
    const years = api.data.years;
    expect(years.length).toBeGreaterThanOrEqual(2);
    expect(years.slice(-2)).toEqual([2025, 2026]);
    // one bar per year and office, and a legend naming both offices
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBe(years.length * 2);
    await expect.poll(() => chart.locator('.recharts-legend-item-text').allTextContents()).toEqual(['中央区役所', '東区役所']);

    const total = (officeId: string, year: number) => api.data.rows.find((r) => r.officeId === officeId && r.serviceId === null && r.year === year)!;
    const fmt = (ms: number | null) => `${((ms ?? NaN) / MIN).toFixed(1)}分`;
    for (const [officeId, name] of [['chuo', '中央区役所'], ['higashi', '東区役所']] as const) {
      const table = page.locator('.rp-season-office').filter({ has: page.getByRole('heading', { name: new RegExp(name) }) }).locator('table').first();
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(years.length);
      for (const y of years) {
        // the figures on screen are the API's: mean, median and p90 wait of the whole office
        const cells = await rows.filter({ hasText: `${y}年` }).locator('td').allTextContents();
        const r = total(officeId, y);
        expect(r.wait.meanMs).toBeGreaterThan(0);
        expect(cells.slice(5, 8)).toEqual([fmt(r.wait.meanMs), fmt(r.wait.medianMs), fmt(r.wait.p90Ms)]);
      }
    }
    // 中央区役所's reform year waits less than the year before, and the table says so
    expect(total('chuo', 2026).wait.meanMs!).toBeLessThan(total('chuo', 2025).wait.meanMs!);
    const chuo2026 = page.locator('.rp-season-office').filter({ has: page.getByRole('heading', { name: /中央区役所/ }) }).locator('table').first().locator('tbody tr').filter({ hasText: '2026年' });
    expect(await chuo2026.textContent()).toContain('令和8年');
    expect(await chuo2026.textContent()).toContain('令和7年度末〜令和8年度初');
    expect(total('chuo', 2026).inProgress).toBe(true);
    expect(await chuo2026.textContent()).toContain('実施中'); // the clock is at 30 March 2026: the season runs to 10 April
    // and the page says that a running season is compared, so far, with the whole previous one
    expect(await page.locator('.rp-live-note').textContent()).toContain('本日までの集計');
    const drop = (total('chuo', 2025).wait.meanMs! - total('chuo', 2026).wait.meanMs!) / MIN;
    expect(await chuo2026.locator('.rp-better').textContent()).toContain(`▼−${drop.toFixed(1)}分`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-busy-season');
    await page.close();
  });

  it('an office supervisor sees only their own office, and the period report with its charts', async () => {
    const page = await signIn('supervisor');
    await expect.poll(() => page.locator('.rp-filters fieldset label').allTextContents()).toEqual([' 中央区役所']);
    await page.fill('.rp-filters input[type=date] >> nth=0', '2026-03-23');
    await page.fill('.rp-filters input[type=date] >> nth=1', '2026-03-27');
    await page.getByRole('button', { name: /表示/ }).click();
    await page.locator('.rp-heat-c').first().waitFor();
    // the demo simulated 25–27 March 2026 (not 23–24): the heatmap has a row for each day with history
    expect(await page.locator('.rp-heat-d').allTextContents()).toEqual(['03/25', '03/26', '03/27']);
    // the visit-stay KPI (滞在時間) shows the report's figure
    const stay = await page.evaluate(async () => ((await (await fetch('/api/reports/summary?offices=chuo&from=2026-03-23&to=2026-03-27')).json()) as { data: { stay: { meanMs: number } } }).data.stay.meanMs);
    expect(await page.locator('.rp-kpi', { hasText: '平均滞在時間' }).locator('.rp-kpi-value').textContent()).toBe(`${(stay / 60_000).toFixed(1)}分`);
    await page.getByRole('tab', { name: /用件別/ }).click();
    expect(await page.locator('.rp-table thead th').allTextContents()).toContain('平均滞在');
    await page.getByRole('tab', { name: /時間帯別/ }).click();
    expect(await page.locator('.rp-table tbody th').first().textContent()).toBe('8時');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-reports-summary');
    const csv = await page.evaluate(async () => new Uint8Array(await (await fetch('/api/reports/steps.csv?offices=chuo&from=2026-03-25&to=2026-03-25')).arrayBuffer()).slice(0, 3).join(','));
    expect(csv).toBe('239,187,191');
    await page.close();
  });
});
