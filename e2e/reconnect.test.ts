import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cid, http, makeTestDb, spawnServerProcess } from '../server/testing.js';
import { launchBrowser } from './browser.js';

/**
 * A graceful restart (SIGTERM, as during an upgrade: the server closes its sockets and exits) must
 * bring every screen back by itself, with what happened while it was away.
 */
describe('screens across a graceful server restart', () => {
  it('the public status page comes back by itself after SIGTERM and shows what happened meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-reconnect-'));
    const dbPath = join(dir, 'office.db');
    const office = await makeTestDb({ path: dbPath, now: Date.now() });
    office.db.close();
    let server = await spawnServerProcess({ dbPath, timeoutMs: 120_000 });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${server.url}/status/?office=chuo`);
      const waitingA = page.getByTestId('waiting-chuo-A');
      await waitingA.waitFor({ timeout: 30_000 });
      const before = await waitingA.textContent();

      await server.kill('SIGTERM');
      await page.getByTestId('offline').waitFor({ timeout: 30_000 });

      server = await spawnServerProcess({ dbPath, port: server.port, timeoutMs: 120_000 });
      await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 30_000 });
      const issued = await http(server.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('reconnect'), serviceId: 'chuo-A' }, { device: office.kioskToken });
      expect(issued.status).toBe(200);
      await page.waitForFunction((b) => document.querySelector('[data-testid="waiting-chuo-A"]')?.textContent !== b, before, { timeout: 20_000 });
      expect(await waitingA.textContent()).toContain('1');
    } finally {
      await browser.close();
      await server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
