import { Router } from 'express';
import type { AppContext } from './context.js';
import { calendarRouter } from './calendar/router.js';
import { visitsRouter } from './visits/router.js';

/**
 * Feature routers (reports, administration, printing …) mounted after the core routes.
 * Each feature adds one line here; tests use the same list.
 *
 * Issue 17: features that only staff screens, exports or the printer need are loaded on the first
 * request under their path prefix (`lazy`), not at start: the reports router alone pulls in ExcelJS
 * (about a third of the start time and a good part of the idle memory). A feature needed at start
 * (one that sets hooks on ctx while it is built) is mounted directly, as before.
 */
export function loadRouters(ctx: AppContext): Router[] {
  return [
    calendarRouter(ctx), // office calendar (issues 12, 15): the public days are read by every resident screen
    lazy(ctx, ['/api/admin/'], async () => (await import('./admin/router.js')).adminRouter), // administration (issue 7)
    lazy(ctx, ['/api/print/'], async () => (await import('./print/router.js')).printRouter), // issue 3: receipt printing
    lazy(ctx, ['/api/reports/'], async () => (await import('./reports/router.js')).reportsRouter),
    lazy(ctx, ['/api/admin/history'], async () => (await import('./history/router.js')).historyRouter), // issue 14: history import
    // busy-season planning (issue 12): the simulator and forecast load with the first planning or crowding request
    lazy(ctx, ['/api/plan/', /^\/api\/public\/offices\/[^/]+\/crowding/], async () => (await import('./plan/router.js')).planRouter),
    lazy(ctx, [/^\/api\/admin\/offices\/[^/]+\/translations$/], async () => (await import('./admin/translations.js')).translationsRouter), // issue 15: missing translations
    visitsRouter(ctx), // issue 16: visits report, "your turn is near" notices (mounted at start: it runs the notice outbox)
  ];
}

/**
 * A router that loads its module on the first request whose path starts with one of `prefixes` (or matches a RegExp)
 * (other requests pass through untouched), then hands every such request to the real router.
 * A module that fails to load answers that request with the error (500 INTERNAL, logged) and is
 * tried again on the next one.
 */
export function lazy(ctx: AppContext, prefixes: (string | RegExp)[], load: () => Promise<(ctx: AppContext) => Router>): Router {
  const r = Router();
  let real: Promise<Router> | null = null;
  r.use((req, res, next) => {
    if (!prefixes.some((p) => (typeof p === 'string' ? req.path.startsWith(p) : p.test(req.path)))) return next();
    real ??= load().then((make) => make(ctx));
    real.then(
      (router) => router(req, res, next),
      (err: unknown) => {
        real = null;
        next(err);
      },
    );
  });
  return r;
}
