import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { loadDefaultJapaneseParser } from 'budoux';
import type { Lang } from '../../common/types.js';
import { hasRuby, parseRuby, phrasesOf, plainText } from './ruby.js';

/**
 * Japanese text on resident screens: furigana as <ruby> and line breaks only between phrases
 * (BudouX finds the phrases; the span has `word-break: keep-all`, and a <wbr> between phrases is
 * the only place a line may break — never 「あかち/ゃん」). Other languages pass through unchanged.
 */

const parser = loadDefaultJapaneseParser();
const cache = new Map<string, ReactNode>();
const CACHE_MAX = 3000;

const isJapanese = (lang: string) => lang === 'ja' || lang === 'ja-easy';

export function renderJa(text: string): ReactNode {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const plain = plainText(text);
  const breaks = new Set<number>();
  let at = 0;
  for (const p of parser.parse(plain)) {
    if (at > 0) breaks.add(at);
    at += p.length;
  }
  const phrases = phrasesOf(parseRuby(text), breaks);
  const node = (
    <span className="jx">
      {phrases.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p.map((s, j) => (s.ruby !== undefined ? <ruby key={j}>{s.text}<rt>{s.ruby}</rt></ruby> : <Fragment key={j}>{s.text}</Fragment>))}
        </Fragment>
      ))}
    </span>
  );
  if (cache.size > CACHE_MAX) cache.clear();
  cache.set(text, node);
  return node;
}

/** A catalogue or office text in `lang`: ruby and phrase breaks for Japanese, plain otherwise. */
export function Jx(props: { text: string; lang: Lang | string }): ReactNode {
  return isJapanese(props.lang) || hasRuby(props.text) ? renderJa(props.text) : props.text;
}

/** `rt(key, options)`: the translated string rendered (ruby, phrases); `tp(key, options)`: plain text for attributes. */
export function useRt(): { rt: (key: string, options?: Record<string, unknown>) => ReactNode; tp: (key: string, options?: Record<string, unknown>) => string; lang: string } {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return {
    rt: (key, options) => {
      const s = String(t(key, options as never));
      return isJapanese(lang) ? renderJa(s) : s;
    },
    tp: (key, options) => plainText(String(t(key, options as never))),
    lang,
  };
}
