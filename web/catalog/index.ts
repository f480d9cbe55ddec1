import type { Lang } from '../../common/types.js';
import { en } from './en.js';
import { ja, type Catalog } from './ja.js';
import { jaEasy } from './ja-easy.js';
import { ko } from './ko.js';
import { vi } from './vi.js';
import { zh } from './zh.js';

/**
 * One catalogue per language for every resident screen (kiosk, phone pages, lobby display): the
 * files beside this one. `appCatalogue('status')` gives i18next its resources for one app.
 */
export const CATALOG: Record<Lang, Catalog> = { ja, en, zh, ko, vi, 'ja-easy': jaEasy };
export type ResidentApp = keyof Catalog;

export function appCatalogue(app: ResidentApp): Record<Lang, Record<string, string>> {
  const out = {} as Record<Lang, Record<string, string>>;
  for (const [l, c] of Object.entries(CATALOG) as [Lang, Catalog][]) out[l] = c[app];
  return out;
}

/** The language names, each in its own language (the language buttons). */
export const LANG_LABELS: Record<Lang, string> = {
  ja: '日本語',
  en: 'English',
  zh: '中文',
  ko: '한국어',
  vi: 'Tiếng Việt',
  'ja-easy': 'やさしいにほんご',
};

export { type Catalog };
