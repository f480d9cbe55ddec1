import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/testing.js';
import { ARTIFACTS, launchBrowser, screenshot, WEB_ROOT } from './browser.js';
import { counterCmd, fourDigitNumbers, issue, openCounters, openDisplay, PEAK_SERVICES, peakOffice } from './display-kit.js';

/**
 * The lobby display at real sizes: 1920×1080, 1080×1920 and 1280×1024, with 14 and 20 counters,
 * 12 services and four-digit numbers. DOM geometry proves that no number is clipped or spills
 * out of its box or the screen; the screenshots go to artifacts/ for people to look at, and the
 * type sizes measured go to artifacts/display-sizes.json (docs/DISPLAY.md quotes them).
 */

/** Every number-bearing element on screen (hidden ones excluded) and what is wrong with each. */
async function geometry(page: Page): Promise<{ checked: number; problems: string[]; docOverflow: { x: number; y: number }; sizes: Record<string, number> }> {
  return page.evaluate(() => {
    const sel = {
      slotNumber: '.slot .num', slotCounter: '.slot .ctr', recent: '.recent li:not(.none) .num', recentCounter: '.recent li:not(.none) .ctr',
      counterNumber: '.counter .current', counterLabel: '.counter .label', noShow: '.noshow li:not(.none)', noShowGuide: '.noshow .guide',
      waitingPrefix: '.waiting .prefix', waitingCount: '.waiting .count b', serviceName: '.waiting .svc', heading: '.display h2', clock: '.clock .time', office: '.bar .office', ticker: '.ticker',
      mark: '.slot .mark', waitingEstimate: '.waiting .est',
    } as const;
    const numbers: (keyof typeof sel)[] = ['slotNumber', 'slotCounter', 'recent', 'recentCounter', 'counterNumber', 'counterLabel', 'noShow', 'waitingPrefix', 'waitingCount', 'clock', 'waitingEstimate'];
    const problems: string[] = [];
    const sizes: Record<string, number> = {};
    let checked = 0;
    const W = window.innerWidth;
    const H = window.innerHeight;
    for (const [name, s] of Object.entries(sel)) {
      const els = [...document.querySelectorAll<HTMLElement>(s)].filter((e) => e.getClientRects().length > 0);
      for (const e of els) {
        const fs = parseFloat(getComputedStyle(e).fontSize);
        sizes[name] = Math.min(sizes[name] ?? Infinity, Math.round(fs * 10) / 10);
        if (!numbers.includes(name as keyof typeof sel)) continue;
        checked++;
        const r = e.getBoundingClientRect();
        const text = (e.textContent ?? '').trim();
        if (e.scrollWidth > e.clientWidth + 0.5) problems.push(`${name} "${text}" clipped: scrollWidth ${e.scrollWidth} > clientWidth ${e.clientWidth}`);
        if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5) problems.push(`${name} "${text}" outside the viewport: ${JSON.stringify(r)}`);
        // Inside its tile (a slot, a counter tile, a list item): nothing spills over the edge.
        const box = e.closest('li')?.getBoundingClientRect();
        if (box && e.closest('li') !== e && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)) problems.push(`${name} "${text}" spills out of its tile`);
        if (getComputedStyle(e).whiteSpace !== 'nowrap' && r.height > fs * 1.6) problems.push(`${name} "${text}" wraps`);
      }
    }
    // The calls area and counter grid themselves stay inside the screen.
    for (const s of ['[data-testid="now"]', '[data-testid="counters"]', '[data-testid="waiting"]', '[data-testid="noshows"]', '[data-testid="recent"]']) {
      const r = document.querySelector(s)?.getBoundingClientRect();
      if (r && (r.bottom > H + 0.5 || r.right > W + 0.5)) problems.push(`${s} outside the viewport`);
    }
    return { checked, problems, docOverflow: { x: document.documentElement.scrollWidth - W, y: document.documentElement.scrollHeight - H }, sizes };
  });
}

describe('lobby display layout at the peak', () => {
  let srv: TestServer;
  let browser: Browser;
  const measured: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT, office: peakOffice });
    fourDigitNumbers(srv);
    browser = await launchBrowser();
    // A busy morning: every counter calling or serving a four-digit number, people waiting for
    // every service, a recall and two no-shows.
    for (const s of PEAK_SERVICES) await issue(srv.url, srv.kioskToken, `chuo-${s.prefix}`, 6);
    const cookies = await openCounters(srv, 20);
    // Counter 13 (serves A) records two no-shows first.
    const c13 = cookies.get('chuo-c13')!;
    for (let i = 0; i < 2; i++) {
      await counterCmd(srv.url, c13, 'chuo-c13', 'call-next');
      await counterCmd(srv.url, c13, 'chuo-c13', 'recall');
      await counterCmd(srv.url, c13, 'chuo-c13', 'no-show');
    }
    for (let i = 1; i <= 20; i++) {
      const cookie = cookies.get(`chuo-c${i}`)!;
      await counterCmd(srv.url, cookie, `chuo-c${i}`, 'call-next');
      if (i % 3 === 0) await counterCmd(srv.url, cookie, `chuo-c${i}`, 'start');
    }
    await counterCmd(srv.url, cookies.get('chuo-c20')!, 'chuo-c20', 'recall');
    const { login, http } = await import('../server/testing.js');
    const sup = await login(srv.url, 'supervisor');
    await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: '本日は転入・転出の手続きが大変混み合っております。番号札をお持ちのままお待ちください。' }, { cookie: sup });
  }, 120_000);

  afterAll(async () => {
    writeFileSync(resolve(ARTIFACTS, 'display-sizes.json'), JSON.stringify(measured, null, 2));
    await browser?.close();
    await srv?.close();
  });

  const cases: { w: number; h: number; counters: 14 | 20 }[] = [
    { w: 1920, h: 1080, counters: 20 }, { w: 1920, h: 1080, counters: 14 },
    { w: 1080, h: 1920, counters: 20 }, { w: 1080, h: 1920, counters: 14 },
    { w: 1280, h: 1024, counters: 20 }, { w: 1280, h: 1024, counters: 14 },
  ];
  for (const c of cases) {
    it(`${c.w}×${c.h} with ${c.counters} counters and 12 services: every number whole, inside its tile and the screen`, async () => {
      const query = c.counters === 14 ? `counters=${Array.from({ length: 14 }, (_, i) => `chuo-c${i + 1}`).join(',')}` : '';
      const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { viewport: { width: c.w, height: c.h }, query });
      await page.waitForSelector('[data-testid="slot"]');
      await page.waitForFunction(() => document.querySelectorAll('.noshow li:not(.none)').length > 0);
      expect(await page.locator('[data-testid="counters"] li').count()).toBe(c.counters);
      expect(await page.locator('[data-testid="waiting"] li').count()).toBe(12);
      const slots = await page.locator('[data-testid="slot"]').count();
      expect(slots).toBe(c.h > c.w ? (c.counters === 20 ? 8 : 7) : 6);
      // Four-digit numbers everywhere, the recall marked 再 in words, not by colour alone.
      const slotNumbers = await page.locator('[data-testid="slot"] .num').allTextContents();
      for (const n of slotNumbers) expect(n).toMatch(/^[A-L]-\d{4}$/);
      if (c.counters === 20) expect(await page.locator('[data-testid="slot"].recall [data-testid="recall-mark"]').first().textContent()).toContain('再');
      await screenshot(page, `display-${c.w}x${c.h}-${c.counters}counters`);
      const g = await geometry(page);
      if (g.problems.length) console.log(c, g.problems);
      measured[`${c.w}x${c.h}-${c.counters}`] = g.sizes;
      expect(g.problems).toEqual([]);
      expect(g.checked).toBeGreaterThan(40);
      expect(g.docOverflow.x).toBeLessThanOrEqual(0);
      expect(g.docOverflow.y).toBeLessThanOrEqual(0);
      await ctx.close();
    }, 60_000);
  }

  it('rotates service names and the no-show guide through the languages when asked (rotate=on)', async () => {
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { query: 'rotate=on' });
    await page.waitForSelector('[data-testid="slot"]');
    expect(await page.getByTestId('display').getAttribute('data-lang')).toBe('ja');
    await page.waitForFunction(() => document.querySelector('[data-testid="display"]')?.getAttribute('data-lang') === 'en', undefined, { timeout: 12_000 });
    expect(await page.locator('[data-service="chuo-A"] .svc').textContent()).toBe('Moving');
    expect(await page.getByTestId('noshow-guide').textContent()).toBe('Please speak to a member of staff');
    const g = await geometry(page);
    expect(g.problems).toEqual([]);
    await screenshot(page, 'display-1920x1080-rotated-en');
    await ctx.close();
    // Off by default: Japanese stays.
    const plain = await openDisplay(browser, srv.url, srv.displayToken);
    await plain.page.waitForSelector('[data-testid="slot"]');
    await new Promise((r) => setTimeout(r, 9000));
    expect(await plain.page.getByTestId('display').getAttribute('data-lang')).toBe('ja');
    expect(await plain.page.locator('[data-service="chuo-A"] .svc').textContent()).toBe('転入・転居・転出');
    await plain.ctx.close();
  }, 60_000);
});
