import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { DEFAULT_AHEAD, NotifyService, notifyOptionsFromEnv, type NotifyOptions } from '../notify/outbox.js';
import { rangeQuery } from '../reports/params.js';
import { visitsReport } from './report.js';

/** Whole visits (issue 16): the visits report and the "your turn is near" requests (server/notify). */

const token = z.string().min(10).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const notifyRequestSchema = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('email'), address: z.email().max(254), ahead: z.int().min(0).max(20).default(DEFAULT_AHEAD) }),
  // A city's LINE or SMS gateway: a phone number or a gateway user id.
  z.strictObject({ channel: z.literal('webhook'), address: z.string().trim().min(3).max(100).regex(/^[A-Za-z0-9+@._:-]+$/), ahead: z.int().min(0).max(20).default(DEFAULT_AHEAD) }),
]);

export function visitsRouter(ctx: AppContext, notifyOpts: NotifyOptions = notifyOptionsFromEnv()): Router {
  const r = Router();
  const notify = new NotifyService(ctx, notifyOpts);
  ctx.notify = notify;

  on(r, 'GET', '/api/reports/visits', (req) => {
    const q = rangeQuery.parse(req.query);
    for (const id of q.offices) assertOfficeAccess(req.principal, id);
    if (q.from > q.to) throw new AppError('INVALID_INPUT', { reason: 'from is after to' });
    return visitsReport(ctx.db, q.offices, q.from, q.to);
  });

  const tokenOf = (raw: unknown) => {
    const t = token.safeParse(raw);
    if (!t.success) throw new AppError('TICKET_NOT_FOUND');
    return t.data;
  };
  on(r, 'GET', '/api/public/tickets/:token/notify', (req) => notify.subscriptions(tokenOf(req.params.token)));
  on(r, 'PUT', '/api/public/tickets/:token/notify', (req) => notify.subscribe(tokenOf(req.params.token), notifyRequestSchema.parse(req.body)));
  on(r, 'DELETE', '/api/public/tickets/:token/notify', (req) => notify.unsubscribe(tokenOf(req.params.token)));

  on(r, 'GET', '/api/offices/:officeId/notify', (req) => {
    const officeId = String(req.params.officeId);
    assertOfficeAccess(req.principal, officeId);
    if (!ctx.engine.hasOffice(officeId)) throw new AppError('OFFICE_NOT_FOUND');
    return notify.status(officeId);
  });
  return r;
}
