import { afterEach, describe, expect, it } from 'vitest';
import { http, login, startTestServer, type TestServer } from '../testing.js';
import type { MissingTranslation } from './translations.js';

describe('GET /api/admin/offices/:officeId/translations (missing translations per service and language)', () => {
  let s: TestServer;
  afterEach(async () => s?.close());
  type Reply = { data: { complete: boolean; languages: string[]; missing: MissingTranslation[] } };

  it('warns per service, field and language, and clears when the text is added', async () => {
    s = await startTestServer();
    const admin = await login(s.url, 'admin');
    const get = async () => (await http<Reply>(s.url, 'GET', `/api/admin/offices/${s.officeId}/translations`, undefined, { cookie: admin })).body.data;
    const before = await get();
    expect(before.languages).toEqual(['en', 'zh', 'ko', 'vi', 'ja-easy']);
    expect(before.missing.filter((m) => m.kind === 'service')).toEqual([]); // the seed's services are complete

    // A service saved with Japanese and English only: 中文, 한국어, Tiếng Việt, やさしいにほんご missing.
    const created = await http<{ data: { id: string } }>(s.url, 'POST', `/api/admin/offices/${s.officeId}/services`, { prefix: 'K', name: { ja: '介護保険', en: 'Long-term care insurance' } }, { cookie: admin });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.data.id;
    const after = await get();
    expect(after.complete).toBe(false);
    expect(after.missing).toContainEqual({ kind: 'service', id, prefix: 'K', ja: '介護保険', field: 'name', missing: ['zh', 'ko', 'vi', 'ja-easy'] });
    // no description in Japanese → nothing to translate
    expect(after.missing.some((m) => m.id === id && m.field === 'description')).toBe(false);

    // The ticket footer set in Japanese only is reported too.
    await http(s.url, 'PATCH', `/api/admin/offices/${s.officeId}`, { texts: { ticketFooter: { ja: 'この番号札はお持ちください', en: 'Please keep this ticket' } } }, { cookie: admin });
    expect((await get()).missing).toContainEqual(expect.objectContaining({ kind: 'office', field: 'ticketFooter', missing: ['zh', 'ko', 'vi', 'ja-easy'] }));

    const full = { ja: '介護保険', en: 'Long-term care insurance', zh: '护理保险', ko: '개호보험', vi: 'Bảo hiểm chăm sóc dài hạn', 'ja-easy': '{介護|かいご}の{保険|ほけん}' };
    expect((await http(s.url, 'PATCH', `/api/admin/services/${id}`, { name: full }, { cookie: admin })).status).toBe(200);
    expect((await get()).missing.some((m) => m.id === id)).toBe(false);
    // A service hidden from the kiosk is not a resident text.
    await http(s.url, 'PATCH', `/api/admin/services/${id}`, { name: { ja: '介護保険' }, kioskVisible: false }, { cookie: admin });
    expect((await get()).missing.some((m) => m.id === id)).toBe(false);
  });

  it('is for admins of that office only', async () => {
    s = await startTestServer();
    const clerk = await login(s.url, 'clerk1');
    expect((await http(s.url, 'GET', `/api/admin/offices/${s.officeId}/translations`, undefined, { cookie: clerk })).status).toBe(403);
    expect((await http(s.url, 'GET', `/api/admin/offices/${s.officeId}/translations`)).status).toBe(401);
    const admin = await login(s.url, 'admin');
    expect((await http(s.url, 'GET', '/api/admin/offices/nowhere/translations', undefined, { cookie: admin })).status).toBeGreaterThanOrEqual(403);
  });
});
