import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../common/types.js';
import { cid, http, login, startTestServer, type TestServer } from '../server/testing.js';
import { fakePrinter } from '../server/print/fake-printer.js';
import { launchBrowser, ROOT, screenshot, WEB_ROOT } from './browser.js';

/**
 * Issue 15 in the browser: every resident screen in six languages (screenshots in artifacts/lang-*),
 * the phone page opening in the ticket's language, やさしいにほんご as <ruby>, ticket header and footer on
 * the kiosk and the browser receipt, a kiosk-drawn image for a Chinese receipt, the office calendar's
 * notices (a holiday refuses, a 休日開庁 Sunday accepts), the kiosk's large-text / high-contrast / voice
 * modes, and an axe-core audit of kiosk, status page, ticket page and display.
 */

let browser: Browser;
let srv: TestServer;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await srv?.close();
});

const AXE_SOURCE = readFileSync(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const HOURS = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
const tokyo = (date: string, hm: string) => Date.parse(`${date}T${hm}:00+09:00`);
const TEXTS = {
  ticketHeader: { ja: '中央区役所 区民課', en: 'Chuo Ward Office, Residents Section', zh: '中央区役所 区民科', ko: '주오구청 구민과', vi: 'Văn phòng phường Chuo', 'ja-easy': '{中央区役所|ちゅうおうくやくしょ}' },
  ticketFooter: { ja: 'この番号札はお持ちください', en: 'Please keep this ticket', zh: '请保管好此号码单', ko: '이 번호표를 가지고 계세요', vi: 'Vui lòng giữ phiếu này', 'ja-easy': 'この{番号札|ばんごうふだ}を{持|も}っていてください' },
};

async function setTexts() {
  const admin = await login(srv.url, 'admin');
  const r = await http(srv.url, 'PATCH', `/api/admin/offices/${srv.officeId}`, { texts: TEXTS }, { cookie: admin });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return admin;
}

async function openKiosk(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300${query}`);
  await page.locator('button[data-service="chuo-A"]').waitFor();
  return page;
}

/** Text as read: furigana (<rt>) left out. */
const plain = (page: Page, sel: string) => page.locator(sel).first().evaluate((el) => { const c = el.cloneNode(true) as HTMLElement; c.querySelectorAll('rt').forEach((r) => r.remove()); return c.textContent ?? ''; });

const LABELS: Record<Lang, string> = { ja: '日本語', en: 'English', zh: '中文', ko: '한국어', vi: 'Tiếng Việt', 'ja-easy': 'やさしいにほんご' };
/** The kiosk title and the phone page's "your number" label, from the catalogue (plain text). */
const EXPECT: Record<Lang, { title: string; yourNumber: string; footer: string }> = {
  ja: { title: '番号札をお取りください', yourNumber: 'あなたの番号', footer: 'この番号札はお持ちください' },
  en: { title: 'Please take a number', yourNumber: 'Your number', footer: 'Please keep this ticket' },
  zh: { title: '请取号', yourNumber: '您的号码', footer: '请保管好此号码单' },
  ko: { title: '번호표를 뽑아 주세요', yourNumber: '고객님의 번호', footer: '이 번호표를 가지고 계세요' },
  vi: { title: 'Xin mời lấy số', yourNumber: 'Số của bạn', footer: 'Vui lòng giữ phiếu này' },
  'ja-easy': { title: '番号札を取ってください', yourNumber: 'あなたの番号', footer: 'この番号札を持っていてください' },
};

async function axe(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: the pages' Content-Security-Policy (script-src 'self') stays on.
  await page.evaluate(`${AXE_SOURCE}\n;window.axe = axe;`);
  const res = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ passes: { id: string }[]; violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return {
      passed: r.passes.map((p) => p.id),
      violations: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
    };
  });
  // The audit really ran, colour contrast (WCAG 2.1 AA 1.4.3) included.
  expect(res.passed).toContain('color-contrast');
  return res.violations;
}

describe('six languages on every resident screen', () => {
  it('kiosk → ticket (header/footer on screen and receipt) → phone page in the ticket’s language; やさしいにほんご as ruby', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    await setTexts();
    const kiosk = await openKiosk();
    for (const lang of ['ja', 'en', 'zh', 'ko', 'vi', 'ja-easy'] as Lang[]) {
      await kiosk.getByRole('button', { name: LABELS[lang], exact: true }).click();
      expect(await plain(kiosk, 'h1')).toBe(EXPECT[lang].title);
      await screenshot(kiosk, `lang-kiosk-${lang}`);
      await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').click();
      await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
      // header and footer of the office, in the resident's language, on the screen and the browser receipt
      expect(await plain(kiosk, '[data-testid="ticket-footer"]')).toBe(EXPECT[lang].footer);
      expect(await kiosk.locator('[data-testid="ticket-header"]').count()).toBe(1);
      expect(await kiosk.locator('[data-testid="receipt-header"]').textContent()).toContain('中央区役所 区民課');
      expect(await kiosk.locator('[data-testid="receipt-footer"]').textContent()).toContain('この番号札はお持ちください');
      await screenshot(kiosk, `lang-kiosk-ticket-${lang}`);
      const row = srv.db.prepare('SELECT token, lang FROM tickets ORDER BY issued_at DESC, rowid DESC LIMIT 1').get() as { token: string; lang: string };
      expect(row.lang).toBe(lang);

      // The QR link carries the language: the phone page opens in it.
      const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
      await phone.goto(`${srv.url}/t/${row.token}?lang=${lang}`);
      await phone.locator('[data-testid="my-number"]').waitFor();
      expect(await plain(phone, '.s-label')).toBe(EXPECT[lang].yourNumber);
      expect(await phone.locator('[data-testid="lang-select"]').inputValue()).toBe(lang);
      expect(await phone.evaluate(() => document.documentElement.lang)).toBe(lang === 'ja-easy' ? 'ja' : lang === 'zh' ? 'zh-Hans' : lang);
      await phone.locator('.s-live').waitFor();
      await screenshot(phone, `lang-phone-${lang}`);
      if (lang === 'ja-easy') {
        // kanji with furigana: <ruby>番号<rt>ばんごう</rt></ruby>, phrase breaks as <wbr>
        expect(await phone.locator('.s-label ruby').count()).toBeGreaterThan(0);
        expect(await phone.locator('.s-label rt').first().textContent()).toBe('ばんごう');
        expect(await kiosk.locator('[data-testid="ticket-footer"] ruby rt').first().textContent()).toBe('ばんごうふだ');
        expect(await kiosk.locator('.k-ticket-hint wbr').count()).toBeGreaterThan(0);
        const wordBreak = await kiosk.locator('.k-ticket-hint .jx').evaluate((el) => getComputedStyle(el).wordBreak);
        expect(wordBreak).toBe('keep-all');
      }
      await phone.close();
      await kiosk.locator('[data-testid="back"]').click();
      await kiosk.locator('button[data-service="chuo-A"]').waitFor();
    }
    await kiosk.close();
  }, 180_000);

  it('the phone page switches among six languages, remembers the choice; without ?lang a ticket opens in its own language', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    const kiosk = await openKiosk();
    await kiosk.getByRole('button', { name: 'Tiếng Việt', exact: true }).click();
    await kiosk.locator('button[data-service="chuo-B"]:not([disabled])').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    const token = srv.db.prepare('SELECT token FROM tickets').pluck().get() as string;
    await kiosk.close();
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await phone.goto(`${srv.url}/t/${token}`); // an old link without ?lang
    await expect.poll(() => plain(phone, '.s-label')).toBe('Số của bạn');
    await phone.locator('[data-testid="lang-select"]').selectOption('ko');
    expect(await plain(phone, '.s-label')).toBe('고객님의 번호');
    expect(new URL(phone.url()).searchParams.get('lang')).toBe('ko');
    // screen readers get the number as a sentence
    expect(await phone.locator('[data-testid="my-number-sr"]').textContent()).toBe('고객님의 번호는 B 1입니다');
    await phone.goto(`${srv.url}/status/`);
    await phone.locator('[data-testid="services"]').waitFor();
    expect(await phone.locator('[data-testid="lang-select"]').inputValue()).toBe('ko');
    expect(await plain(phone, '#wait-h')).toBe('용무별 대기 인원');
    await screenshot(phone, 'lang-status-ko');
    await phone.close();
  }, 90_000);

  it('a Chinese ticket prints the kiosk-drawn image with GS v 0 on the network printer', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    const printer = await fakePrinter();
    try {
      srv.db.prepare("UPDATE devices SET printer_host = '127.0.0.1', printer_port = ? WHERE id = 'kiosk-1'").run(printer.port);
      const kiosk = await openKiosk();
      await kiosk.getByRole('button', { name: '中文', exact: true }).click();
      const job = printer.nextJob();
      await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').click();
      const bytes = await job;
      const at = bytes.indexOf(Buffer.from([0x1d, 0x76, 0x30, 0x00]));
      expect(at).toBeGreaterThan(0);
      const rowBytes = bytes[at + 4]! + bytes[at + 5]! * 256;
      const rows = bytes[at + 6]! + bytes[at + 7]! * 256;
      expect(rowBytes).toBe(72); // 576 dots
      expect(rows).toBeGreaterThan(100);
      // every band (GS v 0 carries at most 256 rows each)
      const bands: Buffer[] = [];
      let allRows = 0;
      for (let i = at; i >= 0; i = bytes.indexOf(Buffer.from([0x1d, 0x76, 0x30, 0x00]), i + 8)) {
        const h = bytes[i + 6]! + bytes[i + 7]! * 256;
        bands.push(bytes.subarray(i + 8, i + 8 + rowBytes * h));
        allRows += h;
      }
      const dots = Buffer.concat(bands);
      const black = dots.reduce((n, b) => n + (b.toString(2).split('1').length - 1), 0);
      expect(black / (rowBytes * 8 * allRows)).toBeGreaterThan(0.02); // text was drawn, not a blank image
      // Show the printed image to people: artifacts/lang-receipt-raster-zh.png
      const view = await browser.newPage({ viewport: { width: rowBytes * 8, height: allRows } });
      await view.setContent('<canvas id="c"></canvas>');
      await view.evaluate(({ b64, w, h }) => {
        const bits = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const c = document.getElementById('c') as HTMLCanvasElement;
        c.width = w;
        c.height = h;
        document.body.style.margin = '0';
        const ctx = c.getContext('2d')!;
        const img = ctx.createImageData(w, h);
        for (let i = 0; i < w * h; i++) {
          const on = (bits[i >> 3]! >> (7 - (i & 7))) & 1;
          img.data.set(on ? [0, 0, 0, 255] : [255, 255, 255, 255], i * 4);
        }
        ctx.putImageData(img, 0, 0);
      }, { b64: dots.toString('base64'), w: rowBytes * 8, h: allRows });
      await screenshot(view, 'lang-receipt-raster-zh');
      await view.close();
      expect(bytes.includes(Buffer.from('Moving in / within / out\n'))).toBe(true); // and ja + en as text
      await kiosk.close();
    } finally {
      await printer.close().catch(() => undefined);
    }
  }, 60_000);
});

describe('the office calendar on resident screens', () => {
  it('a holiday refuses tickets with the calendar’s reason; a 休日開庁 Sunday accepts them with its notice', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT, hours: HOURS, now: tokyo('2027-03-22', '10:00') });
    const kiosk = await openKiosk();
    const notice = kiosk.locator('[data-testid="calendar-notice"]');
    await notice.waitFor();
    expect(await notice.getAttribute('data-reason')).toBe('holiday');
    expect(await notice.textContent()).toBe('本日は春分の日 振替休日のため閉庁しています');
    expect(await kiosk.locator('button[data-service="chuo-A"]').isDisabled()).toBe(true);
    expect(await kiosk.locator('[data-testid="state-chuo-A"]').textContent()).toBe('受付時間外です');
    expect(await kiosk.locator('[data-testid="closed-now"]').count()).toBe(0); // not "hours 8:30–17:15": the day is closed
    await kiosk.getByRole('button', { name: 'English', exact: true }).click();
    expect(await notice.textContent()).toBe('The office is closed today (Holiday in lieu)');
    await screenshot(kiosk, 'calendar-kiosk-holiday-en');
    expect(srv.db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(0);

    // Sunday 28 March with a 休日開庁 entry: open 9–12 with 「本日は休日開庁日です」.
    srv.clock.set(tokyo('2027-03-28', '10:00'));
    const admin = await login(srv.url, 'admin');
    expect((await http(srv.url, 'PUT', `/api/admin/offices/${srv.officeId}/calendar/2027-03-28`, { kind: 'open', open: '09:00', close: '12:00' }, { cookie: admin })).status).toBe(200);
    await kiosk.getByRole('button', { name: '日本語', exact: true }).click();
    await expect.poll(() => notice.textContent()).toBe('本日は休日開庁日です');
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    expect(await kiosk.locator('[data-testid="ticket-number"]').textContent()).toBe('A-001');
    await kiosk.close();

    const status = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await status.goto(`${srv.url}/status/?lang=ja`);
    await status.locator('[data-testid="calendar-notice"]').waitFor();
    expect(await status.locator('[data-testid="calendar-notice"]').textContent()).toBe('本日は休日開庁日です');
    expect(await status.locator('.s-sub').textContent()).toBe('受付時間 09:00〜12:00');
    await screenshot(status, 'calendar-status-special-open');
    await status.close();
    const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await display.goto(`${srv.url}/display/?device=${srv.displayToken}&sound=off&rotate=on&langs=en`);
    await display.locator('[data-testid="calendar-notice"]').waitFor();
    expect(await display.locator('[data-testid="calendar-notice"]').textContent()).toContain('本日は休日開庁日です');
    await screenshot(display, 'calendar-display-special-open');
    await display.close();
  }, 90_000);
});

describe('accessibility', () => {
  it('kiosk: large text and high contrast by a visible button, voice guidance off by default then speaking the choice and the number', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.addInitScript(() => {
      const said: { text: string; lang: string; volume: number }[] = [];
      (window as unknown as { __said: typeof said }).__said = said;
      const synth = { speak: (u: SpeechSynthesisUtterance) => said.push({ text: u.text, lang: u.lang, volume: u.volume }), cancel: () => undefined, getVoices: () => [] };
      Object.defineProperty(window, 'speechSynthesis', { value: synth });
    });
    await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300&voice=60`);
    await page.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    const said = () => page.evaluate(() => (window as unknown as { __said: { text: string; lang: string; volume: number }[] }).__said);
    const rem = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await rem();
    await page.locator('[data-testid="access-large"]').click();
    expect(await rem()).toBeGreaterThan(before * 1.2);
    expect(await page.locator('[data-testid="access-large"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid="access-contrast"]').click();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    await screenshot(page, 'a11y-kiosk-large-contrast');
    expect(await axe(page), 'high-contrast kiosk').toEqual([]);

    // Voice: nothing is said until the resident turns it on.
    await page.locator('button[data-service="chuo-B"]').focus();
    expect(await said()).toEqual([]);
    await page.locator('[data-testid="access-voice"]').click();
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.locator('button[data-service="chuo-B"]:not([disabled])').click();
    await page.locator('[data-testid="ticket-screen"]').waitFor();
    await expect.poll(async () => (await said()).map((s) => s.text)).toEqual(['音声案内', 'English', 'Residence & family register certificates', 'Your number is B 1. Residence & family register certificates.']);
    for (const s of await said()) expect(s.volume).toBeCloseTo(0.6, 5); // ?voice=60 on this kiosk
    expect((await said()).at(-1)!.lang).toBe('en');
    // Back to the start: every mode ends for the next resident.
    await page.locator('[data-testid="back"]').click();
    await page.locator('button[data-service="chuo-A"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.className)).toBe('');
    expect(await page.locator('[data-testid="access-voice"]').getAttribute('aria-pressed')).toBe('false');
    await page.close();
  }, 90_000);

  it('axe-core: kiosk, ticket screen, status page, ticket page and display have no serious or critical violation', async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    await setTexts();
    const clerk = await login(srv.url, 'clerk1');
    const opened = await http(srv.url, 'POST', '/api/counters/chuo-c3/open', { commandId: cid('open') }, { cookie: clerk });
    expect(opened.status).toBe(200);
    const found: Record<string, unknown> = {};
    const kiosk = await openKiosk();
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    found.kiosk = await axe(kiosk);
    await kiosk.getByRole('button', { name: 'やさしいにほんご', exact: true }).click();
    found.kioskEasy = await axe(kiosk);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    found.kioskTicket = await axe(kiosk);
    await kiosk.close();
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c3/call-next', { commandId: cid('call') }, { cookie: clerk })).status).toBe(200);
    const token = srv.db.prepare('SELECT token FROM tickets').pluck().get() as string;
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(`${srv.url}/t/${token}?lang=ja`);
    await phone.locator('[data-testid="called"]').waitFor();
    found.ticketPage = await axe(phone);
    await phone.goto(`${srv.url}/status/?lang=ja`);
    await phone.locator('[data-testid="services"]').waitFor();
    found.status = await axe(phone);
    await phone.close();
    const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await display.goto(`${srv.url}/display/?device=${srv.displayToken}&sound=off`);
    await display.locator('[data-testid="now-number"]').waitFor();
    found.display = await axe(display);
    // meaning never by colour alone: a closed counter says 閉, a calling one has ▶
    expect(await display.locator('[data-counter="chuo-c1"] .current').textContent()).toBe('閉');
    expect(await display.locator('[data-counter="chuo-c3"] .current').textContent()).toBe('▶A-001');
    await screenshot(display, 'a11y-display');
    await display.close();
    expect(found).toEqual({ kiosk: [], kioskEasy: [], kioskTicket: [], ticketPage: [], status: [], display: [] });
  }, 120_000);
});
