import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';
import { EscPos, receiptBytes, toShiftJis, type ReceiptContent } from './escpos.js';
import { fakePrinter } from './fake-printer.js';
import { sendToPrinter } from './printer.js';

/** Find the QR data stored by GS ( k fn 180 (cn=49, fn=80, m=48). */
function qrPayload(buf: Buffer): string | null {
  for (let i = 0; i + 8 < buf.length; i++) {
    if (buf[i] === 0x1d && buf[i + 1] === 0x28 && buf[i + 2] === 0x6b && buf[i + 5] === 0x31 && buf[i + 6] === 0x50 && buf[i + 7] === 0x30) {
      const len = buf[i + 3]! + buf[i + 4]! * 256 - 3;
      return buf.subarray(i + 8, i + 8 + len).toString('utf8');
    }
  }
  return null;
}

const has = (buf: Buffer, bytes: number[] | Buffer) => buf.indexOf(Buffer.from(bytes)) >= 0;

const content: ReceiptContent = {
  officeName: '中央区役所',
  display: 'A-012',
  serviceName: '転入・転居・転出',
  serviceNameAlt: 'Moving in / within / out',
  ahead: 5,
  estimateText: '約20〜35分',
  counterHint: '1・2・3番窓口',
  url: 'http://192.0.2.10:3000/t/AbCdEf0123456789xyz',
  issuedText: '2026年3月24日 09:30',
  priority: false,
};

describe('ESC/POS receipt bytes', () => {
  it('starts with reset, Shift_JIS kanji mode, and ends with a cut', () => {
    const b = receiptBytes(content);
    expect([...b.subarray(0, 7)]).toEqual([0x1b, 0x40, 0x1c, 0x43, 0x01, 0x1c, 0x26]);
    expect([...b.subarray(b.length - 4)]).toEqual([0x1d, 0x56, 0x42, 0x03]);
  });

  it('encodes Japanese in Shift_JIS (office, service, estimate with the wave dash, counters)', () => {
    const b = receiptBytes(content);
    for (const text of ['中央区役所', '転入・転居・転出', '1・2・3番窓口', 'あなたの前に 5人']) expect(has(b, iconv.encode(text, 'Shift_JIS')), text).toBe(true);
    // 〜 (U+301C) is printed as the Shift_JIS wave dash 0x8160, never as '?'
    expect(has(b, toShiftJis('約20〜35分'))).toBe(true);
    expect(has(b, [0x96, 0xf1, 0x32, 0x30, 0x81, 0x60, 0x33, 0x35])).toBe(true);
    expect(b.includes(Buffer.from('?'))).toBe(false);
    // nothing UTF-8 leaked: the UTF-8 bytes of 転入 are absent
    expect(has(b, Buffer.from('転入', 'utf8'))).toBe(false);
  });

  it('prints the number very large (GS ! 6×6) and back to normal size afterwards', () => {
    const b = receiptBytes(content);
    const big = Buffer.concat([Buffer.from([0x1d, 0x21, 0x55, 0x1b, 0x45, 0x01]), Buffer.from('A-012\n', 'ascii'), Buffer.from([0x1d, 0x21, 0x00])]);
    expect(has(b, big)).toBe(true);
  });

  it('carries a model-2 QR code of the ticket URL via GS ( k', () => {
    const b = receiptBytes(content);
    expect(has(b, [0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00])).toBe(true); // model 2
    expect(has(b, [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06])).toBe(true); // module 6 dots
    expect(has(b, [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30])).toBe(true); // print
    expect(qrPayload(b)).toBe(content.url);
  });

  it('marks a priority ticket', () => {
    expect(has(receiptBytes({ ...content, priority: true }), toShiftJis('優先受付'))).toBe(true);
    expect(has(receiptBytes(content), toShiftJis('優先受付'))).toBe(false);
  });

  it('stores long QR data with a two-byte length', () => {
    const url = 'http://x/' + 'a'.repeat(300);
    const b = new EscPos().qr(url).build();
    expect(qrPayload(b)).toBe(url);
    expect(() => new EscPos().qr('a'.repeat(8000))).toThrow(RangeError);
  });
});

describe('sending to a network printer', () => {
  it('delivers the exact bytes over TCP', async () => {
    const printer = await fakePrinter();
    try {
      const bytes = receiptBytes(content);
      const job = printer.nextJob();
      await sendToPrinter('127.0.0.1', printer.port, bytes);
      expect((await job).equals(bytes)).toBe(true);
    } finally {
      await printer.close();
    }
  });

  it('reports an unreachable printer as PRINTER_UNREACHABLE', async () => {
    const printer = await fakePrinter();
    const port = printer.port;
    await printer.close(); // nothing listens there now
    await expect(sendToPrinter('127.0.0.1', port, Buffer.from('x'))).rejects.toMatchObject({ code: 'PRINTER_UNREACHABLE' });
  });
});

describe('POST /api/print/tickets/:token', () => {
  let srv: TestServer;
  let printer: Awaited<ReturnType<typeof fakePrinter>>;
  beforeEach(async () => {
    srv = await startTestServer();
    printer = await fakePrinter();
  });
  afterEach(async () => {
    await srv.close();
    await printer.close();
  });

  const issue = async (serviceId = 'chuo-A') => {
    const r = await http<{ data: { ticket: { token: string; display: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId }, { device: srv.kioskToken });
    expect(r.status).toBe(200);
    return r.body.data.ticket;
  };

  it('prints the issued ticket on the kiosk’s configured printer', async () => {
    srv.db.prepare('UPDATE devices SET printer_host = ?, printer_port = ? WHERE id = ?').run('127.0.0.1', printer.port, 'kiosk-1');
    const cookie = await login(srv.url, 'clerk1');
    await http(srv.url, 'POST', '/api/counters/chuo-c3/open', { commandId: cid('open') }, { cookie });
    await issue();
    const t = await issue();
    const cfg = await http<{ data: { configured: boolean } }>(srv.url, 'GET', '/api/print/printer', undefined, { device: srv.kioskToken });
    expect(cfg.body.data.configured).toBe(true);
    const job = printer.nextJob();
    const r = await http<{ data: { printed: boolean; bytes: number } }>(srv.url, 'POST', `/api/print/tickets/${t.token}`, {}, { device: srv.kioskToken });
    expect(r.status).toBe(200);
    const bytes = await job;
    expect(r.body.data).toMatchObject({ printed: true, bytes: bytes.length, image: false, fallback: null });
    expect(has(bytes, Buffer.from('A-002\n'))).toBe(true);
    expect(has(bytes, iconv.encode('転入・転居・転出', 'Shift_JIS'))).toBe(true);
    expect(has(bytes, iconv.encode('あなたの前に 1人', 'Shift_JIS'))).toBe(true);
    expect(has(bytes, iconv.encode('1・2・3番窓口', 'Shift_JIS'))).toBe(true); // counters serving A in the seed
    expect(has(bytes, iconv.encode('2026年3月24日 09:30', 'Shift_JIS'))).toBe(true); // Tokyo time, server TZ is UTC
    expect(qrPayload(bytes)).toBe(`${srv.url}/t/${t.token}?lang=ja`); // the phone page opens in the ticket's language
  });

  it('refuses when no printer is configured, an unknown token, or a non-kiosk caller', async () => {
    const t = await issue();
    const none = await http<{ data: { configured: boolean } }>(srv.url, 'GET', '/api/print/printer', undefined, { device: srv.kioskToken });
    expect(none.body.data.configured).toBe(false);
    const r = await http<{ error: { code: string } }>(srv.url, 'POST', `/api/print/tickets/${t.token}`, {}, { device: srv.kioskToken });
    expect([r.status, r.body.error.code]).toEqual([409, 'PRINTER_NOT_CONFIGURED']);
    srv.db.prepare('UPDATE devices SET printer_host = ?, printer_port = ? WHERE id = ?').run('127.0.0.1', printer.port, 'kiosk-1');
    const unknown = await http<{ error: { code: string } }>(srv.url, 'POST', '/api/print/tickets/nosuchtoken000000', {}, { device: srv.kioskToken });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'TICKET_NOT_FOUND']);
    const bad = await http<{ error: { code: string } }>(srv.url, 'POST', '/api/print/tickets/x', {}, { device: srv.kioskToken });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const display = await http<{ error: { code: string } }>(srv.url, 'POST', `/api/print/tickets/${t.token}`, {}, { device: srv.displayToken });
    expect(display.status).toBe(403);
    const anon = await http<{ error: { code: string } }>(srv.url, 'POST', `/api/print/tickets/${t.token}`, {});
    expect(anon.status).toBe(401);
    expect(printer.jobs).toHaveLength(0);
  });

  it('answers 503 PRINTER_UNREACHABLE when the printer is off', async () => {
    const t = await issue();
    const port = printer.port;
    await printer.close();
    printer = await fakePrinter();
    srv.db.prepare('UPDATE devices SET printer_host = ?, printer_port = ? WHERE id = ?').run('127.0.0.1', port, 'kiosk-1');
    const r = await http<{ error: { code: string } }>(srv.url, 'POST', `/api/print/tickets/${t.token}`, {}, { device: srv.kioskToken });
    expect([r.status, r.body.error.code]).toEqual([503, 'PRINTER_UNREACHABLE']);
  });
});
