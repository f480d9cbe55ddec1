import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { AppContext } from './context.js';
import { dayTurnGuardFor, Engine } from './engine.js';
import { createHttpApp } from './http/app.js';
import { logger, type Logger } from './log.js';
import type { Clock } from './queue/clock.js';
import { systemClock } from './queue/clock.js';
import type { RealtimeLimits } from './realtime/limits.js';
import { createRealtime } from './realtime/socket.js';
import type { DB } from './store/db.js';
import { kioskIssueLimitFromEnv, TokenBuckets, type BucketLimit, type MonotonicNow } from './security/rateLimit.js';

export interface AppOptions {
  db: DB;
  clock?: Clock;
  log?: Logger;
  webRoot?: string | null;
  /** Housekeeping interval (close of day, pruning); 0 disables the timer (tests call tick()). */
  tickMs?: number;
  newId?: () => string;
  newToken?: () => string;
  /** Feature routers added by other modules (reports, admin …), mounted after the core routes. */
  routers?: (ctx: AppContext) => Router[];
  /** Ticket issue limit per kiosk (token bucket); null = none. Default from MADOGUCHI_KIOSK_ISSUE_LIMIT or 30/min burst 10. */
  kioskIssueLimit?: BucketLimit | null;
  /** Monotonic clock of the rate limiter (default performance.now); tests move it by hand. */
  monotonic?: MonotonicNow;
  /** Socket limits (event budget, unsent output, anonymous sockets per address); unset fields from MADOGUCHI_SOCKET_* or the defaults. */
  realtime?: Partial<RealtimeLimits>;
}

export interface Application {
  ctx: AppContext;
  engine: Engine;
  httpServer: HttpServer;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Build the whole application around an open, migrated database. Only main.ts listens for real. */
export function createApplication(opts: AppOptions): Application {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? logger;
  // The day turn refuses wall-clock jumps measured against the housekeeping interval (30 s also when tests drive tick()).
  const engine = new Engine({ db: opts.db, clock, log, newId: opts.newId, newToken: opts.newToken, dayTurnGuard: dayTurnGuardFor(opts.tickMs || 30_000) });
  const ctx: AppContext = { db: opts.db, engine, clock, log, webRoot: opts.webRoot ?? null };
  const issueLimit = opts.kioskIssueLimit === undefined ? kioskIssueLimitFromEnv() : opts.kioskIssueLimit;
  if (issueLimit) ctx.kioskIssueLimiter = new TokenBuckets(issueLimit, opts.monotonic);
  const app = createHttpApp(ctx, opts.routers?.(ctx) ?? []);
  const httpServer = createServer(app);
  const realtime = createRealtime(ctx, httpServer, opts.realtime);
  ctx.disconnectWhere = realtime.disconnectWhere;
  ctx.sweepSockets = realtime.sweep;
  const housekeeping = () => {
    try {
      engine.tick();
    } catch (err) {
      ctx.log.error({ err }, 'housekeeping failed');
    }
  };
  housekeeping(); // at start too: a read-only or busy database must not keep the server from answering (503s, health)
  const timer = opts.tickMs === 0 ? null : setInterval(housekeeping, opts.tickMs ?? 30_000);
  timer?.unref();

  return {
    ctx,
    engine,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    close: async () => {
      if (timer) clearInterval(timer);
      ctx.notify?.close(); // issue 16: stop the notice outbox
      await realtime.close();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
