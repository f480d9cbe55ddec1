import { z } from 'zod';
import { LANGS } from './types.js';

/** Client-made command id (rule 4): any printable token 8–100 chars, typically a UUID. */
export const commandId = z.string().min(8).max(100).regex(/^[A-Za-z0-9._:-]+$/);
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const position = z.enum(['front', 'back']);

/** "A-012", "a12", "A012" → normalised later; letters then digits. */
export const ticketNumber = z.string().trim().min(2).max(12).regex(/^[A-Za-z]{1,3}-?\d{1,4}$/);

const base = { commandId };
/** Most procedures one ticket may plan (the current leg included). */
export const JOURNEY_MAX_LEGS = 5;
const counterBase = { ...base, counterId: id };

/** Every command a client can send, by name. Names are `domain:verb`. */
export const commandSchemas = {
  'ticket:issue': z.strictObject({
    ...base,
    officeId: id,
    serviceId: id,
    priority: z.boolean().default(false),
    priorityReason: z.enum(['pregnant', 'disability', 'elderly', 'child', 'other']).nullable().default(null),
    lang: z.enum(LANGS).default('ja'),
    /** Journey (issue 16): further procedures on the same ticket, after `serviceId`. */
    plan: z.array(id).max(JOURNEY_MAX_LEGS - 1).optional(),
  }),
  'counter:open': z.strictObject(counterBase),
  'counter:pause': z.strictObject(counterBase),
  'counter:resume': z.strictObject(counterBase),
  'counter:close': z.strictObject(counterBase),
  'counter:call-next': z.strictObject(counterBase),
  'counter:call': z.strictObject({ ...counterBase, number: ticketNumber }),
  'counter:recall': z.strictObject(counterBase),
  'counter:no-show': z.strictObject(counterBase),
  'counter:start': z.strictObject(counterBase),
  'counter:done': z.strictObject(counterBase),
  'counter:transfer': z.strictObject({ ...counterBase, serviceId: id, position: position.default('front') }),
  'counter:return': z.strictObject({ ...counterBase, position: position.default('front') }),
  'counter:hold': z.strictObject(counterBase),
  'step:resume': z.strictObject({ ...base, stepId: id, position: position.default('front') }),
  'step:move': z.strictObject({ ...base, stepId: id, serviceId: id, position: position.default('back') }),
  'ticket:cancel': z.strictObject({ ...base, ticketId: id }),
  'office:close-day': z.strictObject({ ...base, officeId: id }),
  // Whole visits (issue 16)
  'ticket:plan': z.strictObject({ ...base, ticketId: id, plan: z.array(id).max(JOURNEY_MAX_LEGS - 1) }),
  'counter:processing': z.strictObject(counterBase),
  'ticket:ready': z.strictObject({ ...base, ticketId: id }),
} as const;

export type CommandName = keyof typeof commandSchemas;
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
export type CommandInput<N extends CommandName> = z.input<(typeof commandSchemas)[N]>;
export type Command<N extends CommandName> = z.output<(typeof commandSchemas)[N]>;
export type AnyCommand = { [N in CommandName]: { name: N; payload: Command<N> } }[CommandName];

export const loginSchema = z.strictObject({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** A new password: up to 256 characters; the rules (≥ 10 characters, deny list) are checked by the server: WEAK_PASSWORD. */
export const newPassword = z.string().min(1).max(256);

/** Changing one's own password. */
export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword,
});

/** The display ticker line a supervisor sets (empty clears it). */
export const tickerSchema = z.strictObject({
  ticker: z.string().trim().max(200),
});

/** `deltas`: a staff socket then gets `office:staff-delta` events after the first snapshot (issue 17); ignored for public sockets. */
export const subscribeSchema = z.strictObject({ officeId: id, deltas: z.boolean().optional() });

/** A display reports how its last announcement went (`display:voice`). */
export const displayVoiceSchema = z.strictObject({
  ok: z.boolean(),
  reason: z.enum(['failed', 'unavailable']).nullable().default(null),
  callId: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  display: z.string().trim().max(12).regex(/^[A-Za-z0-9-]*$/).nullable().default(null),
  at: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type DisplayVoiceReport = z.output<typeof displayVoiceSchema>;

/** Parse "a12" / "A-012" / "A012" into prefix and number. */
export function parseTicketNumber(text: string): { prefix: string; number: number } | null {
  const m = /^([A-Za-z]{1,3})-?(\d{1,4})$/.exec(text.trim());
  if (!m) return null;
  return { prefix: m[1]!.toUpperCase(), number: Number(m[2]) };
}

export function formatTicketNumber(prefix: string, number: number): string {
  return `${prefix}-${String(number).padStart(3, '0')}`;
}
