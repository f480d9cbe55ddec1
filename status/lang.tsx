import { useState } from 'react';
import { LANGS, type Lang } from '../common/types.js';
import { i18next } from '../web/i18n.js';
import { LANG_LABELS } from '../web/catalog/index.js';
import { useRt } from '../web/catalog/Text.js';

/**
 * The phone pages' language: all six kiosk languages. The kiosk's QR link carries the ticket's
 * language (`/t/<token>?lang=vi`), so the page opens in it; a resident who switches keeps the choice
 * (saved on the phone and written into the address). Order: `?lang=` > the saved choice > the phone's language.
 */
const LANG_KEY = 'madoguchi.statusLang';
const isLang = (x: string | null): x is Lang => x !== null && (LANGS as readonly string[]).includes(x);

export function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  if (isLang(q)) return q;
  const saved = localStorage.getItem(LANG_KEY);
  if (isLang(saved)) return saved;
  const nav = navigator.language.toLowerCase();
  for (const l of ['ja', 'zh', 'ko', 'vi'] as const) if (nav.startsWith(l)) return l;
  return 'en';
}

/** True when the address named the language (the QR link): the ticket's own language then is not applied over it. */
export const langFromAddress = isLang(new URLSearchParams(location.search).get('lang'));

export function useLang(initial: Lang): [Lang, (l: Lang) => void] {
  const [lang, setLangState] = useState<Lang>(initial);
  const setLang = (next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    const url = new URL(location.href);
    url.searchParams.set('lang', next);
    history.replaceState(null, '', url);
    setLangState(next);
    void i18next.changeLanguage(next);
  };
  return [lang, setLang];
}

export function LangSelect(props: { lang: Lang; onChange: (l: Lang) => void }) {
  const { rt } = useRt();
  return (
    <label className="s-lang">
      <span className="s-lang-label">{rt('language')}</span>
      <select value={props.lang} onChange={(e) => props.onChange(e.target.value as Lang)} data-testid="lang-select">
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l === 'ja-easy' ? 'ja' : l}>{LANG_LABELS[l]}</option>
        ))}
      </select>
    </label>
  );
}
