import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakePrinter } from '../print/fake-printer.js';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';

/** The receipt prints the range the kiosk showed — the estimate recorded at issue (issue 13). */
let srv: TestServer;
beforeEach(async () => {
  srv = await startTestServer();
});
afterEach(async () => {
  await srv.close();
});

describe('receipt estimate', { timeout: 60_000 }, () => {
  it('prints the recorded range, even after the queue moved on', async () => {
    const printer = await fakePrinter();
    try {
      srv.db.prepare("UPDATE devices SET printer_host = '127.0.0.1', printer_port = ? WHERE id = 'kiosk-1'").run(printer.port);
      const clerk = await login(srv.url, 'clerk1');
      await http(srv.url, 'POST', '/api/counters/chuo-c4/open', { commandId: cid() }, { cookie: clerk }); // B, C, G
      for (let i = 0; i < 6; i++) await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { device: srv.kioskToken });
      const r = await http<{ data: { ticket: { token: string; estimate: { lowMin: number; highMin: number } } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: 'chuo-B' }, { device: srv.kioskToken });
      const { token, estimate } = r.body.data.ticket;
      expect(estimate.lowMin).toBeGreaterThan(0);
      // Time passes and a second counter opens: the live estimate would now be different.
      srv.clock.advance(7 * 60_000);
      const c2 = await login(srv.url, 'clerk2');
      await http(srv.url, 'POST', '/api/counters/chuo-c5/open', { commandId: cid() }, { cookie: c2 });
      const job = printer.nextJob();
      const printed = await http(srv.url, 'POST', `/api/print/tickets/${token}`, {}, { device: srv.kioskToken });
      expect(printed.status).toBe(200);
      const bytes = await job;
      const text = iconv.decode(bytes, 'Shift_JIS'); // 〜 comes back as its Shift_JIS twin ～
      expect(text.split('\n').find((l) => l.includes('目安'))?.replace('～', '〜')).toBe(`待ち時間の目安：約${estimate.lowMin}〜${estimate.highMin}分`);
    } finally {
      await printer.close();
    }
  });
});
