import { AppError } from '../../common/errors.js';

/**
 * A token bucket per key (a kiosk device): `perMinute` tokens refill evenly, at most `burst`
 * saved up. A stuck or abused kiosk gets 429 RATE_LIMITED and nothing is issued.
 */
export interface BucketLimit {
  perMinute: number;
  burst: number;
}

export const DEFAULT_KIOSK_ISSUE_LIMIT: BucketLimit = { perMinute: 30, burst: 10 };

/** Elapsed-time source of the limiter: monotonic, so setting the wall clock back or forward neither empties nor fills a bucket. */
export type MonotonicNow = () => number;
export const monotonicNow: MonotonicNow = () => performance.now();

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /**
   * `now` is a monotonic clock (performance.now by default), never the business clock: a rate is
   * about elapsed time, and the wall clock may be set back an hour (which left a kiosk's bucket
   * empty for that hour) or forward. Tests pass a hand-moved one.
   */
  constructor(readonly limit: BucketLimit, private readonly now: MonotonicNow = monotonicNow) {}

  /** Take one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const refill = ((now - b.at) / 60_000) * this.limit.perMinute;
    b.tokens = Math.min(this.limit.burst, b.tokens + Math.max(0, refill));
    b.at = Math.max(b.at, now);
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }

  takeOrThrow(key: string): void {
    if (!this.take(key)) throw new AppError('RATE_LIMITED', { reason: 'ticket issue rate limit for this kiosk' });
  }
}

/**
 * The kiosk issue limit from the environment: `MADOGUCHI_KIOSK_ISSUE_LIMIT=30/10` (per minute /
 * burst), `off` to disable. Unset → 30 per minute, burst 10.
 */
export function kioskIssueLimitFromEnv(value = process.env.MADOGUCHI_KIOSK_ISSUE_LIMIT): BucketLimit | null {
  if (!value) return DEFAULT_KIOSK_ISSUE_LIMIT;
  if (value === 'off' || value === '0') return null;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) return DEFAULT_KIOSK_ISSUE_LIMIT;
  return { perMinute: Number(m[1]), burst: Math.max(1, Number(m[2])) };
}
