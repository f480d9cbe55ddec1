import type { Request } from 'express';
import type { DB } from '../store/db.js';

/**
 * The audit log of staff and admin actions: who, what, when, from which device or address.
 * Rows are only ever inserted; admins read and export them.
 */
export interface AuditEntry {
  officeId: string | null;
  action: string;
  target?: string | null;
  detail?: unknown;
}

export function audit(db: DB, req: Pick<Request, 'principal' | 'ip'>, now: number, e: AuditEntry): void {
  const p = req.principal;
  db.prepare('INSERT INTO audit_log (at, office_id, staff_id, device_id, action, target, detail_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    now,
    e.officeId,
    p.kind === 'staff' ? p.staff.id : null,
    p.kind === 'device' ? p.device.id : null,
    e.action,
    e.target ?? null,
    e.detail === undefined ? null : JSON.stringify(e.detail),
    req.ip ?? null,
  );
}
