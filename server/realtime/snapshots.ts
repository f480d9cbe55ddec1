import { createRequire } from 'node:module';
import { diffStaff, type StaffDelta } from '../../common/delta.js';
import type { PublicSnapshot, StaffSnapshot } from '../../common/types.js';
import type { Engine } from '../engine.js';
import type { Clock } from '../queue/clock.js';

export type Audience = 'public' | 'staff';

/** One snapshot of one office for one audience, built and serialized once, shared by every socket. */
export interface SnapshotEntry {
  officeId: string;
  audience: Audience;
  version: number;
  builtAt: number;
  snapshot: PublicSnapshot | StaffSnapshot;
  /** The socket.io packet `2["office:snapshot",{…}]`, ready for the engine. */
  packet: string;
  /** The websocket frame of that packet (`4` + packet), when the `ws` sender can take it pre-framed. */
  frame: Buffer[] | null;
  /** Issue 17: the staff stream revision of this build (every staff build is a new one; 0 for public). */
  rev: number;
}

/** A staff delta ready to send: `2["office:staff-delta",{…}]` and its frame, built once for every socket. */
export interface DeltaEntry {
  delta: StaffDelta;
  packet: string;
  frame: Buffer[] | null;
}

interface WsSender {
  frame: (data: Buffer, opts: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }) => Buffer[];
}

/** `ws` is what engine.io and socket.io's adapter frame websocket messages with; found beside the adapter. */
function wsSender(): WsSender | null {
  try {
    const req = createRequire(import.meta.url);
    const ws = createRequire(req.resolve('socket.io-adapter'))('ws') as { Sender?: WsSender };
    return typeof ws.Sender?.frame === 'function' ? ws.Sender : null;
  } catch {
    return null;
  }
}
const sender = wsSender();

function frameOf(packet: string): Buffer[] | null {
  return sender ? sender.frame(Buffer.from(`4${packet}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }) : null;
}

/**
 * Snapshots per office and audience, rebuilt only when the office changed (the realtime layer
 * calls `invalidate` on every engine change, which also covers configuration reloads that keep the
 * version), when the version moved, or when the entry is older than `maxAgeMs` of the injected
 * clock (the snapshot's `now`, hours and estimates move with time). Subscribes and broadcasts all
 * send the same string and websocket frame: one build and one JSON.stringify per version.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, SnapshotEntry>();
  /** Snapshots built so far (tests and measurements). */
  builds = 0;
  /** Issue 17: per office, the last staff build (kept across invalidation: the next build is diffed against it) and its delta from the one before. */
  private readonly staffHeads = new Map<string, { entry: SnapshotEntry; prev: SnapshotEntry | null; delta: DeltaEntry | null }>();

  /**
   * `followed(officeId, audience)`: whether anyone follows that audience now. When both audiences of
   * an office need a new snapshot, both are built from one public build (issue 17: the service
   * list's estimates are the costliest part of either).
   */
  constructor(
    private readonly engine: Engine,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
    private readonly followed: (officeId: string, audience: Audience) => boolean = () => false,
  ) {}

  private fresh(officeId: string, audience: Audience, now: number): SnapshotEntry | null {
    const hit = this.entries.get(`${officeId}|${audience}`);
    const version = audience === 'staff' ? this.engine.version(officeId) : this.engine.publicVersion(officeId);
    return hit && hit.version === version && now >= hit.builtAt && now - hit.builtAt < this.maxAgeMs ? hit : null;
  }

  invalidate(officeId: string): void {
    this.entries.delete(`${officeId}|public`);
    this.entries.delete(`${officeId}|staff`);
  }

  /**
   * The delta from the staff build before `entry` to `entry` (computed once, on first ask), or null
   * when `entry` is not the newest staff build of its office or is the first one.
   */
  staffDelta(entry: SnapshotEntry): DeltaEntry | null {
    const head = this.staffHeads.get(entry.officeId);
    if (!head || head.entry !== entry || !head.prev) return head?.entry === entry ? head.delta : null;
    const delta = diffStaff(head.prev.snapshot as StaffSnapshot, entry.snapshot as StaffSnapshot, head.prev.rev, entry.rev);
    const packet = `2${JSON.stringify(['office:staff-delta', delta])}`;
    head.delta = { delta, packet, frame: frameOf(packet) };
    head.prev = null; // the older snapshot can go now
    return head.delta;
  }

  get(officeId: string, audience: Audience): SnapshotEntry {
    const now = this.clock.now();
    const hit = this.fresh(officeId, audience, now);
    if (hit) return hit;
    const other: Audience = audience === 'staff' ? 'public' : 'staff';
    if (!this.fresh(officeId, other, now) && this.followed(officeId, other)) {
      const both = this.engine.snapshots(officeId);
      this.store(officeId, other, both[other], now);
      return this.store(officeId, audience, both[audience], now);
    }
    return this.store(officeId, audience, audience === 'staff' ? this.engine.staffSnapshot(officeId) : this.engine.publicSnapshot(officeId), now);
  }

  private store(officeId: string, audience: Audience, snapshot: PublicSnapshot | StaffSnapshot, now: number): SnapshotEntry {
    const key = `${officeId}|${audience}`;
    const version = snapshot.version;
    this.builds += 1;
    const head = audience === 'staff' ? this.staffHeads.get(officeId) : undefined;
    const rev = audience === 'staff' ? (head?.entry.rev ?? 0) + 1 : 0;
    if (audience === 'staff') (snapshot as StaffSnapshot).rev = rev;
    // What socket.io's encoder makes of emit('office:snapshot', snapshot) on the main namespace.
    const packet = `2${JSON.stringify(['office:snapshot', snapshot])}`;
    const entry: SnapshotEntry = { officeId, audience, version, builtAt: now, snapshot, packet, frame: frameOf(packet), rev };
    this.entries.set(key, entry);
    if (audience === 'staff') this.staffHeads.set(officeId, { entry, prev: head?.entry ?? null, delta: null });
    return entry;
  }
}
