import { useSyncExternalStore } from 'react';
import type { Lang } from '../common/types.js';
import { htmlLang } from '../web/i18n.js';
import { useRt } from '../web/catalog/Text.js';
import { readingText } from '../web/catalog/ruby.js';

/**
 * Kiosk accessibility (issue 15): a visible 「見やすさ・音声」 row with three toggle buttons —
 * larger text, high contrast, voice guidance. Voice is off by default; when on, the kiosk speaks the
 * button a resident chose and the ticket number (speech synthesis in the chosen language). Every
 * mode ends when the kiosk goes back to its start screen for the next resident.
 *
 * Volume per kiosk: `?voice=<0–100>` in the kiosk's URL (default 80); `?voice=0` hides the voice button.
 */

export interface AccessModes {
  large: boolean;
  contrast: boolean;
  voice: boolean;
}

const OFF: AccessModes = { large: false, contrast: false, voice: false };
let modes: AccessModes = OFF;
const listeners = new Set<() => void>();

const volumeParam = Number(new URLSearchParams(location.search).get('voice') ?? '80');
/** Speech volume 0–1 for this kiosk (0 = no voice guidance offered). */
export const VOICE_VOLUME = Number.isFinite(volumeParam) ? Math.min(100, Math.max(0, volumeParam)) / 100 : 0.8;

function apply(): void {
  const cl = document.documentElement.classList;
  cl.toggle('k-large', modes.large);
  cl.toggle('k-contrast', modes.contrast);
  for (const l of listeners) l();
}

export function setAccess(patch: Partial<AccessModes>): void {
  modes = { ...modes, ...patch };
  if (patch.voice === false) window.speechSynthesis?.cancel();
  apply();
}

export function resetAccess(): void {
  if (modes === OFF) return;
  modes = OFF;
  window.speechSynthesis?.cancel();
  apply();
}

export function useAccess(): AccessModes {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => modes,
  );
}

/** Speak `text` when voice guidance is on (furigana markup is read as its reading). Never throws. */
export function say(text: string, lang: Lang): void {
  if (!modes.voice || VOICE_VOLUME <= 0) return;
  try {
    const synth = window.speechSynthesis;
    if (!synth) return;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(readingText(text));
    u.lang = htmlLang(lang) === 'zh-Hans' ? 'zh-CN' : htmlLang(lang);
    u.volume = VOICE_VOLUME;
    u.rate = lang === 'ja-easy' ? 0.85 : 0.95;
    synth.speak(u);
    document.documentElement.dataset.spoken = u.text; // what was last said (tests, support)
  } catch {
    /* no speech on this machine: the screen still shows everything */
  }
}

export function AccessBar(props: { lang: Lang }) {
  const { rt, tp } = useRt();
  const m = useAccess();
  const toggle = (k: keyof AccessModes) => {
    const on = !m[k];
    setAccess({ [k]: on });
    if (k === 'voice' && on) {
      modes = { ...modes, voice: true };
      say(tp('a11y.voice'), props.lang);
    }
  };
  return (
    <div className="k-access" role="group" aria-label={tp('a11y.title')} data-testid="access">
      <button type="button" className="k-access-btn" aria-pressed={m.large} onClick={() => toggle('large')} data-testid="access-large">
        <span aria-hidden="true" className="k-access-icon">文</span> {rt('a11y.large')}
      </button>
      <button type="button" className="k-access-btn" aria-pressed={m.contrast} onClick={() => toggle('contrast')} data-testid="access-contrast">
        <span aria-hidden="true" className="k-access-icon">◐</span> {rt('a11y.contrast')}
      </button>
      {VOICE_VOLUME > 0 && (
        <button type="button" className="k-access-btn" aria-pressed={m.voice} onClick={() => toggle('voice')} data-testid="access-voice">
          <span aria-hidden="true" className="k-access-icon">♪</span> {rt('a11y.voice')}
        </button>
      )}
    </div>
  );
}
