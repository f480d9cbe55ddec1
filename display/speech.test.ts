import { describe, expect, it } from 'vitest';
import type { AnnouncementConfig, CallRecord } from '../common/types.js';
import { AnnouncementQueue, announcementText, CallTracker, enNumberWords, guardedSpeech, jaCounterReading, jaCounterWords, jaNumberWords, jaTicketReading, MAX_LATE_MS, pickVoice, SPEECH_START_MS, speechGuardMs, splitTicketNumber, type VoiceResult } from './speech.js';

const DEFAULT: AnnouncementConfig = {
  ja: '{number}番の方、{counter}番窓口へお越しください。{number}番の方、{counter}番窓口へお越しください。',
  en: 'Number {number}, please come to counter {counter}.',
  english: false,
};

function call(callId: number, display: string, counterLabel: string, extra: Partial<CallRecord> = {}): CallRecord {
  return { callId, display, serviceId: `chuo-${display[0]}`, counterId: `chuo-c${counterLabel}`, counterLabel, at: 1_000_000 + callId, recall: false, ...extra };
}

describe('Japanese reading of ticket numbers and counters', () => {
  it('reads the prefix letter in katakana and the number without leading zeros, then 番', () => {
    expect(jaTicketReading('A-012')).toBe('エー 12番');
    expect(jaTicketReading('B-001')).toBe('ビー 1番');
    expect(jaTicketReading('G-100')).toBe('ジー 100番');
    expect(jaTicketReading('D-007')).toBe('ディー 7番');
    expect(jaTicketReading('F-020')).toBe('エフ 20番');
  });

  it('covers every letter with a distinct katakana name', () => {
    const names = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((l) => jaNumberWords(`${l}-1`).split(' ')[0]);
    expect(new Set(names).size).toBe(26);
    for (const n of names) expect(n).toMatch(/^[ァ-ヶー]+$/);
    expect(jaNumberWords('W-3')).toBe('ダブリュー 3');
    expect(jaNumberWords('Z-26')).toBe('ゼット 26');
  });

  it('accepts numbers without prefix, two-letter prefixes, lower case and full-width digits', () => {
    expect(jaTicketReading('012')).toBe('12番');
    expect(jaTicketReading('AB-5')).toBe('エービー 5番');
    expect(jaTicketReading('a-012')).toBe('エー 12番');
    expect(jaTicketReading('Ａ－０１２')).toBe('エー 12番');
    expect(jaTicketReading('A-000')).toBe('エー 0番');
    expect(splitTicketNumber('受付')).toBeNull();
    // Something that is not a ticket number is passed through rather than garbled.
    expect(jaNumberWords('受付')).toBe('受付');
  });

  it('reads counters as N番窓口', () => {
    expect(jaCounterReading('3')).toBe('3番窓口');
    expect(jaCounterReading('03')).toBe('3番窓口');
    expect(jaCounterReading('11')).toBe('11番窓口');
    expect(jaCounterWords('A')).toBe('エー');
    expect(jaCounterWords('B2')).toBe('ビー2');
  });

  it('reads digit by digit when the office chooses it, keeping every printed digit', () => {
    expect(jaTicketReading('A-012', 'digits')).toBe('エー ゼロ イチ ニー番');
    expect(jaTicketReading('B-1234', 'digits')).toBe('ビー イチ ニー サン ヨン番');
    expect(jaTicketReading('A-1234')).toBe('エー 1234番');
    expect(enNumberWords('A-012', 'digits')).toBe('A 0 1 2');
    expect(announcementText(call(1, 'C-0507', '4'), { ...DEFAULT, english: true, reading: 'digits' })).toEqual({
      ja: 'シー ゼロ ゴー ゼロ ナナ番の方、4番窓口へお越しください。シー ゼロ ゴー ゼロ ナナ番の方、4番窓口へお越しください。',
      en: 'Number C 0 5 0 7, please come to counter 4.',
    });
  });

  it('reads numbers for an English voice as letter then number', () => {
    expect(enNumberWords('A-012')).toBe('A 12');
    expect(enNumberWords('AB-007')).toBe('A B 7');
  });
});

describe('announcement text from the office template', () => {
  it('fills the default template: the number first, the whole sentence twice, Japanese only', () => {
    const t = announcementText(call(1, 'A-012', '3'), DEFAULT);
    expect(t.ja).toBe('エー 12番の方、3番窓口へお越しください。エー 12番の方、3番窓口へお越しください。');
    expect(t.ja.startsWith('エー 12番')).toBe(true);
    expect(t.en).toBeNull();
  });

  it('adds English after Japanese when the office turns it on', () => {
    const t = announcementText(call(1, 'A-012', '3'), { ...DEFAULT, english: true });
    expect(t.en).toBe('Number A 12, please come to counter 3.');
  });

  it('says a template that names the number only once twice, so the number is always repeated', () => {
    const t = announcementText(call(1, 'C-004', '7'), { ...DEFAULT, ja: '{number}番の方、{counter}番窓口へどうぞ' });
    expect(t.ja).toBe('シー 4番の方、7番窓口へどうぞ。シー 4番の方、7番窓口へどうぞ');
    const t2 = announcementText(call(1, 'C-004', '7'), { ...DEFAULT, ja: '{number}番、{counter}番窓口です。' });
    expect(t2.ja).toBe('シー 4番、7番窓口です。シー 4番、7番窓口です。');
  });

  it('falls back to a standard sentence when the template is empty', () => {
    expect(announcementText(call(1, 'A-1', '2'), { ja: ' ', en: '', english: true })).toEqual({
      ja: 'エー 1番の方、2番窓口へお越しください。エー 1番の方、2番窓口へお越しください。',
      en: 'Number A 1, please come to counter 2.',
    });
  });
});

describe('CallTracker announces each call once', () => {
  it('announces nothing from the first snapshot, then only calls newer than any seen', () => {
    const t = new CallTracker();
    const a = call(10, 'A-001', '3');
    const b = call(12, 'A-002', '1');
    expect(t.update([a, b], 2_000_000)).toEqual([]);
    const c = call(15, 'A-003', '3');
    const d = call(16, 'A-003', '3', { recall: true });
    expect(t.update([a, b, c, d], c.at).map((x) => x.callId)).toEqual([15, 16]);
    // The same snapshot again (reconnect, fresh snapshot) announces nothing.
    expect(t.update([a, b, c, d], c.at)).toEqual([]);
    expect(t.highestSeen).toBe(16);
  });

  it('returns new calls oldest first whatever their order in the snapshot', () => {
    const t = new CallTracker();
    t.update([], 0);
    expect(t.update([call(5, 'A-2', '1'), call(3, 'A-1', '3')], 1_000_010).map((x) => x.callId)).toEqual([3, 5]);
  });

  it('starting empty, the first call after load is announced', () => {
    const t = new CallTracker();
    expect(t.update([], 0)).toEqual([]);
    expect(t.update([call(1, 'A-001', '3')], 1_000_001)).toHaveLength(1);
  });

  it('skips calls that are not for this display but still moves past them', () => {
    const t = new CallTracker();
    t.update([], 0);
    const onlyC3 = (c: CallRecord) => c.counterId === 'chuo-c3';
    expect(t.update([call(1, 'A-001', '1'), call(2, 'A-002', '3')], 1_000_002, onlyC3).map((c) => c.callId)).toEqual([2]);
    expect(t.update([call(1, 'A-001', '1'), call(2, 'A-002', '3')], 1_000_002)).toEqual([]);
  });

  it('after a database restore (version going back) starts again and announces the new calls', () => {
    const t = new CallTracker();
    t.update([call(500, 'A-050', '1')], 1_000_500, undefined, 600);
    // Restored from a backup: lower version and lower call ids; nothing old is announced…
    expect(t.update([call(100, 'A-010', '1')], 1_000_100, undefined, 120)).toEqual([]);
    expect(t.highestSeen).toBe(100);
    // …and the next call, though its id is below the old mark, is announced.
    expect(t.update([call(100, 'A-010', '1'), call(121, 'A-011', '3')], 1_000_121, undefined, 121).map((c) => c.callId)).toEqual([121]);
  });

  it('does not announce calls missed long ago while offline (they are only shown)', () => {
    const t = new CallTracker();
    t.update([call(1, 'A-001', '1')], 1_000_001);
    const old = call(2, 'A-002', '1', { at: 0 });
    const fresh = call(3, 'A-003', '1', { at: MAX_LATE_MS + 10 });
    expect(t.update([old, fresh], MAX_LATE_MS + 20).map((c) => c.callId)).toEqual([3]);
  });
});

/** A fake world for the queue: a virtual clock and a log of what happened when. */
function fakeWorld(speakMs = 300, opts: { failSpeech?: boolean; hangChime?: boolean; result?: VoiceResult } = {}) {
  let clock = 0;
  const log: { at: number; what: string }[] = [];
  const results: string[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((r) => timers.push({ at: clock + ms, fn: r }));
  async function runAll(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) return;
      clock = Math.max(clock, next.at);
      next.fn();
    }
  }
  const q = new AnnouncementQueue<CallRecord>({
    speaking: (c) => log.push({ at: clock, what: c ? `speaking ${c.display}@${c.counterLabel}` : 'speaking none' }),
    chime: async (c) => {
      log.push({ at: clock, what: `chime ${c.display}` });
      if (opts.hangChime) throw new Error('no audio');
      await sleep(1000);
    },
    speak: async (text, lang) => {
      log.push({ at: clock, what: `start ${lang} ${text}` });
      if (opts.failSpeech) throw new Error('no voice');
      await sleep(speakMs);
      log.push({ at: clock, what: `end ${lang} ${text}` });
      return opts.result ?? 'ok';
    },
    texts: (c) => [{ text: `${c.display}/${c.counterLabel}`, lang: 'ja' }],
    result: (c, r) => results.push(`${c.display} ${r}`),
    sleep,
    now: () => clock,
  }, { gapMs: 500 });
  return { q, log, results, runAll };
}

describe('AnnouncementQueue', () => {
  it('speaks two calls pushed together one after the other, each its own call, never overlapping', async () => {
    const w = fakeWorld();
    w.q.push(call(1, 'A-001', '3'));
    w.q.push(call(2, 'A-002', '1'));
    await w.runAll();
    expect(w.log.map((l) => l.what)).toEqual([
      'speaking A-001@3', 'chime A-001', 'start ja A-001/3', 'end ja A-001/3',
      'speaking A-002@1', 'chime A-002', 'start ja A-002/1', 'end ja A-002/1', 'speaking none',
    ]);
    const end1 = w.log.find((l) => l.what === 'end ja A-001/3')!.at;
    const next = w.log.find((l) => l.what === 'speaking A-002@1')!.at;
    expect(next).toBeGreaterThanOrEqual(end1 + 500);
    // The queue no longer holds a call for a minimum time: only chime + speech + gap.
    expect(next).toBe(1000 + 300 + 500);
    expect(w.results).toEqual(['A-001 ok', 'A-002 ok']);
    expect(w.q.busy).toBe(false);
  });

  it('ten calls in a burst are each spoken once, in call order', async () => {
    const w = fakeWorld(100);
    const burst = Array.from({ length: 10 }, (_, i) => call(i + 1, `A-${String(i + 1).padStart(3, '0')}`, String(i + 1)));
    w.q.push(...burst.slice(0, 4));
    await new Promise((r) => setImmediate(r));
    w.q.push(...burst.slice(4));
    await w.runAll();
    expect(w.log.filter((l) => l.what.startsWith('start')).map((l) => l.what)).toEqual(burst.map((c) => `start ja ${c.display}/${c.counterLabel}`));
  });

  it('a call arriving while one is spoken waits its turn', async () => {
    const w = fakeWorld();
    w.q.push(call(1, 'A-001', '3'));
    await new Promise((r) => setImmediate(r));
    expect(w.q.busy).toBe(true);
    w.q.push(call(2, 'B-001', '4'));
    expect(w.q.length).toBe(1);
    await w.runAll();
    expect(w.log.filter((l) => l.what.startsWith('speaking A') || l.what.startsWith('speaking B')).map((l) => l.what)).toEqual(['speaking A-001@3', 'speaking B-001@4']);
  });

  it('a voice that throws is reported failed and the chime still sounds for every call', async () => {
    const w = fakeWorld(300, { failSpeech: true });
    w.q.push(call(1, 'A-001', '3'), call(2, 'A-002', '1'));
    await w.runAll();
    expect(w.log.filter((l) => l.what.startsWith('chime')).map((l) => l.what)).toEqual(['chime A-001', 'chime A-002']);
    expect(w.results).toEqual(['A-001 failed', 'A-002 failed']);
  });

  it('reports the worst result of an announcement (no voice installed → unavailable)', async () => {
    const w = fakeWorld(300, { result: 'unavailable' });
    w.q.push(call(1, 'A-001', '3'));
    await w.runAll();
    expect(w.results).toEqual(['A-001 unavailable']);
  });

  it('a failing chime does not stop the voice', async () => {
    const w = fakeWorld(300, { hangChime: true });
    w.q.push(call(1, 'A-001', '3'));
    await w.runAll();
    expect(w.log.map((l) => l.what)).toEqual(['speaking A-001@3', 'chime A-001', 'start ja A-001/3', 'end ja A-001/3', 'speaking none']);
  });
});

describe('guardedSpeech: a speech engine that does not start or end in time fails, bounded', () => {
  function fakeTimers() {
    let clock = 0;
    let next = 1;
    const pending = new Map<number, { at: number; fn: () => void }>();
    return {
      timers: {
        setTimeout: (fn: () => void, ms: number) => {
          const id = next++;
          pending.set(id, { at: clock + ms, fn });
          return id;
        },
        clearTimeout: (h: unknown) => void pending.delete(h as number),
      },
      advance(ms: number) {
        const until = clock + ms;
        for (;;) {
          const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
          if (!due) break;
          pending.delete(due[0]);
          clock = due[1].at;
          due[1].fn();
        }
        clock = until;
      },
    };
  }
  type On = { start(): void; end(): void; error(): void };
  function engine() {
    const e = { on: null as On | null, cancelled: 0, speak: (_t: string, _l: 'ja' | 'en', on: On) => void (e.on = on), cancel: () => void e.cancelled++ };
    return e;
  }

  it('ok when the engine starts and ends', async () => {
    const t = fakeTimers();
    const e = engine();
    const p = guardedSpeech(e, 'テスト', 'ja', t.timers);
    e.on!.start();
    t.advance(1000);
    e.on!.end();
    await expect(p).resolves.toBe('ok');
    expect(e.cancelled).toBe(0);
  });

  it('failed (and cancelled) when it never starts within SPEECH_START_MS', async () => {
    const t = fakeTimers();
    const e = engine();
    const p = guardedSpeech(e, 'テスト', 'ja', t.timers);
    t.advance(SPEECH_START_MS - 1);
    let settled = false;
    void p.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    t.advance(1);
    await expect(p).resolves.toBe('failed');
    expect(e.cancelled).toBe(1);
  });

  it('failed when it starts but never ends within speechGuardMs of starting; a late end changes nothing', async () => {
    const t = fakeTimers();
    const e = engine();
    const text = 'エー 12番の方、3番窓口へお越しください。';
    const p = guardedSpeech(e, text, 'ja', t.timers);
    t.advance(2000);
    e.on!.start();
    t.advance(speechGuardMs(text));
    await expect(p).resolves.toBe('failed');
    e.on!.end();
    expect(e.cancelled).toBe(1);
  });

  it('failed on an engine error or a throw', async () => {
    const t = fakeTimers();
    const e = engine();
    const p = guardedSpeech(e, 'x', 'ja', t.timers);
    e.on!.error();
    await expect(p).resolves.toBe('failed');
    const thrower = { speak: () => { throw new Error('boom'); }, cancel: () => undefined };
    await expect(guardedSpeech(thrower, 'x', 'ja', t.timers)).resolves.toBe('failed');
  });
});

describe('voice choice', () => {
  const voices = [
    { lang: 'en-US', name: 'Google US English', localService: false, default: true },
    { lang: 'ja-JP', name: 'Google 日本語', localService: false },
    { lang: 'ja_JP', name: 'Microsoft Haruka', localService: true },
    { lang: 'en-GB', name: 'Daniel', localService: true },
  ];

  it('prefers a Japanese voice installed on the machine over a network voice', () => {
    expect(pickVoice(voices, 'ja')!.name).toBe('Microsoft Haruka');
    expect(pickVoice(voices, 'en')!.name).toBe('Daniel');
  });

  it('honours a chosen voice name and returns null when no voice of the language exists', () => {
    expect(pickVoice(voices, 'ja', 'google')!.name).toBe('Google 日本語');
    expect(pickVoice(voices.filter((v) => !v.lang.startsWith('ja')), 'ja')).toBeNull();
    expect(pickVoice([], 'ja')).toBeNull();
  });

  it('gives long sentences more time before giving up on the engine', () => {
    expect(speechGuardMs('あ'.repeat(50))).toBeGreaterThan(speechGuardMs('あ'));
  });
});
