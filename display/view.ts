import type { CallRecord, PublicCounter, PublicService, PublicSnapshot } from '../common/types.js';

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
}

export const DEFAULT_RECENT = 6;

function list(v: unknown): string[] | null {
  const raw = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'string' ? v : null;
  if (raw === null) return null;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
}

/**
 * Options from the URL (`?services=chuo-A,chuo-B&counters=chuo-c1&sound=off&recent=8&voice=Haruka`),
 * falling back to the device's config (`{services, counters, sound, recent, voice}` set by an administrator).
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
  };
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
 * The earlier calls listed under the large number, newest first: only calls already announced
 * (up to the one on screen), so the list never runs ahead of the voice. Each number appears once
 * (its latest call or recall), and the number on screen is not repeated in the list.
 */
export function recentList(calls: readonly CallRecord[], shown: Pick<CallRecord, 'callId' | 'display'> | null, max: number): CallRecord[] {
  if (shown === null) return [];
  const seen = new Set<string>([shown.display]);
  const out: CallRecord[] = [];
  for (const c of [...calls].filter((c) => c.callId < shown.callId).sort((a, b) => b.callId - a.callId)) {
    if (out.length >= max) break;
    if (seen.has(c.display)) continue;
    seen.add(c.display);
    out.push(c);
  }
  return out;
}

/** "3月24日(火)" and "09:30" in the office time zone. */
export function officeClock(at: number, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('ja-JP', { timeZone, month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('month')}月${get('day')}日(${get('weekday')})`, time: `${get('hour').padStart(2, '0')}:${get('minute')}` };
}
