import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createApplication, type Application } from '../server/app.js';
import { loadRouters } from '../server/routers.js';
import { insertStaff, seedOffice } from '../server/seed.js';
import { startOfBusinessDay } from '../server/queue/time.js';
import type { DB } from '../server/store/db.js';
import { makeTestDb, PASSWORD, T0, type TestOffice } from '../server/testing.js';
import { launchBrowser, screenshot, WEB_ROOT } from './browser.js';

/**
 * Browser test of the console's reports: a supervisor signs in at /console/, opens Reports and
 * the busy-season comparison of 中央区役所 and 東区役所 over five years of history.
 * The history comes from fillHistory (one function, to be swapped for the simulator's demo data).
 */

const MIN = 60_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HistoryOptions {
  offices: string[];
  years: number[];
  /** Busy-season mean wait (minutes) per office and year; the shape of the city's figure. */
  meanWaitMin: (officeId: string, year: number) => number;
  ticketsPerDay?: number;
  /** Nothing at or after this instant (today's queue belongs to the live engine). */
  before: number;
  seed?: number;
}

/**
 * Several years of synthetic history written straight into tickets and steps: every weekday of
 * each year's default busy season (20 March – 10 April) and the two weeks before it, served at
 * the office's counters with waits around the given mean (exponential-ish), a few no-shows,
 * cancellations and steps unserved at close. Returns the number of steps written.
 */
export function fillHistory(db: DB, o: HistoryOptions): number {
  const rnd = mulberry32(o.seed ?? 20260324);
  const perDay = o.ticketsPerDay ?? 90;
  const services = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
  const insT = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token) VALUES (?, ?, ?, ?, ?, ?, 0, 'ja', ?, ?)`);
  const insS = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count, started_at, ended_at, outcome, counter_id, clerk_id)
    VALUES (?, ?, ?, 1, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let n = 0;
  db.transaction(() => {
    for (const officeId of o.offices) {
      for (const year of o.years) {
        for (let t = Date.UTC(year, 2, 6); t <= Date.UTC(year, 3, 10); t += 86_400_000) {
          const day = new Date(t).toISOString().slice(0, 10);
          const dow = new Date(t).getUTCDay();
          if (dow === 0 || dow === 6) continue;
          const busy = day.slice(5) >= '03-20';
          const open = startOfBusinessDay(day, 'Asia/Tokyo') + 8.5 * 60 * MIN;
          if (open + 9 * 60 * MIN > o.before) continue;
          const mean = o.meanWaitMin(officeId, year) * (busy ? 1 : 0.3);
          const count = Math.round(perDay * (busy ? 1 : 0.4) * (0.8 + 0.4 * rnd()));
          const numbers = new Map<string, number>();
          for (let i = 0; i < count; i++) {
            const prefix = services[Math.floor(rnd() * rnd() * services.length)]!;
            const num = (numbers.get(prefix) ?? 0) + 1;
            numbers.set(prefix, num);
            const enq = open + Math.floor(((i + rnd()) / count) * 8 * 60 * MIN);
            const wait = Math.round(-Math.log(1 - rnd() * 0.999) * mean * MIN);
            const u = rnd();
            const id = `${officeId}-${day}-${i}`;
            const outcome = u < 0.02 ? 'cancelled' : u < 0.03 ? 'unserved' : u < 0.07 ? 'no_show' : 'served';
            const called = outcome === 'cancelled' || outcome === 'unserved' ? null : enq + wait;
            const start = outcome === 'served' ? called! + Math.round(rnd() * 2 * MIN) : null;
            const end = outcome === 'served' ? start! + Math.round((3 + rnd() * 20) * MIN) : outcome === 'no_show' ? called! + 5 * MIN : enq + wait;
            const counter = called === null ? null : `${officeId}-c${1 + Math.floor(rnd() * 11)}`;
            insT.run(`t-${id}`, officeId, day, prefix, num, `${prefix}-${String(num).padStart(3, '0')}`, enq, `tok-${id}`);
            insS.run(`s-${id}`, `t-${id}`, officeId, `${officeId}-${prefix}`, enq, enq, called, called, called === null ? 0 : outcome === 'no_show' ? 2 : 1, start, end, outcome, counter, counter ? 'clerk1' : null);
            n++;
          }
        }
      }
    }
  })();
  return n;
}

describe('console reports in a browser', () => {
  let office: TestOffice;
  let app: Application;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    office = await makeTestDb();
    seedOffice(office.db, { id: 'higashi', name: { ja: '東区役所', en: 'Higashi Ward Office' }, sortOrder: 1 }, T0);
    // a city-wide supervisor (企画課) who may compare both offices
    await insertStaff(office.db, { id: 'city', login: 'city', name: '企画課 主任', role: 'supervisor', officeId: null, password: PASSWORD }, T0);
    const reform: Record<string, number[]> = { chuo: [95, 118, 84, 62, 41], higashi: [72, 88, 93, 79, 74] };
    fillHistory(office.db, { offices: ['chuo', 'higashi'], years: [2022, 2023, 2024, 2025, 2026], meanWaitMin: (id, y) => reform[id]![y - 2022]!, before: T0 });
    app = createApplication({ db: office.db, clock: office.clock, tickMs: 0, routers: loadRouters, webRoot: WEB_ROOT });
    url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    office?.db.close();
  });

  async function signIn(login: string) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1100 }, locale: 'ja-JP' });
    await page.goto(`${url}/console/`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: /レポート/ }).click();
    return page;
  }

  it('shows the busy-season comparison of both offices, year by year, with the change from the previous year', async () => {
    const page = await signIn('city');
    await page.getByRole('tab', { name: /繁忙期比較/ }).click();
    const chart = page.locator('.rp-season-chart');
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    // five years × two offices of bars, and a legend naming both offices
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBe(10);
    await expect.poll(() => chart.locator('.recharts-legend-item-text').allTextContents()).toEqual(['中央区役所', '東区役所']);
    const chuo = page.locator('.rp-season-office').filter({ has: page.getByRole('heading', { name: /中央区役所/ }) });
    const rows = chuo.locator('table').first().locator('tbody tr');
    expect(await rows.count()).toBe(5);
    const y2026 = rows.filter({ hasText: '2026年' });
    expect(await y2026.textContent()).toContain('令和8年');
    expect(await y2026.textContent()).toContain('令和7年度末〜令和8年度初');
    expect(await y2026.textContent()).toContain('実施中'); // the clock is at 24 March 2026: the season is running
    expect(await y2026.locator('.rp-better').textContent()).toMatch(/▼−\d+\.\d分/); // the reform year is shorter than 2025
    // the figures on screen are the API's
    const api = await page.evaluate(async () => (await (await fetch('/api/reports/busy-season?offices=chuo,higashi')).json()) as { data: { rows: { officeId: string; serviceId: string | null; year: number; wait: { meanMs: number } }[] } });
    const mean26 = api.data.rows.find((r) => r.officeId === 'chuo' && r.serviceId === null && r.year === 2026)!.wait.meanMs;
    expect(await y2026.textContent()).toContain(`${(mean26 / MIN).toFixed(1)}分`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-busy-season');
    await page.close();
  });

  it('an office supervisor sees only their own office, and the period report with its charts', async () => {
    const page = await signIn('supervisor');
    await expect.poll(() => page.locator('.rp-filters fieldset label').allTextContents()).toEqual([' 中央区役所']);
    await page.fill('.rp-filters input[type=date] >> nth=0', '2026-03-16');
    await page.fill('.rp-filters input[type=date] >> nth=1', '2026-03-23');
    await page.getByRole('button', { name: /表示/ }).click();
    await page.locator('.rp-heat-c').first().waitFor();
    expect(await page.locator('.rp-heat-d').allTextContents()).toEqual(['03/16', '03/17', '03/18', '03/19', '03/20', '03/23']);
    // the visit-stay KPI (滞在時間) shows the report's figure
    const stay = await page.evaluate(async () => ((await (await fetch('/api/reports/summary?offices=chuo&from=2026-03-16&to=2026-03-23')).json()) as { data: { stay: { meanMs: number } } }).data.stay.meanMs);
    expect(await page.locator('.rp-kpi', { hasText: '平均滞在時間' }).locator('.rp-kpi-value').textContent()).toBe(`${(stay / 60_000).toFixed(1)}分`);
    await page.getByRole('tab', { name: /用件別/ }).click();
    expect(await page.locator('.rp-table thead th').allTextContents()).toContain('平均滞在');
    await page.getByRole('tab', { name: /時間帯別/ }).click();
    expect(await page.locator('.rp-table tbody th').first().textContent()).toBe('8時');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-reports-summary');
    const csv = await page.evaluate(async () => new Uint8Array(await (await fetch('/api/reports/steps.csv?offices=chuo&from=2026-03-23&to=2026-03-23')).arrayBuffer()).slice(0, 3).join(','));
    expect(csv).toBe('239,187,191');
    await page.close();
  });
});
