import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { receiveStaffDelta } from '../common/delta.js';
import type { ClientToServerEvents, CommandResult, ServerToClientEvents } from '../common/events.js';
import type { CommandInput, CommandName } from '../common/schemas.js';
import type { PublicSnapshot, StaffSnapshot } from '../common/types.js';
import { ApiError, newCommandId, unwrap } from './api.js';

/** How long a command waits for its answer before the screen may retry (same command id). */
export const SEND_TIMEOUT_MS = 10_000;

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveOffice<S> {
  snapshot: S | null;
  connected: boolean;
  socket: AppSocket | null;
  /** Send a command over the socket with a fresh command id; rejects with ApiError. */
  send: <N extends CommandName>(name: N, payload: Omit<CommandInput<N>, 'commandId'> & { commandId?: string }) => Promise<CommandResult>;
  sessionEnded: string | null;
}

/**
 * Connect, subscribe to an office and keep the newest snapshot. socket.io reconnects by itself;
 * on every (re)connect we subscribe again and get a fresh snapshot, and a snapshot older than the
 * one we hold is ignored. Public snapshots count versions per office, staff snapshots by event
 * id; either only grows while connected.
 */
export function useLiveOffice<S extends PublicSnapshot | StaffSnapshot>(officeId: string | null, opts: { deviceToken?: string | null } = {}): LiveOffice<S> {
  const [snapshot, setSnapshot] = useState<S | null>(null);
  const [connected, setConnected] = useState(false);
  const [sessionEnded, setSessionEnded] = useState<string | null>(null);
  const socketRef = useRef<AppSocket | null>(null);
  const versionRef = useRef(-1);
  /** The snapshot held now (deltas apply to it; issue 17). */
  const heldRef = useRef<PublicSnapshot | StaffSnapshot | null>(null);

  useEffect(() => {
    if (!officeId) return;
    const socket: AppSocket = io({ auth: opts.deviceToken ? { deviceToken: opts.deviceToken } : {}, transports: ['websocket', 'polling'], reconnectionDelayMax: 5000 });
    socketRef.current = socket;
    versionRef.current = -1;
    heldRef.current = null;
    const accept = (snap: PublicSnapshot | StaffSnapshot) => {
      if (snap.officeId !== officeId || snap.version < versionRef.current) return;
      versionRef.current = snap.version;
      heldRef.current = snap;
      setSnapshot(snap as S);
    };
    // Staff sockets ask for deltas (issue 17): the full snapshot once, then only what changed.
    // A subscribe is also the resync: it always answers with the full snapshot.
    const subscribe = () =>
      socket.emit('office:subscribe', { officeId, deltas: true }, (reply) => {
        try {
          unwrap(reply);
        } catch {
          /* surfaced by the snapshot staying stale; the connection mark shows the state */
        }
      });
    socket.on('connect', () => {
      // The snapshot after a (re)connect is authoritative, even with a lower version (the
      // server's database was restored from a backup); without this a screen would freeze.
      versionRef.current = -1;
      heldRef.current = null;
      setConnected(true);
      // The snapshot arrives as one `office:snapshot` event; the ack only confirms (or refuses).
      subscribe();
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('office:snapshot', accept);
    socket.on('office:staff-delta', (delta) => {
      // Applied only on top of the exact revision it starts from; otherwise (a delta missed) a full snapshot again.
      // Deltas that arrive while the full snapshot is on its way are older than it: dropped.
      if (heldRef.current === null) return;
      const next = receiveStaffDelta(heldRef.current, delta);
      if (next === 'resync') {
        heldRef.current = null;
        return subscribe();
      }
      accept(next);
    });
    socket.on('session:ended', (info) => setSessionEnded(info.reason));
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [officeId, opts.deviceToken]);

  const send: LiveOffice<S>['send'] = (name, payload) =>
    new Promise((resolve, reject) => {
      const socket = socketRef.current;
      if (!socket?.connected) return reject(new ApiError('NETWORK', 'サーバーに接続されていません。', 0));
      const full = { commandId: newCommandId(), ...payload } as CommandInput<typeof name>;
      // An answer lost while the socket still looks connected must not hang the screen forever.
      const timed = socket.timeout(SEND_TIMEOUT_MS) as unknown as { emit: (ev: string, p: unknown, ack: (err: Error | null, r: never) => void) => void };
      timed.emit(name, full, (err, reply) => {
        if (err) return reject(new ApiError('NETWORK', 'サーバーから応答がありません。もう一度お試しください。', 0));
        try {
          resolve(unwrap(reply));
        } catch (e) {
          reject(e);
        }
      });
    });

  return { snapshot, connected, socket: socketRef.current, send, sessionEnded };
}
