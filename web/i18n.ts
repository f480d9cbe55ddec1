import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGS, type Lang, type LocalizedText } from '../common/types.js';

/**
 * One i18n setup for every screen (i18next + react-i18next). Each app passes its own catalogue
 * (`<app>/i18n.ts`: `{ ja: {...}, en: {...}, ... }`), Japanese always complete; missing keys fall
 * back to Japanese. Office-configured texts (service names…) are LocalizedText, picked by `pick`.
 * Error messages shown to users come from the server in Japanese (common/errors.ts has ja and en).
 */
export function initI18n(resources: Partial<Record<Lang, Record<string, string>>>, lang: Lang = 'ja'): typeof i18next {
  const res: Resource = {};
  for (const [l, strings] of Object.entries(resources)) res[l] = { translation: strings! };
  void i18next.use(initReactI18next).init({
    resources: res,
    lng: lang,
    fallbackLng: 'ja',
    supportedLngs: [...LANGS],
    lowerCaseLng: true, // else i18next reads 'ja-easy' as 'ja-Easy', not supported, and shows plain Japanese
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = htmlLang(lang);
  i18next.on('languageChanged', (l) => (document.documentElement.lang = htmlLang(l as Lang)));
  return i18next;
}

/** The BCP 47 tag for <html lang>, so the browser picks the right font and voice. */
export function htmlLang(l: Lang): string {
  return l === 'ja-easy' ? 'ja' : l === 'zh' ? 'zh-Hans' : l;
}

/** Office-configured text in the wanted language, falling back to Japanese. */
export function pick(text: LocalizedText, lang: Lang | string): string {
  return (text as Record<string, string | undefined>)[lang] || text.ja;
}

export { i18next };
