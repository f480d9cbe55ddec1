import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { AppError } from '../../common/errors.js';
import type { ClientToServerEvents, Reply, ServerToClientEvents } from '../../common/events.js';
import { subscribeSchema, type CommandName } from '../../common/schemas.js';
import { SOCKET_ROUTES } from '../access.js';
import { devicePrincipal, isDeviceValid, isSessionValid, readCookie, SESSION_COOKIE, sessionPrincipal, type Principal } from '../auth/sessions.js';
import { submitCommand } from '../commands.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess, roleOf } from '../http/auth.js';
import { toAppError } from '../http/errors.js';
import { DisplayVoiceBoard } from './displayVoice.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type Sock = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
interface SocketData {
  principal: Principal;
  officeId: string | null;
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

/**
 * socket.io with typed events. A client authenticates with the staff session cookie or a device
 * token (`auth: { deviceToken }`), subscribes to one office, and from then on receives a full
 * snapshot after every change (coalesced per tick), carrying the office version.
 */
export function createRealtime(ctx: AppContext, httpServer: HttpServer): { io: IO; disconnectWhere: (pred: (p: Principal) => boolean, reason: 'revoked' | 'disabled' | 'logout' | 'expired') => void; sweep: () => void; close: () => Promise<void> } {
  const voiceBoard = new DisplayVoiceBoard();
  const io: IO = new Server(httpServer, { serveClient: false, cors: undefined, maxHttpBufferSize: 64 * 1024, pingInterval: 10_000, pingTimeout: 8_000 });

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { deviceToken?: unknown } | undefined;
    const token = typeof auth?.deviceToken === 'string' ? auth.deviceToken : null;
    if (token) {
      const p = devicePrincipal(ctx.db, token);
      if (!p) return next(Object.assign(new Error('UNAUTHENTICATED'), { data: new AppError('UNAUTHENTICATED').toBody() }));
      socket.data.principal = p;
    } else {
      const cookie = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      socket.data.principal = (cookie && sessionPrincipal(ctx.db, cookie, ctx.clock.now())) || { kind: 'none' };
    }
    socket.data.officeId = null;
    next();
  });

  io.on('connection', (socket: Sock) => {
    const p = socket.data.principal;
    if (p.kind === 'device') subscribe(socket, p.device.officeId);

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
        const { officeId } = subscribeSchema.parse(payload);
        if (!ctx.engine.hasOffice(officeId)) throw new AppError('OFFICE_NOT_FOUND');
        assertOfficeAccess(socket.data.principal, officeId);
        return subscribe(socket, officeId);
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

    // An event nobody handles still gets an answer when the client waits for one.
    const known = new Set(SOCKET_ROUTES.map((r) => r.event));
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && known.has(event)) return;
      handle(args, () => {
        throw new AppError('NOT_FOUND');
      });
    });

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

  function subscribe(socket: Sock, officeId: string) {
    for (const room of socket.rooms) if (room.startsWith('office:')) void socket.leave(room);
    socket.data.officeId = officeId;
    const isStaff = socket.data.principal.kind === 'staff';
    void socket.join(isStaff ? rooms.staff(officeId) : rooms.public(officeId));
    const snap = isStaff ? ctx.engine.staffSnapshot(officeId) : ctx.engine.publicSnapshot(officeId);
    socket.emit('office:snapshot', snap);
    return snap;
  }

  // One broadcast per office per tick, however many commands ran in it.
  const pending = new Set<string>();
  const unsubscribe = ctx.engine.onChange((officeId) => {
    if (pending.has(officeId)) return;
    pending.add(officeId);
    setImmediate(() => {
      pending.delete(officeId);
      if (!ctx.engine.hasOffice(officeId)) return;
      if (io.sockets.adapter.rooms.get(rooms.public(officeId))?.size) io.to(rooms.public(officeId)).emit('office:snapshot', ctx.engine.publicSnapshot(officeId));
      if (io.sockets.adapter.rooms.get(rooms.staff(officeId))?.size) io.to(rooms.staff(officeId)).emit('office:snapshot', ctx.engine.staffSnapshot(officeId));
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
      if (reason) {
        s.emit('session:ended', { reason });
        s.disconnect(true);
      }
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
    close: () => {
      clearInterval(sweepTimer);
      unsubscribe();
      return new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
