import { describe, expect, it } from 'vitest';
import type { CallRecord, PublicSnapshot } from '../common/types.js';
import { callMatches, dayIn, officeClock, parseDisplayOptions, recentList, todaysCalls, visibleCounters, visibleServices } from './view.js';

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
    expect(parseDisplayOptions('?services=chuo-A,chuo-B&counters=chuo-c1&sound=off&recent=8&voice=Haruka')).toEqual({ services: ['chuo-A', 'chuo-B'], counters: ['chuo-c1'], sound: false, recent: 8, voice: 'Haruka' });
    expect(parseDisplayOptions('')).toEqual({ services: null, counters: null, sound: true, recent: 6, voice: null });
    expect(parseDisplayOptions('?services=&recent=999&sound=on')).toEqual({ services: null, counters: null, sound: true, recent: 6, voice: null });
  });

  it('falls back to the device config, the URL winning', () => {
    expect(parseDisplayOptions('', { services: ['chuo-E', 'chuo-F'], sound: false })).toMatchObject({ services: ['chuo-E', 'chuo-F'], sound: false });
    expect(parseDisplayOptions('?services=chuo-A', { services: 'chuo-E' }).services).toEqual(['chuo-A']);
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

  it('lists earlier calls newest first, never those not yet announced', () => {
    const calls = [1, 2, 3, 4, 5].map((i) => call(i, 'chuo-A', 'chuo-c3'));
    expect(recentList(calls, calls[2]!, 6).map((c) => c.callId)).toEqual([2, 1]);
    expect(recentList(calls, calls[4]!, 2).map((c) => c.callId)).toEqual([4, 3]);
    expect(recentList(calls, null, 6)).toEqual([]);
  });

  it('lists each number once, and not the number on screen (a recall is not listed under itself)', () => {
    const a1 = call(1, 'chuo-A', 'chuo-c3');
    const b2 = call(2, 'chuo-B', 'chuo-c1');
    const a1recall = { ...a1, callId: 3, recall: true };
    const b2recall = { ...b2, callId: 4, recall: true };
    expect(recentList([a1, b2, a1recall], a1recall, 6).map((c) => c.callId)).toEqual([2]);
    expect(recentList([a1, b2, a1recall, b2recall, call(5, 'chuo-C', 'chuo-c4')], call(5, 'chuo-C', 'chuo-c4'), 6).map((c) => c.callId)).toEqual([4, 3]);
  });
});

describe('office clock', () => {
  it('shows the date and time in the office time zone whatever the machine zone', () => {
    expect(officeClock(T0, 'Asia/Tokyo')).toEqual({ date: '3月24日(火)', time: '09:30' });
    expect(officeClock(Date.UTC(2026, 2, 24, 15, 5), 'Asia/Tokyo')).toEqual({ date: '3月25日(水)', time: '00:05' });
  });
});
