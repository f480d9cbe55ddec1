import { randomBytes } from 'node:crypto';
import type { CallPolicy, LocalizedText, OfficeHours } from '../common/types.js';
import { generatePassword, hashPassword } from './auth/password.js';
import { passwordProblem, PASSWORD_PROBLEM_TEXT } from './auth/policy.js';
import type { DB } from './store/db.js';

export interface SeedService {
  prefix: string;
  name: LocalizedText;
  description: LocalizedText;
  targetWaitMin: number;
  defaultServiceMin: number;
  dailyCap?: number | null;
}

/** The procedures of a typical 区役所 lobby. */
export const DEFAULT_SERVICES: SeedService[] = [
  { prefix: 'A', name: { ja: '転入・転居・転出', en: 'Moving in / within / out', zh: '迁入・迁居・迁出', ko: '전입・전거・전출', vi: 'Chuyển đến / chuyển chỗ / chuyển đi', 'ja-easy': '{引|ひ}っ{越|こ}しの{手続|てつづ}き' }, description: { ja: '引っ越しの届出', en: 'Notifications of moving', zh: '搬家申报', ko: '이사 신고', vi: 'Khai báo chuyển nhà', 'ja-easy': '{引|ひ}っ{越|こ}しをした{人|ひと}' }, targetWaitMin: 30, defaultServiceMin: 20 },
  { prefix: 'B', name: { ja: '住民票・戸籍の証明', en: 'Residence & family register certificates', zh: '住民票・户籍证明', ko: '주민표・호적 증명', vi: 'Giấy chứng nhận cư trú / hộ tịch', 'ja-easy': '{住民票|じゅうみんひょう}などの{証明|しょうめい}' }, description: { ja: '住民票の写し・戸籍謄抄本など', en: 'Copies of residence record, koseki', zh: '住民票副本、户籍誊本等', ko: '주민표 사본, 호적 등본 등', vi: 'Bản sao phiếu cư trú, hộ tịch', 'ja-easy': '{住民票|じゅうみんひょう}の{紙|かみ}がほしい' }, targetWaitMin: 15, defaultServiceMin: 5 },
  { prefix: 'C', name: { ja: '印鑑登録', en: 'Seal registration', zh: '印章登记', ko: '인감 등록', vi: 'Đăng ký con dấu', 'ja-easy': 'はんこの{登録|とうろく}' }, description: { ja: '印鑑登録・証明書', en: 'Register a seal, seal certificates', zh: '印章登记及证明', ko: '인감 등록・증명서', vi: 'Đăng ký và chứng nhận con dấu', 'ja-easy': 'はんこを{登録|とうろく}する' }, targetWaitMin: 15, defaultServiceMin: 8 },
  { prefix: 'D', name: { ja: 'マイナンバーカード', en: 'My Number Card', zh: '个人编号卡', ko: '마이넘버 카드', vi: 'Thẻ My Number', 'ja-easy': 'マイナンバーカード' }, description: { ja: '交付・暗証番号・電子証明書', en: 'Pick-up, PIN, e-certificates', zh: '领取・密码・电子证书', ko: '교부・비밀번호・전자증명서', vi: 'Nhận thẻ, mã PIN, chứng thư điện tử', 'ja-easy': 'カードを{受|う}け{取|と}る・{番号|ばんごう}を{変|か}える' }, targetWaitMin: 30, defaultServiceMin: 15 },
  { prefix: 'E', name: { ja: '国民健康保険・年金', en: 'Health insurance & pension', zh: '国民健康保险・年金', ko: '국민건강보험・연금', vi: 'Bảo hiểm y tế quốc dân / lương hưu', 'ja-easy': '{健康保険|けんこうほけん}・{年金|ねんきん}' }, description: { ja: '加入・脱退・保険証', en: 'Join, leave, insurance cards', zh: '加入・退出・保险证', ko: '가입・탈퇴・보험증', vi: 'Tham gia, rút, thẻ bảo hiểm', 'ja-easy': '{保険|ほけん}に{入|はい}る・やめる' }, targetWaitMin: 30, defaultServiceMin: 12 },
  { prefix: 'F', name: { ja: '児童手当・子育て', en: 'Child allowance & child care', zh: '儿童津贴・育儿', ko: '아동수당・육아', vi: 'Trợ cấp trẻ em / nuôi con', 'ja-easy': '{子|こ}どものお{金|かね}・{子育|こそだ}て' }, description: { ja: '児童手当・医療費助成・保育', en: 'Allowance, medical aid, day care', zh: '儿童津贴・医疗补助・保育', ko: '아동수당・의료비 지원・보육', vi: 'Trợ cấp, hỗ trợ y tế, nhà trẻ', 'ja-easy': '{子|こ}どものお{金|かね}・{保育園|ほいくえん}' }, targetWaitMin: 30, defaultServiceMin: 15 },
  { prefix: 'G', name: { ja: '税の証明', en: 'Tax certificates', zh: '税务证明', ko: '세금 증명', vi: 'Giấy chứng nhận thuế', 'ja-easy': '{税金|ぜいきん}の{証明|しょうめい}' }, description: { ja: '所得・課税・納税証明', en: 'Income, taxation and payment certificates', zh: '所得・课税・纳税证明', ko: '소득・과세・납세 증명', vi: 'Chứng nhận thu nhập, thuế', 'ja-easy': '{税金|ぜいきん}の{紙|かみ}がほしい' }, targetWaitMin: 15, defaultServiceMin: 5 },
];

/** Counter label → prefixes served, in order of preference. */
export const DEFAULT_COUNTERS: [string, string[]][] = [
  ['1', ['A', 'B']],
  ['2', ['A', 'B']],
  ['3', ['A']],
  ['4', ['B', 'C', 'G']],
  ['5', ['B', 'C']],
  ['6', ['D']],
  ['7', ['D', 'C']],
  ['8', ['E']],
  ['9', ['E', 'F']],
  ['10', ['F']],
  ['11', ['G', 'B']],
];

export const DEFAULT_HOURS: OfficeHours = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
export const DEFAULT_POLICY: CallPolicy = { normalPerPriority: 2, maxWaitMin: 120, recallsBeforeNoShow: 1 };
export const DEFAULT_ANNOUNCEMENT = {
  ja: '{number}番の方、{counter}番窓口へお越しください。{number}番の方、{counter}番窓口へお越しください。',
  en: 'Number {number}, please come to counter {counter}.',
  english: false,
};

export interface SeedOfficeOptions {
  id: string;
  name: LocalizedText;
  hours?: OfficeHours | null;
  policy?: Partial<CallPolicy>;
  services?: SeedService[];
  counters?: [string, string[]][];
  timezone?: string;
  sortOrder?: number;
}

/** Insert an office with its services and counters. Ids: `${office}-${prefix}`, `${office}-c${label}`. */
export function seedOffice(db: DB, o: SeedOfficeOptions, now = Date.now()): void {
  const services = o.services ?? DEFAULT_SERVICES;
  const counters = o.counters ?? DEFAULT_COUNTERS;
  db.transaction(() => {
    db.prepare(`INSERT INTO offices (id, name_json, timezone, hours_json, policy_json, kiosk_priority, ticker, announcement_json, sort_order, created_at)
      VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`).run(
      o.id, JSON.stringify(o.name), o.timezone ?? 'Asia/Tokyo', o.hours === null ? null : JSON.stringify(o.hours ?? DEFAULT_HOURS),
      JSON.stringify({ ...DEFAULT_POLICY, ...o.policy }), 'ご用件の番号札をお取りになり、呼出までお待ちください。', JSON.stringify(DEFAULT_ANNOUNCEMENT), o.sortOrder ?? 0, now,
    );
    const insService = db.prepare(`INSERT INTO services (id, office_id, prefix, name_json, description_json, number_start, number_end, daily_cap, target_wait_min, default_service_min, sort_order)
      VALUES (?, ?, ?, ?, ?, 1, 999, ?, ?, ?, ?)`);
    services.forEach((s, i) => insService.run(`${o.id}-${s.prefix}`, o.id, s.prefix, JSON.stringify(s.name), JSON.stringify(s.description), s.dailyCap ?? null, s.targetWaitMin, s.defaultServiceMin, i));
    const insCounter = db.prepare('INSERT INTO counters (id, office_id, label, name_json, sort_order) VALUES (?, ?, ?, ?, ?)');
    const insLink = db.prepare('INSERT INTO counter_services (counter_id, service_id, position) VALUES (?, ?, ?)');
    counters.forEach(([label, prefixes], i) => {
      const id = `${o.id}-c${label}`;
      insCounter.run(id, o.id, label, JSON.stringify({ ja: `${label}番窓口`, en: `Counter ${label}` }), i);
      prefixes.forEach((p, j) => insLink.run(id, `${o.id}-${p}`, j));
    });
  })();
}

export function newDeviceToken(): string {
  return randomBytes(24).toString('base64url');
}

export function insertDevice(db: DB, d: { id: string; officeId: string; kind: 'kiosk' | 'display'; name: string; token?: string; config?: Record<string, unknown> }, now = Date.now()): string {
  const token = d.token ?? newDeviceToken();
  db.prepare('INSERT INTO devices (id, office_id, kind, name, token, config_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(d.id, d.officeId, d.kind, d.name, token, JSON.stringify(d.config ?? {}), now);
  return token;
}

export async function insertStaff(db: DB, s: { id: string; login: string; name: string; role: 'clerk' | 'supervisor' | 'admin'; officeId: string | null; password: string; passwordHash?: string; mustChangePassword?: boolean }, now = Date.now()): Promise<void> {
  const hash = s.passwordHash ?? (await hashPassword(s.password));
  db.prepare('INSERT INTO staff (id, office_id, login, name, role, password_hash, created_at, password_changed_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(s.id, s.officeId, s.login, s.name, s.role, hash, now, now, s.mustChangePassword ? 1 : 0);
}

export interface SeededAccount {
  login: string;
  role: 'clerk' | 'supervisor' | 'admin';
  /** The first-run password (printed once), or null when it came from the environment (not printed). */
  password: string | null;
  /** Must change it at first sign-in (a generated admin password). */
  mustChange: boolean;
}

export interface DefaultSeed {
  officeId: string;
  /** The admin's first-run password (every account's, when one password was given as a string). */
  password: string;
  kioskToken: string;
  displayToken: string;
  logins: string[];
  accounts: SeededAccount[];
}

/**
 * First-run passwords. `admin`: MADOGUCHI_ADMIN_PASSWORD, else generated — and then it must be
 * changed at first sign-in (printed on the console, so possibly seen by others); a password the
 * operator chose is theirs and is not forced to change. `staff`: MADOGUCHI_STAFF_PASSWORD for every
 * non-admin seeded account (demo, training), else each gets its own generated password.
 */
export interface FirstRunPasswords {
  admin?: string;
  staff?: string;
}

export class FirstRunPasswordError extends Error {}

/** Read and check MADOGUCHI_ADMIN_PASSWORD / MADOGUCHI_STAFF_PASSWORD with the password rules; throws a message for the operator. */
export function firstRunPasswordsFromEnv(env: Record<string, string | undefined>): FirstRunPasswords {
  const admin = env.MADOGUCHI_ADMIN_PASSWORD || undefined;
  const staff = env.MADOGUCHI_STAFF_PASSWORD || undefined;
  const check = (name: string, pw: string, logins: string[]) => {
    for (const login of logins) {
      const problem = passwordProblem(pw, login);
      if (problem) throw new FirstRunPasswordError(`${name} は使えません / ${name} is refused: ${PASSWORD_PROBLEM_TEXT[problem]}`);
    }
  };
  if (admin) check('MADOGUCHI_ADMIN_PASSWORD', admin, ['admin']);
  if (staff) {
    check('MADOGUCHI_STAFF_PASSWORD', staff, DEFAULT_STAFF.filter((s) => s.role !== 'admin').map((s) => s.login));
    if (staff === admin) throw new FirstRunPasswordError('MADOGUCHI_STAFF_PASSWORD は MADOGUCHI_ADMIN_PASSWORD と別にしてください / MADOGUCHI_STAFF_PASSWORD must differ from MADOGUCHI_ADMIN_PASSWORD (the admin is city-wide).');
  }
  return { admin, staff };
}

const DEFAULT_STAFF = [
  { id: 'admin', login: 'admin', name: '管理者', role: 'admin' as const, office: false },
  { id: 'supervisor', login: 'supervisor', name: '窓口主任', role: 'supervisor' as const, office: true },
  { id: 'clerk1', login: 'clerk1', name: '職員 一郎', role: 'clerk' as const, office: true },
  { id: 'clerk2', login: 'clerk2', name: '職員 二子', role: 'clerk' as const, office: true },
  { id: 'clerk3', login: 'clerk3', name: '職員 三郎', role: 'clerk' as const, office: true },
];

/**
 * First start: the default ward office, its staff and one kiosk and one display. Each account gets
 * its own random password unless given (see FirstRunPasswords). A plain string (the demo scripts)
 * gives every account that one password, as before, with no forced change.
 */
export async function seedDefault(db: DB, passwords: string | FirstRunPasswords = {}): Promise<DefaultSeed> {
  const officeId = 'chuo';
  seedOffice(db, { id: officeId, name: { ja: '中央区役所', en: 'Chuo Ward Office' } });
  const kioskToken = insertDevice(db, { id: 'chuo-kiosk-1', officeId, kind: 'kiosk', name: '1階 発券機' });
  const displayToken = insertDevice(db, { id: 'chuo-display-1', officeId, kind: 'display', name: '1階 呼出表示盤' });
  const accounts: SeededAccount[] = [];
  let adminPassword = '';
  for (const s of DEFAULT_STAFF) {
    const given = typeof passwords === 'string' ? passwords : s.role === 'admin' ? passwords.admin : passwords.staff;
    const password = given ?? generatePassword();
    const mustChange = typeof passwords !== 'string' && s.role === 'admin' && given === undefined;
    await insertStaff(db, { id: s.id, login: s.login, name: s.name, role: s.role, officeId: s.office ? officeId : null, password, mustChangePassword: mustChange });
    if (s.role === 'admin') adminPassword = password;
    accounts.push({ login: s.login, role: s.role, password: given === undefined ? password : null, mustChange });
  }
  return { officeId, password: adminPassword, kioskToken, displayToken, logins: accounts.map((a) => a.login), accounts };
}
