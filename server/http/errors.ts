import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, ERRORS } from '../../common/errors.js';
import type { Logger } from '../log.js';
import { dbFaultOf } from '../store/faults.js';

/** Map anything thrown to the one error shape; never a stack trace or a raw message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError('INVALID_INPUT', err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  const e = err as { type?: string; status?: number };
  if (e && (e.type === 'entity.parse.failed' || e.type === 'entity.too.large' || e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')) {
    return new AppError('INVALID_INPUT', { reason: e.type });
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('INVALID_INPUT');
  // SQLite busy / read-only / I/O / disk full: 503 with a code of its own; the write rolled back and may be retried.
  const fault = dbFaultOf(err);
  if (fault) return new AppError(fault);
  return new AppError('INTERNAL');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = toAppError(err);
    if (appErr.code === 'INTERNAL') log.error({ err, path: req.path }, 'request failed');
    else if (appErr.status === 503 && appErr.code.startsWith('DB_')) log.warn({ code: appErr.code, sqlite: (err as { code?: string }).code, path: req.path }, 'database fault');
    res.status(ERRORS[appErr.code].status).json(appErr.toBody());
  };
}
