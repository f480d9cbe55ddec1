import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { cid, http, PASSWORD, type TestServer } from '../server/testing.js';

/** Kiosk tickets for the counter browser tests, one simulated minute apart; returns their numbers. */
export async function issueTickets(srv: TestServer, serviceId: string, n = 1, priority = false): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    srv.clock.advance(60_000);
    const r = await http<{ data: { display: string } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId, priority, ...(priority ? { priorityReason: 'elderly' } : {}) }, { device: srv.kioskToken });
    expect(r.status).toBe(200);
    out.push(r.body.data.display);
  }
  return out;
}

/** A fresh browser context (its own cookies and localStorage), signed in and at a counter; the context goes into `contexts` for closing. */
export async function openClerkPage(browser: Browser, srv: TestServer, contexts: BrowserContext[], loginName: string, counterId: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/counter/`);
  await page.fill('input[name=login]', loginName);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.click(`[data-counter="${counterId}"]`);
  await page.waitForSelector('.counter-main');
  return page;
}
