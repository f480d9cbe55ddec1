import type { Engine } from './engine.js';
import type { Clock } from './queue/clock.js';
import type { DB } from './store/db.js';
import type { Logger } from './log.js';
import type { Principal } from './auth/sessions.js';

/** Everything a transport needs, injected (no module singletons). */
export interface AppContext {
  db: DB;
  engine: Engine;
  clock: Clock;
  log: Logger;
  /** Directory with the built web apps (dist/web); null to serve the API only. */
  webRoot: string | null;
  /** Set once socket.io is up: cut off sockets of revoked sessions or devices at once. */
  /** Ticket issue limit per kiosk device (token bucket); absent = no limit. */
  kioskIssueLimiter?: import('./security/rateLimit.js').TokenBuckets;
  /** Set once socket.io is up: cut off sockets whose session expired or device was revoked (runs every 30 s by itself). */
  sweepSockets?: () => void;
  /** "Your turn is near" notices (issue 16, server/notify), set by the visits router. */
  notify?: import('./notify/outbox.js').NotifyService;
  disconnectWhere?: (pred: (p: Principal) => boolean, reason: 'revoked' | 'disabled' | 'logout' | 'expired') => void;
}
