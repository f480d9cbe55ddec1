/**
 * Furigana markup for やさしいにほんご: `{漢字|かんじ}` in a catalogue string or an office-configured
 * text. Pure functions (no DOM): the screens render segments as <ruby>, the printer and the voice
 * use the plain or the reading form.
 */

export interface Segment {
  text: string;
  /** The reading shown above `text` (furigana); absent for plain text. */
  ruby?: string;
}

const RUBY = /\{([^{}|]+)\|([^{}|]+)\}/g;

export function hasRuby(s: string): boolean {
  return new RegExp(RUBY.source).test(s);
}

export function parseRuby(s: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of s.matchAll(RUBY)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index) });
    out.push({ text: m[1]!, ruby: m[2]! });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last) });
  return out;
}

/** The text as written, without readings: 「{番号|ばんごう}」 → 「番号」 (screen-reader labels, Japanese printing). */
export function plainText(s: string): string {
  return s.replace(RUBY, '$1');
}

/** The text as read aloud: 「{番号|ばんごう}」 → 「ばんごう」 (speech synthesis). */
export function readingText(s: string): string {
  return s.replace(RUBY, '$2');
}

/** For a printer that cannot print furigana: 「{番号|ばんごう}」 → 「番号(ばんごう)」. */
export function inlineReading(s: string): string {
  return s.replace(RUBY, '$1($2)');
}

/**
 * Splits segments into phrases at the character offsets `breaks` (offsets in the plain text), never
 * inside a ruby word. Each phrase is a list of segments; the screen puts a break opportunity between them.
 */
export function phrasesOf(segments: Segment[], breaks: ReadonlySet<number>): Segment[][] {
  const phrases: Segment[][] = [[]];
  let pos = 0;
  const cut = () => {
    if (phrases.at(-1)!.length) phrases.push([]);
  };
  for (const seg of segments) {
    if (seg.ruby !== undefined) {
      if (breaks.has(pos)) cut();
      phrases.at(-1)!.push(seg);
      pos += seg.text.length;
      continue;
    }
    let start = 0;
    for (let i = 0; i < seg.text.length; i++) {
      if (i > 0 && breaks.has(pos + i)) {
        phrases.at(-1)!.push({ text: seg.text.slice(start, i) });
        cut();
        start = i;
      } else if (i === 0 && breaks.has(pos)) cut();
    }
    phrases.at(-1)!.push({ text: seg.text.slice(start) });
    pos += seg.text.length;
  }
  return phrases.filter((p) => p.length);
}
