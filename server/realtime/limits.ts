import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Limits that keep one hostile socket from starving the office (issue 18). All in one object with
 * defaults; the environment (docs/OPERATIONS.md) overrides the defaults and the server options
 * (`createApplication({ realtime })`, used by tests and the soak/fuzz harness) override both.
 */
export interface RealtimeLimits {
  /** Events one socket may send per second, sustained (token bucket refill); 0 = no budget. */
  eventsPerSecond: number;
  /** Events one socket may send at once (bucket size). Over budget an event is answered RATE_LIMITED; another `eventBurst` events over it and the socket is disconnected. */
  eventBurst: number;
  /** Unsent output (engine.io write buffer + websocket buffer) above which a socket of the public audience (phones, displays, kiosks) is disconnected, in bytes. */
  maxQueuedBytesPublic: number;
  /** The same for staff sockets, which receive the larger staff snapshot, in bytes. */
  maxQueuedBytesStaff: number;
  /** Anonymous sockets (no cookie session, no device token) per client address; 0 = no cap. A lobby NAT puts hundreds of phones behind one address. */
  maxAnonymousPerAddress: number;
  /** A cached snapshot is rebuilt after this long even without a change (its `now`, hours and estimates move with time), in ms of the injected clock. */
  snapshotMaxAgeMs: number;
  /** Monotonic time in ms for the event budget (tests inject one); default `performance.now`. */
  monotonicNow: () => number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  eventsPerSecond: 20,
  eventBurst: 40,
  maxQueuedBytesPublic: 1024 * 1024, // ~70 public snapshots of a busy office
  maxQueuedBytesStaff: 16 * 1024 * 1024, // ~9 staff snapshots with 3,900 waiting
  maxAnonymousPerAddress: 500,
  snapshotMaxAgeMs: 1_000,
  monotonicNow: () => performance.now(),
};

const positiveInt = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v.trim());
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
};

/**
 * The limits from the environment over the defaults:
 * `MADOGUCHI_SOCKET_EVENTS=20/40` (per second / burst, `off` disables the budget),
 * `MADOGUCHI_SOCKET_QUEUE_KB=1024/16384` (unsent output per public / staff socket),
 * `MADOGUCHI_SOCKET_ANON_PER_ADDRESS=500` (`0` disables the cap). Malformed values keep the default.
 */
export function realtimeLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RealtimeLimits {
  const out = { ...DEFAULT_REALTIME_LIMITS };
  const events = env.MADOGUCHI_SOCKET_EVENTS?.trim();
  if (events === 'off' || events === '0') {
    out.eventsPerSecond = 0;
  } else if (events) {
    const m = /^(\d+)\/(\d+)$/.exec(events);
    if (m) {
      out.eventsPerSecond = Number(m[1]);
      out.eventBurst = Math.max(1, Number(m[2]));
    }
  }
  const queue = /^(\d+)\/(\d+)$/.exec(env.MADOGUCHI_SOCKET_QUEUE_KB?.trim() ?? '');
  if (queue) {
    out.maxQueuedBytesPublic = Math.max(64, Number(queue[1])) * 1024;
    out.maxQueuedBytesStaff = Math.max(64, Number(queue[2])) * 1024;
  }
  const anon = positiveInt(env.MADOGUCHI_SOCKET_ANON_PER_ADDRESS);
  if (anon !== null) out.maxAnonymousPerAddress = anon;
  return out;
}

/**
 * A token bucket for one socket on a monotonic clock (wall-clock jumps neither refill nor drain it).
 * `take()` answers 'ok', 'refused' (over budget: answer RATE_LIMITED) or 'cut' (kept sending
 * another `burst` events after being refused: disconnect). Tokens go into debt down to -burst.
 */
export class EventBudget {
  private tokens: number;
  private at: number;
  constructor(private readonly perSecond: number, private readonly burst: number, private readonly now: () => number) {
    this.tokens = burst;
    this.at = now();
  }

  take(): 'ok' | 'refused' | 'cut' {
    if (this.perSecond <= 0) return 'ok';
    const t = this.now();
    const refill = Math.max(0, t - this.at) / 1000 * this.perSecond;
    this.at = Math.max(this.at, t);
    this.tokens = Math.min(this.burst, this.tokens + refill);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    this.tokens -= 1;
    return this.tokens < -this.burst ? 'cut' : 'refused';
  }
}

/** What engine.io still holds for a client: its write buffer plus what the websocket has not handed to the kernel. */
interface EngineConn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/** Unsent output of one connection, in bytes (string lengths for queued text packets). */
export function queuedBytes(conn: unknown): number {
  const c = conn as EngineConn;
  let n = 0;
  for (const p of c.writeBuffer ?? []) {
    const d = p.data;
    if (typeof d === 'string') n += d.length;
    else if (d && typeof (d as ArrayBufferLike).byteLength === 'number') n += (d as ArrayBufferLike).byteLength;
  }
  const ws = c.transport?.socket;
  if (ws && typeof ws.bufferedAmount === 'number') n += ws.bufferedAmount;
  return n;
}

/** Drop the underlying websocket at once: a client that does not read would hold a graceful close (and its buffers) open. */
export function terminateTransport(conn: unknown): void {
  try {
    (conn as EngineConn).transport?.socket?.terminate?.();
  } catch {
    /* already gone */
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The client's address for the per-address cap. Like the HTTP app (`trust proxy: loopback`), a
 * connection from a reverse proxy on this machine is counted by the last `X-Forwarded-For` hop.
 */
export function clientAddress(address: string, headers: Record<string, string | string[] | undefined>): string {
  if (LOOPBACK.has(address)) {
    const xff = headers['x-forwarded-for'];
    const last = (Array.isArray(xff) ? xff.join(',') : xff ?? '').split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (last && isIP(last)) return last;
  }
  return address;
}
