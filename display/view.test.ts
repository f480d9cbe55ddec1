import { describe, expect, it } from 'vitest';
import type { CallRecord, PublicSnapshot } from '../common/types.js';
import { callBoard, callMatches, dayIn, NO_SHOW_GUIDE, officeClock, parseDisplayOptions, rotationLangs, slotCount, todaysCalls, visibleCounters, visibleNoShows, visibleServices } from './view.js';

const T0 = Date.UTC(2026, 2, 24, 0, 30); // 09:30 in Tokyo

function call(callId: number, serviceId: string, counterId: string, at = T0): CallRecord {
  return { callId, display: `${serviceId.slice(-1)}-${String(callId).padStart(3, '0')}`, serviceId, counterId, counterLabel: counterId.replace('chuo-c', ''), at, recall: false };
}

const snap = {
  businessDay: '2026-03-24',
  office: { timezone: 'Asia/Tokyo' },
  services: [
    { id: 'chuo-A', kioskVisible: true, waiting: 3 },
    { id: 'chuo-B', kioskVisible: true, waiting: 0 },
    { id: 'chuo-X', kioskVisible: false, waiting: 0 },
    { id: 'chuo-Y', kioskVisible: false, waiting: 2 },
  ],
  counters: [
    { id: 'chuo-c1', serviceIds: ['chuo-A', 'chuo-B'] },
    { id: 'chuo-c3', serviceIds: ['chuo-A'] },
    { id: 'chuo-c4', serviceIds: ['chuo-B'] },
  ],
  recentCalls: [call(3, 'chuo-A', 'chuo-c3'), call(1, 'chuo-B', 'chuo-c4', T0 - 86_400_000), call(2, 'chuo-B', 'chuo-c1')],
} as unknown as PublicSnapshot;

describe('display options', () => {
  it('reads services, counters, sound and recent from the URL', () => {
    expect(parseDisplayOptions('?services=chuo-A,chuo-B&counters=chuo-c1&sound=off&recent=8&voice=Haruka&slots=6&rotate=on')).toEqual({ services: ['chuo-A', 'chuo-B'], counters: ['chuo-c1'], sound: false, recent: 8, voice: 'Haruka', slots: 6, rotate: true, langs: null });
    expect(parseDisplayOptions('')).toEqual({ services: null, counters: null, sound: true, recent: 6, voice: null, slots: null, rotate: false, langs: null });
    expect(parseDisplayOptions('?services=&recent=999&sound=on&slots=99&rotate=maybe')).toEqual({ services: null, counters: null, sound: true, recent: 6, voice: null, slots: null, rotate: false, langs: null });
  });

  it('falls back to the device config, the URL winning', () => {
    expect(parseDisplayOptions('', { services: ['chuo-E', 'chuo-F'], sound: false })).toMatchObject({ services: ['chuo-E', 'chuo-F'], sound: false });
    expect(parseDisplayOptions('?services=chuo-A', { services: 'chuo-E' }).services).toEqual(['chuo-A']);
    expect(parseDisplayOptions('', { rotate: true, slots: 5 })).toMatchObject({ rotate: true, slots: 5 });
    expect(parseDisplayOptions('?rotate=off', { rotate: true }).rotate).toBe(false);
  });

  it("rotates only through the office's chosen languages (`?langs=`, device config `langs`), unknown ones ignored", () => {
    expect(parseDisplayOptions('?rotate=on&langs=en,vi,xx').langs).toEqual(['en', 'vi']);
    expect(parseDisplayOptions('', { langs: ['zh'] }).langs).toEqual(['zh']);
    const all = { name: { ja: 'a', en: 'a', zh: 'a', ko: 'a', vi: 'a', 'ja-easy': 'a' } };
    expect(rotationLangs([all])).toEqual(['ja', 'en', 'zh', 'ko', 'vi', 'ja-easy']);
    expect(rotationLangs([all], ['vi', 'en'])).toEqual(['ja', 'en', 'vi']);
    expect(rotationLangs([all, { name: { ja: 'b', en: 'b' } }], ['vi', 'en'])).toEqual(['ja', 'en']);
  });
});

describe('what a limited display shows', () => {
  it('matches calls by service and by counter, both when both are set', () => {
    const c = call(1, 'chuo-A', 'chuo-c3');
    expect(callMatches(c, { services: null, counters: null })).toBe(true);
    expect(callMatches(c, { services: ['chuo-A'], counters: null })).toBe(true);
    expect(callMatches(c, { services: ['chuo-B'], counters: null })).toBe(false);
    expect(callMatches(c, { services: null, counters: ['chuo-c1'] })).toBe(false);
    expect(callMatches(c, { services: ['chuo-A'], counters: ['chuo-c1'] })).toBe(false);
  });

  it('shows the listed counters, or the counters serving the listed services', () => {
    expect(visibleCounters(snap, { services: null, counters: ['chuo-c4'] }).map((c) => c.id)).toEqual(['chuo-c4']);
    expect(visibleCounters(snap, { services: ['chuo-A'], counters: null }).map((c) => c.id)).toEqual(['chuo-c1', 'chuo-c3']);
    expect(visibleCounters(snap, { services: null, counters: null })).toHaveLength(3);
  });

  it('shows waiting counts for the listed services, or those served at the listed counters, or the offered ones', () => {
    expect(visibleServices(snap, { services: ['chuo-B'], counters: null }).map((s) => s.id)).toEqual(['chuo-B']);
    expect(visibleServices(snap, { services: null, counters: ['chuo-c3'] }).map((s) => s.id)).toEqual(['chuo-A']);
    // Hidden from the kiosk but with people waiting: still counted.
    expect(visibleServices(snap, { services: null, counters: null }).map((s) => s.id)).toEqual(['chuo-A', 'chuo-B', 'chuo-Y']);
  });

  it("keeps only today's calls, oldest first", () => {
    expect(todaysCalls(snap, { services: null, counters: null }).map((c) => c.callId)).toEqual([2, 3]);
    expect(todaysCalls(snap, { services: ['chuo-A'], counters: null }).map((c) => c.callId)).toEqual([3]);
    expect(dayIn(Date.UTC(2026, 2, 24, 15, 0), 'Asia/Tokyo')).toBe('2026-03-25');
  });

  it('puts every call on the board at once, newest first: slots, then earlier calls', () => {
    const calls = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => call(i, 'chuo-A', `chuo-c${i}`));
    const b = callBoard(calls, 8, 6);
    expect(b.now.map((c) => c.callId)).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
    expect(b.earlier.map((c) => c.callId)).toEqual([2, 1]);
    expect(callBoard(calls, 4, 2).earlier.map((c) => c.callId)).toEqual([6, 5]);
    expect(callBoard([], 4, 6)).toEqual({ now: [], earlier: [] });
  });

  it('lists each number once, at its latest call: a recall moves it to the top', () => {
    const a1 = call(1, 'chuo-A', 'chuo-c3');
    const b2 = call(2, 'chuo-B', 'chuo-c1');
    const a1recall = { ...a1, callId: 3, recall: true };
    const b = callBoard([a1, b2, a1recall], 4, 6);
    expect(b.now.map((c) => [c.callId, c.recall])).toEqual([[3, true], [2, false]]);
    expect(b.earlier).toEqual([]);
  });

  it('sizes the slots to the counters shown, 4 to 8, unless set', () => {
    expect(slotCount(1, null)).toBe(4);
    expect(slotCount(10, null)).toBe(5);
    expect(slotCount(14, null)).toBe(7);
    expect(slotCount(20, null)).toBe(8);
    expect(slotCount(20, 4)).toBe(4);
  });

  it('lists no-show numbers of this display, not those called again since', () => {
    const s = {
      noShows: [
        { display: 'A-010', serviceId: 'chuo-A', counterId: 'chuo-c3', at: T0 + 50 },
        { display: 'B-004', serviceId: 'chuo-B', counterId: 'chuo-c4', at: T0 + 40 },
        { display: 'A-002', serviceId: 'chuo-A', counterId: 'chuo-c1', at: T0 + 10 },
      ],
      recentCalls: [call(9, 'chuo-A', 'chuo-c1', T0 + 20)].map((c) => ({ ...c, display: 'A-002' })),
    };
    expect(visibleNoShows(s, { services: null, counters: null }, 8).map((n) => n.display)).toEqual(['A-010', 'B-004']);
    expect(visibleNoShows(s, { services: ['chuo-B'], counters: null }, 8).map((n) => n.display)).toEqual(['B-004']);
    expect(visibleNoShows(s, { services: null, counters: ['chuo-c3'] }, 8).map((n) => n.display)).toEqual(['A-010']);
    expect(visibleNoShows(s, { services: null, counters: null }, 1)).toHaveLength(1);
  });

  it('rotates only through languages every service is named in; the guide exists in each', () => {
    expect(rotationLangs([{ name: { ja: '転入', en: 'Moving in', zh: '迁入' } }, { name: { ja: '住民票', en: 'Residence certificate' } }])).toEqual(['ja', 'en']);
    expect(rotationLangs([])).toEqual(['ja']);
    for (const l of rotationLangs([{ name: { ja: 'a', en: 'a', zh: 'a', ko: 'a', vi: 'a', 'ja-easy': 'a' } }])) expect(NO_SHOW_GUIDE[l]).toBeTruthy();
  });
});

describe('office clock', () => {
  it('shows the date and time in the office time zone whatever the machine zone', () => {
    expect(officeClock(T0, 'Asia/Tokyo')).toEqual({ date: '3月24日(火)', time: '09:30' });
    expect(officeClock(Date.UTC(2026, 2, 24, 15, 5), 'Asia/Tokyo')).toEqual({ date: '3月25日(水)', time: '00:05' });
  });
});
