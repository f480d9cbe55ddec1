import fc from 'fast-check';
import type { CommandResult, Reply } from '../../common/events.js';
import { commandSchemas, type CommandName } from '../../common/schemas.js';
import type { ActorRole } from '../../common/types.js';
import { COMMAND_ROUTES, QUERY_ROUTES, SOCKET_ROUTES } from '../../server/access.js';
import { cid, connectSocket, http, login, startTestServer, waitFor, type TestServer, type TestSocket } from '../../server/testing.js';
import { StateWatch } from './state.js';

/**
 * Fuzzing (rule 9): every HTTP route of the access table (commands and queries, with example
 * paths) and every socket event, with random and malformed input (wrong types, huge strings,
 * nested junk, missing fields, non-JSON bodies, junk path parameters, extra socket arguments), as
 * each role. A violation is: a 5xx or INTERNAL, a socket event that never answers although a
 * callback was given, a refused request (4xx) that changed the database, or a dead server.
 */
export interface FuzzSummary {
  inputs: number;
  httpInputs: number;
  socketInputs: number;
  accepted: number;
  refused: number;
  /** HTTP requests that failed at the network level once and were sent again. */
  retried: number;
  /** Refused inputs (4xx / error reply) after which the stored state differed: must be 0 (rule 9). */
  stateChangesFromRefused: number;
  /** HTTP answers ≥ 500 and socket replies INTERNAL: must be 0. */
  serverErrors: number;
  /** Socket events with a callback that got no answer on a connected socket: must be 0. */
  unanswered: number;
  /** Refusals by a limit (HTTP 429, error codes naming a limit or rate): expected, counted in `refused` too. */
  limited: number;
  /** Sockets the server closed (e.g. flooding past the event budget, over-size frames): expected refusals, reconnected. */
  serverDisconnects: number;
  /** Floods: one input sent `burstSize` times at once on one socket, without waiting (each counts as an input). */
  bursts: number;
  /** Socket (re)connections that failed (e.g. a cap on sockets per address); retried after a pause. */
  connectFailures: number;
  violations: string[];
}

export interface FuzzOptions {
  httpRuns?: number;
  socketRuns?: number;
  seed?: number;
  log?: (s: string) => void;
  /** Extra options for createApplication (e.g. raised socket limits); the defaults apply otherwise. */
  serverOptions?: Record<string, unknown>;
  /** Environment set while the server is created (for limits read from env), restored afterwards. */
  serverEnv?: Record<string, string>;
  /** Pause between socket inputs, ms (0 = as fast as answers come). */
  socketPaceMs?: number;
  /** Every this many socket inputs, flood: the input is sent `burstSize` times at once (past a per-socket event budget of 20/s, burst 40). */
  burstEvery?: number;
  burstSize?: number;
}

const LIMIT_CODE = /LIMIT|RATE|TOO_MANY|BUSY|THROTTL|FLOOD/;

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };

const junk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constant('x'.repeat(5000)),
    fc.constant('番'.repeat(3000)),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.object({ maxDepth: 3 }),
    fc.constant({ __proto__: { admin: true } }),
    fc.constant('__proto__'),
  );

/** A valid-looking payload for a command, from the ids that exist. */
function template(name: CommandName, ids: Ids): Record<string, unknown> {
  const shape = (commandSchemas[name] as unknown as { shape: Record<string, unknown> }).shape;
  const all: Record<string, unknown> = {
    commandId: cid('fuzz'), officeId: 'chuo', serviceId: 'chuo-B', counterId: ids.counter, stepId: ids.step, ticketId: ids.ticket,
    number: 'A-001', position: 'front', priority: false, priorityReason: null, lang: 'ja',
  };
  return Object.fromEntries(Object.keys(shape).map((k) => [k, all[k]]));
}

interface Ids {
  counter: string;
  step: string;
  ticket: string;
  token: string;
}

function mutate(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant('commandId');
  return fc.oneof(
    fc.constant(base),
    key.map((k) => Object.fromEntries(Object.entries(base).filter(([x]) => x !== k))), // missing field
    fc.tuple(key, junk()).map(([k, v]) => ({ ...base, [k]: v })), // wrong type / huge / nested
    fc.tuple(fc.string({ maxLength: 12 }), junk()).map(([k, v]) => ({ ...base, [k || 'extra']: v })), // unknown field
    fc.constant({ ...base, commandId: 'short' }),
  );
}

function bodyArb(base: Record<string, unknown> | null): fc.Arbitrary<Body> {
  return fc.oneof(
    (base ? mutate(base) : fc.jsonValue({ maxDepth: 3 })).map((value): Body => ({ kind: 'json', value })),
    junk().map((value): Body => ({ kind: 'json', value })),
    fc.jsonValue({ maxDepth: 4 }).map((value): Body => ({ kind: 'json', value })),
    fc.string({ maxLength: 60 }).map((text): Body => ({ kind: 'raw', text, contentType: 'application/json' })), // not JSON
    fc.constant<Body>({ kind: 'raw', text: '{"a":', contentType: 'application/json' }),
    fc.constant<Body>({ kind: 'raw', text: JSON.stringify({ s: 'x'.repeat(100_000) }), contentType: 'application/json' }), // over the body limit
    fc.string({ maxLength: 60 }).map((text): Body => ({ kind: 'raw', text, contentType: 'text/plain' })),
    fc.constant<Body>({ kind: 'none' }),
  );
}

function paramArb(name: string, ids: Ids): fc.Arbitrary<string> {
  const real: Record<string, string[]> = { officeId: ['chuo', 'nowhere'], counterId: [ids.counter, 'chuo-c2'], stepId: [ids.step], ticketId: [ids.ticket], token: [ids.token] };
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(real[name] ?? ['x'])) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || 'x') },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', 'a'.repeat(3000), '%00', 'null', '0') },
  );
}

interface HttpInput {
  role: ActorRole;
  method: string;
  path: string;
  body: Body;
  idempotencyKey: string | null;
}

function httpArb(ids: Ids): fc.Arbitrary<HttpInput> {
  const routes = [
    ...COMMAND_ROUTES.map((r) => ({ method: 'POST', path: r.path, base: template(r.name, ids) as Record<string, unknown> | null })),
    ...QUERY_ROUTES.map((r) => ({ method: r.method, path: r.path, base: null as Record<string, unknown> | null })),
  ];
  return fc
    .tuple(fc.constantFrom(...routes), fc.constantFrom<ActorRole>('none', 'kiosk', 'display', 'clerk', 'supervisor', 'admin'), fc.option(fc.string({ maxLength: 120 }), { freq: 4 }))
    .chain(([route, role, idem]) => {
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      return fc.tuple(fc.tuple(...names.map((n) => paramArb(n, ids))), bodyArb(route.base)).map(([values, body]) => {
        let path = route.path;
        names.forEach((n, i) => (path = path.replace(`:${n}`, values[i]!)));
        return { role, method: route.method, path, body, idempotencyKey: idem } satisfies HttpInput;
      });
    });
}

interface SocketInput {
  role: ActorRole;
  event: string;
  /** Arguments before the callback. */
  args: unknown[];
  withAck: boolean;
}

function socketArb(ids: Ids): fc.Arbitrary<SocketInput> {
  const events = [...SOCKET_ROUTES.map((r) => r.event), 'no:such-event', 'disconnect-me', 'constructor'];
  return fc.tuple(fc.constantFrom(...events), fc.constantFrom<ActorRole>('none', 'kiosk', 'display', 'clerk', 'supervisor', 'admin')).chain(([event, role]) => {
    const route = COMMAND_ROUTES.find((r) => r.name === event);
    const base = route ? template(route.name, ids) : event === 'office:subscribe' ? { officeId: 'chuo' } : {};
    const payload = fc.oneof(mutate(base), junk(), fc.constant(undefined));
    const args = fc.oneof(
      { weight: 4, arbitrary: payload.map((p) => [p]) },
      { weight: 1, arbitrary: fc.constant([] as unknown[]) },
      { weight: 1, arbitrary: fc.tuple(payload, junk()).map((a) => a as unknown[]) }, // extra argument before the callback
      { weight: 1, arbitrary: fc.tuple(payload, junk(), junk()).map((a) => a as unknown[]) },
    );
    return fc.tuple(args, fc.integer({ min: 0, max: 9 })).map(([a, n]) => ({ role, event, args: a, withAck: n < 8 || a.length !== 1 }));
  });
}

function bodyInit(b: Body): { body?: string; contentType?: string } {
  if (b.kind === 'none') return {};
  if (b.kind === 'raw') return { body: b.text, contentType: b.contentType };
  return { body: JSON.stringify(b.value) ?? 'null', contentType: 'application/json' };
}

export async function runFuzz(opts: FuzzOptions = {}): Promise<FuzzSummary> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? Date.now() % 1_000_000;
  const saved = Object.fromEntries(Object.keys(opts.serverEnv ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, opts.serverEnv ?? {});
  let srv: TestServer;
  try {
    srv = await startTestServer({ ...(opts.serverOptions as Parameters<typeof startTestServer>[0]) });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const out: FuzzSummary = {
    inputs: 0, httpInputs: 0, socketInputs: 0, accepted: 0, refused: 0, retried: 0,
    stateChangesFromRefused: 0, serverErrors: 0, unanswered: 0, limited: 0, serverDisconnects: 0, bursts: 0, connectFailures: 0, violations: [],
  };
  const violation = (s: string) => {
    if (out.violations.length < 50) out.violations.push(s);
  };
  try {
    // Some live state so that real ids exist: tickets waiting, one called at a counter.
    const clerkCookie = await login(srv.url, 'clerk1');
    for (const s of ['chuo-A', 'chuo-B', 'chuo-B', 'chuo-C']) await http(srv.url, 'POST', '/api/offices/chuo/tickets', { commandId: cid(), serviceId: s }, { device: srv.kioskToken });
    await http(srv.url, 'POST', '/api/counters/chuo-c1/open', { commandId: cid() }, { cookie: clerkCookie });
    const called = await http<{ data: CommandResult }>(srv.url, 'POST', '/api/counters/chuo-c1/call-next', { commandId: cid() }, { cookie: clerkCookie });
    const ticketRow = srv.db.prepare('SELECT id, token FROM tickets ORDER BY issued_at DESC LIMIT 1').get() as { id: string; token: string };
    const ids: Ids = { counter: 'chuo-c1', step: called.body.data.stepId ?? 'x', ticket: ticketRow.id, token: ticketRow.token };

    const cookies = new Map<ActorRole, string>();
    const relogin = async (role: ActorRole) => {
      const name = role === 'clerk' ? 'clerk1' : role;
      try {
        cookies.set(role, await login(srv.url, name));
      } catch (err) {
        if (!cookies.has(role)) throw err; // an accepted admin input may change a password or lock an account: keep the old cookie
      }
    };
    const watch = new StateWatch(srv.db);
    for (const r of ['clerk', 'supervisor', 'admin'] as const) await relogin(r);
    const auth = (role: ActorRole): { cookie?: string; device?: string } =>
      role === 'kiosk' ? { device: srv.kioskToken } : role === 'display' ? { device: srv.displayToken } : role === 'none' ? {} : { cookie: cookies.get(role)! };

    // HTTP.
    for (const input of fc.sample(httpArb(ids), { numRuns: opts.httpRuns ?? 300, seed })) {
      out.inputs++;
      out.httpInputs++;
      const a = auth(input.role);
      const { body, contentType } = bodyInit(input.body);
      const headers: Record<string, string> = {};
      if (contentType) headers['Content-Type'] = contentType;
      if (a.cookie) headers.Cookie = a.cookie;
      if (a.device) headers.Authorization = `Bearer ${a.device}`;
      if (input.idempotencyKey !== null) headers['Idempotency-Key'] = input.idempotencyKey.replace(/[^\x20-\x7e]/g, '?');
      watch.mark();
      let status = 0;
      let text = '';
      // A kept-alive connection closed by the server just as it is reused fails at the network
      // level; the same request once more tells that race from a request that breaks the server.
      let failure: unknown = null;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const res = await fetch(`${srv.url}${input.path}`, { method: input.method, headers, body: input.method === 'GET' ? undefined : body });
          status = res.status;
          text = await res.text();
          failure = null;
          break;
        } catch (err) {
          failure = err;
          out.retried++;
        }
      }
      if (failure) {
        violation(`HTTP ${input.method} ${input.path} as ${input.role} body ${JSON.stringify(input.body).slice(0, 120)}: request failed twice (${String((failure as Error).cause ?? failure)})`);
        continue;
      }
      const what = `HTTP ${input.method} ${input.path.slice(0, 80)} as ${input.role} body ${JSON.stringify(input.body).slice(0, 120)}`;
      if (status >= 500) {
        out.serverErrors++;
        violation(`${what} → ${status} ${text.slice(0, 200)}`);
      } else if (status >= 400) {
        out.refused++;
        if (status === 429 || LIMIT_CODE.test(/"code":"([A-Z_]+)"/.exec(text)?.[1] ?? '')) out.limited++;
        if (watch.changed()) {
          out.stateChangesFromRefused++;
          violation(`${what} → ${status} but the database changed`);
        }
        if (!/^\{"error":\{"code":"[A-Z_]+","message":/.test(text)) violation(`${what} → ${status} without the error shape: ${text.slice(0, 120)}`);
      } else out.accepted++;
      if (input.path === '/api/auth/logout' && status === 200 && cookies.has(input.role)) await relogin(input.role);
      if (out.httpInputs % 2000 === 0) log(`fuzz: ${out.httpInputs} HTTP inputs, ${out.violations.length} violations`);
    }
    log(`fuzz: ${out.httpInputs} HTTP inputs`);

    // Sockets: one per role, reconnected when the server drops it (e.g. a frame over the size limit).
    const sockets = new Map<ActorRole, TestSocket>();
    // A socket the server closes (flooding past its event budget, too much unsent output, an
    // over-size frame) is an expected refusal: counted, and the role gets a new socket.
    const open = async (role: ActorRole): Promise<boolean> => {
      sockets.get(role)?.disconnect();
      for (let attempt = 0; attempt < 5; attempt++) {
        const a = auth(role);
        const s = connectSocket(srv.url, a.device ? { deviceToken: a.device } : { cookie: a.cookie });
        s.on('disconnect', (reason) => {
          if (reason === 'io server disconnect' || reason === 'transport close' || reason === 'transport error') out.serverDisconnects++;
        });
        try {
          await waitFor(() => s.connected, 5000, `socket ${role}`);
          sockets.set(role, s);
          return true;
        } catch {
          out.connectFailures++;
          s.disconnect();
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
      return false;
    };
    for (const r of ['none', 'kiosk', 'display', 'clerk', 'supervisor', 'admin'] as const) await open(r);
    let sinceBurst = 0;
    for (const input of fc.sample(socketArb(ids), { numRuns: opts.socketRuns ?? 300, seed: seed + 1 })) {
      out.inputs++;
      out.socketInputs++;
      if (opts.socketPaceMs) await new Promise((r) => setTimeout(r, opts.socketPaceMs));
      if (out.socketInputs % 2000 === 0) log(`fuzz: ${out.socketInputs} socket inputs, ${out.serverDisconnects} closed by the server, ${out.violations.length} violations`);
      let s = sockets.get(input.role);
      if (!s?.connected) {
        if (!(await open(input.role))) {
          violation(`socket as ${input.role}: cannot connect after 5 attempts`);
          continue;
        }
        s = sockets.get(input.role)!;
      }
      watch.mark();
      const what = `socket ${input.event} as ${input.role} args ${JSON.stringify(input.args)?.slice(0, 120)}`;
      const emit = s.emit as unknown as (ev: string, ...a: unknown[]) => void;
      if (opts.burstEvery && ++sinceBurst >= opts.burstEvery) {
        // A flood: the same input many times at once. Refusals by the event budget, and the socket
        // being cut, are expected; if every answer was a refusal the state must not have changed.
        sinceBurst = 0;
        const n = opts.burstSize ?? 100;
        out.bursts++;
        out.inputs += n - 1;
        out.socketInputs += n - 1;
        const sock = s;
        const drops = out.serverDisconnects;
        const replies = await Promise.all(
          Array.from({ length: n }, () =>
            new Promise<Reply<unknown> | 'timeout'>((resolve) => {
              const timer = setTimeout(() => resolve('timeout'), 3000);
              emit.call(sock, input.event, ...input.args, (r: Reply<unknown>) => {
                clearTimeout(timer);
                resolve(r);
              });
            }),
          ),
        );
        let allRefused = true;
        for (const r of replies) {
          if (r === 'timeout' || !r || typeof r !== 'object') allRefused = false;
          else if ('error' in r) {
            out.refused++;
            if (LIMIT_CODE.test(r.error.code)) out.limited++;
            if (r.error.code === 'INTERNAL') {
              out.serverErrors++;
              violation(`${what} (flood) → INTERNAL`);
            }
          } else {
            out.accepted++;
            allRefused = false;
          }
        }
        // A socket cut off (and reconnected by the client) leaves the events after the cut unanswered: expected.
        if (replies.includes('timeout') && out.serverDisconnects === drops) {
          out.unanswered++;
          violation(`${what} (flood of ${n}): no acknowledgement on a connected socket`);
        }
        if (allRefused && watch.changed()) {
          out.stateChangesFromRefused++;
          violation(`${what} (flood of ${n}): every answer a refusal but the database changed`);
        }
        continue;
      }
      if (!input.withAck) {
        emit.call(s, input.event, ...input.args);
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const drops = out.serverDisconnects;
      const reply = await new Promise<Reply<unknown> | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), 3000);
        emit.call(s, input.event, ...input.args, (r: Reply<unknown>) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
      if (reply === 'timeout') {
        if (out.serverDisconnects === drops) {
          out.unanswered++;
          violation(`${what}: no acknowledgement`);
        }
        continue;
      }
      if (!reply || typeof reply !== 'object' || !('data' in reply || 'error' in reply)) violation(`${what}: malformed reply ${JSON.stringify(reply)}`);
      else if ('error' in reply) {
        out.refused++;
        if (LIMIT_CODE.test(reply.error.code)) out.limited++;
        if (reply.error.code === 'INTERNAL') {
          out.serverErrors++;
          violation(`${what} → INTERNAL`);
        }
        if (watch.changed()) {
          out.stateChangesFromRefused++;
          violation(`${what} → ${reply.error.code} but the database changed`);
        }
      } else out.accepted++;
    }
    for (const s of sockets.values()) s.disconnect();
    log(`fuzz: ${out.socketInputs} socket inputs`);
    await new Promise((r) => setTimeout(r, 50)); // let the last emits without a callback land
    const health = await http(srv.url, 'GET', '/api/health');
    if (health.status !== 200) violation(`server unhealthy after fuzzing: ${health.status}`);
    return out;
  } finally {
    await srv.close();
  }
}
