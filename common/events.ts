import type { CommandInput, CommandName } from './schemas.js';
import type { ErrorBody } from './errors.js';
import type { DisplayVoiceStatus, PublicSnapshot, StaffSnapshot, Whoami } from './types.js';
import type { StaffDelta } from './delta.js';

/** A reply: either data or the one error shape. */
export type Reply<T> = { data: T } | ErrorBody;

export interface CommandResult {
  /** The office version (last event id) after the command. */
  version: number;
  /** Ids touched, for the client to find them in the next snapshot. */
  ticketId?: string;
  stepId?: string;
  counterId?: string;
  [key: string]: unknown;
}

/** Ack of `office:subscribe`: the audience the socket now follows and the version of the snapshot just sent. */
export interface SubscribeAck {
  kind: 'public' | 'staff';
  version: number;
  /** Staff: the revision of the snapshot just sent (issue 17, deltas). */
  rev?: number;
}

type CommandEvents = {
  [N in CommandName]: (payload: CommandInput<N>, ack: (reply: Reply<CommandResult>) => void) => void;
};

/** Client → server. */
export interface ClientToServerEvents extends CommandEvents {
  /** The snapshot comes as one `office:snapshot` event; the ack names only which one (no `officeId`, so older clients never take it for a snapshot). */
  'office:subscribe': (payload: { officeId: string; deltas?: boolean }, ack: (reply: Reply<SubscribeAck>) => void) => void;
  'session:whoami': (payload: Record<string, never>, ack: (reply: Reply<Whoami>) => void) => void;
  /** A display device reports its last announcement (ok / failed), see displayVoiceSchema. */
  'display:voice': (payload: { ok: boolean; reason?: 'failed' | 'unavailable' | null; callId: number | null; display?: string | null; at: number }, ack?: (reply: Reply<DisplayVoiceStatus>) => void) => void;
  /** Staff: the last voice result of every display of the subscribed office. */
  'display:voice-status': (payload: Record<string, never>, ack: (reply: Reply<DisplayVoiceStatus[]>) => void) => void;
}

/** Server → client. Facts are past tense. */
export interface ServerToClientEvents {
  /** Full snapshot after every change; `version` grows; a client seeing an older one ignores it. */
  'office:snapshot': (snapshot: PublicSnapshot | StaffSnapshot) => void;
  /** The session or device was revoked/expired; the client must sign in or pair again. */
  'session:ended': (info: { reason: 'logout' | 'revoked' | 'expired' | 'disabled' }) => void;
  /** To the office's staff: a display reported a voice result; carries every display's last result. */
  'display:voice-reported': (statuses: DisplayVoiceStatus[]) => void;
  /** Issue 17: to staff sockets subscribed with `deltas: true`, what changed since revision `baseRev` (common/delta.ts). */
  'office:staff-delta': (delta: StaffDelta) => void;
}

export const SOCKET_PATH = '/socket.io';
