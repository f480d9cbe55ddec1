import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cid, http, login, startTestServer, type TestServer } from '../testing.js';
import { receiptBytes, type ReceiptContent } from './escpos.js';
import { fakePrinter } from './fake-printer.js';

const has = (buf: Buffer, bytes: number[] | Buffer) => buf.indexOf(Buffer.from(bytes)) >= 0;
const sjis = (s: string) => iconv.encode(s, 'Shift_JIS');
const GS_V_0 = [0x1d, 0x76, 0x30, 0x00];

/** A 16×3 test image: row 0 all black, row 1 left half, row 2 white. */
const image = { width: 16, height: 3, data: Uint8Array.from([0xff, 0xff, 0xff, 0x00, 0x00, 0x00]) };

const base: ReceiptContent = {
  officeName: '中央区役所', display: 'A-012', serviceName: 'マイナンバーカード', serviceNameAlt: 'マイナンバーカード', ahead: 2, estimateText: '約5〜10分',
  counterHint: null, url: 'http://127.0.0.1/t/AbCdEf0123456789xyz?lang=zh', issuedText: '2026年3月24日 09:30', priority: false,
};

describe('receipt in the resident’s language', () => {
  it('prints an image with GS v 0 (width in bytes, height in rows, then the dots)', () => {
    const b = receiptBytes({ ...base, raster: image });
    const at = b.indexOf(Buffer.from(GS_V_0));
    expect(at).toBeGreaterThan(0);
    expect([...b.subarray(at + 4, at + 8)]).toEqual([2, 0, 3, 0]);
    expect([...b.subarray(at + 8, at + 14)]).toEqual([...image.data]);
  });

  it('sends a tall image in bands of 256 rows', () => {
    const tall = { width: 8, height: 600, data: new Uint8Array(600).fill(0x81) };
    const b = receiptBytes({ ...base, raster: tall });
    const bands: number[] = [];
    for (let i = b.indexOf(Buffer.from(GS_V_0)); i >= 0; i = b.indexOf(Buffer.from(GS_V_0), i + 1)) bands.push(b[i + 6]! + b[i + 7]! * 256);
    expect(bands).toEqual([256, 256, 88]);
  });

  it('never prints the same service name twice (やさしいにほんご 「マイナンバーカード」)', () => {
    const b = receiptBytes(base);
    const name = sjis('マイナンバーカード');
    expect(b.indexOf(name)).toBeGreaterThanOrEqual(0);
    expect(b.indexOf(name, b.indexOf(name) + 1)).toBe(-1);
  });

  it('prints the office header at the top and the footer at the bottom', () => {
    const b = receiptBytes({ ...base, header: '中央区役所 区民課', footer: 'この番号札はお持ちください\nPlease keep this ticket' });
    const h = b.indexOf(sjis('中央区役所 区民課'));
    const f = b.indexOf(sjis('この番号札はお持ちください'));
    expect(h).toBeGreaterThan(0);
    expect(h).toBeLessThan(b.indexOf(Buffer.from('A-012\n')));
    expect(f).toBeGreaterThan(b.indexOf(Buffer.from('A-012\n')));
    expect(has(b, Buffer.from('Please keep this ticket\n'))).toBe(true);
  });
});

describe('POST /api/print/tickets/:token with the resident’s language', () => {
  let srv: TestServer;
  let printer: Awaited<ReturnType<typeof fakePrinter>>;
  beforeEach(async () => {
    srv = await startTestServer();
    printer = await fakePrinter();
    srv.db.prepare('UPDATE devices SET printer_host = ?, printer_port = ? WHERE id = ?').run('127.0.0.1', printer.port, 'kiosk-1');
    const admin = await login(srv.url, 'admin');
    const texts = { ticketHeader: { ja: '中央区役所 区民課', en: 'Chuo Ward Office', zh: '中央区役所 区民科' }, ticketFooter: { ja: 'この番号札はお持ちください', en: 'Please keep this ticket', 'ja-easy': 'この{番号札|ばんごうふだ}を{持|も}っていてください' } };
    const r = await http(srv.url, 'PATCH', '/api/admin/offices/chuo', { texts }, { cookie: admin });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterEach(async () => {
    await srv.close();
    await printer.close();
  });

  const issue = async (lang: string, serviceId = 'chuo-A') => {
    const r = await http<{ data: { ticket: { token: string } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid('issue'), serviceId, priority: false, lang }, { device: srv.kioskToken });
    expect(r.status).toBe(200);
    return r.body.data.ticket;
  };
  const print = (token: string, body: unknown) => http<{ data: { printed: boolean; image: boolean; fallback: string | null }; error?: { code: string } }>(srv.url, 'POST', `/api/print/tickets/${token}`, body, { device: srv.kioskToken });

  it('a Chinese ticket: the kiosk’s image goes out as GS v 0, with Japanese and English text, header and footer', async () => {
    const t = await issue('zh');
    const job = printer.nextJob();
    const data = Buffer.from(image.data).toString('base64');
    const r = await print(t.token, { raster: { width: 16, height: 3, data } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data).toMatchObject({ printed: true, image: true, fallback: null });
    const bytes = await job;
    expect(has(bytes, [...GS_V_0, 2, 0, 3, 0, ...image.data])).toBe(true);
    expect(has(bytes, sjis('転入・転居・転出'))).toBe(true);
    expect(has(bytes, Buffer.from('Moving in / within / out\n'))).toBe(true);
    expect(has(bytes, sjis('中央区役所 区民課'))).toBe(true);
    expect(has(bytes, sjis('この番号札はお持ちください'))).toBe(true);
    expect(has(bytes, Buffer.from(`/t/${t.token}?lang=zh`))).toBe(true); // the QR opens the phone page in Chinese
  });

  it('a Chinese ticket without an image: the documented fallback, Japanese and English text', async () => {
    const t = await issue('zh');
    const job = printer.nextJob();
    const r = await print(t.token, {});
    expect(r.body.data).toMatchObject({ printed: true, image: false, fallback: 'ja+en' });
    const bytes = await job;
    expect(has(bytes, GS_V_0)).toBe(false);
    expect(has(bytes, Buffer.from('Moving in / within / out\n'))).toBe(true);
    // no unprintable Chinese turned into '?': the only '?' is the QR URL's own
    expect(bytes.toString('latin1').split('?').length - 1).toBe(1);
  });

  it('やさしいにほんご: readings in brackets as text, the footer too; English: the English footer', async () => {
    const t = await issue('ja-easy', 'chuo-D');
    const job = printer.nextJob();
    await print(t.token, {});
    const bytes = await job;
    expect(has(bytes, sjis('この番号札(ばんごうふだ)を持(も)っていてください'))).toBe(true);
    const name = sjis('マイナンバーカード');
    expect(bytes.indexOf(name, bytes.indexOf(name) + 1)).toBe(-1); // not twice
    const e = await issue('en');
    const job2 = printer.nextJob();
    await print(e.token, {});
    expect(has(await job2, Buffer.from('Please keep this ticket\n'))).toBe(true);
  });

  it('refuses a bad image and prints nothing', async () => {
    const t = await issue('ko');
    for (const raster of [{ width: 15, height: 3, data: 'AAAA' }, { width: 16, height: 3, data: 'AAAA' }, { width: 640, height: 1, data: 'AA==' }, { width: 16, height: 3, data: '%%%' }]) {
      const r = await print(t.token, { raster });
      expect(r.status, JSON.stringify(raster)).toBe(400);
      expect(r.body.error?.code).toBe('INVALID_INPUT');
    }
    expect(printer.jobs).toHaveLength(0);
  });
});
