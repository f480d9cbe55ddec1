import express, { type RequestHandler } from 'express';
import { AppError } from '../../common/errors.js';
import type { AppContext } from '../context.js';
import { resolvePrincipal, roleOf } from '../http/auth.js';

/** The import routes take whole CSV files as JSON. Kept apart from the router, which loads the CSV parser on first use. */
export const HISTORY_BODY_LIMIT = '64mb';

/**
 * The large JSON body parser for these routes only, mounted in front of the app's 64 kB one
 * (server/http/app.ts); only for a signed-in admin, so nobody else can make the server read 64 MB.
 */
export function historyBodyParser(ctx: AppContext): RequestHandler[] {
  const big = express.json({ limit: HISTORY_BODY_LIMIT });
  return [
    resolvePrincipal(ctx),
    (req, res, next) => {
      const role = roleOf(req.principal);
      if (role === 'admin') return big(req, res, next);
      // The same answer the route's role check gives, before any body is read.
      next(new AppError(role === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN'));
    },
  ];
}
