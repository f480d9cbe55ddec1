import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/testing.js';
import { WEB_ROOT } from './browser.js';

/** Every screen of the built app names the one shared favicon, and the server serves it. */

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ webRoot: WEB_ROOT });
});
afterAll(async () => {
  await srv.close();
});

describe('favicon', () => {
  it('every page links /favicon.svg and the server serves it as SVG', async () => {
    for (const page of ['kiosk', 'counter', 'display', 'console', 'status']) {
      const html = await (await fetch(`${srv.url}/${page}/`)).text();
      expect(html, page).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg" />');
    }
    const icon = await fetch(`${srv.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
  });
});
