import type { CallRecord, Lang, LocalizedText, NoShowRecord, PublicCounter, PublicService, PublicSnapshot } from '../common/types.js';
import { LANGS } from '../common/types.js';
import { CATALOG } from '../web/catalog/index.js';

/**
 * Pure view rules of the lobby display: which services, counters and calls this display shows
 * (one display per floor or section), the recent-call list, and the office-time clock.
 */

export interface DisplayOptions {
  /** Only these service ids (null = all). */
  services: string[] | null;
  /** Only these counter ids (null = all). */
  counters: string[] | null;
  /** false = silent display (another display in the same room speaks). */
  sound: boolean;
  /** How many earlier calls to list. */
  recent: number;
  /** Part of a voice name to prefer (e.g. "Haruka"); null = the best Japanese voice on the machine. */
  voice: string | null;
  /** "Now calling" slots (4–8); null = sized to the counters shown (slotCount). */
  slots: number | null;
  /** Rotate service names and guide lines through the office's languages (off by default). */
  rotate: boolean;
  /** The office's chosen languages for the rotation (`?langs=ja,en,vi`); null = every language all shown services have. */
  langs: Lang[] | null;
}

export const DEFAULT_RECENT = 6;
export const MIN_SLOTS = 4;
export const MAX_SLOTS = 8;
/** A landscape screen holds three rows of slots at 10 m sizes (with the earlier-calls row, ten calls in all). */
export const LANDSCAPE_MAX_SLOTS = 6;

function flag(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return null;
  if (/^(on|1|true|yes)$/i.test(v)) return true;
  if (/^(off|0|false|no)$/i.test(v)) return false;
  return null;
}

function list(v: unknown): string[] | null {
  const raw = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'string' ? v : null;
  if (raw === null) return null;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
}

/**
 * Options from the URL (`?services=chuo-A,chuo-B&counters=chuo-c1&sound=off&recent=8&voice=Haruka&slots=6&rotate=on`),
 * falling back to the device's config (`{services, counters, sound, recent, voice, slots, rotate}` set by an administrator).
 */
export function parseDisplayOptions(search: string, config: Record<string, unknown> = {}): DisplayOptions {
  const q = new URLSearchParams(search);
  const soundRaw = q.get('sound') ?? (typeof config.sound === 'string' || typeof config.sound === 'boolean' ? String(config.sound) : null);
  const recentRaw = Number(q.get('recent') ?? config.recent ?? DEFAULT_RECENT);
  return {
    services: list(q.get('services')) ?? list(config.services),
    counters: list(q.get('counters')) ?? list(config.counters),
    sound: !(soundRaw && /^(off|0|false|no)$/i.test(soundRaw)),
    recent: Number.isInteger(recentRaw) && recentRaw >= 0 && recentRaw <= 20 ? recentRaw : DEFAULT_RECENT,
    voice: q.get('voice') || (typeof config.voice === 'string' && config.voice) || null,
    slots: slotsOption(q.get('slots') ?? config.slots),
    rotate: flag(q.get('rotate')) ?? flag(config.rotate) ?? false,
    langs: (list(q.get('langs')) ?? list(config.langs))?.filter((l): l is Lang => (LANGS as readonly string[]).includes(l)) ?? null,
  };
}

function slotsOption(v: unknown): number | null {
  const n = Number(v);
  return v !== null && v !== undefined && v !== '' && Number.isInteger(n) && n >= MIN_SLOTS && n <= MAX_SLOTS ? n : null;
}

/**
 * How many "now calling" slots: the option, or one for every two counters shown, 4 to 8. At
 * opening every counter calls at once; the slots and the earlier-calls row together hold them all.
 */
export function slotCount(counters: number, option: number | null): number {
  if (option !== null) return option;
  return Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Math.ceil(counters / 2)));
}

/** Does this call belong on this display? Both filters must agree when both are set. */
export function callMatches(call: Pick<CallRecord, 'serviceId' | 'counterId'>, o: Pick<DisplayOptions, 'services' | 'counters'>): boolean {
  if (o.services && !o.services.includes(call.serviceId)) return false;
  if (o.counters && !o.counters.includes(call.counterId)) return false;
  return true;
}

/** Counters on this display: the listed ones, or those serving a listed service, or all. */
export function visibleCounters(snap: Pick<PublicSnapshot, 'counters'>, o: Pick<DisplayOptions, 'services' | 'counters'>): PublicCounter[] {
  if (o.counters) return snap.counters.filter((c) => o.counters!.includes(c.id));
  if (o.services) return snap.counters.filter((c) => c.serviceIds.some((s) => o.services!.includes(s)));
  return snap.counters;
}

/** Services whose waiting count is shown: the listed ones, or those served at the listed counters, or all offered today. */
export function visibleServices(snap: Pick<PublicSnapshot, 'services' | 'counters'>, o: Pick<DisplayOptions, 'services' | 'counters'>): PublicService[] {
  if (o.services) return snap.services.filter((s) => o.services!.includes(s.id));
  if (o.counters) {
    const served = new Set(snap.counters.filter((c) => o.counters!.includes(c.id)).flatMap((c) => c.serviceIds));
    return snap.services.filter((s) => served.has(s.id));
  }
  return snap.services.filter((s) => s.kioskVisible || s.waiting > 0);
}

/** The office's calendar day (yyyy-MM-dd) of an instant. */
export function dayIn(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Calls of today's business day that belong on this display, oldest first. */
export function todaysCalls(snap: Pick<PublicSnapshot, 'recentCalls' | 'businessDay' | 'office'>, o: Pick<DisplayOptions, 'services' | 'counters'>): CallRecord[] {
  return snap.recentCalls
    .filter((c) => callMatches(c, o) && dayIn(c.at, snap.office.timezone) === snap.businessDay)
    .sort((a, b) => a.callId - b.callId);
}

/**
 * What the calls area shows, newest first: the "now calling" slots and the earlier calls after
 * them. Every call is there as soon as a snapshot brings it; the voice never holds it back. Each
 * number appears once, at its latest call (a recall moves it to the top, marked 再).
 */
export function callBoard(calls: readonly CallRecord[], slots: number, earlier: number): { now: CallRecord[]; earlier: CallRecord[] } {
  const seen = new Set<string>();
  const list: CallRecord[] = [];
  for (const c of [...calls].sort((a, b) => b.callId - a.callId)) {
    if (seen.has(c.display)) continue;
    seen.add(c.display);
    list.push(c);
    if (list.length >= slots + earlier) break;
  }
  return { now: list.slice(0, slots), earlier: list.slice(slots) };
}

/** No-show numbers on this display (its services / counters), newest first; a number called again since is not listed. */
export function visibleNoShows(snap: Pick<PublicSnapshot, 'noShows' | 'recentCalls'>, o: Pick<DisplayOptions, 'services' | 'counters'>, max: number): NoShowRecord[] {
  return (snap.noShows ?? [])
    .filter((n) => (!o.services || o.services.includes(n.serviceId)) && (!o.counters || (n.counterId !== null && o.counters.includes(n.counterId))))
    .filter((n) => !snap.recentCalls.some((c) => c.display === n.display && c.at > n.at))
    .slice(0, max);
}

/** The languages the rotation goes through: Japanese, then each language the services are named in. */
export function rotationLangs(services: readonly { name: LocalizedText }[], chosen: readonly Lang[] | null = null): Lang[] {
  return LANGS.filter((l) => l === 'ja' || ((chosen === null || chosen.includes(l)) && services.length > 0 && services.every((s) => !!s.name[l]?.trim())));
}

/** The guide line for no-show numbers, in each kiosk language. */
export const NO_SHOW_GUIDE: Record<Lang, string> = Object.fromEntries(LANGS.map((l) => [l, CATALOG[l].display.noShowGuide])) as Record<Lang, string>;

/** "3月24日(火)" and "09:30" in the office time zone. */
export function officeClock(at: number, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('ja-JP', { timeZone, month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('month')}月${get('day')}日(${get('weekday')})`, time: `${get('hour').padStart(2, '0')}:${get('minute')}` };
}
