import type { Page } from 'playwright-core';
import { PASSWORD } from '../server/testing.js';

/**
 * Sign in to the office console at `url` and open one of its sections (the header buttons:
 * /管理/, /レポート/, '計画 Planning' …). Shared by the console's browser tests.
 */
export async function signInConsole(page: Page, url: string, login: string, section?: string | RegExp): Promise<Page> {
  await page.goto(`${url}/console/`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  if (section) await page.getByRole('button', { name: section }).click();
  return page;
}
