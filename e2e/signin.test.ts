import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { insertStaff } from '../server/seed.js';
import { PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * The console's sign-in, the forced change of a first-run password, and the account page where
 * any staff member changes their own password — in Chromium, with screenshots in artifacts/.
 */
describe('console sign-in and passwords in a browser', () => {
  let srv: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    await insertStaff(srv.db, { id: 'first', login: 'first', name: '初回 管理者', role: 'admin', officeId: null, password: 'printed-Xq81-pw', mustChangePassword: true });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('a wrong password shows the one message (with the pause warning); a first-run password leads to the change page and nothing else', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await page.goto(`${srv.url}/console/`);
    await page.getByRole('form', { name: /サインイン/ }).waitFor();
    await screenshot(page, 'console-signin');
    await page.fill('input[name=login]', 'clerk1');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('ログインIDまたはパスワードが違います。失敗が続くと、しばらくの間サインインできなくなります。');
    await screenshot(page, 'console-signin-error');

    await page.fill('input[name=login]', 'first');
    await page.fill('input[name=password]', 'printed-Xq81-pw');
    await page.click('button[type=submit]');
    await page.getByRole('form', { name: /パスワードの変更/ }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('初期パスワードのままです');
    expect(await page.getByRole('button', { name: /現況|レポート|管理 Admin/ }).count()).toBe(0);
    await screenshot(page, 'console-password-forced');

    await page.fill('input[name=currentPassword]', 'printed-Xq81-pw');
    await page.fill('input[name=newPassword]', 'qwertyuiop12');
    await page.fill('input[name=newPasswordAgain]', 'qwertyuiop12');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('並び');
    await screenshot(page, 'console-password-weak');

    await page.fill('input[name=newPassword]', 'a calm spring morning');
    await page.fill('input[name=newPasswordAgain]', 'a calm spring morning');
    await page.click('button[type=submit]');
    await page.getByRole('form', { name: /サインイン/ }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('パスワードを変更しました');
    await screenshot(page, 'console-signin-after-change');
    const row = srv.db.prepare("SELECT must_change_password FROM staff WHERE id = 'first'").get();
    expect(row).toEqual({ must_change_password: 0 });

    await page.fill('input[name=login]', 'first');
    await page.fill('input[name=password]', 'a calm spring morning');
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: /管理 Admin/ }).waitFor();
    await page.close();
  }, 90_000);

  it('the counter, which has no change page, sends a first-run password to the console instead of signing in', async () => {
    await insertStaff(srv.db, { id: 'first2', login: 'first2', name: '初回 二', role: 'admin', officeId: null, password: 'printed-Zk42-pw', mustChangePassword: true });
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    await page.goto(`${srv.url}/counter/`);
    await page.fill('input[name=login]', 'first2');
    await page.fill('input[name=password]', 'printed-Zk42-pw');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('管理画面（/console/）');
    expect(await page.getByRole('form', { name: /サインイン/ }).count()).toBe(1);
    await screenshot(page, 'counter-signin-first-run');
    const live = srv.db.prepare("SELECT count(*) AS n FROM sessions WHERE staff_id = 'first2' AND revoked_at IS NULL").get();
    expect(live).toEqual({ n: 0 }); // the session it got was ended again
    await page.close();
  }, 60_000);

  it('any staff member changes their own password on the account page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await page.goto(`${srv.url}/console/`);
    await page.fill('input[name=login]', 'supervisor');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: /アカウント/ }).click();
    await page.getByRole('form', { name: /パスワードの変更/ }).waitFor();
    await page.fill('input[name=currentPassword]', PASSWORD);
    await page.fill('input[name=newPassword]', 'supervisor of the floor');
    await page.fill('input[name=newPasswordAgain]', 'supervisor of the floor');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('ログインIDを含む');
    await page.fill('input[name=newPassword]', 'evening lantern festival');
    await page.fill('input[name=newPasswordAgain]', 'evening lantern festival!');
    expect(await page.getByRole('button', { name: /変更する/ }).isDisabled()).toBe(true);
    await screenshot(page, 'console-account');
    await page.fill('input[name=newPasswordAgain]', 'evening lantern festival');
    await page.click('button[type=submit]');
    await page.getByRole('form', { name: /サインイン/ }).waitFor();
    const hash = (srv.db.prepare("SELECT password_hash FROM staff WHERE id = 'supervisor'").get() as { password_hash: string }).password_hash;
    const { verifyPassword } = await import('../server/auth/password.js');
    expect(await verifyPassword('evening lantern festival', hash)).toBe(true);
    await page.close();
  }, 90_000);
});
