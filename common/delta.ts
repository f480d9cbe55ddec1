import type { StaffSnapshot } from './types.js';

/**
 * Staff snapshot deltas (issue 17). With thousands of tickets waiting the staff snapshot is over
 * a megabyte; a staff socket that subscribed with `{ deltas: true }` gets it once, then only what
 * changed: `office:staff-delta` events. Each snapshot a staff socket can hold carries `rev`, the
 * office's staff stream revision; a delta says which revision it applies to (`baseRev`) and which
 * it makes (`rev`). A client applies a delta only on top of exactly `baseRev`; anything else (a lost
 * or skipped delta, a delta before the first snapshot) means it asks for a full snapshot again
 * (`office:subscribe`), so no change can be lost. The server also tracks each socket's revision and
 * sends a full snapshot instead of a delta when they differ.
 *
 * Both sides use this module: the server computes deltas (`diffStaff`), the browser (web/socket.ts)
 * and the tests apply them (`applyStaffDelta`, `receiveStaffDelta`). Generic over the snapshot's
 * fields, so a field added later travels without changes here (replaced whole when it changes).
 */

/** Lists sent as keyed patches (by `id`, or `callId` for calls); every other field is replaced whole when it changed. */
export const KEYED_LISTS = { waiting: 'id', held: 'id', counters: 'id', services: 'id', recentCalls: 'callId' } as const;
type ListField = keyof typeof KEYED_LISTS;

/**
 * A change to a keyed list: the whole list, or removals (keys), updates (changed items, same
 * place) and insertions (index in the new list, item), applied in that order with insertions in
 * ascending index. Used when the kept items stay in the same order (queues only grow at the back
 * and shrink anywhere); a reordering sends the list whole.
 */
export type ListPatch<T = unknown> = { replace: T[] } | { remove: (string | number)[]; update: T[]; insert: [number, T][] };

export interface StaffDelta {
  officeId: string;
  /** The revision this delta applies to, and the one it makes. */
  baseRev: number;
  rev: number;
  /** The snapshot's `version` after the delta (the office's last event id). */
  version: number;
  /** Fields replaced whole. */
  set: Record<string, unknown>;
  /** Fields gone from the snapshot. */
  unset: string[];
  /** Keyed lists that changed. */
  lists: Partial<Record<ListField, ListPatch>>;
}

/** Deep equality of JSON-like values; a missing key equals an undefined one (as after JSON). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (!sameJson(ao[k], bo[k])) return false;
  for (const k in bo) if (!(k in ao) && bo[k] !== undefined) return false;
  return true;
}

type Keyed = Record<string, unknown>;

export function diffList(prev: Keyed[], next: Keyed[], key: string): ListPatch | null {
  const before = new Map<unknown, Keyed>();
  for (const it of prev) before.set(it[key], it);
  const after = new Set<unknown>();
  for (const it of next) after.add(it[key]);
  if (before.size !== prev.length || after.size !== next.length) return { replace: next }; // duplicate keys: no patch
  const remove: (string | number)[] = [];
  for (const it of prev) if (!after.has(it[key])) remove.push(it[key] as string | number);
  // The kept items must keep their order, else the list goes whole.
  const kept: unknown[] = [];
  for (const it of prev) if (after.has(it[key])) kept.push(it[key]);
  const update: Keyed[] = [];
  const insert: [number, Keyed][] = [];
  let k = 0;
  for (let i = 0; i < next.length; i++) {
    const it = next[i]!;
    const old = before.get(it[key]);
    if (old === undefined) {
      insert.push([i, it]);
      continue;
    }
    if (kept[k++] !== it[key]) return { replace: next };
    if (!sameJson(old, it)) update.push(it);
  }
  if (!remove.length && !update.length && !insert.length) return null;
  // A patch bigger than the list itself is no saving.
  if (update.length + insert.length >= next.length && next.length > 0) return { replace: next };
  return { remove, update, insert };
}

export function applyList(prev: Keyed[], patch: ListPatch, key: string): Keyed[] {
  if ('replace' in patch) return patch.replace as Keyed[];
  const removed = new Set<unknown>(patch.remove);
  const updated = new Map<unknown, Keyed>();
  for (const it of patch.update as Keyed[]) updated.set(it[key], it);
  const out: Keyed[] = [];
  for (const it of prev) if (!removed.has(it[key])) out.push(updated.get(it[key]) ?? it);
  for (const [i, it] of patch.insert as [number, Keyed][]) out.splice(i, 0, it);
  return out;
}

/** What changed from `prev` to `next` (two staff snapshots of one office), as a delta from `baseRev` to `rev`. */
export function diffStaff(prev: StaffSnapshot, next: StaffSnapshot, baseRev: number, rev: number): StaffDelta {
  const p = prev as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  const delta: StaffDelta = { officeId: next.officeId, baseRev, rev, version: next.version, set: {}, unset: [], lists: {} };
  for (const f in n) {
    if (f === 'rev' || f === 'version') continue;
    const a = p[f];
    const b = n[f];
    if (f in KEYED_LISTS && Array.isArray(a) && Array.isArray(b)) {
      const patch = diffList(a as Keyed[], b as Keyed[], KEYED_LISTS[f as ListField]);
      if (patch) delta.lists[f as ListField] = patch;
    } else if (!sameJson(a, b)) delta.set[f] = b;
  }
  for (const f in p) if (!(f in n)) delta.unset.push(f);
  return delta;
}

/** The snapshot after a delta (a new object; the old one is not changed). The caller checks `baseRev`. */
export function applyStaffDelta(snap: StaffSnapshot, d: StaffDelta): StaffSnapshot {
  const out: Record<string, unknown> = { ...(snap as unknown as Record<string, unknown>), ...d.set };
  for (const f of d.unset) delete out[f];
  for (const [f, patch] of Object.entries(d.lists) as [ListField, ListPatch][]) {
    out[f] = applyList((out[f] as Keyed[] | undefined) ?? [], patch, KEYED_LISTS[f]);
  }
  out.rev = d.rev;
  out.version = d.version;
  return out as unknown as StaffSnapshot;
}

/**
 * What a client does with a delta: apply it when it holds exactly its base revision of that office,
 * otherwise ask for a full snapshot ('resync').
 */
export function receiveStaffDelta(held: { officeId: string; rev?: number; kind: string } | null, d: StaffDelta): StaffSnapshot | 'resync' {
  if (!held || held.kind !== 'staff' || held.officeId !== d.officeId || held.rev !== d.baseRev) return 'resync';
  return applyStaffDelta(held as StaffSnapshot, d);
}
