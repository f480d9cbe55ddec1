import type { Lang } from '../common/types.js';
import { parseRuby, type Segment } from '../web/catalog/ruby.js';

/**
 * The resident's part of a printed ticket as a 1-bit image (issue 15). A Shift_JIS receipt printer
 * cannot print Chinese, Korean or Vietnamese text, nor furigana; the kiosk's browser has the fonts
 * for all six languages, so it draws those lines on a canvas 576 dots wide (80 mm at 203 dpi) and the
 * server prints the image with ESC/POS `GS v 0` (POST /api/print/tickets/:token { raster }).
 */

export const RASTER_WIDTH = 576;
const MARGIN = 8;

export interface RasterLine {
  text: string;
  /** Font size in dots. */
  size: number;
  bold?: boolean;
  center?: boolean;
}

export interface RasterPayload {
  width: number;
  height: number;
  /** base64 of width/8 × height bytes, 1 = black, MSB leftmost. */
  data: string;
}

/** Languages the kiosk sends as an image. */
export const RASTER_LANGS: ReadonlySet<Lang> = new Set<Lang>(['zh', 'ko', 'vi', 'ja-easy']);

const FONT = '"Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR", "Noto Sans", sans-serif';

interface Piece {
  seg: Segment;
  w: number;
}

/** Breaks a line's segments into rows that fit: at spaces for Latin script, anywhere between characters for CJK; ruby words stay whole. */
function layout(ctx: CanvasRenderingContext2D, line: RasterLine, maxW: number, spaced: boolean): Piece[][] {
  const units: Segment[] = [];
  for (const seg of parseRuby(line.text)) {
    if (seg.ruby !== undefined) units.push(seg);
    else if (spaced) for (const w of seg.text.split(/(?<= )/)) units.push({ text: w });
    else for (const ch of seg.text) units.push({ text: ch });
  }
  const rows: Piece[][] = [[]];
  let x = 0;
  for (const seg of units) {
    const w = ctx.measureText(seg.text).width;
    if (x + w > maxW && rows.at(-1)!.length) {
      rows.push([]);
      x = 0;
    }
    rows.at(-1)!.push({ seg, w });
    x += w;
  }
  return rows;
}

export function renderRaster(lines: RasterLine[], lang: Lang): RasterPayload {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const spaced = lang === 'vi' || lang === 'en';
  const maxW = RASTER_WIDTH - 2 * MARGIN;
  // Measure first, then draw on a canvas of the right height.
  const planned: { line: RasterLine; rows: Piece[][]; rowH: number; ruby: boolean }[] = [];
  let height = MARGIN;
  for (const line of lines) {
    ctx.font = `${line.bold ? 'bold ' : ''}${line.size}px ${FONT}`;
    const ruby = parseRuby(line.text).some((s) => s.ruby !== undefined);
    const rows = layout(ctx, line, maxW, spaced);
    const rowH = Math.ceil(line.size * (ruby ? 1.8 : 1.3));
    planned.push({ line, rows, rowH, ruby });
    height += rows.length * rowH + 6;
  }
  height += MARGIN;
  canvas.width = RASTER_WIDTH;
  canvas.height = height;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, RASTER_WIDTH, height);
  ctx.fillStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  let y = MARGIN;
  for (const { line, rows, rowH, ruby } of planned) {
    for (const row of rows) {
      const rowW = row.reduce((a, p) => a + p.w, 0);
      let x = line.center ? Math.max(MARGIN, (RASTER_WIDTH - rowW) / 2) : MARGIN;
      const base = y + rowH - Math.ceil(line.size * 0.3);
      for (const p of row) {
        ctx.font = `${line.bold ? 'bold ' : ''}${line.size}px ${FONT}`;
        ctx.textAlign = 'left';
        ctx.fillText(p.seg.text, x, base);
        if (ruby && p.seg.ruby) {
          ctx.font = `${Math.round(line.size * 0.5)}px ${FONT}`;
          ctx.textAlign = 'center';
          ctx.fillText(p.seg.ruby, x + p.w / 2, base - line.size * 0.95);
        }
        x += p.w;
      }
      y += rowH;
    }
    y += 6;
  }
  // Threshold to 1 bit per dot.
  const px = ctx.getImageData(0, 0, RASTER_WIDTH, height).data;
  const rowBytes = RASTER_WIDTH / 8;
  const bits = new Uint8Array(rowBytes * height);
  for (let yy = 0; yy < height; yy++) {
    for (let xx = 0; xx < RASTER_WIDTH; xx++) {
      const i = (yy * RASTER_WIDTH + xx) * 4;
      const lum = 0.299 * px[i]! + 0.587 * px[i + 1]! + 0.114 * px[i + 2]!;
      if (lum < 140) bits[yy * rowBytes + (xx >> 3)]! |= 0x80 >> (xx & 7);
    }
  }
  let bin = '';
  for (let i = 0; i < bits.length; i += 0x8000) bin += String.fromCharCode(...bits.subarray(i, i + 0x8000));
  return { width: RASTER_WIDTH, height, data: btoa(bin) };
}

/** The lines of a ticket in the resident's language (header, number, service, people ahead, estimate, hint, footer). */
export function residentLines(
  t: (key: string, options?: Record<string, unknown>) => unknown,
  lang: Lang,
  ticket: { display: string; estimate: { ahead: number; lowMin: number | null; highMin: number | null } },
  serviceName: string,
  texts: { ticketHeader?: Partial<Record<Lang, string>>; ticketFooter?: Partial<Record<Lang, string>> } | undefined,
): RasterLine[] {
  const s = (key: string, o?: Record<string, unknown>) => String(t(key, o));
  const e = ticket.estimate;
  const est = e.lowMin === null || e.highMin === null ? s('noEstimate') : e.lowMin === 0 ? s('estimateWithin', { high: e.highMin }) : s('estimate', { low: e.lowMin, high: e.highMin });
  const out: RasterLine[] = [];
  const header = texts?.ticketHeader?.[lang]?.trim();
  if (header) out.push({ text: header, size: 26, center: true });
  out.push({ text: `${s('yourNumber')}  ${ticket.display}`, size: 36, bold: true, center: true });
  if (serviceName) out.push({ text: serviceName, size: 34, bold: true, center: true });
  out.push({ text: e.ahead === 0 ? s('aheadNone') : s('ahead', { count: e.ahead }), size: 28 });
  out.push({ text: `${s('waitEstimate')}: ${est}`, size: 28 });
  out.push({ text: s('callHint'), size: 26 });
  out.push({ text: s('scanQr'), size: 24 });
  const footer = texts?.ticketFooter?.[lang]?.trim();
  if (footer) out.push({ text: footer, size: 26, center: true });
  return out;
}
