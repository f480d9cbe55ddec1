import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login, startTestServer, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * The kiosk at the sizes offices really have (issue 11): 1080×1920 portrait, 1920×1080,
 * 1280×1024 (the usual 17–19-inch kiosk panel) and 1024×768, with twelve services, the priority
 * panel on and four-digit numbers. Asserted with DOM geometry: every service button lies inside
 * the viewport (or on a page reached by a visible pager), its text is not clipped, the page does
 * not scroll, space-separated words never break inside, and the ticket number is one unclipped line.
 */

let browser: Browser;
let srv: TestServer;

/** Five more services with long names in every language: twelve in all (A–L). */
const EXTRA: { prefix: string; name: Record<string, string>; description: Record<string, string> }[] = [
  { prefix: 'H', name: { ja: 'パスポート（旅券）の申請・受取', en: 'Passport applications and collection', zh: '护照申请・领取', ko: '여권 신청・수령', vi: 'Nộp hồ sơ và nhận hộ chiếu', 'ja-easy': 'パスポート を つくる・うけとる' }, description: { ja: '新規・切替・記載事項変更', en: 'New, renewal, changes of particulars', zh: '新办・换发・变更', ko: '신규・갱신・기재 사항 변경', vi: 'Cấp mới, gia hạn, thay đổi thông tin', 'ja-easy': 'あたらしく つくる・かえる' } },
  { prefix: 'I', name: { ja: '介護保険・高齢者福祉サービス', en: 'Long-term care insurance and elderly welfare services', zh: '护理保险・老年人福利服务', ko: '개호보험・고령자 복지 서비스', vi: 'Bảo hiểm chăm sóc dài hạn và phúc lợi người cao tuổi', 'ja-easy': 'かいご の ほけん・としより の ための サービス' }, description: { ja: '要介護認定・保険料', en: 'Care-need certification, premiums', zh: '护理认定・保险费', ko: '요개호 인정・보험료', vi: 'Chứng nhận nhu cầu chăm sóc, phí bảo hiểm', 'ja-easy': 'かいご が ひつよう か しらべる' } },
  { prefix: 'J', name: { ja: '障害福祉サービス・手帳の申請', en: 'Disability welfare services and certificate booklets', zh: '残障福利服务・手册申请', ko: '장애 복지 서비스・수첩 신청', vi: 'Dịch vụ phúc lợi cho người khuyết tật và sổ chứng nhận', 'ja-easy': 'しょうがい の ある ひと の サービス・てちょう' }, description: { ja: '身体・療育・精神保健福祉手帳', en: 'Physical, intellectual, mental health booklets', zh: '身体・疗育・精神保健福利手册', ko: '신체・요육・정신보건복지 수첩', vi: 'Sổ thể chất, trí tuệ, sức khỏe tâm thần', 'ja-easy': 'てちょう を つくる' } },
  { prefix: 'K', name: { ja: '外国人住民の在留関係手続き', en: 'Residence procedures for foreign residents', zh: '外国居民在留相关手续', ko: '외국인 주민 체류 관련 절차', vi: 'Thủ tục cư trú cho cư dân nước ngoài', 'ja-easy': 'がいこく の ひと の じゅうしょ の てつづき' }, description: { ja: '在留カード・住所届出', en: 'Residence card, address notification', zh: '在留卡・住址申报', ko: '재류카드・주소 신고', vi: 'Thẻ cư trú, khai báo địa chỉ', 'ja-easy': 'ざいりゅうカード' } },
  { prefix: 'L', name: { ja: '犬の登録・狂犬病予防注射済票', en: 'Dog registration and rabies vaccination tags', zh: '犬只登记・狂犬病疫苗接种证', ko: '개 등록・광견병 예방주사 필증', vi: 'Đăng ký chó và thẻ tiêm phòng bệnh dại', 'ja-easy': 'いぬ の とうろく' }, description: { ja: '登録・死亡・所在地変更', en: 'Registration, death, change of address', zh: '登记・死亡・地址变更', ko: '등록・사망・소재지 변경', vi: 'Đăng ký, chó chết, đổi địa chỉ', 'ja-easy': 'いぬ を かう・しぬ・ひっこす' } },
];
const PREFIXES = 'ABCDEFGHIJKL'.split('');

beforeAll(async () => {
  browser = await launchBrowser();
  srv = await startTestServer({ webRoot: WEB_ROOT });
  const admin = await login(srv.url, 'admin');
  for (const s of EXTRA) {
    const r = await http(srv.url, 'POST', '/api/admin/offices/chuo/services', { ...s, numberStart: 1234, numberEnd: 9999 }, { cookie: admin });
    expect(r.status).toBe(200);
  }
  for (const p of 'ABCDEFG') {
    const r = await http(srv.url, 'PATCH', `/api/admin/services/chuo-${p}`, { numberStart: 1234, numberEnd: 9999 }, { cookie: admin });
    expect(r.status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function openKiosk(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300`);
  await page.locator('button[data-service]:not([disabled])').first().waitFor();
  await expect.poll(() => page.locator('button[data-service]').count()).toBeGreaterThan(1);
  return page;
}

interface Geometry {
  vw: number;
  vh: number;
  docScroll: { sh: number; ch: number; sw: number; cw: number };
  buttons: { id: string; top: number; bottom: number; left: number; right: number; h: number; clipped: boolean; why: string }[];
  pager: { visible: boolean; inside: boolean; next: boolean } | null;
}

function geometry(page: Page): Promise<Geometry> {
  return page.evaluate(() => {
    const vw = innerWidth;
    const vh = innerHeight;
    const main = document.querySelector('main.kiosk')!;
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('button[data-service]')].map((b) => {
      const r = b.getBoundingClientRect();
      // The text must lie inside the button's content box (border and padding excluded), top and bottom.
      const cs = getComputedStyle(b);
      const box = { top: r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop), bottom: r.bottom - parseFloat(cs.borderBottomWidth) - parseFloat(cs.paddingBottom), right: r.right - parseFloat(cs.borderRightWidth) };
      const inner = [...b.querySelectorAll<HTMLElement>('.k-svc-text, .k-svc-text > span')].filter((e) => e.offsetHeight > 0);
      const clipped = b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1
        || inner.some((e) => { const er = e.getBoundingClientRect(); return er.top < box.top - 1 || er.bottom > box.bottom + 1 || er.right > box.right + 1; });
      const t = b.querySelector('.k-svc-text')!.getBoundingClientRect();
      const why = clipped ? `button ${Math.round(r.top)}–${Math.round(r.bottom)} box ${Math.round(box.top)}–${Math.round(box.bottom)} text ${Math.round(t.top)}–${Math.round(t.bottom)} scroll ${b.scrollHeight}/${b.clientHeight}` : '';
      return { id: b.dataset.service!, top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: r.height, clipped, why };
    });
    const pagerEl = document.querySelector<HTMLElement>('[data-testid=pager]');
    let pager = null;
    if (pagerEl) {
      const r = pagerEl.getBoundingClientRect();
      const next = document.querySelector<HTMLButtonElement>('[data-testid=page-next]')!;
      pager = { visible: r.height > 40 && getComputedStyle(pagerEl).visibility === 'visible', inside: r.top >= 0 && r.bottom <= vh && r.left >= 0 && r.right <= vw, next: !next.disabled };
    }
    const se = document.scrollingElement!;
    return { vw, vh, docScroll: { sh: Math.max(se.scrollHeight, main.scrollHeight), ch: Math.min(se.clientHeight, main.clientHeight), sw: se.scrollWidth, cw: se.clientWidth }, buttons, pager };
  });
}

/** Words (space-separated runs) whose text lies on more than one line: a break inside a word. */
function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) bad.push(m[0]);
        }
      }
    }
    return bad;
  }, selector);
}

/** Walk every page of services; at each, assert the geometry; returns every service id seen. */
async function walkPages(page: Page, shot: string): Promise<{ seen: Set<string>; pages: number; minH: number }> {
  const seen = new Set<string>();
  let pages = 0;
  let minH = Infinity;
  for (;;) {
    pages += 1;
    await screenshot(page, pages === 1 ? shot : `${shot}-p${pages}`); // before the checks, to look at a failure
    const g = await geometry(page);
    expect(g.docScroll.sh, `${shot} p${pages}: the screen scrolls (hidden content)`).toBeLessThanOrEqual(g.docScroll.ch + 1);
    expect(g.docScroll.sw).toBeLessThanOrEqual(g.docScroll.cw + 1);
    for (const b of g.buttons) {
      expect(b.top, `${shot} ${b.id} above the viewport`).toBeGreaterThanOrEqual(0);
      expect(b.bottom, `${shot} ${b.id} below the fold`).toBeLessThanOrEqual(g.vh);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(g.vw);
      expect(b.clipped, `${shot} ${b.id} text clipped: ${b.why}`).toBe(false);
      minH = Math.min(minH, b.h);
      seen.add(b.id);
    }
    if (!g.pager) break;
    expect(g.pager.visible && g.pager.inside, `${shot}: pager visible`).toBe(true);
    if (!g.pager.next) break;
    await page.locator('[data-testid=page-next]').click();
    if (pages > 6) throw new Error('too many pages');
  }
  // Back to the first page for the next check.
  while (await page.locator('[data-testid=page-prev]:not([disabled])').count()) await page.locator('[data-testid=page-prev]').click();
  return { seen, pages, minH };
}

async function assertTicketNumber(page: Page, serviceId: string, expected: string, shot: string) {
  const svc = page.locator(`button[data-service="${serviceId}"]`);
  while (!(await svc.count())) await page.locator('[data-testid=page-next]').click();
  await svc.click();
  const num = page.locator('[data-testid=ticket-number]');
  await num.waitFor();
  expect(await num.textContent()).toBe(expected);
  const m = await num.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    const r = el.getBoundingClientRect();
    const lh = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize);
    return { lines: tops.size, sw: el.scrollWidth, cw: el.clientWidth, h: r.height, lh, right: r.right, vw: innerWidth, bottom: r.bottom, vh: innerHeight };
  });
  expect(m.lines, `${shot}: number on one line`).toBe(1);
  expect(m.sw, `${shot}: number clipped`).toBeLessThanOrEqual(m.cw);
  expect(m.h).toBeLessThan(m.lh * 1.5);
  expect(m.right).toBeLessThanOrEqual(m.vw);
  expect(m.bottom).toBeLessThanOrEqual(m.vh);
  await screenshot(page, shot);
  await page.locator('[data-testid=back]').click();
  await page.locator('[data-testid=services]').waitFor();
}

const SIZES: [number, number][] = [[1080, 1920], [1920, 1080], [1280, 1024], [1024, 768]];

describe('kiosk at real sizes, twelve services, priority panel on, four-digit numbers', { timeout: 180_000 }, () => {
  for (const [w, h] of SIZES) {
    it(`${w}×${h}: every service reachable without hidden scrolling, large targets, the number on one line`, async () => {
      const page = await openKiosk(w, h);
      await page.locator('.k-priority-btn').first().click(); // the panel's "chosen" line too: the tallest header
      await page.locator('[data-testid=priority-on]').waitFor();
      const { seen, pages, minH } = await walkPages(page, `kiosk-12-${w}x${h}`);
      expect([...seen].sort()).toEqual(PREFIXES.map((p) => `chuo-${p}`));
      expect(minH, 'touch targets stay large').toBeGreaterThanOrEqual(90);
      // Japanese priority labels are short phrases: each stays on one line.
      expect(await page.locator('.k-priority-btn').evaluateAll((els) => els.filter((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
      }).map((el) => el.textContent))).toEqual([]);
      if (pages > 1) expect(await page.locator('[data-testid=page-of]').textContent()).toContain(`1 / ${pages}`);
      await page.locator('.k-priority-btn[aria-pressed=true]').click(); // priority off again
      const idx = SIZES.findIndex(([a, b]) => a === w && b === h);
      const prefix = PREFIXES[11 - idx]!; // a different, late service at each size
      await assertTicketNumber(page, `chuo-${prefix}`, `${prefix}-1234`, `kiosk-ticket-${w}x${h}`);
      await page.close();
    });
  }

  it('1280×1024 in all six languages with long names: labels break only between words, nothing hidden', async () => {
    const page = await openKiosk(1280, 1024);
    await page.locator('.k-priority-btn').nth(3).click();
    for (const [label, code] of [['English', 'en'], ['中文', 'zh'], ['한국어', 'ko'], ['Tiếng Việt', 'vi'], ['やさしいにほんご', 'ja-easy'], ['日本語', 'ja']] as const) {
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.locator('[data-testid=priority-on]').waitFor();
      const { seen } = await walkPages(page, `kiosk-12-1280x1024-${code}`);
      expect(seen.size).toBe(12);
      // Space-separated scripts: no word is split across lines (names, descriptions, priority labels).
      if (code !== 'zh' && code !== 'ja') {
        expect(await brokenWords(page, '.k-svc-name, .k-svc-desc, .k-priority-btn, .k-priority h2, .k-priority-on, .k-choose, .k-page-more'), code).toEqual([]);
      }
    }
    await page.close();
  });
});
