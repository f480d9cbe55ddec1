import iconv from 'iconv-lite';

/**
 * A small ESC/POS encoder for 80 mm thermal receipt printers (Epson TM-T88/TM-m30 and the many
 * compatible Japanese models). Japanese text goes out in Shift_JIS with the printer's kanji mode
 * on (`FS C 1` selects Shift_JIS, `FS &` turns kanji mode on); the QR code uses the printer's own
 * `GS ( k` commands. Languages a Shift_JIS printer cannot print as text (Chinese, Korean,
 * Vietnamese; furigana for やさしいにほんご) go out as a 1-bit raster image (`GS v 0`) that the kiosk
 * rendered with its own fonts (issue 15); without one, the receipt is Japanese and English text.
 * Pure: builds bytes, sends nothing.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';

/** The QR error-correction levels of `GS ( k` function 169. */
const QR_ECL = { L: 48, M: 49, Q: 50, H: 51 } as const;

/**
 * Text for Shift_JIS: the WAVE DASH "〜" (U+301C) has no Shift_JIS code in iconv-lite's table,
 * the FULLWIDTH TILDE "～" (U+FF5E, the same glyph on Japanese printers) does.
 */
export function toShiftJis(text: string): Buffer {
  return iconv.encode(text.replace(/\u301c/g, '\uff5e'), 'Shift_JIS');
}

export class EscPos {
  private readonly parts: Buffer[] = [];

  private raw(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  /** ESC @ (reset), then Shift_JIS kanji code system and kanji mode on. */
  init(): this {
    return this.raw(ESC, 0x40).raw(FS, 0x43, 0x01).raw(FS, 0x26);
  }

  align(a: Align): this {
    return this.raw(ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2);
  }

  bold(on: boolean): this {
    return this.raw(ESC, 0x45, on ? 1 : 0);
  }

  /** GS ! n: character width and height multipliers 1–8 (applies to kanji too on these printers). */
  size(width: number, height = width): this {
    const w = Math.min(8, Math.max(1, Math.round(width))) - 1;
    const h = Math.min(8, Math.max(1, Math.round(height))) - 1;
    return this.raw(GS, 0x21, (w << 4) | h);
  }

  text(s: string): this {
    this.parts.push(toShiftJis(s));
    return this;
  }

  line(s = ''): this {
    return this.text(s).raw(LF);
  }

  feed(lines: number): this {
    return this.raw(ESC, 0x64, Math.min(255, Math.max(0, lines)));
  }

  /** A QR code (model 2) of `data` (ASCII/UTF-8 bytes), `moduleDots` 1–16 dots per module. */
  qr(data: string, moduleDots = 6, ecl: keyof typeof QR_ECL = 'M'): this {
    const bytes = Buffer.from(data, 'utf8');
    if (bytes.length > 7089) throw new RangeError('QR data too long');
    const store = bytes.length + 3;
    return this
      .raw(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00) // fn 165: model 2
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, Math.min(16, Math.max(1, moduleDots))) // fn 167: module size
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_ECL[ecl]) // fn 169: error correction
      .raw(GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30) // fn 180: store the data
      .bytes(bytes)
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30); // fn 181: print it
  }

  /**
   * A 1-bit raster image, `GS v 0` (m = 0, normal size): `width` dots (a multiple of 8), `height`
   * rows, `data` row-major, 1 = black, MSB = leftmost dot. Sent in bands of at most 256 rows so
   * printers with small buffers take it.
   */
  raster(img: RasterImage): this {
    const rowBytes = img.width / 8;
    for (let y = 0; y < img.height; y += RASTER_BAND) {
      const rows = Math.min(RASTER_BAND, img.height - y);
      this.raw(GS, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8);
      this.bytes(img.data.subarray(y * rowBytes, (y + rows) * rowBytes));
    }
    return this;
  }

  bytes(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  /** Feed past the cutter and cut, leaving a hinge (GS V 66 n). */
  cut(feedLines = 3): this {
    return this.raw(GS, 0x56, 0x42, Math.min(255, feedLines));
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Rows per `GS v 0` band. */
export const RASTER_BAND = 256;
/** Printable width of an 80 mm printer at 203 dpi (dots). */
export const RASTER_MAX_WIDTH = 576;
export const RASTER_MAX_HEIGHT = 2400;

export interface RasterImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What a printed ticket says. Every string is already in its final language. */
export interface ReceiptContent {
  officeName: string;
  /** "A-012" */
  display: string;
  serviceName: string;
  /** An extra line for a resident who chose another language (ASCII-safe, e.g. English). */
  serviceNameAlt?: string | null;
  ahead: number;
  /** "約20〜35分", or a sentence when no counter is open. */
  estimateText: string;
  /** "1・2・3番窓口" */
  counterHint: string | null;
  /** Absolute URL of the ticket's status page, for the QR code. */
  url: string;
  /** Local date and time of issue, formatted. */
  issuedText: string;
  priority: boolean;
  /** The office's ticket header and footer (admin texts), Shift_JIS-printable lines. */
  header?: string | null;
  footer?: string | null;
  /** The resident's language as an image (zh, ko, vi, やさしいにほんご with furigana), printed under the service name. */
  raster?: RasterImage | null;
  /** Journey (issue 16): every procedure of the ticket in order, when more than one. */
  legs?: string[];
}

/** The 80 mm receipt (48 half-width columns in font A): Japanese first, the number very large. */
export function receiptBytes(c: ReceiptContent): Buffer {
  const p = new EscPos().init().align('center');
  if (c.header) for (const l of c.header.split('\n')) p.line(l);
  p.size(1).bold(true).line(c.officeName).bold(false).line('番号札 / Ticket').feed(1);
  p.size(6, 6).bold(true).line(c.display).size(1).bold(false).feed(1);
  if (c.priority) p.bold(true).line('［優先受付 / Priority］').bold(false);
  p.size(2, 2).bold(true).line(c.serviceName).size(1).bold(false);
  if (c.serviceNameAlt && c.serviceNameAlt !== c.serviceName) p.line(c.serviceNameAlt);
  if (c.raster) p.feed(1).raster(c.raster);
  p.feed(1).align('left');
  if (c.legs && c.legs.length > 1) {
    p.line('本日の手続き（この番号札で順に）');
    c.legs.forEach((l, i) => p.line(`${i + 1}. ${l}`));
  }
  p.line(`あなたの前に ${c.ahead}人 / ${c.ahead} ahead of you`);
  p.line(`待ち時間の目安：${c.estimateText}`);
  if (c.counterHint) p.line(`受付窓口：${c.counterHint}`);
  p.line('表示盤に番号が出たら、表示された窓口へお越しください。');
  p.feed(1).align('center').qr(c.url, 6, 'M').line();
  p.line('スマートフォンで呼出状況を確認できます');
  p.line('Scan to follow your number').feed(1);
  if (c.footer) for (const l of c.footer.split('\n')) p.line(l);
  p.line(c.issuedText).cut(3);
  return p.build();
}
