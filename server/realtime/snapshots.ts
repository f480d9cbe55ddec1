import { createRequire } from 'node:module';
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

  constructor(private readonly engine: Engine, private readonly clock: Clock, private readonly maxAgeMs: number) {}

  invalidate(officeId: string): void {
    this.entries.delete(`${officeId}|public`);
    this.entries.delete(`${officeId}|staff`);
  }

  get(officeId: string, audience: Audience): SnapshotEntry {
    const key = `${officeId}|${audience}`;
    const version = audience === 'staff' ? this.engine.version(officeId) : this.engine.publicVersion(officeId);
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && hit.version === version && now >= hit.builtAt && now - hit.builtAt < this.maxAgeMs) return hit;
    const snapshot = audience === 'staff' ? this.engine.staffSnapshot(officeId) : this.engine.publicSnapshot(officeId);
    this.builds += 1;
    // What socket.io's encoder makes of emit('office:snapshot', snapshot) on the main namespace.
    const packet = `2${JSON.stringify(['office:snapshot', snapshot])}`;
    const frame = sender ? sender.frame(Buffer.from(`4${packet}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }) : null;
    const entry: SnapshotEntry = { officeId, audience, version, builtAt: now, snapshot, packet, frame };
    this.entries.set(key, entry);
    return entry;
  }
}
