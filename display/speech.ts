import type { AnnouncementConfig, CallRecord } from '../common/types.js';

/**
 * Pure helpers of the lobby display's voice: how a ticket number and a counter are read aloud,
 * the announcement text from the office template, which calls are new (announce each call once),
 * the one announcement queue (never overlapping; each announcement says exactly the call it took
 * from the queue) and the bounds on a speech engine. No browser APIs here: the app injects chime,
 * speech and marks, and the tests inject fakes.
 */

/** Letters as Japanese speech engines should say them (エー ビー シー …, not "あ" or "えい"). */
export const LETTER_KANA: Record<string, string> = {
  A: 'エー', B: 'ビー', C: 'シー', D: 'ディー', E: 'イー', F: 'エフ', G: 'ジー', H: 'エイチ', I: 'アイ',
  J: 'ジェー', K: 'ケー', L: 'エル', M: 'エム', N: 'エヌ', O: 'オー', P: 'ピー', Q: 'キュー', R: 'アール',
  S: 'エス', T: 'ティー', U: 'ユー', V: 'ブイ', W: 'ダブリュー', X: 'エックス', Y: 'ワイ', Z: 'ゼット',
};

/** Split "A-012" / "AB12" / "012" into letters and the number without leading zeros; null if it is something else. */
export function splitTicketNumber(display: string): { letters: string; number: string } | null {
  const m = /^\s*([A-Za-z]*)\s*[-‐‑–ー－\s]?\s*(\d+)\s*$/.exec(display.normalize('NFKC'));
  if (!m) return null;
  return { letters: m[1]!.toUpperCase(), number: String(Number(m[2])) };
}

function lettersKana(letters: string): string {
  return [...letters].map((l) => LETTER_KANA[l] ?? l).join('');
}

/** How an office has numbers read: as a whole number (12 → じゅうに) or digit by digit (1 2 → イチ ニー). */
export type NumberReading = 'whole' | 'digits';

/** Digits as a Japanese voice says them one by one (ニー and ゴー lengthened, as in phone numbers). */
export const DIGIT_KANA = ['ゼロ', 'イチ', 'ニー', 'サン', 'ヨン', 'ゴー', 'ロク', 'ナナ', 'ハチ', 'キュウ'] as const;

/** The digits of a ticket number as printed ("A-012" → "012"), or null. */
function printedDigits(display: string): string | null {
  const m = /(\d+)\s*$/.exec(display.normalize('NFKC'));
  return m ? m[1]! : null;
}

/**
 * The ticket number as spoken inside a Japanese sentence, without 番: "A-012" → "エー 12".
 * Letters in katakana (a speech engine reads a bare "A" as "あ"). 'whole' (default): the number
 * without leading zeros so it is read as a number (じゅうに); 'digits': every printed digit
 * in katakana ("エー ゼロ イチ ニー"), as some offices prefer for four-digit numbers.
 */
export function jaNumberWords(display: string, reading: NumberReading = 'whole'): string {
  const p = splitTicketNumber(display);
  if (!p) return display;
  const number = reading === 'digits' ? [...printedDigits(display)!].map((d) => DIGIT_KANA[Number(d)]).join(' ') : p.number;
  return p.letters ? `${lettersKana(p.letters)} ${number}` : number;
}

/** The Japanese reading of a ticket number: "A-012" → "エー 12番". */
export function jaTicketReading(display: string, reading: NumberReading = 'whole'): string {
  return `${jaNumberWords(display, reading)}番`;
}

/** The counter label as spoken inside "{counter}番窓口": "3" → "3", "03" → "3", "A" → "エー". */
export function jaCounterWords(label: string): string {
  const s = label.normalize('NFKC').trim();
  if (/^\d+$/.test(s)) return String(Number(s));
  const p = splitTicketNumber(s);
  if (p) return p.letters ? `${lettersKana(p.letters)}${p.number}` : p.number;
  return [...s].map((ch) => LETTER_KANA[ch.toUpperCase()] ?? ch).join('');
}

/** The Japanese reading of a counter: "3" → "3番窓口". */
export function jaCounterReading(label: string): string {
  return `${jaCounterWords(label)}番窓口`;
}

/** English: "A-012" → "A 12" (an English voice says "A twelve"). */
export function enNumberWords(display: string, reading: NumberReading = 'whole'): string {
  const p = splitTicketNumber(display);
  if (!p) return display;
  const number = reading === 'digits' ? [...printedDigits(display)!].join(' ') : p.number;
  return p.letters ? `${[...p.letters].join(' ')} ${number}` : number;
}

function fill(template: string, number: string, counter: string): string {
  return template.replaceAll('{number}', number).replaceAll('{counter}', counter);
}

export interface AnnouncementText {
  ja: string;
  /** null unless the office turned English on. */
  en: string | null;
}

/**
 * The words of one announcement from the office template (tokens {number} {counter}).
 * The number must be heard twice: a template that names it only once is said twice.
 */
export function announcementText(call: Pick<CallRecord, 'display' | 'counterLabel'>, cfg: AnnouncementConfig): AnnouncementText {
  const reading: NumberReading = cfg.reading === 'digits' ? 'digits' : 'whole';
  const jaTemplate = cfg.ja.trim() || '{number}番の方、{counter}番窓口へお越しください。';
  let ja = fill(jaTemplate, jaNumberWords(call.display, reading), jaCounterWords(call.counterLabel));
  if (jaTemplate.split('{number}').length - 1 < 2) ja = `${ja}${/[。．.!！?？]$/.test(ja) ? '' : '。'}${ja}`;
  const enTemplate = cfg.en.trim() || 'Number {number}, please come to counter {counter}.';
  const en = cfg.english ? fill(enTemplate, enNumberWords(call.display, reading), call.counterLabel.normalize('NFKC').trim().replace(/^0+(?=\d)/, '')) : null;
  return { ja, en };
}

/** Calls announced late after a reconnect are pointless past this age; they are only shown. */
export const MAX_LATE_MS = 2 * 60_000;

/**
 * Which calls are new. The first snapshot only sets the mark (old calls are shown, never
 * announced); after that a call is new when its callId (unique, increasing) is above every id
 * seen, so a reconnect or a fresh snapshot never announces a call twice. Calls that do not
 * belong to this display (filter) move the mark but are not returned.
 */
export class CallTracker {
  private mark: number | null = null;
  private version = -1;

  get highestSeen(): number | null {
    return this.mark;
  }

  /**
   * Returns the calls to announce, oldest first. `now` is the snapshot's server time. A snapshot
   * whose version went backwards comes from a restored database: start again as on first load.
   */
  update(calls: readonly CallRecord[], now: number, accept: (c: CallRecord) => boolean = () => true, version?: number): CallRecord[] {
    const sorted = [...calls].sort((a, b) => a.callId - b.callId);
    const top = sorted.at(-1)?.callId ?? null;
    if (version !== undefined) {
      if (version < this.version) this.mark = null;
      this.version = version;
    }
    if (this.mark === null) {
      this.mark = top ?? 0;
      return [];
    }
    const mark = this.mark;
    const fresh = sorted.filter((c) => c.callId > mark);
    if (top !== null && top > mark) this.mark = top;
    return fresh.filter((c) => accept(c) && now - c.at <= MAX_LATE_MS);
  }
}

/** How one announcement's voice went: spoken, failed (did not start or end in time, error), or no voice to speak with. */
export type VoiceResult = 'ok' | 'failed' | 'unavailable';

export interface AnnouncerDeps<C> {
  /** The voice starts on this call (null: the queue is idle). The screen marks it; it never waits for it. */
  speaking(call: C | null): void;
  /** Resolves when the chime has sounded (or at once when sound cannot play). */
  chime(call: C): Promise<void>;
  /** Speak a text; resolves with how it went and must never hang for good (see guardedSpeech). */
  speak(text: string, lang: 'ja' | 'en'): Promise<VoiceResult>;
  texts(call: C): { text: string; lang: 'ja' | 'en' }[];
  /** After each announcement: the worst result of its texts ('ok' when there was nothing to say). */
  result?(call: C, result: VoiceResult): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Called when the queue has run dry. */
  idle?(): void;
}

export interface AnnouncerOptions {
  /** Silence after each announcement, so two calls do not run into each other. */
  gapMs: number;
}

export const DEFAULT_ANNOUNCER: AnnouncerOptions = { gapMs: 600 };

const WORST: Record<VoiceResult, number> = { ok: 0, unavailable: 1, failed: 2 };

/**
 * One voice queue, one announcement at a time, each call once, in the order the calls were made.
 * The queue only speaks: the screen shows every call as soon as the snapshot brings it and never
 * waits for the voice (the old rule "the number switches when its announcement starts" held a
 * burst of calls back for minutes). A failing chime or voice never stops the queue.
 */
export class AnnouncementQueue<C> {
  private readonly pending: C[] = [];
  private running = false;

  constructor(private readonly deps: AnnouncerDeps<C>, private readonly opts: AnnouncerOptions = DEFAULT_ANNOUNCER) {}

  get length(): number {
    return this.pending.length;
  }

  get busy(): boolean {
    return this.running;
  }

  push(...calls: C[]): void {
    this.pending.push(...calls);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    // Start outside the caller's stack (a React effect cannot render synchronously).
    await Promise.resolve();
    try {
      for (let call = this.pending.shift(); call !== undefined; call = this.pending.shift()) {
        try {
          this.deps.speaking(call);
        } catch {
          /* the mark is React's business; the voice goes on */
        }
        await this.deps.chime(call).catch(() => undefined);
        let texts: { text: string; lang: 'ja' | 'en' }[] = [];
        try {
          texts = this.deps.texts(call);
        } catch {
          texts = [];
        }
        let result: VoiceResult = 'ok';
        for (const t of texts) {
          const r = await this.deps.speak(t.text, t.lang).catch((): VoiceResult => 'failed');
          if (WORST[r] > WORST[result]) result = r;
        }
        try {
          this.deps.result?.(call, result);
        } catch {
          /* reporting must not stop the voice */
        }
        await this.deps.sleep(this.opts.gapMs);
      }
    } finally {
      this.running = false;
      try {
        this.deps.speaking(null);
      } catch {
        /* as above */
      }
      this.deps.idle?.();
    }
  }
}

/** A speech engine as guardedSpeech sees it: start speaking, report start / end / error once each. */
export interface SpeechEngine {
  speak(text: string, lang: 'ja' | 'en', on: { start(): void; end(): void; error(): void }): void;
  cancel(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Speech that has not started this long after it was asked for is taken as failed (a stuck or muted engine). */
export const SPEECH_START_MS = 3000;

/**
 * Speak with two bounds: the engine must start within SPEECH_START_MS and end within
 * speechGuardMs(text) of starting. Past either bound (or on an error) the speech is cancelled and
 * the result is 'failed', so the queue goes on and the display can show and report it.
 */
export function guardedSpeech(engine: SpeechEngine, text: string, lang: 'ja' | 'en', timers: Timers, startMs = SPEECH_START_MS): Promise<VoiceResult> {
  return new Promise<VoiceResult>((resolve) => {
    let done = false;
    let timer: unknown = null;
    const finish = (r: VoiceResult) => {
      if (done) return;
      done = true;
      if (timer !== null) timers.clearTimeout(timer);
      if (r === 'failed') {
        try {
          engine.cancel();
        } catch {
          /* nothing to cancel */
        }
      }
      resolve(r);
    };
    timer = timers.setTimeout(() => finish('failed'), startMs);
    try {
      engine.speak(text, lang, {
        start: () => {
          if (done) return;
          if (timer !== null) timers.clearTimeout(timer);
          timer = timers.setTimeout(() => finish('failed'), speechGuardMs(text));
        },
        end: () => finish('ok'),
        error: () => finish('failed'),
      });
    } catch {
      finish('failed');
    }
  });
}

/** What the display needs to know of a voice (a SpeechSynthesisVoice, or a fake in tests). */
export interface VoiceInfo {
  lang: string;
  name: string;
  localService?: boolean;
  default?: boolean;
}

/**
 * The voice for a language, or null when none is installed (then only the chime and the screen
 * announce: a Japanese sentence in an English voice would be garbled). Voices on this machine
 * (localService) come first: the network voices stop when the office network is down.
 */
export function pickVoice<V extends VoiceInfo>(voices: readonly V[], lang: 'ja' | 'en', preferredName?: string | null): V | null {
  const norm = (l: string) => l.replace('_', '-').toLowerCase();
  const candidates = voices.filter((v) => norm(v.lang) === lang || norm(v.lang).startsWith(`${lang}-`));
  if (!candidates.length) return null;
  if (preferredName) {
    const named = candidates.find((v) => v.name.toLowerCase().includes(preferredName.toLowerCase()));
    if (named) return named;
  }
  const score = (v: V) => (v.localService ? 2 : 0) + (v.default ? 1 : 0) + (lang === 'ja' && norm(v.lang) === 'ja-jp' ? 0.5 : 0) + (lang === 'en' && norm(v.lang) === 'en-us' ? 0.5 : 0);
  return [...candidates].sort((a, b) => score(b) - score(a))[0]!;
}

/**
 * How long speech may take, once started, before the display gives up on it (a stuck engine must
 * not stop the queue): Japanese at rate 0.9 says about 7 characters a second; twice that time is allowed.
 */
export function speechGuardMs(text: string): number {
  return 3000 + text.length * 250;
}
