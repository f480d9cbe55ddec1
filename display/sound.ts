import { guardedSpeech, pickVoice, type SpeechEngine, type VoiceResult } from './speech.js';

/**
 * The display's sound in the browser: a chime generated with WebAudio (no file to ship) and
 * speech through `speechSynthesis`. The chime never depends on the voice; with no voice
 * installed speaking resolves at once and the chime and screen carry the call.
 */

declare global {
  interface Window {
    /** Test hook: called each time the chime sounds (a browser test records it). */
    __madoguchiChime?: (info: { display: string; counterLabel: string; callId: number }) => void;
  }
}

/** Two falling tones, ピン・ポーン, each ringing out (seconds). */
const CHIME_NOTES: { freq: number; at: number; len: number }[] = [
  { freq: 880, at: 0, len: 1.1 },
  { freq: 698.46, at: 0.55, len: 1.5 },
];
export const CHIME_MS = 1900;

export class DisplaySound {
  private ctx: AudioContext | null = null;
  private listeners = new Set<() => void>();

  constructor(readonly enabled: boolean, private readonly voiceName: string | null) {
    if (!enabled) return;
    try {
      this.ctx = new AudioContext();
      this.ctx.onstatechange = () => this.listeners.forEach((l) => l());
      void this.ctx.resume().catch(() => undefined);
    } catch {
      this.ctx = null;
    }
    // Chrome loads its voice list lazily; ask early so it is there at the first call.
    try {
      window.speechSynthesis?.getVoices();
    } catch {
      /* no speech at all */
    }
  }

  /** True while the browser blocks audio until someone touches the screen (autoplay policy). */
  get blocked(): boolean {
    return this.enabled && this.ctx !== null && this.ctx.state === 'suspended';
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called from a click: the user gesture lets audio and speech play from now on. */
  async unlock(): Promise<void> {
    try {
      await this.ctx?.resume();
    } catch {
      /* stays blocked; the button stays */
    }
    try {
      const u = new SpeechSynthesisUtterance(' ');
      u.volume = 0;
      window.speechSynthesis?.speak(u);
    } catch {
      /* no speech */
    }
    this.listeners.forEach((l) => l());
  }

  /** Sound the chime; resolves when it has rung out. */
  async chime(info: { display: string; counterLabel: string; callId: number }): Promise<void> {
    try {
      window.__madoguchiChime?.(info);
    } catch {
      /* test hook only */
    }
    if (!this.enabled) return;
    const ctx = this.ctx;
    if (ctx && ctx.state === 'running') {
      const t0 = ctx.currentTime + 0.02;
      for (const n of CHIME_NOTES) {
        for (const [mult, vol] of [[1, 0.45], [2, 0.08], [3, 0.04]] as const) {
          const osc = ctx.createOscillator();
          const gain = ctx.createGain();
          osc.type = 'sine';
          osc.frequency.value = n.freq * mult;
          gain.gain.setValueAtTime(0.0001, t0 + n.at);
          gain.gain.exponentialRampToValueAtTime(vol, t0 + n.at + 0.015);
          gain.gain.exponentialRampToValueAtTime(0.0001, t0 + n.at + n.len);
          osc.connect(gain).connect(ctx.destination);
          osc.start(t0 + n.at);
          osc.stop(t0 + n.at + n.len + 0.05);
        }
      }
    }
    await new Promise((r) => setTimeout(r, CHIME_MS));
  }

  /**
   * Speak a text through speechSynthesis, bounded (guardedSpeech): 'ok' when it ended, 'failed'
   * when it did not start or end in time or raised an error, 'unavailable' when there is no voice
   * for the language (then the chime and the screen carry the call, and the display says so).
   */
  speak(text: string, lang: 'ja' | 'en'): Promise<VoiceResult> {
    if (!this.enabled) return Promise.resolve('ok');
    const synth = window.speechSynthesis as SpeechSynthesis | undefined;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return Promise.resolve('unavailable');
    let voices: SpeechSynthesisVoice[] = [];
    try {
      voices = synth.getVoices();
    } catch {
      voices = [];
    }
    const voice = pickVoice(voices, lang, this.voiceName);
    if (!voice) return Promise.resolve('unavailable');
    const engine: SpeechEngine = {
      speak: (t, l, on) => {
        const u = new SpeechSynthesisUtterance(t);
        u.lang = l === 'ja' ? 'ja-JP' : 'en-US';
        try {
          u.voice = voice;
        } catch {
          /* a voice object the engine does not know: the lang picks one */
        }
        u.rate = l === 'ja' ? 0.9 : 0.95;
        u.onstart = on.start;
        u.onend = on.end;
        u.onerror = on.error;
        // An engine left speaking by someone else would delay us; we own the voice of this screen.
        if (synth.speaking || synth.pending) synth.cancel();
        synth.speak(u);
      },
      cancel: () => synth.cancel(),
    };
    return guardedSpeech(engine, text, lang, { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) });
  }
}
