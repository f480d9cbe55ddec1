import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../common/events.js';
import type { ActorRole } from '../../common/types.js';
import { COMMAND_ROUTES, QUERY_ROUTES, ROLES, SOCKET_ROUTES } from '../access.js';
import { connectSocket, emitAck, http, login, startTestServer, waitFor, type TestServer } from '../testing.js';

/**
 * The role table test: every HTTP route and socket event of server/access.ts, for every role.
 * An allowed role must not get 401/403; any other role gets 401 (none) or 403. Routes added later
 * by other features are picked up because the test reads the table.
 */
let srv: TestServer;
const cookies = new Map<ActorRole, string>();
const STAFF_LOGIN: Partial<Record<ActorRole, string>> = { clerk: 'clerk1', supervisor: 'supervisor', admin: 'admin' };

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

/** Placeholders of example paths: the office is the test office (office scope passes); other ids name nothing. */
function fill(path: string): string {
  return path
    .replace('{office}', srv.officeId)
    .replace(':officeId', srv.officeId)
    .replace(/\{[a-zA-Z]+\}/g, 'no-such-id')
    .replace(/:[a-zA-Z]+/g, 'no-such-id');
}

async function credentials(role: ActorRole): Promise<{ cookie?: string; device?: string }> {
  if (role === 'kiosk') return { device: srv.kioskToken };
  if (role === 'display') return { device: srv.displayToken };
  const name = STAFF_LOGIN[role];
  if (!name) return {};
  // A route may end the session (logout, password change): sign in again whenever it has.
  let cookie = cookies.get(role);
  if (cookie) {
    const me = await http<{ data: { kind: string } }>(srv.url, 'GET', '/api/auth/me', undefined, { cookie });
    if (me.body.data?.kind !== 'staff') cookie = undefined;
  }
  if (!cookie) {
    cookie = await login(srv.url, name);
    cookies.set(role, cookie);
  }
  return { cookie };
}

function expectAccess(role: ActorRole, allowed: ActorRole[], status: number, what: string) {
  if (allowed.includes(role)) expect([401, 403], `${what} as ${role} should be allowed, got ${status}`).not.toContain(status);
  else expect(status, `${what} as ${role}`).toBe(role === 'none' ? 401 : 403);
}

describe('access table: every route × every role', () => {
  it('HTTP query routes (by their example path)', async () => {
    expect(QUERY_ROUTES.length).toBeGreaterThan(10);
    for (const route of QUERY_ROUTES) {
      for (const role of ROLES) {
        const body = route.method === 'GET' ? undefined : {};
        const r = await http(srv.url, route.method, fill(route.example), body, await credentials(role));
        expectAccess(role, route.roles, r.status, `${route.method} ${route.example}`);
      }
    }
  }, 120_000);

  it('HTTP command routes', async () => {
    for (const route of COMMAND_ROUTES) {
      for (const role of ROLES) {
        const r = await http(srv.url, 'POST', fill(route.path), {}, await credentials(role));
        expectAccess(role, route.roles, r.status, `POST ${route.path}`);
      }
    }
  }, 120_000);

  it('socket events (emit + ack)', async () => {
    for (const role of ROLES) {
      const c = await credentials(role);
      const socket = connectSocket(srv.url, { cookie: c.cookie, deviceToken: c.device });
      await waitFor(() => socket.connected, 5000, `${role} socket`);
      for (const route of SOCKET_ROUTES) {
        const reply = await emitAck<Reply<unknown>>(socket, route.event, route.event === 'office:subscribe' ? { officeId: srv.officeId } : {});
        const code = 'error' in reply ? reply.error.code : null;
        if (route.roles.includes(role)) expect(['UNAUTHENTICATED', 'FORBIDDEN'], `${route.event} as ${role}`).not.toContain(code);
        else expect(code, `${route.event} as ${role}`).toBe(role === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
      socket.disconnect();
    }
  }, 120_000);
});
