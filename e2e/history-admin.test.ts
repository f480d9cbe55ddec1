import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, PASSWORD, type TestServer } from '../server/testing.js';
import { summaryReport } from '../server/reports/query.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/**
 * 管理 → 過去データ取込 in a browser (issue 14): an admin saves a column mapping, previews a
 * Shift_JIS file from the previous system (a bad row shows its line and blocks the import), imports
 * the corrected file, sees it in the reports, and removes the import.
 */

const MAPPING = {
  encoding: 'shift_jis',
  columns: { ticket: '受付番号', date: '受付日', issued: '発券時刻', called: '呼出時刻', ended: '終了時刻', outcome: '状態', service: '業務コード' },
  dateFormat: 'yyyy/M/d',
  timeFormat: 'H:mm',
  outcomes: { 完了: 'served', 不在: 'no_show' },
  services: { '01': 'chuo-A', '02': 'chuo-B' },
};
const HEADER = '受付番号,受付日,発券時刻,呼出時刻,終了時刻,状態,業務コード';
const GOOD = [HEADER, '1,2025/3/24,9:00,9:30,9:45,完了,01', '2,2025/3/24,9:05,9:15,9:20,完了,02', '3,2025/3/24,9:10,10:10,10:12,不在,01'].join('\r\n');
const BAD = [HEADER, '1,2025/3/24,9:00,9:30,9:45,完了,01', '2,2025/3/24,9:05,9:15,9:20,保留,02'].join('\r\n');

describe('history import page', () => {
  let srv: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('saves a mapping, shows a bad row by line, imports the good file, removes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1200 }, locale: 'ja-JP' });
    page.on('dialog', (d) => void d.accept());
    await signInConsole(page, srv.url, 'admin', /管理/);
    await page.getByRole('tab', { name: '過去データ取込' }).click();

    // a column mapping, saved by name
    await page.fill('input[name=mappingName]', '旧受付システム');
    await page.fill('textarea[name=mappingJson]', JSON.stringify(MAPPING, null, 2));
    await page.getByRole('button', { name: /保存 Save/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('対応付け「旧受付システム」を保存しました');

    await page.selectOption('select[name=format]', 'mapped');
    await page.selectOption('select[name=mapping]', '旧受付システム');
    await page.fill('input[name=source]', '旧受付システム（令和7年）');
    const importButton = page.getByRole('button', { name: /取り込む Import/ });

    // a bad row: its line and word are shown, and nothing can be imported
    await page.setInputFiles('input[name=file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: iconv.encode(BAD, 'Shift_JIS') });
    await page.getByRole('button', { name: /確認/ }).click();
    await expect.poll(() => page.locator('.adm-import-errors li').allTextContents()).toEqual([expect.stringMatching(/^3行目：結果「保留」が対応付けにありません/)]);
    expect(await importButton.isDisabled()).toBe(true);

    // the corrected file: counts and first rows, then import
    await page.setInputFiles('input[name=file]', { name: 'old.csv', mimeType: 'text/csv', buffer: iconv.encode(GOOD, 'Shift_JIS') });
    await page.getByRole('button', { name: /確認/ }).click();
    const preview = page.getByRole('region', { name: /取込の確認/ });
    await expect.poll(() => preview.textContent()).toContain('3行・番号札 3件・手続 3件（2025-03-24〜2025-03-24）');
    expect(await preview.locator('tbody tr').count()).toBe(3);
    expect(summaryReport(srv.db, ['chuo'], '2025-03-24', '2025-03-24').total.steps).toBe(0); // nothing yet
    await screenshot(page, 'admin-history-preview');
    await importButton.click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('取り込みました：番号札 3件・手続 3件');
    const s = summaryReport(srv.db, ['chuo'], '2025-03-24', '2025-03-24');
    expect(s.total.steps).toBe(3);
    expect(s.total.wait.meanMs).toBe(((30 + 10 + 60) * 60_000) / 3);
    const list = page.getByRole('region', { name: /取込の一覧/ });
    await expect.poll(() => list.locator('tbody tr').first().textContent()).toContain('旧受付システム（令和7年）');
    await screenshot(page, 'admin-history');

    // remove it: the reports are as before
    await list.getByRole('button', { name: /削除/ }).click();
    await expect.poll(() => list.locator('tbody tr').first().textContent()).toContain('削除済み');
    expect(summaryReport(srv.db, ['chuo'], '2025-03-24', '2025-03-24').total.steps).toBe(0);
    await page.close();
  });
});
