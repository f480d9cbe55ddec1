import type { Router } from 'express';
import type { AppContext } from './context.js';
import { adminRouter } from './admin/router.js';
import { printRouter } from './print/router.js';
import { reportsRouter } from './reports/router.js';
import { visitsRouter } from './visits/router.js';

/**
 * Feature routers (reports, administration, printing …) mounted after the core routes.
 * Each feature adds one line here; tests use the same list.
 */
export function loadRouters(ctx: AppContext): Router[] {
  return [
    adminRouter(ctx), // administration (issue 7)
    printRouter(ctx), // issue 3: receipt printing
    reportsRouter(ctx),
    visitsRouter(ctx), // issue 16: visits report, "your turn is near" notices
  ];
}
