import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from './context.js';
import { lazy } from './routers.js';

/** Issue 17: feature routers load on the first request under their prefix, not at start. */
describe('lazy feature routers', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  async function serve(loads: { n: number }, fail: { left: number }) {
    const app = express();
    app.use(
      lazy({} as AppContext, ['/api/feature/'], async () => {
        loads.n += 1;
        await new Promise((r) => setTimeout(r, 20));
        if (fail.left-- > 0) throw new Error('module failed to load');
        return () => Router().get('/api/feature/x', (_req, res) => void res.json({ data: 'x' }));
      }),
    );
    app.get('/api/other', (_req, res) => void res.json({ data: 'other' }));
    app.use(((_err, _req, res, _next) => void res.status(500).json({ error: { code: 'INTERNAL' } })) as express.ErrorRequestHandler);
    const server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    close = () => new Promise((r) => server.close(() => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('loads nothing for other paths, loads once for concurrent first requests, then serves from the loaded router', async () => {
    const loads = { n: 0 };
    const url = await serve(loads, { left: 0 });
    expect(await (await fetch(`${url}/api/other`)).json()).toEqual({ data: 'other' });
    expect(loads.n).toBe(0);
    const replies = await Promise.all([1, 2, 3].map(() => fetch(`${url}/api/feature/x`).then((r) => r.json())));
    expect(replies).toEqual([{ data: 'x' }, { data: 'x' }, { data: 'x' }]);
    expect(loads.n).toBe(1);
    await fetch(`${url}/api/feature/x`);
    expect(loads.n).toBe(1);
  });

  it('a module that fails to load answers with the error and is tried again on the next request', async () => {
    const loads = { n: 0 };
    const url = await serve(loads, { left: 1 });
    const first = await fetch(`${url}/api/feature/x`);
    expect(first.status).toBe(500);
    expect(await (await fetch(`${url}/api/feature/x`)).json()).toEqual({ data: 'x' });
    expect(loads.n).toBe(2);
  });
});
