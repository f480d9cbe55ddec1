import { generatePassword, hashPassword } from '../auth/password.js';
import { businessDay } from '../queue/time.js';
import { insertDevice, seedDefault, seedOffice } from '../seed.js';
import { migrate, type DB } from '../store/db.js';
import { addDays, businessDays, isBusinessDay, isValidDay } from './calendar.js';
import { CHUO_CLERKS, CHUO_REFORM_COUNTERS, chuoProfile, clerkRoster, HIGASHI_CLERKS, HIGASHI_COUNTERS, higashiProfile } from './profiles.js';
import { simulate, type OfficeProfile, type SimSummary } from './simulate.js';

/**
 * Demo data: two ward offices with two years of simulated history, so the console's reports and
 * the busy-season comparison mean something at first look.
 *
 *  - 中央区役所 (`chuo`, the default office): eleven counters; in the reform year (default 2026)
 *    the moving season gets three temporary 転入 counters (12–14) and staggered lunches, so its
 *    busy-season waits drop against the year before.
 *  - 東区役所 (`higashi`): eight counters, its own kiosk, display and supervisor, no reform and
 *    growing demand, so its busy season gets a little worse each year.
 */
export interface DemoOptions {
  /** First and last simulated day (yyyy-MM-dd). Default: the two years up to yesterday (Tokyo). */
  from?: string;
  to?: string;
  /** Exact days to simulate instead of from–to (business days only are kept). */
  days?: string[];
  /**
   * Which business days of the range are simulated. `seasons` (default): every day from 1 March
   * to 30 April (the busy season and the weeks around it) and one ordinary week in every other
   * month (days 8–14), which keeps the demo to a couple of minutes. `full`: every business day.
   */
  coverage?: 'seasons' | 'full';
  /** Small variant for tests: an ordinary week and a busy-season week in 2025 and 2026, half the demand. */
  small?: boolean;
  seed?: string;
  /** Arrival multiplier (default 1; 0.5 for the small variant). */
  scale?: number;
  /** Year from which 中央区役所 runs its reform (default: the last year simulated). */
  reformYear?: number;
  /** Password for accounts this function creates (staff of a fresh database, 東区役所's supervisor). */
  password?: string;
  /** Default true: synchronous=OFF while seeding (a demo can be seeded again if the power fails). */
  fast?: boolean;
  onDay?(info: { officeId: string; day: string; tickets: number }): void;
}

export interface DemoResult {
  days: string[];
  offices: SimSummary[];
  ms: number;
  /** Set when this call created sign-in accounts: their initial password and logins. */
  created?: { password: string; logins: string[] };
}

/**
 * The small variant's days (for tests): three ordinary February days and three peak busy-season
 * days, in 2025 and 2026. 24 March 2026 (the test kit's T0) is left out, so a test server at T0
 * can still issue that day's numbers.
 */
export const SMALL_DEMO_DAYS: string[] = [
  ...businessDays('2025-02-04', '2025-02-06'),
  ...businessDays('2025-03-25', '2025-03-27'),
  ...businessDays('2026-02-03', '2026-02-05'),
  ...businessDays('2026-03-25', '2026-03-27'),
];

const exists = (db: DB, sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) !== undefined;

/** Add the offices, counters, devices and staff the demo needs, leaving what is there alone. */
export async function ensureDemoOffices(db: DB, password?: string): Promise<DemoResult['created']> {
  migrate(db);
  let created: DemoResult['created'];
  const pw = password ?? process.env.MADOGUCHI_ADMIN_PASSWORD ?? generatePassword();
  if (!exists(db, 'SELECT 1 FROM offices WHERE id = ?', 'chuo')) {
    const seeded = await seedDefault(db, pw);
    created = { password: pw, logins: [...seeded.logins] };
  }
  // 中央区役所's temporary moving-season counters (臨時窓口), configured but closed outside the season.
  const services = new Set((db.prepare("SELECT id FROM services WHERE office_id = 'chuo'").all() as { id: string }[]).map((r) => r.id));
  const maxOrder = (db.prepare("SELECT max(sort_order) AS m FROM counters WHERE office_id = 'chuo'").get() as { m: number | null }).m ?? 0;
  CHUO_REFORM_COUNTERS.forEach(([label, prefixes], i) => {
    const id = `chuo-c${label}`;
    if (exists(db, 'SELECT 1 FROM counters WHERE id = ?', id)) return;
    db.prepare('INSERT INTO counters (id, office_id, label, name_json, sort_order) VALUES (?, ?, ?, ?, ?)')
      .run(id, 'chuo', label, JSON.stringify({ ja: `${label}番窓口（臨時）`, en: `Counter ${label} (seasonal)` }), maxOrder + 1 + i);
    prefixes.filter((p) => services.has(`chuo-${p}`)).forEach((p, j) => db.prepare('INSERT INTO counter_services (counter_id, service_id, position) VALUES (?, ?, ?)').run(id, `chuo-${p}`, j));
  });
  if (!exists(db, 'SELECT 1 FROM offices WHERE id = ?', 'higashi')) {
    seedOffice(db, { id: 'higashi', name: { ja: '東区役所', en: 'Higashi Ward Office' }, counters: HIGASHI_COUNTERS, sortOrder: 1 });
    insertDevice(db, { id: 'higashi-kiosk-1', officeId: 'higashi', kind: 'kiosk', name: '1階 発券機' });
    insertDevice(db, { id: 'higashi-display-1', officeId: 'higashi', kind: 'display', name: '1階 呼出表示盤' });
  }
  // Staff: 東区役所's supervisor (can sign in) and the clerks of the simulated history.
  const now = Date.now();
  const insertStaff = db.prepare(`INSERT INTO staff (id, office_id, login, name, role, password_hash, created_at, password_changed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  if (!exists(db, 'SELECT 1 FROM staff WHERE id = ?', 'higashi-supervisor')) {
    insertStaff.run('higashi-supervisor', 'higashi', 'higashi-supervisor', '東 窓口主任', 'supervisor', await hashPassword(pw), now, now);
    created = { password: pw, logins: [...(created?.logins ?? []), 'higashi-supervisor'] };
  }
  const roster = [...clerkRoster('chuo', CHUO_CLERKS).map((c) => ({ ...c, office: 'chuo' })), ...clerkRoster('higashi', HIGASHI_CLERKS, 7).map((c) => ({ ...c, office: 'higashi' }))];
  const missing = roster.filter((c) => !exists(db, 'SELECT 1 FROM staff WHERE id = ? OR login = ?', c.id, c.login));
  if (missing.length) {
    // The simulated clerks get one random password nobody is told: an administrator resets it to use them.
    const hash = await hashPassword(generatePassword());
    for (const c of missing) insertStaff.run(c.id, c.office, c.login, c.name, 'clerk', hash, now, now);
  }
  return created;
}

function kioskOf(db: DB, officeId: string): string | null {
  const r = db.prepare("SELECT id FROM devices WHERE office_id = ? AND kind = 'kiosk' AND revoked_at IS NULL ORDER BY id LIMIT 1").get(officeId) as { id: string } | undefined;
  return r?.id ?? null;
}

/**
 * While seeding, reuse prepared statements: the engine prepares its idempotency statements on
 * every command, which is a fifth of the seeding time. Same SQL, same results; undone afterwards.
 */
export function memoizePrepare(db: DB): () => void {
  const original = db.prepare;
  const cache = new Map<string, ReturnType<DB['prepare']>>();
  db.prepare = function (this: DB, sql: string) {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = original.call(this, sql);
      cache.set(sql, stmt);
    }
    return stmt;
  } as DB['prepare'];
  return () => {
    db.prepare = original;
  };
}

/** The days a demo covers for these options. */
export function demoDays(opts: Pick<DemoOptions, 'from' | 'to' | 'days' | 'small' | 'coverage'>, now = Date.now()): string[] {
  if (opts.days) return [...new Set(opts.days)].filter((d) => isValidDay(d) && isBusinessDay(d)).sort();
  if (opts.small && !opts.from && !opts.to) return SMALL_DEMO_DAYS;
  for (const d of [opts.from, opts.to]) if (d !== undefined && !isValidDay(d)) throw new RangeError(`not a date (yyyy-MM-dd): ${d}`);
  const to = opts.to ?? addDays(businessDay(now, 'Asia/Tokyo'), -1);
  const from = opts.from ?? addDays(to, -730);
  if (from > to) throw new RangeError(`from ${from} is after to ${to}`);
  const all = businessDays(from, to);
  if (opts.coverage === 'full') return all;
  return all.filter((d) => {
    const md = d.slice(5);
    const dom = Number(d.slice(8));
    return (md >= '03-01' && md <= '04-30') || (dom >= 8 && dom <= 14);
  });
}

/** Seed the demo offices and simulate their history into `db` (see DemoOptions). */
export async function seedDemo(db: DB, opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = performance.now();
  const days = demoDays(opts);
  const created = await ensureDemoOffices(db, opts.password);
  const lastYear = Number((days.at(-1) ?? '2026').slice(0, 4));
  const profiles: OfficeProfile[] = [
    chuoProfile({ reformYear: opts.reformYear ?? lastYear, kioskDeviceId: kioskOf(db, 'chuo') }),
    higashiProfile({ kioskDeviceId: kioskOf(db, 'higashi') }),
  ];
  const fast = opts.fast ?? true;
  const sync = db.pragma('synchronous', { simple: true }) as number;
  const cache = db.pragma('cache_size', { simple: true }) as number;
  if (fast) {
    db.pragma('synchronous = OFF');
    // History is written in random-id order into indexed tables: keep the pages in memory.
    db.pragma('cache_size = -262144');
  }
  const restorePrepare = fast ? memoizePrepare(db) : () => {};
  try {
    const offices = simulate({ db, profiles, days, seed: opts.seed ?? 'madoguchi-demo', scale: opts.scale ?? (opts.small ? 0.5 : 1), dayTransaction: true, onDay: opts.onDay });
    return { days, offices, ms: performance.now() - t0, created };
  } finally {
    restorePrepare();
    if (fast) {
      db.pragma(`synchronous = ${sync}`);
      db.pragma(`cache_size = ${cache}`);
    }
  }
}
