import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, login, startTestServer, waitFor, type TestServer } from '../server/testing.js';
import { fakePrinter } from '../server/print/fake-printer.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * The kiosk in Chromium against a real server: touch → ticket with number, estimate and a QR code
 * that decodes to the ticket's own page; that page follows the ticket live until it is called.
 * Honest refusals, one ticket per touch, no ticket without the server, the 80 mm print layout.
 */

let browser: Browser;
let srv: TestServer;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
});
afterEach(async () => {
  await srv.close();
});

const ticketCount = (serviceId?: string) =>
  serviceId
    ? (srv.db.prepare('SELECT count(*) FROM tickets t JOIN steps s ON s.ticket_id = t.id AND s.seq = 1 WHERE s.service_id = ?').pluck().get(serviceId) as number)
    : (srv.db.prepare('SELECT count(*) FROM tickets').pluck().get() as number);

async function openKiosk(opts: { width?: number; height?: number; query?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1080, height: opts.height ?? 1920 } });
  await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=300${opts.query ?? ''}`);
  await page.locator('button[data-service="chuo-A"]').waitFor();
  await page.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
  return page;
}

async function apiIssue(serviceId: string) {
  const r = await http<{ data: { ticket: { token: string; display: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('k'), serviceId }, { device: srv.kioskToken });
  expect(r.status).toBe(200);
  return r.body.data.ticket;
}

/** Read the QR canvas's pixels in the page and decode them with jsQR in Node. */
async function decodeQr(page: Page): Promise<string | null> {
  const img = await page.locator('[data-testid="ticket-qr"]').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let bin = '';
    for (let i = 0; i < d.data.length; i += 0x8000) bin += String.fromCharCode(...d.data.subarray(i, i + 0x8000));
    return { w: d.width, h: d.height, b64: btoa(bin) }; // base64: far smaller over the wire than a number array
  });
  return jsQR(new Uint8ClampedArray(Buffer.from(img.b64, 'base64')), img.w, img.h)?.data ?? null;
}

describe('kiosk', () => {
  it('touch → ticket with number, estimate and a QR code to its page, which follows it live until called', async () => {
    const cookie = await login(srv.url, 'clerk1');
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c3/open', { commandId: cid('open') }, { cookie })).status).toBe(200); // counter 3 serves A only
    await apiIssue('chuo-A'); // A-001 is ahead of us
    const kiosk = await openKiosk();
    await expect.poll(() => kiosk.locator('[data-testid="state-chuo-A"]').textContent()).toContain('1人待ち');
    await screenshot(kiosk, 'kiosk-portrait-1080x1920');

    await kiosk.locator('button[data-service="chuo-A"]').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    expect(await kiosk.locator('[data-testid="ticket-number"]').textContent()).toBe('A-002');
    expect(await kiosk.locator('[data-testid="ticket-service"]').textContent()).toContain('転入・転居・転出');
    expect(await kiosk.locator('[data-testid="ticket-ahead"]').textContent()).toBe('あなたの前に 1人');
    expect(await kiosk.locator('[data-testid="ticket-estimate"]').textContent()).toMatch(/^(約\d+〜\d+分|\d+分以内)$/);
    const row = srv.db.prepare("SELECT token FROM tickets WHERE display = 'A-002'").get() as { token: string };
    await expect.poll(() => decodeQr(kiosk)).toBe(`${srv.url}/t/${row.token}?lang=ja`); // opens the phone page in the ticket's language
    await screenshot(kiosk, 'kiosk-ticket-1080x1920');
    const qrUrl = (await decodeQr(kiosk))!;

    // The phone opens the page behind the QR code.
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    await phone.addInitScript(() => {
      (window as unknown as { __vibrations: unknown[] }).__vibrations = [];
      Object.defineProperty(navigator, 'vibrate', { value: (p: unknown) => ((window as unknown as { __vibrations: unknown[] }).__vibrations.push(p), true) });
    });
    await phone.goto(qrUrl);
    await phone.locator('[data-testid="my-number"]').waitFor();
    expect(await phone.locator('[data-testid="my-number"]').textContent()).toBe('A-002');
    expect(await phone.locator('[data-testid="ahead"]').textContent()).toBe('あなたの前に 1人');
    await phone.locator('.s-live').waitFor(); // subscribed to the office room
    await screenshot(phone, 'status-ticket-waiting-360x740');

    // The counter calls A-001: one fewer ahead, live.
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c3/call-next', { commandId: cid('call') }, { cookie })).status).toBe(200);
    await expect.poll(() => phone.locator('[data-testid="ahead"]').textContent(), { timeout: 5000 }).toBe('次にお呼びします');
    expect(await phone.locator('[data-testid="called"]').count()).toBe(0);
    // Done with A-001, call the next: A-002, ours.
    expect((await http(srv.url, 'POST', '/api/counters/chuo-c3/done', { commandId: cid('done') }, { cookie })).status).toBe(200);
    const called = await http<{ data: { display: string } }>(srv.url, 'POST', '/api/counters/chuo-c3/call-next', { commandId: cid('call') }, { cookie });
    expect(called.body.data.display).toBe('A-002');
    await phone.locator('[data-testid="called"]').waitFor({ timeout: 5000 });
    expect(await phone.locator('[data-testid="called"]').textContent()).toBe('呼出中3番窓口へお越しください');
    expect(await phone.locator('[data-testid="ticket-page"]').getAttribute('data-state')).toBe('called');
    const vibrations = await phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations);
    expect(vibrations.length).toBeGreaterThanOrEqual(1);
    await screenshot(phone, 'status-ticket-called-360x740');

    // Back to the start by a touch; the kiosk is ready for the next resident.
    await kiosk.locator('[data-testid="back"]').click();
    await kiosk.locator('button[data-service="chuo-A"]').waitFor();
    await phone.close();
    await kiosk.close();
  }, 180_000);

  it('a double touch issues one ticket', async () => {
    const kiosk = await openKiosk();
    await kiosk.locator('button[data-service="chuo-B"]').dblclick();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    // and a burst of taps dispatched in the same tick, before React can re-render
    await kiosk.locator('[data-testid="back"]').click();
    await kiosk.locator('button[data-service="chuo-C"]:not([disabled])').waitFor();
    await kiosk.evaluate(() => {
      const b = document.querySelector<HTMLButtonElement>('button[data-service="chuo-C"]')!;
      for (let i = 0; i < 5; i++) b.click();
    });
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(ticketCount('chuo-B')).toBe(1);
    expect(ticketCount('chuo-C')).toBe(1);
    await kiosk.close();
  });

  it('a touch whose answer was lost is retried with the same command id: one ticket, shown once', async () => {
    const kiosk = await openKiosk();
    const bodies: string[] = [];
    let first = true;
    await kiosk.route('**/api/offices/chuo/tickets', async (route) => {
      bodies.push(route.request().postData() ?? '');
      if (first) {
        first = false;
        await route.fetch(); // the server issues the ticket…
        await route.abort('failed'); // …but the answer never reaches the kiosk
      } else await route.continue();
    });
    await kiosk.locator('button[data-service="chuo-D"]').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    expect(await kiosk.locator('[data-testid="ticket-number"]').textContent()).toBe('D-001');
    expect(bodies.length).toBe(2);
    expect(JSON.parse(bodies[0]!).commandId).toBe(JSON.parse(bodies[1]!).commandId);
    expect(ticketCount('chuo-D')).toBe(1);
    await kiosk.close();
  });

  it('server unreachable: a clear message and no ticket', async () => {
    const kiosk = await openKiosk();
    await kiosk.route('**/api/offices/chuo/tickets', (route) => route.abort('connectionrefused'));
    await kiosk.locator('button[data-service="chuo-B"]').click();
    await kiosk.locator('[data-testid="issue-offline"]').waitFor({ timeout: 8000 });
    expect(await kiosk.locator('[data-testid="issue-offline"]').textContent()).toContain('サーバーに接続できません。番号札は発行されていません。');
    expect(await kiosk.locator('[data-testid="ticket-screen"]').count()).toBe(0);
    expect(ticketCount()).toBe(0);
    // With the socket gone too, the buttons are disabled and the banner says so.
    srv.app.ctx.disconnectWhere?.(() => true, 'revoked');
    await kiosk.locator('[data-testid="offline"]').waitFor();
    expect(await kiosk.locator('button[data-service="chuo-B"]').isDisabled()).toBe(true);
    await screenshot(kiosk, 'kiosk-offline-1080x1920');
    await kiosk.close();
  });

  it('daily cap reached and a paused service: the button says so and issues nothing', async () => {
    srv.db.prepare("UPDATE services SET daily_cap = 1 WHERE id = 'chuo-B'").run();
    srv.db.prepare("UPDATE services SET active = 0 WHERE id = 'chuo-C'").run();
    // Paused AND hidden from the kiosk (a retired service): not shown at all, not even as paused.
    srv.db.prepare("UPDATE services SET active = 0, kiosk_visible = 0 WHERE id = 'chuo-F'").run();
    srv.app.engine.reloadOffice('chuo');
    await apiIssue('chuo-B'); // the one ticket B allows today
    const kiosk = await openKiosk();
    const b = kiosk.locator('button[data-service="chuo-B"]');
    const c = kiosk.locator('button[data-service="chuo-C"]');
    await expect.poll(() => kiosk.locator('[data-testid="state-chuo-B"]').textContent()).toBe('本日の受付は終了しました');
    expect(await kiosk.locator('[data-testid="state-chuo-C"]').textContent()).toBe('ただいま受付を休止しています');
    expect(await b.isDisabled()).toBe(true);
    expect(await c.isDisabled()).toBe(true);
    expect(await kiosk.locator('button[data-service="chuo-F"]').count()).toBe(0);
    await b.click({ force: true });
    await c.click({ force: true });
    await kiosk.locator('button[data-service="chuo-E"]').focus(); // keyboard still reaches the others
    await new Promise((r) => setTimeout(r, 300));
    expect(await kiosk.locator('[data-testid="ticket-screen"]').count()).toBe(0);
    expect(ticketCount('chuo-B')).toBe(1);
    expect(ticketCount('chuo-C')).toBe(0);
    // English says it in English
    await kiosk.getByRole('button', { name: 'English' }).click();
    expect(await kiosk.locator('[data-testid="state-chuo-B"]').textContent()).toBe("Today's tickets have run out");
    expect(await kiosk.locator('[data-testid="state-chuo-C"]').textContent()).toBe('Not taking tickets right now');
    await screenshot(kiosk, 'kiosk-refusals-en-1080x1920');
    await kiosk.close();
  });

  it('outside reception hours every button says so; the server refuses too', async () => {
    srv.db.prepare("UPDATE offices SET hours_json = ? WHERE id = 'chuo'").run(JSON.stringify({ open: '13:00', close: '17:15', days: [1, 2, 3, 4, 5] })); // 09:30 now
    srv.app.engine.reloadOffice('chuo');
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}`);
    await page.locator('[data-testid="state-chuo-A"]').waitFor();
    for (const id of ['chuo-A', 'chuo-B', 'chuo-G']) {
      expect(await page.locator(`[data-testid="state-${id}"]`).textContent()).toBe('受付時間外です');
      expect(await page.locator(`button[data-service="${id}"]`).isDisabled()).toBe(true);
    }
    expect(await page.locator('[data-testid="closed-now"]').textContent()).toBe('ただいま受付時間外です。受付時間は 13:00〜17:15 です。');
    expect(await page.locator('.k-priority').count()).toBe(0); // nothing to prioritise
    await screenshot(page, 'kiosk-outside-hours-landscape-1920x1080');
    const r = await http<{ error: { code: string } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('x'), serviceId: 'chuo-A' }, { device: srv.kioskToken });
    expect(r.body.error.code).toBe('OUTSIDE_HOURS');
    expect(ticketCount()).toBe(0);
    await page.close();
  });

  it('a refusal the screen did not know yet is shown in words and issues nothing', async () => {
    const kiosk = await openKiosk();
    // The cap is set and reached between the last snapshot and the touch: hold the broadcast back.
    await kiosk.route('**/api/offices/chuo/tickets', async (route) => {
      srv.db.prepare("UPDATE services SET daily_cap = 0 WHERE id = 'chuo-G'").run();
      srv.app.engine.reloadOffice('chuo');
      await route.continue();
    });
    await kiosk.locator('button[data-service="chuo-G"]').click();
    await kiosk.locator('[data-testid="issue-error"]').waitFor();
    expect(await kiosk.locator('[data-testid="issue-error"]').textContent()).toBe('番号札を発行できませんでした：本日の受付は終了しました');
    expect(ticketCount()).toBe(0);
    await kiosk.close();
  });

  it('priority option: the chosen reason goes with the ticket', async () => {
    const kiosk = await openKiosk();
    await kiosk.getByRole('button', { name: 'ご高齢の方' }).click();
    await kiosk.locator('[data-testid="priority-on"]').waitFor();
    await kiosk.locator('button[data-service="chuo-E"]').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    const row = srv.db.prepare('SELECT display, priority, priority_reason FROM tickets').get() as { display: string; priority: number; priority_reason: string };
    expect(row).toEqual({ display: 'E-001', priority: 1, priority_reason: 'elderly' });
    await kiosk.close();
  });

  it('six languages; service names come from the office configuration', async () => {
    const kiosk = await openKiosk({ width: 1920, height: 1080 });
    // The text as read, furigana (<rt>) left out.
    const plain = (sel: string) => kiosk.locator(sel).first().evaluate((el) => { const c = el.cloneNode(true) as HTMLElement; c.querySelectorAll('rt').forEach((r) => r.remove()); return c.textContent; });
    const name = () => plain('button[data-service="chuo-A"] .k-svc-name');
    const cases: [string, string, string][] = [
      ['English', 'Moving in / within / out', 'Please take a number'],
      ['中文', '迁入・迁居・迁出', '请取号'],
      ['한국어', '전입・전거・전출', '번호표를 뽑아 주세요'],
      ['Tiếng Việt', 'Chuyển đến / chuyển chỗ / chuyển đi', 'Xin mời lấy số'],
      ['やさしいにほんご', '引っ越しの手続き', '番号札を取ってください'],
      ['日本語', '転入・転居・転出', '番号札をお取りください'],
    ];
    for (const [label, service, title] of cases) {
      await kiosk.getByRole('button', { name: label, exact: true }).click();
      expect(await name()).toBe(service);
      expect(await plain('h1')).toBe(title);
    }
    await kiosk.getByRole('button', { name: 'English', exact: true }).click();
    await screenshot(kiosk, 'kiosk-landscape-en-1920x1080');
    // Keyboard: Tab reaches the service buttons and Enter issues.
    await kiosk.locator('button[data-service="chuo-F"]').focus();
    await kiosk.keyboard.press('Enter');
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    expect(await kiosk.locator('[data-testid="ticket-number"]').textContent()).toBe('F-001');
    expect(await kiosk.locator('[data-testid="ticket-ahead"]').textContent()).toBe('Nobody is ahead of you');
    expect(await kiosk.locator('[data-testid="ticket-estimate"]').textContent()).toBe('No counter open right now');
    expect((srv.db.prepare('SELECT lang FROM tickets').get() as { lang: string }).lang).toBe('en');
    await screenshot(kiosk, 'kiosk-ticket-en-landscape-1920x1080');
    await kiosk.close();
  });

  it('an abandoned language or priority choice returns to Japanese after a minute untouched', async () => {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await kiosk.clock.install();
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}`);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').waitFor();
    await kiosk.getByRole('button', { name: '한국어', exact: true }).click();
    await kiosk.getByRole('button', { name: '고령자' }).click();
    expect(await kiosk.locator('h1').textContent()).toBe('번호표를 뽑아 주세요');
    await kiosk.clock.runFor(30_000);
    expect(await kiosk.locator('h1').textContent()).toBe('번호표를 뽑아 주세요');
    await kiosk.clock.runFor(31_000);
    await expect.poll(() => kiosk.locator('h1').textContent()).toBe('番号札をお取りください');
    expect(await kiosk.locator('[data-testid="priority-on"]').count()).toBe(0);
    await kiosk.close();
  });

  it('the ticket screen returns to the start after the configured seconds', async () => {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&return=5`);
    await kiosk.locator('button[data-service="chuo-A"]:not([disabled])').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    expect(await kiosk.locator('[data-testid="countdown"]').textContent()).toMatch(/^[45]秒後に最初の画面に戻ります$/);
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor({ state: 'detached', timeout: 8000 });
    await kiosk.locator('button[data-service="chuo-A"]').waitFor();
    await kiosk.close();
  });

  it('a kiosk with a network printer prints each ticket once there; a dead printer is said, the ticket stands', async () => {
    const printer = await fakePrinter();
    try {
      srv.db.prepare("UPDATE devices SET printer_host = '127.0.0.1', printer_port = ? WHERE id = 'kiosk-1'").run(printer.port);
      const kiosk = await openKiosk();
      const job = printer.nextJob();
      await kiosk.locator('button[data-service="chuo-G"]').click();
      await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
      const bytes = await job;
      expect(bytes.includes(Buffer.from('G-001\n'))).toBe(true);
      const token = srv.db.prepare("SELECT token FROM tickets WHERE display = 'G-001'").pluck().get() as string;
      expect(bytes.includes(Buffer.from(`/t/${token}`))).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(printer.jobs).toHaveLength(1);

      await printer.close(); // the printer goes off
      await kiosk.locator('[data-testid="back"]').click();
      await kiosk.locator('button[data-service="chuo-G"]:not([disabled])').click();
      await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
      expect(await kiosk.locator('[data-testid="ticket-number"]').textContent()).toBe('G-002');
      await kiosk.getByText('印刷できませんでした。この画面を撮影するか、係員にお声がけください。').waitFor({ timeout: 8000 });
      await kiosk.close();
    } finally {
      await printer.close().catch(() => undefined);
    }
  }, 60_000);

  it('?print=browser opens the print dialog once per ticket; an unknown device token is told to ask staff', async () => {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await kiosk.addInitScript(() => {
      (window as unknown as { __prints: number }).__prints = 0;
      window.print = () => void ((window as unknown as { __prints: number }).__prints += 1);
    });
    await kiosk.goto(`${srv.url}/kiosk/?device=${srv.kioskToken}&print=browser`);
    await kiosk.locator('button[data-service="chuo-B"]:not([disabled])').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    await expect.poll(() => kiosk.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await kiosk.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);

    const stranger = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await stranger.goto(`${srv.url}/kiosk/?device=not-a-real-device-token`);
    await stranger.getByText('この発券機は登録されていません。係員にお声がけください。').waitFor();
    expect(await stranger.locator('button[data-service]').count()).toBe(0);
    await stranger.close();
    await kiosk.close();
  }, 60_000);

  it('prints an 80 mm receipt through the browser, never A4', async () => {
    const kiosk = await openKiosk();
    await kiosk.locator('button[data-service="chuo-B"]').click();
    await kiosk.locator('[data-testid="ticket-screen"]').waitFor();
    await kiosk.locator('.r-qr').waitFor({ state: 'attached' });
    await kiosk.emulateMedia({ media: 'print' });
    expect(await kiosk.locator('[data-testid="receipt"]').isVisible()).toBe(true);
    expect(await kiosk.locator('.k-ticket-card').isVisible()).toBe(false);
    expect(await kiosk.locator('.r-number').textContent()).toBe('B-001');
    const pdf = (await kiosk.pdf({ preferCSSPageSize: true })).toString('latin1');
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
    expect(box).not.toBeNull();
    const widthMm = (Number(box![1]) / 72) * 25.4;
    expect(widthMm).toBeGreaterThan(79);
    expect(widthMm).toBeLessThan(81);
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1); // one receipt, one page
    const heightMm = await kiosk.locator('[data-testid="receipt"]').evaluate((el) => el.getBoundingClientRect().height * 25.4 / 96);
    expect(heightMm).toBeLessThan(160);
    await kiosk.close();
  }, 60_000);
});
