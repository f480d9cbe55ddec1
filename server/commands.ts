import { AppError } from '../common/errors.js';
import type { CommandResult } from '../common/events.js';
import { commandSchemas, type AnyCommand, type CommandName } from '../common/schemas.js';
import { COMMAND_ROUTES } from './access.js';
import type { AppContext } from './context.js';
import { actorOf, assertOfficeAccess, roleOf } from './http/auth.js';
import type { Principal } from './auth/sessions.js';

/**
 * The single path every command takes, whatever the transport: validate → authorize → engine.
 * Throws AppError; the transport turns it into its reply.
 */
export function runCommand(ctx: AppContext, principal: Principal, name: CommandName, raw: unknown): CommandResult {
  const cmd = admit(ctx, principal, name, raw);
  return ctx.engine.execute(actorOf(principal), cmd, (officeId) => assertOfficeAccess(principal, officeId));
}

/**
 * The same path through the engine's group commit (transports use this): validation and role
 * check at once, then the command shares a transaction with others of the same moment; the
 * promise settles after the COMMIT.
 */
export function submitCommand(ctx: AppContext, principal: Principal, name: CommandName, raw: unknown): Promise<CommandResult> {
  const cmd = admit(ctx, principal, name, raw);
  return ctx.engine.submit(actorOf(principal), cmd, (officeId) => assertOfficeAccess(principal, officeId));
}

/** Role check, payload validation and the kiosk issue limit, before anything reaches the engine. */
function admit(ctx: AppContext, principal: Principal, name: CommandName, raw: unknown): AnyCommand {
  const route = COMMAND_ROUTES.find((r) => r.name === name);
  if (!route) throw new AppError('NOT_FOUND');
  const role = roleOf(principal);
  if (!route.roles.includes(role)) throw new AppError(role === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  const parsed = commandSchemas[name].safeParse(raw);
  if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const cmd = { name, payload: parsed.data } as AnyCommand;
  // A kiosk cannot flood the queue: a token bucket per device, refused before anything is issued.
  // A retry of a command already done is a replay, not a new ticket: it costs no token.
  if (name === 'ticket:issue' && principal.kind === 'device' && ctx.kioskIssueLimiter && !ctx.engine.isReplay(actorOf(principal), cmd.payload.commandId)) {
    ctx.kioskIssueLimiter.takeOrThrow(principal.device.id);
  }
  return cmd;
}
