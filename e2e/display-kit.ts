import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CommandResult } from '../common/events.js';
import { insertStaff } from '../server/seed.js';
import { cid, http, login, PASSWORD, type TestServer } from '../server/testing.js';

/**
 * Kit for the lobby display's peak tests (display-burst, display-layout): an office of 20
 * counters and 12 services, clerks for each counter, and a speech recorder that replaces
 * speechSynthesis in the page (texts with start and end times; a mode where the engine never
 * starts or never ends, to test the voice bounds).
 */

export interface Utterance { text: string; lang: string; asked: number; start: number | null; end: number | null }
export interface Recorder { utterances: Utterance[]; chimes: { at: number; display: string }[]; overlaps: number }
export type SpeechMode = 'normal' | 'never-start' | 'never-end';

/** Runs in the page before the app. `speakMs` per utterance in normal mode. */
export function fakeSpeech(opts: { mode: SpeechMode; speakMs: number }): void {
  const rec = { utterances: [] as Utterance[], chimes: [] as { at: number; display: string }[], overlaps: 0 };
  (window as unknown as { __rec: typeof rec }).__rec = rec;
  (window as unknown as { __madoguchiChime: (info: { display: string }) => void }).__madoguchiChime = (info) => rec.chimes.push({ at: Date.now(), display: info.display });
  const voices = [{ lang: 'ja-JP', name: 'Fake Kyoko', localService: true, default: true, voiceURI: 'fake-ja' }];
  let current: { entry: Utterance } | null = null;
  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    onvoiceschanged: null,
    getVoices: () => voices,
    speak(u: SpeechSynthesisUtterance) {
      const entry: Utterance = { text: u.text, lang: u.lang, asked: Date.now(), start: null, end: null };
      rec.utterances.push(entry);
      // Overlap = asked to speak while an utterance that started has not ended (nor been cancelled).
      if (current && current.entry.start !== null && current.entry.end === null) rec.overlaps++;
      current = { entry };
      if (opts.mode === 'never-start') return;
      setTimeout(() => {
        entry.start = Date.now();
        synth.speaking = true;
        u.dispatchEvent(new Event('start'));
        if (opts.mode === 'never-end') return;
        setTimeout(() => {
          entry.end = Date.now();
          synth.speaking = false;
          u.dispatchEvent(new Event('end'));
        }, opts.speakMs);
      }, 10);
    },
    cancel() {
      // A cancelled utterance counts as ended (the engine stops it).
      if (current && current.entry.end === null) current.entry.end = Date.now();
      synth.speaking = false;
    },
    pause() {},
    resume() {},
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
}

export const rec = (page: Page) => page.evaluate(() => (window as unknown as { __rec: Recorder }).__rec);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openDisplay(browser: Browser, url: string, token: string, o: { mode?: SpeechMode; speakMs?: number; query?: string; viewport?: { width: number; height: number } } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: o.viewport ?? { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  await page.addInitScript(fakeSpeech, { mode: o.mode ?? 'normal', speakMs: o.speakMs ?? 300 });
  await page.goto(`${url}/display/?device=${encodeURIComponent(token)}${o.query ? `&${o.query}` : ''}`);
  await page.getByTestId('display').waitFor({ timeout: 15_000 });
  return { ctx, page };
}

/** Twelve services A–L, each with a name in the six kiosk languages. */
export const PEAK_SERVICES = 'ABCDEFGHIJKL'.split('').map((prefix, i) => ({
  prefix,
  name: {
    ja: ['転入・転居・転出', '住民票・戸籍', '印鑑登録', 'マイナンバー', '国保・年金', '児童手当', '税の証明', '介護保険', '障がい福祉', '生活保護', '母子手帳', '外国人住民'][i]!,
    en: ['Moving', 'Certificates', 'Seal', 'My Number', 'Insurance', 'Child', 'Tax', 'Care', 'Disability', 'Welfare', 'Maternity', 'Foreign residents'][i]!,
    zh: `服务${prefix}`, ko: `업무${prefix}`, vi: `Dịch vụ ${prefix}`, 'ja-easy': `てつづき ${prefix}`,
  },
  description: { ja: '' },
  targetWaitMin: 30,
  defaultServiceMin: 10,
}));

/** Twenty counters; counters 1–14 together serve all twelve services. */
export const PEAK_COUNTERS: [string, string[]][] = Array.from({ length: 20 }, (_, i) => [String(i + 1), [PEAK_SERVICES[i % 12]!.prefix]]);

export const peakOffice = { services: PEAK_SERVICES, counters: PEAK_COUNTERS };

/** Four-digit numbers: every service starts at 1234. */
export function fourDigitNumbers(srv: TestServer): void {
  srv.db.prepare('UPDATE services SET number_start = 1234, number_end = 9999 WHERE office_id = ?').run('chuo');
  srv.app.engine.reloadOffice('chuo');
}

/** One clerk per counter (clerk-c1 … clerk-c20), signed in and with the counter open; returns cookies by counter id. */
export async function openCounters(srv: TestServer, n: number): Promise<Map<string, string>> {
  const hash = (srv.db.prepare('SELECT password_hash AS h FROM staff WHERE id = ?').get('clerk1') as { h: string }).h;
  const cookies = new Map<string, string>();
  for (let i = 1; i <= n; i++) {
    const id = `clerk-c${i}`;
    if (!srv.db.prepare('SELECT 1 FROM staff WHERE id = ?').get(id)) await insertStaff(srv.db, { id, login: id, name: id, role: 'clerk', officeId: 'chuo', password: PASSWORD, passwordHash: hash });
    const cookie = await login(srv.url, id);
    await counterCmd(srv.url, cookie, `chuo-c${i}`, 'open');
    cookies.set(`chuo-c${i}`, cookie);
  }
  return cookies;
}

export async function issue(url: string, kioskToken: string, serviceId: string, n = 1): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await http<{ data: CommandResult }>(url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId }, { device: kioskToken });
    if (r.status !== 200) throw new Error(`issue ${serviceId}: ${r.status} ${JSON.stringify(r.body)}`);
    out.push((r.body.data.ticket as { display: string }).display);
  }
  return out;
}

export async function counterCmd(url: string, cookie: string, counterId: string, action: string): Promise<CommandResult> {
  const r = await http<{ data: CommandResult; error?: unknown }>(url, 'POST', `/api/counters/${counterId}/${action}`, { commandId: cid(action) }, { cookie });
  if (r.status !== 200) throw new Error(`${action} ${counterId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}

export async function pollPage<T>(page: Page, fn: (r: Recorder) => T | undefined | null | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn(await rec(page));
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await rec(page))}`);
    await sleep(50);
  }
}
