import { Router } from 'express';
import { AppError } from '../../common/errors.js';
import { LANGS, type Lang, type LocalizedText } from '../../common/types.js';
import type { AppContext } from '../context.js';
import { assertOfficeAccess } from '../http/auth.js';
import { on } from '../http/routes.js';
import { officeFromRow, loadServices } from '../store/rows.js';

/**
 * Missing translations (issue 15): a resident who chose 中文 or やさしいにほんご sees Japanese wherever
 * the office's own texts lack that language. The admin is warned per service, field and language.
 * Checked: each service shown at the kiosk (name; description when it has a Japanese one), the office
 * name, and the ticket header/footer and display message when set in Japanese.
 */

export interface MissingTranslation {
  kind: 'service' | 'office';
  /** Service id, or the office id. */
  id: string;
  /** The service's prefix (services only). */
  prefix: string | null;
  /** Japanese text of the field, to recognise it. */
  ja: string;
  field: 'name' | 'description' | 'ticketHeader' | 'ticketFooter' | 'displayWelcome';
  missing: Lang[];
}

const OTHER_LANGS = LANGS.filter((l) => l !== 'ja');

function missingIn(text: LocalizedText | undefined): Lang[] {
  if (!text?.ja?.trim()) return [];
  return OTHER_LANGS.filter((l) => !text[l]?.trim());
}

export function missingTranslations(ctx: AppContext, officeId: string): MissingTranslation[] {
  const row = ctx.db.prepare('SELECT * FROM offices WHERE id = ?').get(officeId) as Record<string, unknown> | undefined;
  if (!row) throw new AppError('OFFICE_NOT_FOUND');
  const office = officeFromRow(row);
  const out: MissingTranslation[] = [];
  const add = (kind: MissingTranslation['kind'], id: string, prefix: string | null, field: MissingTranslation['field'], text: LocalizedText | undefined) => {
    const missing = missingIn(text);
    if (missing.length) out.push({ kind, id, prefix, ja: text!.ja, field, missing });
  };
  for (const s of loadServices(ctx.db, officeId)) {
    if (!s.kioskVisible) continue;
    add('service', s.id, s.prefix, 'name', s.name);
    add('service', s.id, s.prefix, 'description', s.description);
  }
  add('office', office.id, null, 'name', office.name);
  for (const field of ['ticketHeader', 'ticketFooter', 'displayWelcome'] as const) add('office', office.id, null, field, office.texts?.[field]);
  return out;
}

export function translationsRouter(ctx: AppContext): Router {
  const r = Router();
  on(r, 'GET', '/api/admin/offices/:officeId/translations', (req) => {
    const officeId = String(req.params.officeId);
    assertOfficeAccess(req.principal, officeId);
    const missing = missingTranslations(ctx, officeId);
    return { officeId, languages: OTHER_LANGS, complete: missing.length === 0, missing };
  });
  return r;
}
