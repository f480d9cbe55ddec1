import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, PASSWORD, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Database faults as residents and clerks see them: a write lock held by another process makes the
 * kiosk and the counter say so in Japanese (503 DB_BUSY, nothing issued or changed), and pressing
 * again after the lock is gone works.
 */
let browser: Browser;
let srv: TestServer;
let dir: string;
let other: Database.Database;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-faults-'));
  srv = await startTestServer({ webRoot: WEB_ROOT, path: join(dir, 'm.db') });
  other = new Database(join(dir, 'm.db'));
});
afterEach(async () => {
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});
const tickets = () => srv.db.prepare('SELECT count(*) FROM tickets').pluck().get() as number;

describe('database busy on screens', () => {
  it('kiosk: a held write lock → "混み合っています… 番号札は発行されていません", nothing issued; pressing again afterwards issues', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300`);
    await page.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    other.exec('BEGIN IMMEDIATE');
    await page.click('button[data-service="chuo-A"]');
    const error = page.locator('[data-testid=issue-error]');
    await error.waitFor();
    expect(await error.textContent()).toContain('ただいま混み合っています。番号札は発行されていません。');
    expect(tickets()).toBe(0);
    await screenshot(page, 'faults-kiosk-db-busy');
    await page.getByRole('button', { name: 'English' }).click();
    await page.click('button[data-service="chuo-A"]');
    await expect.poll(() => error.textContent()).toContain('The system is busy. No ticket was issued.');
    other.exec('ROLLBACK');
    await page.click('button[data-service="chuo-A"]');
    await page.locator('[data-testid=ticket-number]').waitFor();
    expect(tickets()).toBe(1);
    await page.close();
  });

  it('counter: call-next under a held lock shows the Japanese message and calls nobody; again afterwards calls', async () => {
    const r = await http<{ data: { display: string } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('k'), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect(r.status).toBe(200);
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/counter/`);
    await page.fill('input[name=login]', 'clerk1');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.click('[data-counter="chuo-c1"]');
    await page.waitForSelector('.counter-main');
    other.exec('BEGIN IMMEDIATE');
    await page.click('button[data-action=callNext]');
    const error = page.locator('[data-testid=error]');
    await error.waitFor();
    expect(await error.textContent()).toContain('ただいま混み合っています');
    expect(srv.db.prepare("SELECT count(*) FROM steps WHERE state = 'waiting'").pluck().get()).toBe(1);
    await screenshot(page, 'faults-counter-db-busy');
    other.exec('ROLLBACK');
    await page.click('button[data-action=callNext]');
    await expect.poll(() => page.locator('[data-testid=current-number]').textContent()).toContain(r.body.data.display);
    await ctx.close();
  });
});
