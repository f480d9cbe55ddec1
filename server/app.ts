import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { AppContext } from './context.js';
import { Engine } from './engine.js';
import { createHttpApp } from './http/app.js';
import { logger, type Logger } from './log.js';
import type { Clock } from './queue/clock.js';
import { systemClock } from './queue/clock.js';
import type { RealtimeLimits } from './realtime/limits.js';
import { createRealtime } from './realtime/socket.js';
import type { DB } from './store/db.js';
import { kioskIssueLimitFromEnv, TokenBuckets, type BucketLimit } from './security/rateLimit.js';

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
  const engine = new Engine({ db: opts.db, clock, newId: opts.newId, newToken: opts.newToken });
  const ctx: AppContext = { db: opts.db, engine, clock, log: opts.log ?? logger, webRoot: opts.webRoot ?? null };
  const issueLimit = opts.kioskIssueLimit === undefined ? kioskIssueLimitFromEnv() : opts.kioskIssueLimit;
  if (issueLimit) ctx.kioskIssueLimiter = new TokenBuckets(issueLimit);
  const app = createHttpApp(ctx, opts.routers?.(ctx) ?? []);
  const httpServer = createServer(app);
  const realtime = createRealtime(ctx, httpServer, opts.realtime);
  ctx.disconnectWhere = realtime.disconnectWhere;
  ctx.sweepSockets = realtime.sweep;
  engine.tick();
  const timer = opts.tickMs === 0 ? null : setInterval(() => {
    try {
      engine.tick();
    } catch (err) {
      ctx.log.error({ err }, 'housekeeping failed');
    }
  }, opts.tickMs ?? 30_000);
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
      await realtime.close();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
