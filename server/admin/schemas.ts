import { z } from 'zod';
import { id, newPassword } from '../../common/schemas.js';
import { LANGS, STAFF_ROLES, DEVICE_KINDS } from '../../common/types.js';

/**
 * Validation of every administration change. Strict objects: an unknown field is refused.
 * A patch is checked merged with the current row, so a change that would make the whole
 * configuration invalid (range end before start …) is refused and nothing is written.
 */

const text = (max: number) => z.string().trim().max(max);
const localized = (max: number, required = true) =>
  z.strictObject(Object.fromEntries(LANGS.map((l) => [l, l === 'ja' && required ? text(max).min(1) : text(max).optional()])) as Record<string, z.ZodType>) as unknown as z.ZodType<{ ja: string } & Partial<Record<(typeof LANGS)[number], string>>>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date');

export const hoursSchema = z
  .strictObject({ open: hhmm, close: hhmm, days: z.array(z.int().min(1).max(7)).min(1).max(7) })
  .refine((h) => h.open < h.close, { message: 'close must be after open', path: ['close'] })
  .refine((h) => new Set(h.days).size === h.days.length, { message: 'days repeat', path: ['days'] });

export const policySchema = z.strictObject({
  normalPerPriority: z.int().min(1).max(20).nullable(),
  maxWaitMin: z.int().min(5).max(600).nullable(),
  recallsBeforeNoShow: z.int().min(0).max(5),
});

export const announcementSchema = z
  .strictObject({ ja: text(300).min(1), en: text(300), english: z.boolean(), reading: z.enum(['whole', 'digits']).optional() })
  .refine((a) => a.ja.includes('{number}'), { message: 'the Japanese template must contain {number}', path: ['ja'] })
  .refine((a) => !a.english || a.en.includes('{number}'), { message: 'the English template must contain {number}', path: ['en'] });

export const textsSchema = z.strictObject({
  ticketHeader: localized(80, false).optional(),
  ticketFooter: localized(200, false).optional(),
  displayWelcome: localized(120, false).optional(),
});

export const officePatchSchema = z.strictObject({
  name: localized(60).optional(),
  hours: hoursSchema.nullable().optional(),
  kioskPriority: z.boolean().optional(),
  ticker: text(200).optional(),
  announcement: announcementSchema.optional(),
  policy: policySchema.optional(),
  texts: textsSchema.optional(),
  sortOrder: z.int().min(0).max(9999).optional(),
  /** "Your turn is near" notices (issue 16): e-mail through the SMTP relay, a generic webhook. */
  notify: z.strictObject({ email: z.boolean().optional(), webhookUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional() }).optional(),
});

export const officeCreateSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and -'),
  name: localized(60),
  timezone: z.string().default('Asia/Tokyo').refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone'),
  hours: hoursSchema.nullable().optional(),
});

const serviceFields = {
  prefix: z.string().trim().regex(/^[A-Z]{1,3}$/, '1–3 capital letters'),
  name: localized(60),
  description: localized(120, false),
  numberStart: z.int().min(0).max(9999),
  numberEnd: z.int().min(1).max(9999),
  dailyCap: z.int().min(1).max(9999).nullable(),
  targetWaitMin: z.int().min(1).max(600),
  defaultServiceMin: z.number().min(0.5).max(480),
  kioskVisible: z.boolean(),
  priorityAllowed: z.boolean(),
  active: z.boolean(),
  sortOrder: z.int().min(0).max(9999),
  /** The service's own reception window (issue 15), within the office's hours; null = the office's. */
  hours: z.strictObject({ open: hhmm, close: hhmm }).refine((h) => h.open < h.close, { message: 'closes before it opens', path: ['close'] }).nullable().optional(),
  /** Journeys (issue 16): position in the default order of combinable services; null = not combinable. */
  journeyRank: z.int().min(0).max(999).nullable().optional(),
  /** 交付 stage (issue 16): the pickup service a ready ticket joins; null = none. */
  pickupServiceId: id.nullable().optional(),
};

export const serviceSchema = z
  .strictObject(serviceFields)
  .refine((s) => s.numberEnd >= s.numberStart, { message: 'the number range ends before it starts', path: ['numberEnd'] });
export type ServiceConfig = z.output<typeof serviceSchema>;

export const serviceCreateSchema = z.strictObject({
  ...serviceFields,
  description: serviceFields.description.optional(),
  numberStart: serviceFields.numberStart.default(1),
  numberEnd: serviceFields.numberEnd.default(999),
  dailyCap: serviceFields.dailyCap.default(null),
  targetWaitMin: serviceFields.targetWaitMin.default(30),
  defaultServiceMin: serviceFields.defaultServiceMin.default(10),
  kioskVisible: z.boolean().default(true),
  priorityAllowed: z.boolean().default(true),
  active: z.boolean().default(true),
  sortOrder: serviceFields.sortOrder.optional(),
});
export const servicePatchSchema = z.strictObject(serviceFields).partial();

const counterFields = {
  label: z.string().trim().min(1).max(8),
  name: localized(40),
  serviceIds: z.array(id).max(20).refine((a) => new Set(a).size === a.length, 'a service is listed twice'),
  active: z.boolean(),
  sortOrder: z.int().min(0).max(9999),
};
export const counterCreateSchema = z.strictObject({
  ...counterFields,
  name: counterFields.name.optional(),
  active: z.boolean().default(true),
  sortOrder: counterFields.sortOrder.optional(),
});
export const counterPatchSchema = z.strictObject(counterFields).partial();

export const deviceCreateSchema = z.strictObject({
  kind: z.enum(DEVICE_KINDS),
  name: z.string().trim().min(1).max(60),
});

export const staffCreateSchema = z.strictObject({
  login: z.string().trim().regex(/^[A-Za-z0-9._-]{2,32}$/, '2–32 letters, digits, . _ -'),
  name: z.string().trim().min(1).max(60),
  role: z.enum(STAFF_ROLES),
  officeId: id.nullable(),
  password: newPassword,
});
export const staffPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  officeId: id.nullable().optional(),
  disabled: z.boolean().optional(),
});
export const passwordResetSchema = z.strictObject({ password: newPassword });
export const sessionRevokeSchema = z.strictObject({ sessionId: z.string().regex(/^[0-9a-f]{16}$/).optional() });

export const busySeasonSchema = z
  .strictObject({ officeId: id.nullable(), year: z.int().min(2000).max(2100), startDay: day, endDay: day })
  .refine((b) => b.endDay >= b.startDay, { message: 'the season ends before it starts', path: ['endDay'] });

export const auditQuerySchema = z.strictObject({
  officeId: id.optional(),
  /** A staff id or login. */
  staffId: z.string().trim().min(1).max(64).optional(),
  action: z.string().max(60).optional(),
  from: day.optional(),
  to: day.optional(),
  commands: z.enum(['0', '1']).optional(),
  limit: z.string().regex(/^[1-9][0-9]{0,3}$/, 'a decimal integer').transform(Number).pipe(z.number().max(5000)).optional(),
});
