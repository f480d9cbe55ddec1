import { describe, expect, it } from 'vitest';
import { loadDefaultJapaneseParser } from 'budoux';
import { LANGS } from '../../common/types.js';
import { CATALOG } from './index.js';
import { hasRuby, inlineReading, parseRuby, phrasesOf, plainText, readingText } from './ruby.js';

const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('resident catalogue (web/catalog)', () => {
  const apps = Object.keys(CATALOG.ja) as (keyof typeof CATALOG.ja)[];

  it('has the three resident apps', () => {
    expect(apps.sort()).toEqual(['display', 'kiosk', 'status']);
  });

  for (const lang of LANGS) {
    it(`${lang}: every key of every app, no extra key, same {{variables}}, no empty text`, () => {
      for (const app of apps) {
        const ref = CATALOG.ja[app] as Record<string, string>;
        const cat = CATALOG[lang][app] as Record<string, string>;
        expect(Object.keys(cat).sort(), `${lang}/${app}`).toEqual(Object.keys(ref).sort());
        for (const [k, v] of Object.entries(ref)) {
          expect(typeof cat[k], `${lang}/${app}/${k}`).toBe('string');
          expect(vars(cat[k]!), `${lang}/${app}/${k}`).toEqual(vars(v));
          if (v !== '') expect(cat[k]!.trim(), `${lang}/${app}/${k} empty`).not.toBe('');
          // furigana markup is well formed: nothing left of it after removing the {base|reading} pairs
          expect(plainText(cat[k]!.replace(/\{\{\w+\}\}/g, '')), `${lang}/${app}/${k}`).not.toMatch(/[{}|]/);
        }
      }
    });
  }

  it('translates: zh, ko, vi and en never show a Japanese-only sentence where Japanese has one', () => {
    for (const lang of ['en', 'zh', 'ko', 'vi'] as const) {
      for (const app of apps) {
        const ref = CATALOG.ja[app] as Record<string, string>;
        const cat = CATALOG[lang][app] as Record<string, string>;
        for (const k of Object.keys(ref)) if (/[ぁ-んァ-ン]/.test(ref[k]!) && !k.startsWith('language')) expect(cat[k], `${lang}/${app}/${k}`).not.toBe(ref[k]);
      }
    }
  });

  it('やさしいにほんご is kanji with furigana, in kind words', () => {
    const easy = Object.values(CATALOG['ja-easy']).flatMap((c) => Object.values(c as Record<string, string>));
    const withRuby = easy.filter(hasRuby).length;
    expect(withRuby / easy.length).toBeGreaterThan(0.8);
    expect(easy.join('\n')).not.toContain('としより');
    expect(CATALOG['ja-easy'].kiosk['priority.elderly']).toBe('お{年寄|としよ}りの{方|かた}');
  });
});

describe('furigana markup', () => {
  const s = '{番号札|ばんごうふだ}を{取|と}ってください';
  it('parses into ruby and plain segments', () => {
    expect(parseRuby(s)).toEqual([{ text: '番号札', ruby: 'ばんごうふだ' }, { text: 'を' }, { text: '取', ruby: 'と' }, { text: 'ってください' }]);
    expect(plainText(s)).toBe('番号札を取ってください');
    expect(readingText(s)).toBe('ばんごうふだをとってください');
    expect(inlineReading(s)).toBe('番号札(ばんごうふだ)を取(と)ってください');
  });

  it('breaks only between BudouX phrases, never inside a word or a ruby base', () => {
    const parser = loadDefaultJapaneseParser();
    const text = 'おなかに{赤|あか}ちゃんがいる{人|ひと}';
    const plain = plainText(text);
    const breaks = new Set<number>();
    let at = 0;
    for (const p of parser.parse(plain)) {
      if (at > 0) breaks.add(at);
      at += p.length;
    }
    const phrases = phrasesOf(parseRuby(text), breaks).map((p) => p.map((x) => x.text).join(''));
    expect(phrases.join('')).toBe(plain);
    expect(phrases.length).toBeGreaterThan(1);
    // 「赤ちゃん」 stays on one line: no phrase ends inside it
    expect(phrases.some((p) => p.includes('赤ちゃん'))).toBe(true);
    // a ruby word is never cut: a break asked for inside it is ignored
    const cut = phrasesOf(parseRuby('{番号札|ばんごうふだ}'), new Set([1, 2]));
    expect(cut).toEqual([[{ text: '番号札', ruby: 'ばんごうふだ' }]]);
  });
});
