import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/**
 * Issue 15 in the console: the カレンダー tab adds a 休日開庁 day with its notice (the kiosk then
 * accepts tickets that Sunday), the 用件 tab warns of missing translations and sets a service's hours.
 */

let browser: Browser;
let srv: TestServer;
const tokyo = (date: string, hm: string) => Date.parse(`${date}T${hm}:00+09:00`);

beforeAll(async () => {
  browser = await launchBrowser();
  srv = await startTestServer({ webRoot: WEB_ROOT, hours: { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] }, now: tokyo('2027-03-23', '10:00') });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function signIn(page: Page) {
  await signInConsole(page, srv.url, 'admin', /管理/);
  await page.getByRole('tab', { name: '庁舎' }).waitFor();
}

describe('console: office calendar, service hours, missing translations', () => {
  it('adds a 休日開庁 Sunday with its notice, lists holidays; warns of a missing translation; sets a service to stop at 16:00', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'ja-JP' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page);

    await page.getByRole('tab', { name: 'カレンダー' }).click();
    await page.locator('[data-testid="calendar-days"]').waitFor();
    // the next 60 days as the kiosk sees them: 春分の日 is not in range (23 Mar), 昭和の日 (29 Apr) is
    await expect.poll(() => page.locator('[data-testid="calendar-days"]').textContent()).toContain('昭和の日');
    await page.fill('input[name=calDate]', '2027-03-28');
    await page.selectOption('select[name=calKind]', 'open');
    await page.fill('input[name=calOpen]', '09:00');
    await page.fill('input[name=calClose]', '12:00');
    await page.fill('input[name="calLabel.ja"]', '本日は休日開庁日です（転入・転出のみ）');
    await page.locator('[data-testid="calendar-form"] button[type=submit]').click();
    await page.locator('[data-testid="calendar-entries"] tr[data-date="2027-03-28"]').waitFor();
    expect(await page.locator('[data-testid="calendar-entries"] tr[data-date="2027-03-28"]').textContent()).toContain('休日開庁09:00–12:00本日は休日開庁日です（転入・転出のみ）');
    await screenshot(page, 'lang-admin-calendar');
    const admin = await login(srv.url, 'admin');
    const cal = await http<{ data: { entries: unknown[] } }>(srv.url, 'GET', `/api/admin/offices/${srv.officeId}/calendar`, undefined, { cookie: admin });
    expect(cal.body.data.entries).toEqual([{ date: '2027-03-28', kind: 'open', open: '09:00', close: '12:00', label: { ja: '本日は休日開庁日です（転入・転出のみ）' } }]);

    // A service without Chinese: the 用件 tab warns.
    await http(srv.url, 'PATCH', '/api/admin/services/chuo-C', { name: { ja: '印鑑登録', en: 'Seal registration' } }, { cookie: admin });
    await page.getByRole('tab', { name: '用件' }).click();
    const warn = page.locator('[data-testid="translations-missing"]');
    await warn.waitFor();
    expect(await warn.locator('li[data-missing="chuo-C|name"]').textContent()).toBe('C 印鑑登録（名称）: 中国語・韓国語・ベトナム語・やさしい日本語');

    // Service hours: B stops taking tickets at 16:00.
    await page.locator('tr', { hasText: '住民票・戸籍の証明' }).getByRole('button', { name: '編集' }).click();
    await page.fill('input[name=hoursOpen]', '08:30');
    await page.fill('input[name=hoursClose]', '16:00');
    // The service form's own 保存 (the 用件 tab also has the journeys settings' 保存).
    await page.locator('form', { has: page.locator('input[name=hoursClose]') }).getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('[data-testid="hours-chuo-B"]').textContent()).toBe('08:30–16:00');
    await screenshot(page, 'lang-admin-services');
    expect(srv.db.prepare("SELECT reception_open, reception_close FROM services WHERE id = 'chuo-B'").get()).toEqual({ reception_open: '08:30', reception_close: '16:00' });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
