import type { DB } from '../../server/store/db.js';
import { dbDigest } from './dump.js';

/**
 * Tells whether an input changed the stored state, cheaply enough for 100,000 inputs. The server
 * under fuzz runs in this process on the same connection, so `total_changes()` counts every row it
 * writes and `PRAGMA data_version` moves when any other connection commits: while both stand still,
 * nothing was written and no digest is needed. When either moved, the full digest of every table
 * (`dbDigest`, which leaves out the designed effects of a refused sign-in) decides.
 */
export class StateWatch {
  private fp = '';
  private digest = '';

  constructor(private readonly db: DB) {
    this.mark();
  }

  fingerprint(): string {
    const t = (this.db.prepare('SELECT total_changes() AS t').get() as { t: number }).t;
    return `${t}:${String(this.db.pragma('data_version', { simple: true }))}`;
  }

  /** Take the state before an input (recomputes the digest only if something was written since the last mark). */
  mark(): void {
    const fp = this.fingerprint();
    if (fp === this.fp && this.digest) return;
    this.fp = fp;
    this.digest = dbDigest(this.db);
  }

  /** After an input: did the stored state change since `mark()`? */
  changed(): boolean {
    const fp = this.fingerprint();
    if (fp === this.fp) return false;
    const d = dbDigest(this.db);
    this.fp = fp;
    const changed = d !== this.digest;
    this.digest = d;
    return changed;
  }
}
