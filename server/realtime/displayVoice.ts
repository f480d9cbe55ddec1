import { AppError } from '../../common/errors.js';
import { displayVoiceSchema } from '../../common/schemas.js';
import type { DisplayVoiceStatus } from '../../common/types.js';
import type { Principal } from '../auth/sessions.js';

/**
 * The last announcement result of each lobby display (`display:voice`), kept in memory per
 * device: a supervisor sees on the floor view that a display's voice is failing. Memory only on
 * purpose: it is the displays' present health, not history; after a server restart each display
 * reports again with its next announcement. Bounded by the number of display devices.
 */
export class DisplayVoiceBoard {
  private readonly byDevice = new Map<string, DisplayVoiceStatus>();

  /** Validate and keep a report from a display device; returns the stored status. Throws (zod) on bad input. */
  report(principal: Principal, payload: unknown, receivedAt: number): DisplayVoiceStatus {
    if (principal.kind !== 'device' || principal.device.kind !== 'display') throw new AppError('FORBIDDEN');
    const r = displayVoiceSchema.parse(payload);
    const status: DisplayVoiceStatus = {
      deviceId: principal.device.id,
      deviceName: principal.device.name,
      officeId: principal.device.officeId,
      ok: r.ok,
      reason: r.ok ? null : r.reason ?? 'failed',
      callId: r.callId,
      display: r.display || null,
      at: r.at,
      receivedAt,
    };
    this.byDevice.set(status.deviceId, status);
    return status;
  }

  /** Every display's last result for one office, by device name. */
  forOffice(officeId: string): DisplayVoiceStatus[] {
    return [...this.byDevice.values()].filter((s) => s.officeId === officeId).sort((a, b) => a.deviceName.localeCompare(b.deviceName) || a.deviceId.localeCompare(b.deviceId));
  }
}
