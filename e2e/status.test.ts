import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cid, connectSocket, emitAck, http, login, startTestServer, waitFor, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * The public phone pages at 360×740: the office status page (per service waiting and estimate,
 * recent calls, open counters, live) and the ticket page /t/<token> through every ending.
 */

let browser: Browser;
let srv: TestServer;
let clerk1: string;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
  clerk1 = await login(srv.url, 'clerk1');
});
afterEach(async () => {
  await srv.close();
});

async function cmd(path: string, cookie: string, body: Record<string, unknown> = {}) {
  const r = await http<{ data: { display?: string }; error?: { code: string } }>(srv.url, 'POST', path, { commandId: cid('s'), ...body }, { cookie });
  expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body.data;
}

async function issue(serviceId: string): Promise<{ token: string; display: string }> {
  const r = await http<{ data: { ticket: { token: string; display: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('i'), serviceId }, { device: srv.kioskToken });
  expect(r.status).toBe(200);
  return r.body.data.ticket;
}

async function phone(path: string, locale = 'ja-JP'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale, isMobile: true, hasTouch: true });
  await page.goto(`${srv.url}${path}`);
  return page;
}

describe('office status page', () => {
  it('shows waiting and estimate per service, recent calls and open counters, and updates live', async () => {
    const clerk2 = await login(srv.url, 'clerk2');
    await cmd('/api/counters/chuo-c3/open', clerk1); // A
    await cmd('/api/counters/chuo-c4/open', clerk2); // B, C, G
    for (const s of ['chuo-A', 'chuo-A', 'chuo-A', 'chuo-B', 'chuo-B']) await issue(s);
    expect((await cmd('/api/counters/chuo-c3/call-next', clerk1)).display).toBe('A-001');
    expect((await cmd('/api/counters/chuo-c4/call-next', clerk2)).display).toBe('B-001');

    const page = await phone('/status/?office=chuo');
    await page.locator('[data-testid="waiting-chuo-A"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('中央区役所 受付状況');
    expect(await page.locator('[data-testid="waiting-chuo-A"]').textContent()).toBe('2人待ち');
    expect(await page.locator('[data-testid="waiting-chuo-B"]').textContent()).toBe('1人待ち');
    expect(await page.locator('li[data-service="chuo-D"]').textContent()).toContain('ただいま受付窓口が開いていません');
    expect(await page.locator('[data-testid="recent-calls"] li').allTextContents()).toEqual(['B-001→ 4番窓口', 'A-001→ 3番窓口']);
    expect(await page.locator('[data-testid="counters"] li').allTextContents()).toEqual(['3番窓口A-001', '4番窓口B-001']);
    expect(await page.locator('#counters-h').textContent()).toContain('2 / 11 窓口');
    await page.locator('.s-live').waitFor();

    // Live: a new ticket and a new call appear without reloading.
    await issue('chuo-A');
    await expect.poll(() => page.locator('[data-testid="waiting-chuo-A"]').textContent(), { timeout: 5000 }).toBe('3人待ち');
    await cmd('/api/counters/chuo-c3/done', clerk1);
    await cmd('/api/counters/chuo-c3/call-next', clerk1);
    await expect.poll(() => page.locator('[data-testid="recent-calls"] li').first().textContent(), { timeout: 5000 }).toBe('A-002→ 3番窓口');
    await screenshot(page, 'status-office-360x740');

    await page.locator('[data-testid="lang-select"]').selectOption('en');
    expect(await page.locator('h1').textContent()).toBe('Chuo Ward Office Waiting status');
    expect(await page.locator('li[data-service="chuo-A"] .s-svc-name').textContent()).toBe('Moving in / within / out');
    expect(await page.locator('[data-testid="waiting-chuo-A"]').textContent()).toBe('2 waiting');
    await screenshot(page, 'status-office-en-360x740');
    await page.close();
  }, 90_000);

  it('defaults to the first office and says so when an office does not exist', async () => {
    const page = await phone('/status/');
    await page.locator('[data-testid="services"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('中央区役所 受付状況');
    await page.goto(`${srv.url}/status/?office=nowhere`);
    await page.getByText('庁舎が見つかりません。').waitFor();
    await page.close();
  });

  it('shows a paused service and a reached cap in words', async () => {
    srv.db.prepare("UPDATE services SET daily_cap = 0 WHERE id = 'chuo-B'").run();
    srv.db.prepare("UPDATE services SET active = 0 WHERE id = 'chuo-C'").run();
    srv.app.engine.reloadOffice('chuo');
    const page = await phone('/status/?office=chuo');
    await page.locator('li[data-service="chuo-B"]').waitFor();
    expect(await page.locator('li[data-service="chuo-B"] .s-refusal').textContent()).toBe('本日の受付は終了しました');
    expect(await page.locator('li[data-service="chuo-C"] .s-refusal').textContent()).toBe('受付休止中');
    await page.close();
  });
});

describe('ticket page /t/<token>', () => {
  it('waiting → called (alert) → recalled (alert again) → serving → served', async () => {
    await cmd('/api/counters/chuo-c3/open', clerk1);
    const t = await issue('chuo-A');
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await page.goto(`${srv.url}/t/${t.token}`);
    await page.locator('[data-testid="ahead"]').waitFor();
    expect(await page.locator('[data-testid="my-number"]').textContent()).toBe('A-001');
    expect(await page.locator('[data-testid="ahead"]').textContent()).toBe('次にお呼びします');
    expect(await page.locator('[data-testid="estimate"]').textContent()).toMatch(/^(約\d+〜\d+分|\d+分以内)$/);
    await page.locator('[data-testid="sound"]').click(); // unlock WebAudio with a tap
    expect(await page.locator('[data-testid="sound"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('.s-live').waitFor();

    await cmd('/api/counters/chuo-c3/call-next', clerk1);
    await page.locator('[data-testid="called"]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-testid="called-counter"]').textContent()).toBe('3番窓口');
    expect(await page.locator('[data-testid="called"]').textContent()).toBe('呼出中3番窓口へお越しください');
    await expect.poll(() => page.evaluate(() => document.body.dataset.alerts)).toBe('1');
    await cmd('/api/counters/chuo-c3/recall', clerk1);
    await expect.poll(() => page.evaluate(() => document.body.dataset.alerts), { timeout: 5000 }).toBe('2');

    await cmd('/api/counters/chuo-c3/start', clerk1);
    await page.locator('[data-testid="serving"]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-testid="serving"]').textContent()).toBe('3番窓口で手続き中です');
    await cmd('/api/counters/chuo-c3/done', clerk1);
    await page.locator('[data-testid="outcome"]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-testid="outcome"]').textContent()).toBe('手続きが完了しました。ご来庁ありがとうございました。');
    await screenshot(page, 'status-ticket-served-360x740');
    await page.close();
  }, 90_000);

  it('no-show and cancelled endings, in Japanese and English', async () => {
    await cmd('/api/counters/chuo-c3/open', clerk1);
    const a = await issue('chuo-A');
    const b = await issue('chuo-B');
    await cmd('/api/counters/chuo-c3/call-next', clerk1);
    await cmd('/api/counters/chuo-c3/recall', clerk1);
    await cmd('/api/counters/chuo-c3/no-show', clerk1);
    const sup = await login(srv.url, 'supervisor');
    const ticketB = srv.db.prepare('SELECT id FROM tickets WHERE token = ?').pluck().get(b.token) as string;
    await cmd(`/api/tickets/${ticketB}/cancel`, sup);

    const page = await phone(`/t/${a.token}`);
    await page.locator('[data-testid="outcome"]').waitFor();
    expect(await page.locator('[data-testid="outcome"]').textContent()).toContain('呼び出しの際にいらっしゃらなかったため');
    await page.locator('[data-testid="lang-select"]').selectOption('en');
    expect(await page.locator('[data-testid="outcome"]').textContent()).toContain('You were called but not present');
    await page.goto(`${srv.url}/t/${b.token}`); // the choice of English is remembered
    await page.locator('[data-testid="outcome"]').waitFor();
    expect(await page.locator('[data-testid="outcome"]').textContent()).toBe('This ticket was cancelled.');
    expect(await page.locator('.s-label').textContent()).toBe('Your number');
    await page.close();
  }, 60_000);

  it('an unknown or malformed token says the ticket is not found', async () => {
    const page = await phone('/t/ThisTokenDoesNotExist0000');
    await page.locator('[data-testid="not-found"]').waitFor();
    expect(await page.locator('[data-testid="not-found"]').textContent()).toContain('この番号札は見つかりません');
    await page.close();
  });

  it('falls back to polling when the socket is refused', async () => {
    await cmd('/api/counters/chuo-c3/open', clerk1);
    const t = await issue('chuo-A');
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await page.clock.install();
    await page.route('**/socket.io/**', (route) => route.abort('connectionrefused')); // long-polling
    await page.routeWebSocket(/socket\.io/, (ws) => ws.close()); // and the websocket
    await page.goto(`${srv.url}/t/${t.token}`);
    await page.locator('[data-testid="ahead"]').waitFor();
    await page.locator('[data-testid="offline"]').waitFor();
    await cmd('/api/counters/chuo-c3/call-next', clerk1);
    await page.clock.runFor(16_000); // one poll interval
    await page.locator('[data-testid="called"]').waitFor({ timeout: 5000 });
    await page.close();
  }, 60_000);
});

describe('public push stays cheap with many phones', () => {
  it('a burst of changes in one tick reaches 40 public sockets as one shared snapshot, built once', async () => {
    const sockets = Array.from({ length: 40 }, () => connectSocket(srv.url));
    try {
      for (const s of sockets) await emitAck(s, 'office:subscribe', { officeId: 'chuo' });
      await waitFor(() => sockets.every((s) => s.snapshots.length === 1), 5000, 'initial snapshots');
      let built = 0;
      const engine = srv.app.engine;
      const original = engine.publicSnapshot.bind(engine);
      engine.publicSnapshot = (id: string) => (built++, original(id));
      try {
        for (let i = 0; i < 5; i++) {
          engine.execute({ role: 'kiosk', staffId: null, deviceId: 'kiosk-1' }, { name: 'ticket:issue', payload: { commandId: cid('burst'), officeId: 'chuo', serviceId: 'chuo-B', priority: false, priorityReason: null, lang: 'ja' } });
        }
        await waitFor(() => sockets.every((s) => s.snapshots.length === 2), 5000, 'one broadcast');
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        engine.publicSnapshot = original;
      }
      expect(built).toBe(1);
      expect(sockets.every((s) => s.snapshots.length === 2)).toBe(true);
      const versions = new Set(sockets.map((s) => s.snapshots[1]!.version));
      expect(versions.size).toBe(1);
      const waiting = sockets[0]!.snapshots[1]!.services.find((x) => x.id === 'chuo-B')!.waiting;
      expect(waiting).toBe(5);
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });
});
