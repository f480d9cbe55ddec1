import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../common/events.js';
import { insertStaff } from '../server/seed.js';
import { cid, http, login, makeTestDb, PASSWORD, spawnServerProcess, startTestServer, waitFor, type TestServer } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * The lobby display in a real Chromium against a real server. Speech synthesis is replaced by a
 * recorder (texts with start and end times, and what the screen showed at each start); the
 * chime is recorded through the display's test hook.
 */

interface Utterance { text: string; lang: string; start: number | null; end: number | null; screen: Screen | null }
interface Screen { number: string | null; counter: string | null; label: string | null; c1: string | null }
interface Chime { at: number; info: { display: string; counterLabel: string; callId: number }; screen: Screen }
interface Recorder { utterances: Utterance[]; chimes: Chime[]; overlaps: number }

/** Runs in the page before the app: a fake speechSynthesis (300 ms per utterance) and the chime hook. */
function fakeSpeech(opts: { voices: boolean }): void {
  const rec = { utterances: [] as unknown[], chimes: [] as unknown[], overlaps: 0 };
  (window as unknown as { __rec: typeof rec }).__rec = rec;
  const text = (sel: string) => document.querySelector(sel)?.textContent ?? null;
  const screen = () => ({ number: text('[data-testid="now-number"]'), counter: text('[data-testid="now-counter"]'), label: text('[data-testid="slot"]:first-child [data-testid="recall-mark"]'), c1: text('[data-counter="chuo-c1"] .current') });
  (window as unknown as { __madoguchiChime: (info: unknown) => void }).__madoguchiChime = (info) => rec.chimes.push({ at: Date.now(), info, screen: screen() });
  const voices = opts.voices ? [{ lang: 'ja-JP', name: 'Fake Kyoko', localService: true, default: true, voiceURI: 'fake-ja' }, { lang: 'en-US', name: 'Fake Sam', localService: true, default: false, voiceURI: 'fake-en' }] : [];
  let busy = false;
  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    onvoiceschanged: null,
    getVoices: () => voices,
    speak(u: SpeechSynthesisUtterance) {
      const entry = { text: u.text, lang: u.lang, start: null as number | null, end: null as number | null, screen: null as unknown };
      rec.utterances.push(entry);
      if (busy) rec.overlaps++;
      busy = true;
      synth.speaking = true;
      setTimeout(() => {
        entry.start = Date.now();
        entry.screen = screen();
        u.dispatchEvent(new Event('start'));
        setTimeout(() => {
          entry.end = Date.now();
          busy = false;
          synth.speaking = false;
          u.dispatchEvent(new Event('end'));
        }, 300);
      }, 10);
    },
    cancel() {},
    pause() {},
    resume() {},
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
}

const rec = (page: Page) => page.evaluate(() => (window as unknown as { __rec: Recorder }).__rec);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pollPage<T>(page: Page, fn: (r: Recorder) => T | undefined | null | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn(await rec(page));
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await rec(page))}`);
    await sleep(50);
  }
}

async function openDisplay(browser: Browser, url: string, token: string, o: { voices?: boolean; query?: string; viewport?: { width: number; height: number } } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: o.viewport ?? { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  await page.addInitScript(fakeSpeech, { voices: o.voices ?? true });
  await page.goto(`${url}/display/?device=${encodeURIComponent(token)}${o.query ? `&${o.query}` : ''}`);
  await page.getByTestId('display').waitFor({ timeout: 15_000 });
  return { ctx, page };
}

async function issue(url: string, kioskToken: string, serviceId: string, n = 1): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await http<{ data: CommandResult }>(url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId }, { device: kioskToken });
    expect(r.status).toBe(200);
    out.push((r.body.data.ticket as { display: string }).display);
  }
  return out;
}

async function counterCmd(url: string, cookie: string, counterId: string, action: string): Promise<CommandResult> {
  const r = await http<{ data: CommandResult; error?: unknown }>(url, 'POST', `/api/counters/${counterId}/${action}`, { commandId: cid(action) }, { cookie });
  if (r.status !== 200) throw new Error(`${action} ${counterId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}

describe('lobby display with a real server', () => {
  let srv: TestServer;
  let browser: Browser;
  let clerk1: string;
  let clerk2: string;

  beforeAll(async () => {
    srv = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    clerk1 = await login(srv.url, 'clerk1');
    clerk2 = await login(srv.url, 'clerk2');
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'open');
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'open');
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('two calls 50 ms apart are both on screen at once, announced in order, each with its own number and counter, never overlapping; a recall is announced again', async () => {
    expect(await issue(srv.url, srv.kioskToken, 'chuo-A', 2)).toEqual(['A-001', 'A-002']);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken);
    await expect(page.getByTestId('now-number').textContent()).resolves.toBe('—');

    await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next'); // A-001 → 3番窓口
    await sleep(50);
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'call-next'); // A-002 → 1番窓口

    const r = await pollPage(page, (x) => x.utterances.length >= 2 && x.utterances.every((u) => u.end) && x, 20_000, 'two announcements');
    const [u1, u2] = r.utterances as [Utterance, Utterance];
    expect(u1.text).toBe('エー 1番の方、3番窓口へお越しください。エー 1番の方、3番窓口へお越しください。');
    expect(u2.text).toBe('エー 2番の方、1番窓口へお越しください。エー 2番の方、1番窓口へお越しください。');
    expect(u1.lang).toBe('ja-JP');
    expect(u2.start!).toBeGreaterThanOrEqual(u1.end!);
    expect(r.overlaps).toBe(0);
    // A chime before each announcement, the second only after the first announcement ended.
    expect(r.chimes.map((c) => c.info.display)).toEqual(['A-001', 'A-002']);
    expect(r.chimes[0]!.at).toBeLessThanOrEqual(u1.start!);
    expect(r.chimes[1]!.at).toBeGreaterThanOrEqual(u1.end!);
    // The screen does not wait for the voice (issue 11): while A-001 is being announced, the newest
    // slot already shows A-002 at 1番, and A-001 is in the slot below it.
    expect(u1.screen).toMatchObject({ number: 'A-002', counter: '1番', c1: '▶A-002' });
    expect(u2.screen).toMatchObject({ number: 'A-002', counter: '1番' });
    expect(await page.locator('[data-testid="slot"] .num').allTextContents()).toEqual(['A-002', 'A-001']);

    await counterCmd(srv.url, clerk1, 'chuo-c3', 'recall');
    const r2 = await pollPage(page, (x) => x.utterances.length >= 3 && !!x.utterances[2]!.end && x, 20_000, 'recall announcement');
    expect(r2.utterances[2]!.text).toBe(u1.text);
    expect(r2.utterances[2]!.start!).toBeGreaterThanOrEqual(u2.end!);
    expect(r2.utterances[2]!.screen).toMatchObject({ number: 'A-001', counter: '3番', label: '再 Recall' });
    expect(r2.chimes).toHaveLength(3);

    // A fresh load (or a reconnect) shows the latest call but announces nothing old again.
    await page.reload();
    await page.getByTestId('display').waitFor();
    await expect(page.getByTestId('now-number').textContent()).resolves.toBe('A-001');
    await sleep(2500);
    const r3 = await rec(page);
    expect(r3.utterances).toEqual([]);
    expect(r3.chimes).toEqual([]);
    await ctx.close();
  }, 90_000);

  it('with no voice installed the chime sounds for every call, both are on screen, and the display says its voice is off', async () => {
    await issue(srv.url, srv.kioskToken, 'chuo-A', 2);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { voices: false });
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined); // idle when run alone
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'done').catch(() => undefined);
    const a = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
    const b = await counterCmd(srv.url, clerk2, 'chuo-c1', 'call-next');
    const r = await pollPage(page, (x) => x.chimes.length >= 2 && x, 20_000, 'two chimes');
    expect(r.chimes.map((c) => c.info.display)).toEqual([a.display, b.display]);
    expect(r.utterances).toEqual([]);
    await waitForText(page, '[data-testid="now-number"]', String(b.display));
    expect(await page.locator('[data-testid="slot"] .num').allTextContents()).toEqual(expect.arrayContaining([a.display, b.display]));
    // No voice is a voice failure: the screen says so (the floor learns it through display:voice).
    await page.getByTestId('voice-fault').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('voice-fault').getAttribute('data-reason')).toBe('unavailable');
    // The new call is marked ★ 新 for a few seconds, then the slot calms down (the number stays).
    await page.locator('.slot.new').first().waitFor({ timeout: 2000 });
    await page.locator('.slot.new').first().waitFor({ state: 'detached', timeout: 14_000 });
    expect(await page.getByTestId('now-number').textContent()).toBe(b.display);
    await ctx.close();
  }, 60_000);

  it('a display limited to some counters shows and announces only their calls', async () => {
    await issue(srv.url, srv.kioskToken, 'chuo-A', 2);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { query: 'counters=chuo-c3' });
    expect(await page.locator('[data-testid="counters"] li').count()).toBe(1);
    expect(await page.locator('[data-counter="chuo-c3"]').count()).toBe(1);
    // Waiting counts only for the services counter 3 serves (A).
    expect(await page.locator('[data-testid="waiting"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-service')))).toEqual(['chuo-A']);
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'done').catch(() => undefined);
    const other = await counterCmd(srv.url, clerk2, 'chuo-c1', 'call-next');
    await sleep(2500);
    expect((await rec(page)).chimes).toEqual([]);
    expect(await page.getByTestId('now-number').textContent()).not.toBe(other.display);
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined);
    const mine = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
    const r = await pollPage(page, (x) => x.utterances.length >= 1 && x, 15_000, 'announcement of counter 3');
    expect(r.chimes.map((c) => c.info.display)).toEqual([mine.display]);
    expect(r.utterances[0]!.text).toContain('3番窓口');
    await ctx.close();
  }, 60_000);

  it("shows the office's welcome text while nobody has been called on this display", async () => {
    srv.db.prepare('UPDATE offices SET texts_json = ? WHERE id = ?').run(JSON.stringify({ displayWelcome: { ja: '番号札をお取りください', en: 'Please take a ticket' } }), 'chuo');
    srv.app.engine.reloadOffice('chuo');
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken, { query: 'counters=chuo-c7' });
    await waitForText(page, '[data-testid="welcome"]', '番号札をお取りください');
    srv.db.prepare("UPDATE offices SET texts_json = '{}' WHERE id = ?").run('chuo');
    srv.app.engine.reloadOffice('chuo');
    await page.getByTestId('welcome').waitFor({ state: 'detached' });
    expect(await page.getByTestId('now-number').textContent()).toBe('—');
    await ctx.close();
  }, 30_000);

  it('screenshots at 1920×1080 and in portrait, legible from across the room', async () => {
    // A busy morning: more clerks, most counters calling or serving, people waiting everywhere.
    const extra = ['clerk3', 'clerk4', 'clerk5', 'clerk6', 'clerk7', 'clerk8'];
    for (const id of extra) await insertStaff(srv.db, { id, login: id, name: id, role: 'clerk', officeId: 'chuo', password: PASSWORD });
    for (const [svc, n] of [['chuo-A', 14], ['chuo-B', 22], ['chuo-C', 5], ['chuo-D', 9], ['chuo-E', 11], ['chuo-F', 4], ['chuo-G', 7]] as const) await issue(srv.url, srv.kioskToken, svc, n);
    const sup = await login(srv.url, 'supervisor');
    await http(srv.url, 'PUT', '/api/offices/chuo/ticker', { ticker: '本日は転入・転出の手続きが大変混み合っております。マイナンバーカードの受け取りは予約制です。番号札をお持ちのままお待ちください。' }, { cookie: sup });
    const plan: [string, string, 'call' | 'serve'][] = [['clerk3', 'chuo-c4', 'serve'], ['clerk4', 'chuo-c6', 'serve'], ['clerk5', 'chuo-c8', 'call'], ['clerk6', 'chuo-c9', 'serve'], ['clerk7', 'chuo-c10', 'call'], ['clerk8', 'chuo-c11', 'serve']];
    const cookies = new Map<string, string>();
    for (const [clerk, counter] of plan) {
      const cookie = await login(srv.url, clerk);
      cookies.set(counter, cookie);
      await counterCmd(srv.url, cookie, counter, 'open');
    }
    for (const [, counter, what] of plan) {
      const cookie = cookies.get(counter)!;
      await counterCmd(srv.url, cookie, counter, 'call-next');
      if (what === 'serve') await counterCmd(srv.url, cookie, counter, 'start');
    }
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'done').catch(() => undefined); // idle when run alone
    await counterCmd(srv.url, clerk2, 'chuo-c1', 'pause');
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken);
    const last = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
    // Wait until the last call is announced and on top, marked new.
    await pollPage(page, (x) => x.chimes.some((c) => c.info.display === last.display) && x, 60_000, 'last call announced');
    await waitForText(page, '[data-testid="now-number"]', String(last.display));
    await waitForText(page, '[data-testid="ticker"]', '混み合って');
    await screenshot(page, 'display-1920x1080');
    // Everything the room needs is on screen and nothing spills out of it.
    const box = await page.getByTestId('now-number').boundingBox();
    expect(box!.height).toBeGreaterThan(60);
    const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('[data-testid="counters"] li').count()).toBe(11);
    expect(await page.locator('[data-testid="waiting"] li').count()).toBe(7);
    expect(await page.locator('[data-testid="waiting"] [data-service="chuo-B"] b').textContent()).toMatch(/^\d+$/);
    await ctx.close();

    const portrait = await openDisplay(browser, srv.url, srv.displayToken, { viewport: { width: 1080, height: 1920 } });
    await waitForText(portrait.page, '[data-testid="now-number"]', String(last.display));
    await screenshot(portrait.page, 'display-1080x1920-portrait');
    const overflowP = await portrait.page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    expect(overflowP).toBeLessThanOrEqual(0);
    const boxP = await portrait.page.getByTestId('now-number').boundingBox();
    expect(boxP!.height).toBeGreaterThan(60);
    await portrait.ctx.close();
  }, 120_000);

  it("announces with the office's own template, repeating a number said once, then in English after Japanese", async () => {
    srv.db.prepare('UPDATE offices SET announcement_json = ? WHERE id = ?').run(JSON.stringify({ ja: '{number}番のお客様、{counter}番窓口までお越しください。', en: 'Ticket {number}, counter {counter}, please.', english: true }), 'chuo');
    srv.app.engine.reloadOffice('chuo');
    await issue(srv.url, srv.kioskToken, 'chuo-A', 1);
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken);
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined);
    const called = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
    const n = Number(String(called.display).slice(2));
    const r = await pollPage(page, (x) => x.utterances.length >= 2 && !!x.utterances[1]!.end && x, 20_000, 'Japanese then English');
    expect(r.utterances.map((u) => [u.lang, u.text])).toEqual([
      ['ja-JP', `エー ${n}番のお客様、3番窓口までお越しください。エー ${n}番のお客様、3番窓口までお越しください。`],
      ['en-US', `Ticket A ${n}, counter 3, please.`],
    ]);
    expect(r.utterances[1]!.start!).toBeGreaterThanOrEqual(r.utterances[0]!.end!);
    expect(r.chimes).toHaveLength(1);
    await ctx.close();
  }, 60_000);

  it('when the browser blocks audio, a one-time button enables sound', async () => {
    // A browser without the autoplay switch, as on a display PC started without kiosk flags.
    const { chromium } = await import('playwright-core');
    const { CHROMIUM } = await import('./browser.js');
    const strict = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--autoplay-policy=document-user-activation-required'] });
    try {
      // Playwright's own evaluations count as user gestures (and would unlock audio), so the page
      // reports the button through the console and the test clicks with the mouse only.
      const ctx = await strict.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await ctx.newPage();
      await page.addInitScript(fakeSpeech, { voices: true });
      await page.addInitScript(() => {
        new MutationObserver(() => {
          const b = document.querySelector('[data-testid="enable-sound"]');
          const w = window as unknown as { __shown?: boolean };
          if (b && !w.__shown) {
            w.__shown = true;
            const r = b.getBoundingClientRect();
            console.log(`enable-sound ${Math.round(r.x + r.width / 2)} ${Math.round(r.y + r.height / 2)}`);
          }
        }).observe(document, { childList: true, subtree: true });
      });
      const shown = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('enable-sound '), timeout: 20_000 });
      await page.goto(`${srv.url}/display/?device=${encodeURIComponent(srv.displayToken)}`);
      const [, x, y] = (await shown).text().split(' ').map(Number);
      await screenshot(page, 'display-enable-sound');
      await page.mouse.click(x!, y!);
      const button = page.getByTestId('enable-sound');
      await button.waitFor({ state: 'detached', timeout: 12_000 });
      // The screen works the same with or without sound.
      await issue(srv.url, srv.kioskToken, 'chuo-A', 1);
      await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined);
      const called = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
      await waitForText(page, '[data-testid="now-number"]', String(called.display));
      expect((await rec(page)).chimes.map((c) => c.info.display)).toEqual([called.display]);
    } finally {
      await strict.close();
    }
  }, 60_000);

  it('a display cut off by the server with a still valid token reconnects by itself and goes on announcing', async () => {
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken);
    srv.app.ctx.disconnectWhere!((p) => p.kind === 'device' && p.device.id === 'display-1', 'expired');
    await page.getByTestId('offline').waitFor({ timeout: 10_000 });
    await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 20_000 });
    await issue(srv.url, srv.kioskToken, 'chuo-A', 1);
    await counterCmd(srv.url, clerk1, 'chuo-c3', 'done').catch(() => undefined);
    const called = await counterCmd(srv.url, clerk1, 'chuo-c3', 'call-next');
    const r = await pollPage(page, (x) => x.chimes.length >= 1 && x, 15_000, 'announcement after reconnect');
    expect(r.chimes.map((c) => c.info.display)).toEqual([called.display]);
    expect(await page.getByTestId('revoked').count()).toBe(0);
    await ctx.close();
  }, 60_000);

  it('a revoked display says so instead of going blank', async () => {
    const { ctx, page } = await openDisplay(browser, srv.url, srv.displayToken);
    srv.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(Date.now(), 'display-1');
    srv.app.ctx.disconnectWhere!((p) => p.kind === 'device' && p.device.id === 'display-1', 'revoked');
    await page.getByTestId('revoked').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('revoked').textContent()).toContain('この表示盤の登録が取り消されました');
    await screenshot(page, 'display-revoked');
    await ctx.close();
  }, 30_000);
});

async function waitForText(page: Page, selector: string, text: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(({ s, t }) => [...document.querySelectorAll(s)].some((e) => (e.textContent ?? '').includes(t)), { s: selector, t: text }, { timeout: timeoutMs });
}

describe('lobby display across a server crash and restart', () => {
  it('shows the offline mark while the server is down, comes back by itself on the same port and shows the right state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-display-'));
    const dbPath = join(dir, 'office.db');
    // The office with reception always open (the real clock may be outside office hours).
    const office = await makeTestDb({ path: dbPath, now: Date.now() });
    office.db.close();
    let server = await spawnServerProcess({ dbPath });
    const browser = await launchBrowser();
    try {
      const kiosk = office.kioskToken;
      const cookie = await login(server.url, 'clerk1');
      await counterCmd(server.url, cookie, 'chuo-c3', 'open');
      await issue(server.url, kiosk, 'chuo-A', 3);
      const before = await counterCmd(server.url, cookie, 'chuo-c3', 'call-next');
      const { page } = await openDisplay(browser, server.url, office.displayToken);
      await waitForText(page, '[data-testid="now-number"]', String(before.display));
      expect(await page.getByTestId('offline').count()).toBe(0);

      await server.kill('SIGKILL');
      await page.getByTestId('offline').waitFor({ timeout: 30_000 });
      await screenshot(page, 'display-offline');
      // The last state stays on screen while offline.
      expect(await page.getByTestId('now-number').textContent()).toBe(before.display);

      server = await spawnServerProcess({ dbPath, port: server.port });
      await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 30_000 });
      // The session cookie survived the restart (sessions are in the database).
      await counterCmd(server.url, cookie, 'chuo-c3', 'done');
      const after = await counterCmd(server.url, cookie, 'chuo-c3', 'call-next');
      expect(after.display).toBe('A-002');
      await waitForText(page, '[data-testid="now-number"]', 'A-002', 20_000);
      const r = await pollPage(page, (x) => x.utterances.length >= 1 && !!x.utterances[0]!.end && x, 20_000, 'announcement after restart');
      expect(r.utterances.map((u) => u.text)).toEqual(['エー 2番の方、3番窓口へお越しください。エー 2番の方、3番窓口へお越しください。']);
      expect(await page.locator('[data-counter="chuo-c3"] .current').textContent()).toBe('▶A-002'); // ▶: being called (not yet served), in words as well as colour
      await waitForText(page, '[data-testid="slot"] .num', String(before.display)); // the earlier call stays on screen, in the slot below
      await screenshot(page, 'display-after-restart');
    } finally {
      await browser.close();
      await server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('after the database is restored from an older backup, the display takes the older state and goes on announcing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-display-'));
    const dbPath = join(dir, 'office.db');
    const office = await makeTestDb({ path: dbPath, now: Date.now() });
    office.db.close();
    copyFileSync(dbPath, join(dir, 'backup.db')); // the "backup": before any ticket
    let server = await spawnServerProcess({ dbPath });
    const browser = await launchBrowser();
    try {
      let cookie = await login(server.url, 'clerk1');
      await counterCmd(server.url, cookie, 'chuo-c3', 'open');
      await issue(server.url, office.kioskToken, 'chuo-B', 5);
      await issue(server.url, office.kioskToken, 'chuo-A', 1);
      for (let i = 0; i < 5; i++) {
        await counterCmd(server.url, cookie, 'chuo-c3', 'call-next').catch(() => undefined);
        await counterCmd(server.url, cookie, 'chuo-c3', 'done').catch(() => undefined);
      }
      const { page } = await openDisplay(browser, server.url, office.displayToken);
      await waitForText(page, '[data-testid="now-number"]', 'A-');

      await server.kill('SIGKILL');
      for (const f of ['', '-wal', '-shm']) rmSync(`${dbPath}${f}`, { force: true });
      copyFileSync(join(dir, 'backup.db'), dbPath);
      server = await spawnServerProcess({ dbPath, port: server.port });
      // The restored office has no call yet and nobody waiting.
      await waitForText(page, '[data-testid="now-number"]', '—', 30_000);
      await waitForText(page, '[data-testid="waiting"] [data-service="chuo-A"] b', '0');
      cookie = await login(server.url, 'clerk1');
      await counterCmd(server.url, cookie, 'chuo-c3', 'open');
      await issue(server.url, office.kioskToken, 'chuo-A', 1);
      const called = await counterCmd(server.url, cookie, 'chuo-c3', 'call-next');
      expect(called.display).toBe('A-001');
      const r = await pollPage(page, (x) => x.utterances.length >= 1 && x, 20_000, 'announcement after restore');
      expect(r.utterances[0]!.text).toBe('エー 1番の方、3番窓口へお越しください。エー 1番の方、3番窓口へお越しください。');
    } finally {
      await browser.close();
      await server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
