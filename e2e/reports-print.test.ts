import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertStaff } from '../server/seed.js';
import { seedDemo } from '../server/sim/demo.js';
import { PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { importHistory, saveMapping } from '../server/history/store.js';
import { mappingSchema } from '../server/history/parse.js';
import { ARTIFACTS, launchBrowser, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/**
 * Issue 14 in a browser, on the demo data (busy-season weeks 2025 and 2026 at 中央区役所 and
 * 東区役所) plus a 2024 season of 中央区役所 imported from "the previous system": report pages
 * print on A4 landscape without navigation (Chromium's print to PDF, and print-media screenshots
 * at A4 size into artifacts/), the one-page summary for the mayor, and the 366-day error, which
 * clears the figures of the previous period.
 */

const MIN = 60_000;
const NOW = Date.UTC(2026, 2, 30, 0, 30); // Monday 30 March 2026, 09:30 in Tokyo
/** A4 landscape at 96 dpi. */
const A4 = { width: 1123, height: 794 };

interface SeasonApi {
  years: number[];
  rows: { officeId: string; serviceId: string | null; year: number; wait: { meanMs: number | null } }[];
  city: { year: number; wait: { meanMs: number | null } }[];
}

/** Pages of a PDF: its /Type /Page objects. */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

describe('printing reports and the 366-day error, in a browser', () => {
  let srv: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT, now: NOW });
    await seedDemo(srv.db, { small: true, password: PASSWORD });
    await insertStaff(srv.db, { id: 'city', login: 'city', name: '企画課 主任', role: 'supervisor', officeId: null, password: PASSWORD }, NOW);
    srv.app.engine.reloadAll();
    // the 2024 season of 中央区役所, from the previous reception system
    saveMapping(srv.db, '旧システム', mappingSchema.parse({
      columns: { ticket: '番号', date: '日付', issued: '発券', called: '呼出', ended: '終了', outcome: '結果', service: '業務' },
      dateFormat: 'yyyy/MM/dd', timeFormat: 'HH:mm', outcomes: { 完了: 'served' }, services: { '1': 'chuo-A', '2': 'chuo-B' },
    }), NOW, 'admin');
    const lines = ['番号,日付,発券,呼出,終了,結果,業務'];
    for (let d = 25; d <= 27; d++) {
      for (let i = 0; i < 40; i++) {
        const issued = 9 * 60 + i * 9;
        const wait = 35 + ((i * 37) % 80);
        const t = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        lines.push(`${d}${i},2024/03/${d},${t(issued)},${t(issued + wait)},${t(issued + wait + 12)},完了,${1 + (i % 2)}`);
      }
    }
    importHistory(srv.db, { officeId: 'chuo', format: 'mapped', mapping: '旧システム', bytes: Buffer.from(lines.join('\r\n')), source: '旧受付システム（令和6年）', fileName: 'old.csv' }, NOW, 'admin');
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function signIn(login: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, locale: 'ja-JP' });
    return signInConsole(page, srv.url, login, /レポート/);
  }

  /** Print media at A4 landscape: a screenshot to look at, and Chromium's PDF. */
  async function print(page: Page, name: string): Promise<Buffer> {
    await page.setViewportSize(A4);
    await page.emulateMedia({ media: 'print' });
    await page.waitForTimeout(300); // charts re-measure at the new width
    await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(resolve(ARTIFACTS, `${name}.pdf`), pdf);
    // nothing of the screen's navigation or filters is printed
    expect(await page.locator('.cs-nav').isVisible()).toBe(false);
    expect(await page.locator('.rp-filters').isVisible()).toBe(false);
    expect(await page.locator('.rp-print-head').isVisible()).toBe(true);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    return pdf;
  }

  it('the busy-season comparison prints whole on A4 landscape: title, chart, every column, definitions, imported history', async () => {
    const page = await signIn('city');
    await page.getByRole('tab', { name: /繁忙期比較/ }).click();
    await page.locator('.rp-season-chart .recharts-bar-rectangle').first().waitFor();
    const api = (await page.evaluate(async () => (await (await fetch('/api/reports/busy-season?offices=chuo,higashi')).json()) as { data: SeasonApi })).data;
    expect(api.years).toEqual([2024, 2025, 2026]);
    // bar labels: one format, minutes with one decimal
    const labels = await page.locator('.rp-season-chart .recharts-label-list text, .rp-season-chart .recharts-label').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels.filter((x) => x.trim())) expect(l).toMatch(/^\d+\.\d$/);
    const pdf = await print(page, 'print-busy-season');
    expect(pdfPages(pdf)).toBeGreaterThanOrEqual(1);
    const head = await page.locator('.rp-print-head').textContent();
    expect(head).toContain('繁忙期比較');
    expect(head).toContain('中央区役所・東区役所');
    expect(head).toContain('データ基準日：令和8年3月30日（2026-03-30）'); // the server's clock
    // the chart is drawn narrow enough for the page, with every bar
    const svg = (await page.locator('.rp-season-chart .recharts-wrapper > svg').boundingBox())!;
    expect(svg.width).toBeLessThanOrEqual(1047); // A4 landscape less 10 mm margins
    expect(svg.width).toBeGreaterThan(900);
    expect(await page.locator('.rp-season-chart .recharts-bar-rectangle').count()).toBe(api.years.length * 2 - 1); // 東区役所 has no 2024
    // the whole table fits the printed width: its last column (目安誤差) is inside the page
    const table = page.locator('.rp-season-office table').first();
    const box = (await table.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(A4.width);
    expect(await table.locator('thead th').last().textContent()).toBe('目安誤差');
    expect(await page.locator('.rp-city h3').textContent()).toContain('市全体');
    expect(await page.locator('.rp-imported').first().textContent()).toContain('旧受付システム（令和6年）');
    expect(await page.locator('.rp-skipped').textContent()).toContain('東区役所 2024年');
    await page.close();
  });

  it('the summary for the mayor is one A4 page: each office and 市全体, 和暦, change in minutes and %', async () => {
    const page = await signIn('city');
    await page.getByRole('tab', { name: /市長報告用/ }).click();
    await page.locator('.rp-mayor-table').waitFor();
    const api = (await page.evaluate(async () => (await (await fetch('/api/reports/busy-season?offices=chuo,higashi')).json()) as { data: SeasonApi })).data;
    const groups = await page.locator('.rp-mayor-table tbody th[scope=rowgroup]').allTextContents();
    expect(groups).toEqual(['中央区役所', '東区役所', '市全体']);
    const chuo26 = api.rows.find((r) => r.officeId === 'chuo' && r.serviceId === null && r.year === 2026)!;
    const row = page.locator('.rp-mayor-table tbody').first().locator('tr', { hasText: '令和8年（2026年）' });
    expect(await row.textContent()).toContain(`${(chuo26.wait.meanMs! / MIN).toFixed(1)}分`);
    expect(await page.locator('.rp-mayor-lead').textContent()).toMatch(/中央区役所の令和8年の平均待ち時間は[\d.]+分で、前年より[\d.]+分（[\d.]+%）(短縮|増加)いたしました/);
    const pdf = await print(page, 'print-mayor-summary');
    expect(pdfPages(pdf)).toBe(1);
    expect(await page.locator('.rp-print-head h1').textContent()).toBe('繁忙期における窓口の待ち時間について（令和6年〜令和8年（2024〜2026年））');
    await page.close();
  });

  it('the period report prints with its title block, KPIs, charts and table', async () => {
    const page = await signIn('supervisor');
    await page.fill('.rp-filters input[type=date] >> nth=0', '2026-03-23');
    await page.fill('.rp-filters input[type=date] >> nth=1', '2026-03-27');
    await page.getByRole('button', { name: /表示/ }).click();
    await page.locator('.rp-heat-c').first().waitFor();
    const pdf = await print(page, 'print-summary');
    expect(pdfPages(pdf)).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.rp-print-head').textContent()).toContain('期間：2026-03-23〜2026-03-27');
    const table = page.locator('.rp-table').last();
    const box = (await table.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(A4.width);
    await page.close();
  });

  it('a period over 366 days: the message says so, and the old figures are cleared', async () => {
    const page = await signIn('supervisor');
    await page.fill('.rp-filters input[type=date] >> nth=0', '2026-03-23');
    await page.fill('.rp-filters input[type=date] >> nth=1', '2026-03-27');
    await page.getByRole('button', { name: /表示/ }).click();
    await page.locator('.rp-kpis').waitFor();
    await page.fill('.rp-filters input[type=date] >> nth=0', '2025-01-01');
    await page.getByRole('button', { name: /表示/ }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('期間は366日以内で指定してください。');
    expect(await page.locator('.rp-kpis').count()).toBe(0);
    expect(await page.locator('.rp-table').count()).toBe(0);
    await page.screenshot({ path: resolve(ARTIFACTS, 'console-reports-366-error.png') });
    // a valid period shows figures again
    await page.fill('.rp-filters input[type=date] >> nth=0', '2026-03-23');
    await page.getByRole('button', { name: /表示/ }).click();
    await page.locator('.rp-kpis').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });
});
