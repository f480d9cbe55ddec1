import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../common/errors.js';
import type { AppContext } from '../context.js';
import { csrfGuard, loginRateLimit, resolvePrincipal } from './auth.js';
import { errorHandler } from './errors.js';
import { coreRoutes } from './routes.js';
import { historyBodyParser } from '../history/body.js';

/** The web apps, each a page of the one Vite build. */
export const PAGES = ['kiosk', 'counter', 'display', 'console', 'status'] as const;

export function createHttpApp(ctx: AppContext, extraRouters: Router[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'font-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: false, // offices often run plain HTTP on a closed LAN
    }),
  );
  app.use('/api/admin/history', historyBodyParser(ctx)); // issue 14: CSV files of past steps, admins only
  app.use(express.json({ limit: '64kb' }));
  app.use(resolvePrincipal(ctx));
  app.use(csrfGuard());
  app.use('/api/auth/login', loginRateLimit());
  app.use(coreRoutes(ctx));
  for (const r of extraRouters) app.use(r);
  app.use('/api', (_req, _res, next) => next(new AppError('NOT_FOUND')));

  if (ctx.webRoot && existsSync(ctx.webRoot)) {
    const root = ctx.webRoot;
    app.use(express.static(root, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => { if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache'); } }));
    const page = (name: string) => (_req: express.Request, res: express.Response) => res.setHeader('Cache-Control', 'no-cache').sendFile(join(root, name, 'index.html'));
    for (const p of PAGES) app.get(`/${p}`, page(p));
    app.get('/t/:token', page('status'));
    app.get('/', (_req, res) => res.redirect('/status/'));
  }
  app.use(errorHandler(ctx.log));
  return app;
}
