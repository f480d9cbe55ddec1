import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import jsQR from 'jsqr';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { signInConsole } from './console-kit.js';

/**
 * An admin adds a service and a counter in the office console; a kiosk page that is already open
 * shows the new service without reloading. Screenshots of every admin tab go to artifacts/.
 */
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

async function signIn(page: Page) {
  await signInConsole(page, srv.url, 'admin', /管理/);
  await page.getByRole('tab', { name: '庁舎' }).waitFor();
}

describe('administration in the browser', () => {
  it('an admin adds a service and a counter; the open kiosk shows the new service without reloading', async () => {
    const kioskCtx = await browser.newContext({ viewport: { width: 1080, height: 1400 }, locale: 'ja-JP' });
    const kiosk = await kioskCtx.newPage();
    let kioskLoads = 0;
    kiosk.on('load', () => (kioskLoads += 1));
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}`);
    await kiosk.getByText('転入・転居・転出').first().waitFor();
    expect(await kiosk.getByText('パスポート申請').count()).toBe(0);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await signIn(page);
    await screenshot(page, 'admin-office');

    // Add a service.
    await page.getByRole('tab', { name: '用件' }).click();
    await page.getByRole('button', { name: '用件を追加' }).click();
    const form = page.getByRole('form', { name: '用件を追加' });
    await form.locator('input[name=prefix]').fill('P');
    await form.locator('input[name="name.ja"]').fill('パスポート申請');
    await form.locator('input[name="name.en"]').fill('Passport applications');
    await form.locator('input[name=dailyCap]').fill('80');
    await screenshot(page, 'admin-service-form');
    await form.getByRole('button', { name: '保存' }).click();
    await page.getByRole('cell', { name: /パスポート申請/ }).waitFor();
    await screenshot(page, 'admin-services');

    // The kiosk, never reloaded, shows it.
    await kiosk.getByText('パスポート申請').first().waitFor({ timeout: 5000 });
    expect(kioskLoads).toBe(1);
    await kiosk.getByText('パスポート申請').first().scrollIntoViewIfNeeded();
    await screenshot(kiosk, 'admin-kiosk-shows-new-service');

    // A refused change shows the server's message and changes nothing.
    await page.getByRole('button', { name: '用件を追加' }).click();
    const bad = page.getByRole('form', { name: '用件を追加' });
    await bad.locator('input[name=prefix]').fill('A');
    await bad.locator('input[name="name.ja"]').fill('重複');
    await bad.getByRole('button', { name: '保存' }).click();
    await bad.getByRole('alert').waitFor();
    expect(await bad.getByRole('alert').textContent()).toContain('この記号は同じ庁舎の別の用件で使われています');
    await screenshot(page, 'admin-service-refused');
    await bad.getByRole('button', { name: 'キャンセル' }).click();
    expect(srv.db.prepare("SELECT count(*) AS n FROM services WHERE prefix = 'A'").get()).toEqual({ n: 1 });

    // Add a counter serving the new service first, then A.
    await page.getByRole('tab', { name: '窓口' }).click();
    await page.getByRole('button', { name: '窓口を追加' }).click();
    const cf = page.getByRole('form', { name: '窓口を追加' });
    await cf.locator('input[name=label]').fill('12');
    const serviceId = (srv.db.prepare("SELECT id FROM services WHERE prefix = 'P'").get() as { id: string }).id;
    await cf.locator('select[name=addService]').selectOption(serviceId);
    await cf.locator('select[name=addService]').selectOption('chuo-A');
    await screenshot(page, 'admin-counter-form');
    await cf.getByRole('button', { name: '保存' }).click();
    await page.getByRole('cell', { name: '12番窓口' }).waitFor();
    await screenshot(page, 'admin-counters');
    const counter = srv.app.engine.state('chuo').counters.get('chuo-c12');
    expect(counter?.serviceIds).toEqual([serviceId, 'chuo-A']);

    // A ticket for the new service from the open kiosk.
    await kiosk.getByText('パスポート申請').first().click();
    await kiosk.getByText('P-001').first().waitFor();

    // Devices: a new display with its pairing URL and QR code.
    await page.getByRole('tab', { name: '端末' }).click();
    await page.locator('select[name=kind]').selectOption('display');
    await page.locator('input[name=deviceName]').fill('2階 待合表示盤');
    await page.getByRole('form', { name: '端末を追加' }).getByRole('button', { name: '追加' }).click();
    await page.getByTestId('pairing-qr').waitFor();
    const url = await page.getByTestId('pairing-url').textContent();
    expect(url).toMatch(new RegExp(`^${srv.url}/display/\\?device=`));
    // The QR code encodes exactly that URL.
    const pixels = await page.getByTestId('pairing-qr').evaluate((img: HTMLImageElement) => {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return { w: c.width, h: c.height, data: Array.from(g.getImageData(0, 0, c.width, c.height).data) };
    });
    expect(jsQR(Uint8ClampedArray.from(pixels.data), pixels.w, pixels.h)?.data).toBe(url);
    // Opening it pairs a display (a fresh browser).
    const dispCtx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const disp = await dispCtx.newPage();
    await disp.goto(url!);
    const token = decodeURIComponent(url!.split('device=')[1]!);
    expect(await disp.evaluate(() => localStorage.getItem('madoguchi.deviceToken'))).toBe(token);
    await dispCtx.close();
    await screenshot(page, 'admin-devices');

    for (const [tab, shot] of [['職員', 'admin-staff'], ['繁忙期', 'admin-seasons'], ['監査ログ', 'admin-audit']] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(300);
      await screenshot(page, shot);
    }
    expect(await page.getByRole('cell', { name: 'service.create' }).count()).toBeGreaterThan(0);
    // English is available.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Services' }).click();
    await page.getByRole('button', { name: 'Add service' }).waitFor();
    await screenshot(page, 'admin-services-en');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await ctx.close();
    await kioskCtx.close();
  }, 120_000);
});
