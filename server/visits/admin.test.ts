import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../common/types.js';
import { http, login, startTestServer, type TestServer } from '../testing.js';

/** Admin settings of whole visits (issue 16): combinable services and their order, the 交付 service, the notices offered. */

let srv: TestServer;
afterEach(async () => srv?.close());

describe('visit settings', () => {
  it('sets a journey rank and a pickup service live; refuses a pickup service that is itself or elsewhere, and a bad webhook URL', async () => {
    srv = await startTestServer();
    const admin = await login(srv.url, 'admin');
    const patch = (path: string, body: unknown) => http<{ data: Service; error?: { code: string } }>(srv.url, 'PATCH', path, body, { cookie: admin });
    expect((await patch('/api/admin/services/chuo-A', { journeyRank: 1 })).body.data).toMatchObject({ journeyRank: 1, pickupServiceId: null });
    expect((await patch('/api/admin/services/chuo-E', { journeyRank: 2, pickupServiceId: 'chuo-D' })).body.data).toMatchObject({ journeyRank: 2, pickupServiceId: 'chuo-D' });
    // Live: the public snapshot carries it, and the kiosk can issue the journey.
    const snap = srv.app.engine.publicSnapshot('chuo');
    expect(snap.services.find((s) => s.id === 'chuo-E')).toMatchObject({ journeyRank: 2, pickupServiceId: 'chuo-D' });
    const r = await http<{ data: { ticket: { plan: string[] } } }>(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: 'journey-0001', serviceId: 'chuo-E', plan: ['chuo-A'] }, { device: srv.kioskToken });
    expect(r.body.data.ticket.plan).toEqual(['chuo-E']); // the office's order: A (1) before E (2)
    const self = await patch('/api/admin/services/chuo-E', { pickupServiceId: 'chuo-E' });
    expect(self.status).toBe(400);
    expect(self.body.error?.code).toBe('INVALID_INPUT');
    const elsewhere = await patch('/api/admin/services/chuo-E', { pickupServiceId: 'nowhere-X' });
    expect(elsewhere.body.error?.code).toBe('INVALID_INPUT');
    expect(srv.app.engine.state('chuo').services.get('chuo-E')?.pickupServiceId).toBe('chuo-D');
    const bad = await http<{ error: { code: string } }>(srv.url, 'PATCH', '/api/admin/offices/chuo', { notify: { webhookUrl: 'ftp://x' } }, { cookie: admin });
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    const ok = await http<{ data: { office: { notify: unknown } } }>(srv.url, 'PATCH', '/api/admin/offices/chuo', { notify: { email: true, webhookUrl: 'https://gateway.city.example/line' } }, { cookie: admin });
    expect(ok.body.data.office.notify).toEqual({ email: true, webhookUrl: 'https://gateway.city.example/line' });
    expect(srv.app.engine.state('chuo').office.notify?.webhookUrl).toBe('https://gateway.city.example/line');
  });
});
