import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import type { LocalizedText } from '../../common/types.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { receiptBytes } from './escpos.js';
import { sendToPrinter } from './printer.js';

/**
 * Receipt printing for kiosks with a network ESC/POS printer (devices.printer_host/printer_port,
 * migration 0002). The kiosk issues a ticket, then asks the server to print it: the server knows
 * the printer of that kiosk and builds the bytes itself, so the browser needs no driver.
 */

const tokenParam = z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/);

export interface PrinterConfig {
  host: string;
  port: number;
}

export function printerOf(ctx: AppContext, deviceId: string): PrinterConfig | null {
  const row = ctx.db.prepare('SELECT printer_host, printer_port FROM devices WHERE id = ? AND revoked_at IS NULL').get(deviceId) as
    | { printer_host: string | null; printer_port: number | null }
    | undefined;
  if (!row?.printer_host) return null;
  return { host: row.printer_host, port: row.printer_port ?? 9100 };
}

const pickText = (t: LocalizedText, lang: string) => (t as Record<string, string | undefined>)[lang] || t.ja;

/** "約20〜35分" / "5分以内" / the closed-counter sentence; the same words as the kiosk screen. */
export function estimateTextJa(lowMin: number | null, highMin: number | null): string {
  if (lowMin === null || highMin === null) return 'ただいま受付窓口が開いていません';
  if (lowMin === 0) return `${highMin}分以内`;
  return `約${lowMin}〜${highMin}分`;
}

/** The public address residents' phones use; MADOGUCHI_PUBLIC_URL wins over the kiosk's own Host. */
function publicBase(hostHeader: string | undefined, protocol: string): string {
  const env = process.env.MADOGUCHI_PUBLIC_URL?.replace(/\/+$/, '');
  if (env) return env;
  return `${protocol}://${hostHeader ?? 'localhost'}`;
}

export function printRouter(ctx: AppContext): Router {
  const r = Router();

  on(r, 'GET', '/api/print/printer', (req) => {
    const p = req.principal;
    if (p.kind !== 'device') throw new AppError('FORBIDDEN');
    return { configured: printerOf(ctx, p.device.id) !== null };
  });

  on(r, 'POST', '/api/print/tickets/:token', async (req) => {
    const p = req.principal;
    if (p.kind !== 'device') throw new AppError('FORBIDDEN');
    const token = tokenParam.parse(req.params.token);
    const row = ctx.db.prepare('SELECT id, office_id, lang, priority FROM tickets WHERE token = ?').get(token) as { id: string; office_id: string; lang: string; priority: number } | undefined;
    if (!row) throw new AppError('TICKET_NOT_FOUND');
    assertOfficeAccess(p, row.office_id);
    const printer = printerOf(ctx, p.device.id);
    if (!printer) throw new AppError('PRINTER_NOT_CONFIGURED');
    const status = ctx.engine.ticketStatusByToken(token);
    if (!status) throw new AppError('TICKET_NOT_FOUND');
    const state = ctx.engine.state(row.office_id);
    const office = state.office;
    const labels = [...state.counters.values()]
      .filter((c) => c.active && c.serviceIds.includes(status.service.id))
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((c) => c.label);
    const issued = new Intl.DateTimeFormat('ja-JP', { timeZone: office.timezone, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(status.issuedAt);
    const alt = row.lang !== 'ja' && row.lang !== 'ja-easy' ? status.service.name.en ?? null : null;
    // The receipt prints the estimate the kiosk showed: the one recorded at issue (issue 13), else the live one.
    const recorded = ctx.db.prepare('SELECT est_low_min AS low, est_high_min AS high, est_method AS method FROM steps WHERE ticket_id = ? AND seq = 1').get(row.id) as { low: number | null; high: number | null; method: string | null } | undefined;
    const est = recorded?.method && status.state === 'waiting' && status.steps.length === 1 ? { lowMin: recorded.low, highMin: recorded.high } : status.estimate;
    const bytes = receiptBytes({
      officeName: office.name.ja,
      display: status.display,
      serviceName: pickText(status.service.name, 'ja'),
      serviceNameAlt: alt,
      ahead: status.estimate?.ahead ?? 0,
      estimateText: estimateTextJa(est?.lowMin ?? null, est?.highMin ?? null),
      counterHint: labels.length ? `${labels.join('・')}番窓口` : null,
      url: `${publicBase(req.get('host'), req.protocol)}/t/${token}`,
      issuedText: issued,
      priority: row.priority === 1,
      legs: status.journey?.map((l) => (l.pickup ? '交付' : pickText(l.name, 'ja'))), // issue 16
    });
    await sendToPrinter(printer.host, printer.port, bytes);
    return { printed: true, bytes: bytes.length };
  });

  return r;
}
