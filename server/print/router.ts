import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import type { LocalizedText } from '../../common/types.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { RASTER_MAX_HEIGHT, RASTER_MAX_WIDTH, receiptBytes, type RasterImage } from './escpos.js';
import { inlineReading } from '../../common/ruby.js';
import { sendToPrinter } from './printer.js';

/**
 * Receipt printing for kiosks with a network ESC/POS printer (devices.printer_host/printer_port,
 * migration 0002). The kiosk issues a ticket, then asks the server to print it: the server knows
 * the printer of that kiosk and builds the bytes itself, so the browser needs no driver.
 */

const tokenParam = z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/);

/**
 * Optional body: the resident's language rendered by the kiosk as a 1-bit image (the kiosk has the
 * fonts for all six languages; the Shift_JIS printer has not), printed with GS v 0.
 */
const printBody = z.strictObject({
  raster: z
    .strictObject({
      width: z.int().min(8).max(RASTER_MAX_WIDTH).refine((w) => w % 8 === 0, 'a multiple of 8'),
      height: z.int().min(1).max(RASTER_MAX_HEIGHT),
      data: z.base64().max(Math.ceil((RASTER_MAX_WIDTH / 8) * RASTER_MAX_HEIGHT * 4 / 3) + 4),
    })
    .nullable()
    .optional(),
});

/** Languages whose text a Shift_JIS printer cannot print: they come as an image or not at all. */
const IMAGE_LANGS = new Set(['zh', 'ko', 'vi']);

function toRaster(r: { width: number; height: number; data: string } | null | undefined): RasterImage | null {
  if (!r) return null;
  const data = Buffer.from(r.data, 'base64');
  if (data.length !== (r.width / 8) * r.height) throw new AppError('INVALID_INPUT', { field: 'raster.data' }, '画像の大きさとデータの長さが合いません。');
  return { width: r.width, height: r.height, data };
}

/** An office text for the printer: Japanese, then the resident's line when the printer can print it (English; やさしいにほんご with readings in brackets). */
function printableText(text: LocalizedText | undefined, lang: string): string | null {
  const ja = text?.ja?.trim();
  if (!ja) return null;
  const own = (text as Record<string, string | undefined>)[lang]?.trim();
  if (!own || own === ja) return ja;
  if (lang === 'en') return `${ja}\n${own}`;
  if (lang === 'ja-easy') return `${ja}\n${inlineReading(own)}`;
  return ja; // zh, ko, vi: in the image when the kiosk sent one
}

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
    const body = printBody.parse(req.body ?? {});
    const raster = toRaster(body.raster);
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
    // A second service-name line the printer can print: English for en/zh/ko/vi (zh/ko/vi also get the image), readings for やさしいにほんご.
    const easy = status.service.name['ja-easy'];
    const alt = row.lang === 'ja' ? null : row.lang === 'ja-easy' ? (easy ? inlineReading(easy) : null) : status.service.name.en ?? null;
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
      url: `${publicBase(req.get('host'), req.protocol)}/t/${token}?lang=${row.lang}`,
      issuedText: issued,
      priority: row.priority === 1,
      header: printableText(office.texts?.ticketHeader, row.lang),
      footer: printableText(office.texts?.ticketFooter, row.lang),
      raster: row.lang === 'ja' || row.lang === 'en' ? null : raster,
      legs: status.journey?.map((l) => (l.pickup ? '交付' : pickText(l.name, 'ja'))), // issue 16
    });
    await sendToPrinter(printer.host, printer.port, bytes);
    return { printed: true, bytes: bytes.length, image: Boolean(raster) && row.lang !== 'ja' && row.lang !== 'en', fallback: IMAGE_LANGS.has(row.lang) && !raster ? 'ja+en' : null };
  });

  return r;
}
