import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { audit } from '../audit/audit.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { mappingSchema } from './parse.js';
import { deleteMapping, getBatch, importHistory, listBatches, listMappings, preview, removeBatch, saveMapping, type ImportRequest } from './store.js';

/**
 * History import for admins (`// history` in server/access.ts): preview a CSV, import it (all or
 * nothing), list and remove batches, save column mappings by name. Every change is audited.
 */

/** Largest file accepted: the JSON body carries it as text or base64 (about 45 MB of CSV). */

const officeId = z.string().regex(/^[\w-]{1,64}$/);
const mappingName = z.string().trim().min(1).max(60);
const fileBody = {
  officeId,
  format: z.enum(['madoguchi', 'mapped']),
  mapping: mappingName.optional(),
  /** The file as text (UTF-8) … */
  csv: z.string().max(48_000_000).optional(),
  /** … or as base64 bytes (any encoding the mapping names, e.g. Shift_JIS). */
  base64: z.string().max(64_000_000).optional(),
};
export const previewBody = z.strictObject(fileBody).refine((b) => (b.csv === undefined) !== (b.base64 === undefined), 'give csv or base64');
export const importBody = z
  .strictObject({ ...fileBody, source: z.string().trim().min(1).max(100), fileName: z.string().trim().max(200).optional() })
  .refine((b) => (b.csv === undefined) !== (b.base64 === undefined), 'give csv or base64');

function request(b: z.infer<typeof previewBody>): ImportRequest {
  return { officeId: b.officeId, format: b.format, mapping: b.mapping, bytes: b.csv !== undefined ? Buffer.from(b.csv, 'utf8') : Buffer.from(b.base64!, 'base64') };
}

const staffId = (req: Request) => (req.principal.kind === 'staff' ? req.principal.staff.id : null);

export function historyRouter(ctx: AppContext): Router {
  const r = Router();
  const { db, clock } = ctx;

  on(r, 'POST', '/api/admin/history/preview', (req) => {
    const b = previewBody.parse(req.body);
    assertOfficeAccess(req.principal, b.officeId);
    return preview(db, request(b), clock.now());
  });

  on(r, 'POST', '/api/admin/history/import', (req) => {
    const b = importBody.parse(req.body);
    assertOfficeAccess(req.principal, b.officeId);
    const now = clock.now();
    const result = importHistory(db, { ...request(b), source: b.source, fileName: b.fileName ?? null }, now, staffId(req));
    audit(db, req, now, {
      officeId: b.officeId,
      action: 'history.import',
      target: result.batch ? `batch:${result.batch.id}` : null,
      detail: { source: b.source, format: b.format, mapping: b.mapping ?? null, fileName: b.fileName ?? null, addedTickets: result.addedTickets, addedSteps: result.addedSteps, alreadyImported: result.alreadyImported, sha256: result.batch?.sha256 ?? null },
    });
    return result;
  });

  on(r, 'GET', '/api/admin/history/batches', (req) => {
    const q = z.strictObject({ officeId: officeId.optional() }).parse(req.query);
    const p = req.principal;
    const own = p.kind === 'staff' ? p.staff.officeId : null;
    if (q.officeId) assertOfficeAccess(p, q.officeId);
    return listBatches(db, q.officeId ? [q.officeId] : own ? [own] : null);
  });

  on(r, 'DELETE', '/api/admin/history/batches/:batchId', (req) => {
    const id = z.coerce.number().int().positive().parse(req.params.batchId);
    assertOfficeAccess(req.principal, getBatch(db, id).officeId);
    const now = clock.now();
    const b = removeBatch(db, id, now, staffId(req));
    audit(db, req, now, { officeId: b.officeId, action: 'history.remove', target: `batch:${id}`, detail: { source: b.source, tickets: b.tickets, steps: b.steps, firstDay: b.firstDay, lastDay: b.lastDay } });
    return b;
  });

  on(r, 'GET', '/api/admin/history/mappings', () => listMappings(db));

  on(r, 'PUT', '/api/admin/history/mappings/:name', (req) => {
    const name = mappingName.parse(req.params.name);
    const mapping = mappingSchema.parse(req.body);
    const now = clock.now();
    saveMapping(db, name, mapping, now, staffId(req));
    audit(db, req, now, { officeId: null, action: 'history.mapping.save', target: name, detail: mapping });
    return { name, mapping };
  });

  on(r, 'DELETE', '/api/admin/history/mappings/:name', (req) => {
    const name = mappingName.parse(req.params.name);
    const now = clock.now();
    deleteMapping(db, name);
    audit(db, req, now, { officeId: null, action: 'history.mapping.delete', target: name });
    return { name };
  });

  return r;
}
