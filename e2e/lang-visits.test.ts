import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, http, startTestServer, type TestServer } from '../server/testing.js';
import { configureVisits } from '../server/visits/testkit.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Issue 15 × issue 16: the phone page's journey card and "your turn is near" section come from the
 * resident catalogue (web/catalog/, `visit.*`), so a Vietnamese ticket reads them in Vietnamese and a
 * やさしいにほんご ticket in kanji with furigana (<ruby>), not in the English fallback.
 */

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
  configureVisits(srv.db);
  srv.app.engine.reloadOffice('chuo');
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.close();
});

async function phone(path: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: 'ja-JP', isMobile: true, hasTouch: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}${path}`);
  return page;
}

/** Text as read: furigana (<rt>) left out. */
const plain = (page: Page, sel: string) => page.locator(sel).first().evaluate((el) => { const c = el.cloneNode(true) as HTMLElement; c.querySelectorAll('rt').forEach((r) => r.remove()); return (c.textContent ?? '').replace(/\s+/g, ' ').trim(); });

async function journeyTicket(lang: string): Promise<string> {
  const r = await http<{ data: { ticket: { token: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(`j-${lang}`), serviceId: 'chuo-A', plan: ['chuo-E', 'chuo-F'], lang }, { device: srv.kioskToken });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data.ticket.token;
}

describe('journey card and near-turn notice in the resident’s language', () => {
  it('?lang=vi: the journey heading, leg states and the near-turn section are Vietnamese', async () => {
    const token = await journeyTicket('vi');
    const me = await phone(`/t/${token}?lang=vi`);
    await me.getByTestId('journey-legs').waitFor();
    await me.getByTestId('near').waitFor();
    expect(await plain(me, '[data-testid=journey] h2')).toBe('Thủ tục hôm nay của bạn');
    expect(await plain(me, '[data-testid=journey-legs] li[data-state=current] small')).toMatch(/^bây giờ/);
    expect(await plain(me, '[data-testid=journey-legs] li[data-state=planned] small')).toMatch(/^tiếp theo/);
    expect(await plain(me, '[data-testid=near] h2')).toBe('Báo cho tôi khi sắp đến lượt');
    expect(await plain(me, '[data-testid=near-arm]')).toBe('Báo trên trang này (thông báo, rung)');
    expect(await me.locator('[data-testid=near-n] option').allTextContents()).toEqual(['1 người', '2 người', '3 người', '5 người', '10 người']);
    const near = await plain(me, '[data-testid=near]');
    expect(near).toContain('Khi số người phía trước còn bằng hoặc ít hơn');
    expect(near).not.toMatch(/Tell me|Notify me|[ぁ-ん]/); // neither the English fallback nor Japanese
    await me.getByTestId('near-arm').click();
    expect(await plain(me, '[data-testid=near-arm]')).toBe('Sẽ báo trên trang này (chạm để tắt)');
    await screenshot(me, 'lang-visits-phone-vi');
  }, 60_000);

  it('?lang=ja-easy: the same sections as kanji with furigana (<ruby>)', async () => {
    const token = await journeyTicket('ja-easy');
    const me = await phone(`/t/${token}?lang=ja-easy`);
    await me.getByTestId('journey-legs').waitFor();
    await me.getByTestId('near').waitFor();
    expect(await plain(me, '[data-testid=journey] h2')).toBe('今日の手続き');
    expect(await me.locator('[data-testid=journey] h2 ruby').evaluateAll((rs) => rs.map((r) => r.textContent))).toEqual(['今日きょう', '手続てつづ']);
    expect(await plain(me, '[data-testid=near] h2')).toBe('もうすぐ順番のとき、知らせます');
    expect(await me.locator('[data-testid=near] h2 ruby rt').allTextContents()).toEqual(['じゅんばん', 'し']);
    expect(await plain(me, '[data-testid=journey-legs] li[data-state=planned] small')).toMatch(/^このあと/);
    // the per-leg estimate is rendered too: furigana, never the raw {漢字|かんじ} markup
    expect(await plain(me, '[data-testid=journey-legs]')).not.toMatch(/[{}|]/);
    expect(await me.locator('[data-testid=journey-legs] li[data-state=planned] small ruby').count()).toBeGreaterThan(0);
    await screenshot(me, 'lang-visits-phone-ja-easy');
  }, 60_000);

  it('kiosk: the several-procedures panel and the ticket’s journey in Vietnamese; やさしいにほんご with furigana (catalogue journey.*)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1024 }, locale: 'ja-JP' });
    contexts.push(ctx);
    const kiosk = await ctx.newPage();
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300`);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    await kiosk.getByRole('button', { name: 'Tiếng Việt', exact: true }).click();
    expect(await plain(kiosk, '[data-testid=journey-toggle]')).toBe('＋ Nhiều thủ tục trên một số');
    await kiosk.getByTestId('journey-toggle').click();
    expect(await plain(kiosk, '[data-testid=journey-panel] .k-journey-help')).toBe('Hãy chọn các thủ tục (thứ tự do cơ quan quyết định)');
    expect(await kiosk.getByTestId('journey-order').getAttribute('aria-label')).toBe('Thứ tự');
    expect(await plain(kiosk, '[data-testid=journey-issue]')).toBe('Lấy số');
    for (const id of ['chuo-A', 'chuo-E']) {
      const b = kiosk.locator(`button[data-service="${id}"]`);
      while (!(await b.count())) await kiosk.getByTestId('page-next').click();
      await b.click();
    }
    await kiosk.getByTestId('journey-issue').click();
    await kiosk.getByTestId('ticket-screen').waitFor();
    expect(await plain(kiosk, '[data-testid=ticket-journey] .k-journey-title')).toBe('Thủ tục hôm nay của bạn');
    expect(await plain(kiosk, '[data-testid=ticket-journey] li.is-current small')).toBe('bây giờ');
    expect(await plain(kiosk, '[data-testid=ticket-journey] .k-small')).toBe('Khi xong một thủ tục, bạn tự động được xếp hàng cho thủ tục tiếp theo (cùng số)');
    await screenshot(kiosk, 'lang-visits-kiosk-vi');

    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300`);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    await kiosk.getByRole('button', { name: 'やさしいにほんご', exact: true }).click();
    expect(await plain(kiosk, '[data-testid=journey-toggle]')).toBe('＋ いくつかの手続きを一緒にする');
    expect(await kiosk.locator('[data-testid=journey-toggle] ruby rt').allTextContents()).toEqual(['てつづ', 'いっしょ']);
  }, 60_000);
});
