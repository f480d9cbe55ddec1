import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { AppError } from '../../common/errors.js';
import type { ClientToServerEvents, Reply, ServerToClientEvents, SubscribeAck } from '../../common/events.js';
import { subscribeSchema, type CommandName } from '../../common/schemas.js';
import { SOCKET_ROUTES } from '../access.js';
import { devicePrincipal, isDeviceValid, isSessionValid, readCookie, SESSION_COOKIE, sessionPrincipal, type Principal } from '../auth/sessions.js';
import { submitCommand } from '../commands.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess, roleOf } from '../http/auth.js';
import { toAppError } from '../http/errors.js';
import { isCrossOrigin } from '../security/origin.js';
import { clientAddress, EventBudget, queuedBytes, realtimeLimitsFromEnv, terminateTransport, type RealtimeLimits } from './limits.js';
import { SnapshotCache, type Audience, type DeltaEntry, type SnapshotEntry } from './snapshots.js';
import { DisplayVoiceBoard } from './displayVoice.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type Sock = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
interface SocketData {
  principal: Principal;
  officeId: string | null;
  /** When the staff session ends (epoch ms of the injected clock); null for devices and anonymous sockets. */
  expiresAt: number | null;
  budget: EventBudget;
  /** Set once the server cut the socket off (budget or output cap). */
  cut: boolean;
  /** Issue 17: a staff socket that asked for deltas, and the staff revision it holds (-1: none). */
  deltas?: boolean;
  rev?: number;
}

/** Room names, built in one place. */
export const rooms = {
  public: (officeId: string) => `office:${officeId}:public`,
  staff: (officeId: string) => `office:${officeId}:staff`,
};

/**
 * socket.io passes the ack as the LAST argument, wherever it is. Split an event's arguments into
 * its payload and ack; more than one payload argument is malformed (answered INVALID_INPUT).
 */
export function splitArgs(args: unknown[]): { payload: unknown; ack: ((r: unknown) => void) | null; extra: boolean } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as (r: unknown) => void) : null;
  const rest = ack ? args.slice(0, -1) : args;
  return { payload: rest[0], ack, extra: rest.length > 1 };
}

/**
 * Run an event handler: malformed arguments and any throw become an error ack, never a crash.
 * A handler may return a promise (commands wait for the group commit); the ack follows it.
 */
function handle(args: unknown[], fn: (payload: unknown) => unknown): void {
  const { payload, ack, extra } = splitArgs(args);
  const send = (r: Reply<unknown>) => {
    if (!ack) return;
    try {
      ack(r);
    } catch {
      /* the client went away; nothing to tell */
    }
  };
  let out: unknown;
  try {
    if (extra) throw new AppError('INVALID_INPUT', { reason: 'one payload argument expected, then the acknowledgement callback' });
    out = fn(payload);
  } catch (err) {
    send(toAppError(err).toBody());
    return;
  }
  if (out instanceof Promise) out.then((data: unknown) => send({ data }), (err: unknown) => send(toAppError(err).toBody()));
  else send({ data: out });
}

/** Why the server cut a socket off (logged; see docs/API.md). */
export type CutReason = 'event-budget' | 'unsent-output';

export interface Realtime {
  io: IO;
  disconnectWhere: (pred: (p: Principal) => boolean, reason: 'revoked' | 'disabled' | 'logout' | 'expired') => void;
  sweep: () => void;
  close: () => Promise<void>;
  /** The limits in force (defaults ← environment ← options). */
  limits: RealtimeLimits;
  /** Shared snapshots (builds are counted for tests and measurements). */
  snapshots: SnapshotCache;
}

const refusal = (code: 'UNAUTHENTICATED' | 'CSRF_REJECTED' | 'TOO_MANY_CONNECTIONS', details?: unknown) =>
  Object.assign(new Error(code), { data: new AppError(code, details).toBody() });

/** The longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * socket.io with typed events. A client authenticates with the staff session cookie (same origin
 * only) or a device token (`auth: { deviceToken }`), subscribes to one office, and from then on
 * receives a full snapshot after every change (coalesced per tick), carrying the office version.
 * Every socket has an event budget and a cap on unsent output; anonymous sockets are capped per
 * address (server/realtime/limits.ts).
 */
export function createRealtime(ctx: AppContext, httpServer: HttpServer, options: Partial<RealtimeLimits> = {}): Realtime {
  const limits: RealtimeLimits = { ...realtimeLimitsFromEnv(), ...options };
  const io: IO = new Server(httpServer, { serveClient: false, cors: undefined, maxHttpBufferSize: 64 * 1024, pingInterval: 10_000, pingTimeout: 8_000, connectTimeout: 10_000 });
  const snapshots = new SnapshotCache(ctx.engine, ctx.clock, limits.snapshotMaxAgeMs, (officeId, audience) => (io.sockets.adapter.rooms.get(rooms[audience](officeId))?.size ?? 0) > 0);
  const anonymousByAddress = new Map<string, number>();
  const cutLog = new Map<string, { at: number; suppressed: number }>();
  const known = new Set<string>(SOCKET_ROUTES.map((r) => r.event));
  const voiceBoard = new DisplayVoiceBoard();

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { deviceToken?: unknown } | undefined;
    const token = typeof auth?.deviceToken === 'string' ? auth.deviceToken : null;
    socket.data.officeId = null;
    socket.data.expiresAt = null;
    socket.data.cut = false;
    if (token) {
      // A device token is not sent by a browser on its own: no origin rule.
      const p = devicePrincipal(ctx.db, token);
      if (!p) return next(refusal('UNAUTHENTICATED'));
      socket.data.principal = p;
      return next();
    }
    const headers = socket.handshake.headers;
    const cookie = readCookie(headers.cookie, SESSION_COOKIE);
    const p = cookie ? sessionPrincipal(ctx.db, cookie, ctx.clock.now()) : null;
    if (p) {
      // The browser sends the (Lax) cookie from any page of the same site: same rule as the HTTP CSRF guard.
      const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
      if (isCrossOrigin({ origin: one(headers.origin), host: one(headers.host), secFetchSite: one(headers['sec-fetch-site']) })) {
        return next(refusal('CSRF_REJECTED', { reason: 'a socket signed in with the session cookie must come from this server\'s own origin' }));
      }
      socket.data.principal = p;
      if (p.kind === 'staff') socket.data.expiresAt = sessionExpiry(p.sessionHash);
      return next();
    }
    socket.data.principal = { kind: 'none' };
    if (limits.maxAnonymousPerAddress > 0) {
      const address = clientAddress(socket.handshake.address, headers);
      const n = anonymousByAddress.get(address) ?? 0;
      if (n >= limits.maxAnonymousPerAddress) {
        return next(refusal('TOO_MANY_CONNECTIONS', { reason: 'anonymous connections per address', limit: limits.maxAnonymousPerAddress }));
      }
      anonymousByAddress.set(address, n + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const left = (anonymousByAddress.get(address) ?? 1) - 1;
        if (left > 0) anonymousByAddress.set(address, left);
        else anonymousByAddress.delete(address);
      };
      // A socket that never completes its connection still closes its engine connection.
      socket.on('disconnect', release);
      socket.conn.once('close', release);
    }
    next();
  });

  function sessionExpiry(hash: string): number | null {
    const row = ctx.db.prepare('SELECT expires_at FROM sessions WHERE id_hash = ?').get(hash) as { expires_at: number } | undefined;
    return row?.expires_at ?? null;
  }

  function endSession(socket: Sock, reason: 'revoked' | 'expired'): void {
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }

  /**
   * A staff socket whose session ended gets no more staff data: checked whenever something is sent
   * (the injected clock) and by a timer at the expiry (real time), not only by the 30-second sweep.
   */
  function staffStillValid(socket: Sock): boolean {
    const p = socket.data.principal;
    if (p.kind !== 'staff') return true;
    const exp = socket.data.expiresAt;
    if (exp !== null && ctx.clock.now() < exp) return true;
    if (isSessionValid(ctx.db, p.sessionHash, ctx.clock.now())) {
      socket.data.expiresAt = sessionExpiry(p.sessionHash);
      return true;
    }
    endSession(socket, 'expired');
    return false;
  }

  function armExpiry(socket: Sock): void {
    const exp = socket.data.expiresAt;
    if (socket.data.principal.kind !== 'staff' || exp === null) return;
    const timer = setTimeout(() => {
      if (!socket.connected) return;
      if (staffStillValid(socket)) armExpiry(socket);
    }, Math.min(MAX_TIMER_MS, Math.max(0, exp - ctx.clock.now())));
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  /** Cut a socket off at once, discarding what it has not read. */
  function cut(socket: Sock, reason: CutReason): void {
    if (socket.data.cut) return;
    socket.data.cut = true;
    // One log line per address and minute: a client that reconnects to flood again must not flood the log too.
    const address = clientAddress(socket.handshake.address, socket.handshake.headers);
    const t = limits.monotonicNow();
    const last = cutLog.get(address);
    if (!last || t - last.at >= 60_000) {
      if (cutLog.size > 10_000) cutLog.clear();
      cutLog.set(address, { at: t, suppressed: 0 });
      ctx.log.warn({ address, reason, queuedBytes: queuedBytes(socket.conn), principal: socket.data.principal.kind, suppressedSinceLast: last?.suppressed ?? 0 }, 'socket cut off');
    } else last.suppressed += 1;
    socket.disconnect(true);
    socket.conn.close(true);
    terminateTransport(socket.conn);
  }

  const queueCap = (socket: Sock) => (socket.data.principal.kind === 'staff' ? limits.maxQueuedBytesStaff : limits.maxQueuedBytesPublic);

  /** Over its cap of unsent output? Then it is cut off and nothing more is queued for it. */
  function overflowing(socket: Sock): boolean {
    if (queuedBytes(socket.conn) <= queueCap(socket)) return false;
    cut(socket, 'unsent-output');
    return true;
  }

  /** Send a shared snapshot (or staff delta) to one socket: the packet (and websocket frame) built once for all. */
  function deliver(socket: Sock, entry: SnapshotEntry, delta: DeltaEntry | null = null): boolean {
    if (!socket.connected || socket.data.cut || overflowing(socket)) return false;
    if (entry.audience === 'staff' && !staffStillValid(socket)) return false;
    const client = socket.client as unknown as { _packet: (p: string, o: { preEncoded: boolean; wsPreEncodedFrame?: Buffer[] }) => void };
    const out = delta ?? entry;
    client._packet(out.packet, out.frame ? { preEncoded: true, wsPreEncodedFrame: out.frame } : { preEncoded: true });
    if (entry.audience === 'staff') socket.data.rev = entry.rev;
    return true;
  }

  /**
   * Issue 17: a staff socket that asked for deltas gets the delta when it holds the revision the
   * delta starts from, nothing when it already holds this one, and the full snapshot otherwise
   * (it missed something, or the delta could not be made): a change can never be lost.
   */
  function deliverStaff(socket: Sock, entry: SnapshotEntry): boolean {
    if (!socket.data.deltas) return deliver(socket, entry);
    if (socket.data.rev === entry.rev) return true;
    const delta = snapshots.staffDelta(entry);
    return deliver(socket, entry, delta && delta.delta.baseRev === socket.data.rev ? delta : null);
  }

  io.on('connection', (socket: Sock) => {
    const p = socket.data.principal;
    socket.data.budget = new EventBudget(limits.eventsPerSecond, limits.eventBurst, limits.monotonicNow);
    armExpiry(socket);

    // Runs before every handler: the event budget, the output cap, and an answer for unknown events.
    socket.use((packet, next) => {
      const [event, ...args] = packet as unknown[];
      const verdict = socket.data.budget.take();
      if (verdict === 'cut') return cut(socket, 'event-budget');
      if (overflowing(socket)) return;
      if (verdict === 'refused') {
        return handle(args, () => {
          throw new AppError('RATE_LIMITED', { reason: 'socket event budget', perSecond: limits.eventsPerSecond, burst: limits.eventBurst });
        });
      }
      if (typeof event === 'string' && known.has(event)) return next();
      // An event nobody handles still gets an answer when the client waits for one.
      handle(args, () => {
        throw new AppError('NOT_FOUND');
      });
    });

    if (p.kind === 'device') {
      try {
        subscribe(socket, p.device.officeId);
      } catch (err) {
        // Its office is gone (deleted since the token was issued): nothing to follow; never a crash.
        ctx.log.warn({ err, deviceId: p.device.id }, 'device socket without an office');
      }
    }

    const guard = (event: string): void => {
      const route = SOCKET_ROUTES.find((r) => r.event === event);
      const role = roleOf(socket.data.principal);
      if (!route) throw new AppError('NOT_FOUND');
      // A staff session may have been revoked since the socket connected.
      const sp = socket.data.principal;
      // So may a device (revoked by an admin); admins also cut it off at once via disconnectWhere.
      if ((sp.kind === 'staff' && !isSessionValid(ctx.db, sp.sessionHash, ctx.clock.now())) || (sp.kind === 'device' && !isDeviceValid(ctx.db, sp.device.id))) {
        socket.emit('session:ended', { reason: 'revoked' });
        // Disconnect once the refusal (the ack) has gone out.
        setTimeout(() => socket.disconnect(true), 50);
        throw new AppError('UNAUTHENTICATED');
      }
      if (!route.roles.includes(role)) throw new AppError(role === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    };

    socket.on('office:subscribe', ((...args: unknown[]) =>
      handle(args, (payload) => {
        guard('office:subscribe');
        const { officeId, deltas } = subscribeSchema.parse(payload);
        if (!ctx.engine.hasOffice(officeId)) throw new AppError('OFFICE_NOT_FOUND');
        assertOfficeAccess(socket.data.principal, officeId);
        return subscribe(socket, officeId, deltas);
      })) as never);

    // Lobby display voice health (issue 11): a display reports its last announcement; the office's
    // staff get every display's last result at once and can ask for it when they subscribe.
    socket.on('display:voice', ((...args: unknown[]) =>
      handle(args, (payload) => {
        guard('display:voice');
        const status = voiceBoard.report(socket.data.principal, payload, ctx.clock.now());
        io.to(rooms.staff(status.officeId)).emit('display:voice-reported', voiceBoard.forOffice(status.officeId));
        return status;
      })) as never);
    socket.on('display:voice-status', ((...args: unknown[]) =>
      handle(args, () => {
        guard('display:voice-status');
        const officeId = socket.data.officeId;
        return officeId ? voiceBoard.forOffice(officeId) : [];
      })) as never);

    socket.on('session:whoami', ((...args: unknown[]) =>
      handle(args, () => {
        const sp = socket.data.principal;
        if (sp.kind === 'staff') return { kind: 'staff' as const, staff: sp.staff };
        if (sp.kind === 'device') return { kind: 'device' as const, device: sp.device };
        return { kind: 'none' as const };
      })) as never);

    for (const route of SOCKET_ROUTES) {
      if (route.event === 'office:subscribe' || route.event === 'session:whoami' || route.event.startsWith('display:')) continue;
      const name = route.event as CommandName;
      socket.on(name, ((...args: unknown[]) =>
        handle(args, (payload) => {
          guard(name);
          return submitCommand(ctx, socket.data.principal, name, payload);
        })) as never);
    }
  });

  /**
   * Join the office's room for this socket's audience and send it the current snapshot once (as
   * the `office:snapshot` event; the ack only names kind and version). Subscribing again to the
   * same room changes nothing and sends the cached snapshot again: no rebuild, no second copy.
   */
  function subscribe(socket: Sock, officeId: string, deltas = false): SubscribeAck {
    const audience: Audience = socket.data.principal.kind === 'staff' ? 'staff' : 'public';
    // Issue 17: a (re)subscribe is also the client's resync: it always gets the full snapshot.
    socket.data.deltas = audience === 'staff' && deltas;
    socket.data.rev = -1;
    const room = rooms[audience](officeId);
    if (!socket.rooms.has(room)) {
      for (const r of socket.rooms) if (r.startsWith('office:')) void socket.leave(r);
      socket.data.officeId = officeId;
      void socket.join(room);
    }
    const entry = snapshots.get(officeId, audience);
    deliver(socket, entry);
    return { kind: audience, version: entry.version, ...(audience === 'staff' ? { rev: entry.rev } : {}) };
  }

  // One broadcast per office per tick, however many commands ran in it; one build per audience.
  const pending = new Set<string>();
  const unsubscribe = ctx.engine.onChange((officeId) => {
    snapshots.invalidate(officeId);
    if (pending.has(officeId)) return;
    pending.add(officeId);
    setImmediate(() => {
      pending.delete(officeId);
      if (!ctx.engine.hasOffice(officeId)) return;
      for (const audience of ['public', 'staff'] as const) {
        const members = io.sockets.adapter.rooms.get(rooms[audience](officeId));
        if (!members?.size) continue;
        const entry = snapshots.get(officeId, audience);
        for (const id of [...members]) {
          const s = io.sockets.sockets.get(id);
          if (s) {
            if (audience === 'staff') deliverStaff(s, entry);
            else deliver(s, entry);
          }
        }
      }
    });
  });

  function disconnectWhere(pred: (p: Principal) => boolean, reason: 'revoked' | 'disabled' | 'logout' | 'expired') {
    for (const s of io.sockets.sockets.values()) {
      if (pred(s.data.principal)) {
        s.emit('session:ended', { reason });
        s.disconnect(true);
      }
    }
  }

  /** Sessions expire and devices may be revoked elsewhere: every half minute, cut off sockets whose credential ended. */
  function sweep() {
    const now = ctx.clock.now();
    for (const s of io.sockets.sockets.values()) {
      const p = s.data.principal;
      const reason = p?.kind === 'staff' && !isSessionValid(ctx.db, p.sessionHash, now) ? 'expired' : p?.kind === 'device' && !isDeviceValid(ctx.db, p.device.id) ? 'revoked' : null;
      if (reason) endSession(s, reason);
    }
  }
  const sweepTimer = setInterval(() => {
    try {
      sweep();
    } catch (err) {
      ctx.log.error({ err }, 'socket sweep failed');
    }
  }, 30_000);
  sweepTimer.unref();

  return {
    io,
    disconnectWhere,
    sweep,
    limits,
    snapshots,
    close: () => {
      clearInterval(sweepTimer);
      unsubscribe();
      return new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
