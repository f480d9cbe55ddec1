import type { Router } from 'express';
import type { AppContext } from './context.js';
import { adminRouter } from './admin/router.js';
import { calendarRouter } from './calendar/router.js';
import { printRouter } from './print/router.js';
import { translationsRouter } from './admin/translations.js';
import { reportsRouter } from './reports/router.js';

/**
 * Feature routers (reports, administration, printing …) mounted after the core routes.
 * Each feature adds one line here; tests use the same list.
 */
export function loadRouters(ctx: AppContext): Router[] {
  return [
    adminRouter(ctx), // administration (issue 7)
    printRouter(ctx), // issue 3: receipt printing
    reportsRouter(ctx),
    calendarRouter(ctx), // office calendar (issues 12, 15)
    translationsRouter(ctx), // issue 15: missing translations per service and language
  ];
}
