import type { Lang } from '../../common/types.js';
import type { DB } from '../store/db.js';
import { loadCounters, loadOffices, loadServices } from '../store/rows.js';
import type { DayContext, OfficeProfile, ServiceProfile, Shift, Staffing } from './simulate.js';

/**
 * Office models for the simulator, calibrated on DESIGN.md's load model and scaled to the
 * counters the seeded offices have: certificates take minutes, 転入 with a family a quarter of
 * an hour and more (lognormal), arrivals peak at opening and after lunch, half the counters
 * rotate through lunch 12:00–13:00, and the moving season multiplies 転入 demand and the
 * procedures that follow it (国保, 児童手当, マイナンバーカード).
 */

/** Relative arrivals by local hour: rush at opening, lunch dip, afternoon bump, quiet end. */
export const WARD_HOURLY: number[] = (() => {
  const h = new Array<number>(24).fill(0);
  Object.assign(h, { 8: 1.5, 9: 1.6, 10: 1.45, 11: 1.15, 12: 0.75, 13: 1.2, 14: 1.1, 15: 0.9, 16: 0.6, 17: 0.3 });
  return h;
})();

export const WARD_LANGS: [Lang, number][] = [['ja', 92], ['en', 3], ['zh', 2], ['vi', 1.5], ['ko', 1], ['ja-easy', 0.5]];

/** The seven procedures of the default office (server/seed.ts), with the visit's usual route. */
export const WARD_SERVICES: ServiceProfile[] = [
  // 転入 → 国民健康保険 (→ 児童手当), or → マイナンバーカードの住所変更: one number for the whole visit.
  { prefix: 'A', share: 0.12, busyBoost: 3.0, meanMin: 16, cv: 0.6, dist: 'lognormal', noShow: 0.03, next: [{ prefix: 'E', p: 0.3 }, { prefix: 'D', p: 0.12 }] },
  { prefix: 'B', share: 0.3, busyBoost: 1.8, meanMin: 5, cv: 0.5, dist: 'gamma', noShow: 0.04 },
  { prefix: 'C', share: 0.08, busyBoost: 1.2, meanMin: 7, cv: 0.5, dist: 'gamma', noShow: 0.03 },
  { prefix: 'D', share: 0.16, busyBoost: 1.6, meanMin: 12, cv: 0.5, dist: 'lognormal', noShow: 0.05 },
  { prefix: 'E', share: 0.12, busyBoost: 2.0, meanMin: 11, cv: 0.5, dist: 'lognormal', noShow: 0.03, next: [{ prefix: 'F', p: 0.25 }] },
  { prefix: 'F', share: 0.08, busyBoost: 2.0, meanMin: 13, cv: 0.5, dist: 'lognormal', noShow: 0.03 },
  { prefix: 'G', share: 0.14, busyBoost: 1.1, meanMin: 5, cv: 0.5, dist: 'gamma', noShow: 0.03 },
];

const SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本', '井上', '木村', '林', '斎藤', '清水'];
const GIVEN = ['美咲', '健太', '陽子', '翔', '由美', '大輔', '直子', '拓也', '恵', '誠', '彩', '浩二', '真理', '悠斗', '香織', '亮', '千尋', '隆', '舞', '修'];

/** Clerks who staff the simulated counters (ids `${office}-clerk01` …). */
export function clerkRoster(officeId: string, n: number, offset = 0): { id: string; login: string; name: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    const id = `${officeId}-clerk${String(i + 1).padStart(2, '0')}`;
    return { id, login: id, name: `${SURNAMES[k % SURNAMES.length]} ${GIVEN[(k * 7) % GIVEN.length]}` };
  });
}

const allDay = (labels: string[], lunch: string[], from = '08:30', to = '17:15'): Shift[] => labels.map((counter) => ({ counter, from, to, lunch: lunch.includes(counter) }));

/** 中央区役所's temporary counters for the moving season, opened from the reform year on. */
export const CHUO_REFORM_COUNTERS: [string, string[]][] = [
  ['12', ['A', 'B']],
  ['13', ['A', 'E']],
  ['14', ['A']],
];

export const CHUO_CLERKS = 18;
export const HIGASHI_CLERKS = 12;

/** 中央区役所: eleven counters; from `reformYear` the busy season adds three 転入 counters and staggers lunch. */
export function chuoProfile(opts: { reformYear?: number; kioskDeviceId?: string | null } = {}): OfficeProfile {
  const reformYear = opts.reformYear ?? 2026;
  const base = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];
  return {
    officeId: 'chuo',
    ticketsPerDay: 300,
    services: WARD_SERVICES,
    hourly: WARD_HOURLY,
    reception: { open: '08:30', close: '17:15' },
    staffing(ctx: DayContext): Staffing {
      if (ctx.level > 0 && ctx.year >= reformYear) {
        return { shifts: allDay([...base, '12', '13', '14'], ['2', '7', '9', '12']) };
      }
      return { shifts: allDay(base, ['2', '5', '7', '9', '11']) };
    },
    priorityShare: 0.02,
    walkSec: [15, 75],
    slowShare: 0.05,
    recallSec: 60,
    langs: WARD_LANGS,
    clerks: clerkRoster('chuo', CHUO_CLERKS).map((c) => c.id),
    kioskDeviceId: opts.kioskDeviceId ?? 'chuo-kiosk-1',
  };
}

/** 東区役所's counters (label → procedures in order of preference). */
export const HIGASHI_COUNTERS: [string, string[]][] = [
  ['1', ['A', 'B']],
  ['2', ['A', 'B']],
  ['3', ['B', 'C', 'G']],
  ['4', ['D', 'C']],
  ['5', ['D']],
  ['6', ['E']],
  ['7', ['E', 'F']],
  ['8', ['G', 'B']],
];

/** 東区役所: eight counters, no reform, and demand that keeps growing year on year. */
export function higashiProfile(opts: { kioskDeviceId?: string | null } = {}): OfficeProfile {
  const labels = HIGASHI_COUNTERS.map(([l]) => l);
  return {
    officeId: 'higashi',
    ticketsPerDay: 190,
    services: WARD_SERVICES.map((s) => (s.prefix === 'F' ? { ...s, share: 0.1 } : s.prefix === 'G' ? { ...s, share: 0.12 } : s)),
    hourly: WARD_HOURLY,
    reception: { open: '08:30', close: '17:15' },
    staffing(ctx: DayContext): Staffing {
      return { shifts: allDay(labels, ['2', '4', '7']) };
    },
    yearFactor: (year) => 1 + 0.05 * (year - 2025),
    priorityShare: 0.02,
    walkSec: [15, 60],
    slowShare: 0.05,
    recallSec: 60,
    langs: WARD_LANGS,
    clerks: clerkRoster('higashi', HIGASHI_CLERKS, 7).map((c) => c.id),
    kioskDeviceId: opts.kioskDeviceId ?? 'higashi-kiosk-1',
  };
}

/**
 * Any other office: its own services (share equal, mean = the service's default time), every
 * counter open all day, every other counter at lunch, about 25 tickets per counter per day.
 */
export function genericProfile(db: DB, officeId: string): OfficeProfile {
  const office = loadOffices(db).find((o) => o.id === officeId);
  if (!office) throw new Error(`unknown office ${officeId}`);
  const services = loadServices(db, officeId).filter((s) => s.active);
  const counters = loadCounters(db, officeId).counters.filter((c) => c.active);
  const labels = counters.map((c) => c.label);
  const kiosk = db.prepare("SELECT id FROM devices WHERE office_id = ? AND kind = 'kiosk' AND revoked_at IS NULL ORDER BY id LIMIT 1").get(officeId) as { id: string } | undefined;
  return {
    officeId,
    ticketsPerDay: 25 * counters.length,
    services: services.map((s) => ({ prefix: s.prefix, share: 1 / services.length, busyBoost: 1.8, meanMin: s.defaultServiceMin, cv: 0.5, dist: 'lognormal', noShow: 0.03 })),
    hourly: WARD_HOURLY,
    reception: { open: office.hours?.open ?? '08:30', close: office.hours?.close ?? '17:15' },
    staffing: () => ({ shifts: allDay(labels, labels.filter((_, i) => i % 2 === 1), office.hours?.open, office.hours?.close) }),
    priorityShare: 0.02,
    walkSec: [15, 60],
    slowShare: 0.05,
    recallSec: 60,
    langs: WARD_LANGS,
    clerks: clerkRoster(officeId, counters.length + 3).map((c) => c.id),
    kioskDeviceId: kiosk?.id ?? null,
  };
}
