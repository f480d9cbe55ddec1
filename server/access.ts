import type { CommandName } from '../common/schemas.js';
import type { ActorRole } from '../common/types.js';

/**
 * The one table of who may do what. Every HTTP route and socket event is listed here with the
 * roles allowed; the HTTP router and the socket layer both read it, and a test walks it for every
 * role. Supervisors and admins may do what clerks do.
 */
export const ROLES: ActorRole[] = ['none', 'kiosk', 'display', 'clerk', 'supervisor', 'admin'];
export const ANYONE: ActorRole[] = ROLES;
export const STAFF: ActorRole[] = ['clerk', 'supervisor', 'admin'];
export const MANAGERS: ActorRole[] = ['supervisor', 'admin'];
export const ADMINS: ActorRole[] = ['admin'];
export const DEVICES: ActorRole[] = ['kiosk', 'display'];

export interface CommandRoute {
  name: CommandName;
  /** Express path; `:param`s are merged into the payload. */
  path: string;
  roles: ActorRole[];
}

export const COMMAND_ROUTES: CommandRoute[] = [
  { name: 'ticket:issue', path: '/api/offices/:officeId/tickets', roles: ['kiosk', ...STAFF] },
  { name: 'counter:open', path: '/api/counters/:counterId/open', roles: STAFF },
  { name: 'counter:pause', path: '/api/counters/:counterId/pause', roles: STAFF },
  { name: 'counter:resume', path: '/api/counters/:counterId/resume', roles: STAFF },
  { name: 'counter:close', path: '/api/counters/:counterId/close', roles: STAFF },
  { name: 'counter:call-next', path: '/api/counters/:counterId/call-next', roles: STAFF },
  { name: 'counter:call', path: '/api/counters/:counterId/call', roles: STAFF },
  { name: 'counter:recall', path: '/api/counters/:counterId/recall', roles: STAFF },
  { name: 'counter:no-show', path: '/api/counters/:counterId/no-show', roles: STAFF },
  { name: 'counter:start', path: '/api/counters/:counterId/start', roles: STAFF },
  { name: 'counter:done', path: '/api/counters/:counterId/done', roles: STAFF },
  { name: 'counter:transfer', path: '/api/counters/:counterId/transfer', roles: STAFF },
  { name: 'counter:return', path: '/api/counters/:counterId/return', roles: STAFF },
  { name: 'counter:hold', path: '/api/counters/:counterId/hold', roles: STAFF },
  { name: 'step:resume', path: '/api/steps/:stepId/resume', roles: STAFF },
  { name: 'step:move', path: '/api/steps/:stepId/move', roles: MANAGERS },
  { name: 'ticket:cancel', path: '/api/tickets/:ticketId/cancel', roles: MANAGERS },
  { name: 'office:close-day', path: '/api/offices/:officeId/close-day', roles: MANAGERS },
  // Whole visits (issue 16): change a journey's remaining legs; 交付 stage.
  { name: 'ticket:plan', path: '/api/tickets/:ticketId/plan', roles: STAFF },
  { name: 'counter:processing', path: '/api/counters/:counterId/processing', roles: STAFF },
  { name: 'ticket:ready', path: '/api/tickets/:ticketId/ready', roles: STAFF },
];

export interface QueryRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  roles: ActorRole[];
  /** An example path with ids filled in, for the role test and the docs. */
  example: string;
}

/** Routes other than commands. Routers register handlers by (method, path); unlisted ones refuse to register. */
export const QUERY_ROUTES: QueryRoute[] = [
  { method: 'GET', path: '/api/health', roles: ANYONE, example: '/api/health' },
  { method: 'POST', path: '/api/auth/login', roles: ANYONE, example: '/api/auth/login' },
  { method: 'POST', path: '/api/auth/logout', roles: STAFF, example: '/api/auth/logout' },
  { method: 'GET', path: '/api/auth/me', roles: ANYONE, example: '/api/auth/me' },
  { method: 'GET', path: '/api/public/offices', roles: ANYONE, example: '/api/public/offices' },
  { method: 'GET', path: '/api/public/offices/:officeId/status', roles: ANYONE, example: '/api/public/offices/{office}/status' },
  { method: 'GET', path: '/api/public/tickets/:token', roles: ANYONE, example: '/api/public/tickets/{token}' },
  // office calendar (issues 12, 15): public days; the admin's dated entries and year-end closure
  { method: 'GET', path: '/api/public/offices/:officeId/calendar', roles: ANYONE, example: '/api/public/offices/{office}/calendar' },
  { method: 'GET', path: '/api/admin/offices/:officeId/calendar', roles: ADMINS, example: '/api/admin/offices/{office}/calendar' },
  { method: 'PUT', path: '/api/admin/offices/:officeId/calendar/:date', roles: ADMINS, example: '/api/admin/offices/{office}/calendar/2027-03-28' },
  { method: 'DELETE', path: '/api/admin/offices/:officeId/calendar/:date', roles: ADMINS, example: '/api/admin/offices/{office}/calendar/2027-03-28' },
  { method: 'PUT', path: '/api/admin/offices/:officeId/calendar-settings', roles: ADMINS, example: '/api/admin/offices/{office}/calendar-settings' },
  // busy-season planning (issue 12): forecast, backtest, counters advice, what-if, saved plans, 混雑予想カレンダー
  { method: 'GET', path: '/api/plan/offices/:officeId/forecast', roles: MANAGERS, example: '/api/plan/offices/{office}/forecast' },
  { method: 'GET', path: '/api/plan/offices/:officeId/backtest', roles: MANAGERS, example: '/api/plan/offices/{office}/backtest' },
  { method: 'POST', path: '/api/plan/offices/:officeId/advice', roles: MANAGERS, example: '/api/plan/offices/{office}/advice' },
  { method: 'POST', path: '/api/plan/offices/:officeId/whatif', roles: MANAGERS, example: '/api/plan/offices/{office}/whatif' },
  { method: 'GET', path: '/api/plan/offices/:officeId/plans', roles: MANAGERS, example: '/api/plan/offices/{office}/plans' },
  { method: 'POST', path: '/api/plan/offices/:officeId/plans', roles: MANAGERS, example: '/api/plan/offices/{office}/plans' },
  { method: 'PUT', path: '/api/plan/plans/:planId', roles: MANAGERS, example: '/api/plan/plans/{plan}' },
  { method: 'DELETE', path: '/api/plan/plans/:planId', roles: MANAGERS, example: '/api/plan/plans/{plan}' },
  { method: 'GET', path: '/api/plan/offices/:officeId/crowding', roles: MANAGERS, example: '/api/plan/offices/{office}/crowding' },
  { method: 'GET', path: '/api/plan/offices/:officeId/crowding/versions', roles: MANAGERS, example: '/api/plan/offices/{office}/crowding/versions' },
  { method: 'POST', path: '/api/plan/offices/:officeId/crowding/publish', roles: MANAGERS, example: '/api/plan/offices/{office}/crowding/publish' },
  { method: 'GET', path: '/api/public/offices/:officeId/crowding', roles: ANYONE, example: '/api/public/offices/{office}/crowding' },
  { method: 'GET', path: '/api/admin/offices/:officeId/translations', roles: ADMINS, example: '/api/admin/offices/{office}/translations' },
  { method: 'GET', path: '/api/offices/:officeId/snapshot', roles: STAFF, example: '/api/offices/{office}/snapshot' },
  { method: 'GET', path: '/api/device/me', roles: DEVICES, example: '/api/device/me' },
  { method: 'PUT', path: '/api/offices/:officeId/ticker', roles: MANAGERS, example: '/api/offices/{office}/ticker' },
  // admin (issue 7): configuration, staff, devices, audit log. Supervisors keep only the ticker (above).
  { method: 'POST', path: '/api/auth/password', roles: STAFF, example: '/api/auth/password' },
  { method: 'GET', path: '/api/admin/offices', roles: ADMINS, example: '/api/admin/offices' },
  { method: 'POST', path: '/api/admin/offices', roles: ADMINS, example: '/api/admin/offices' },
  { method: 'GET', path: '/api/admin/offices/:officeId', roles: ADMINS, example: '/api/admin/offices/{office}' },
  { method: 'PATCH', path: '/api/admin/offices/:officeId', roles: ADMINS, example: '/api/admin/offices/{office}' },
  { method: 'POST', path: '/api/admin/offices/:officeId/services', roles: ADMINS, example: '/api/admin/offices/{office}/services' },
  { method: 'PATCH', path: '/api/admin/services/:serviceId', roles: ADMINS, example: '/api/admin/services/{service}' },
  { method: 'POST', path: '/api/admin/offices/:officeId/counters', roles: ADMINS, example: '/api/admin/offices/{office}/counters' },
  { method: 'PATCH', path: '/api/admin/counters/:counterId', roles: ADMINS, example: '/api/admin/counters/{counter}' },
  { method: 'POST', path: '/api/admin/offices/:officeId/devices', roles: ADMINS, example: '/api/admin/offices/{office}/devices' },
  { method: 'POST', path: '/api/admin/devices/:deviceId/revoke', roles: ADMINS, example: '/api/admin/devices/{device}/revoke' },
  { method: 'POST', path: '/api/admin/busy-seasons', roles: ADMINS, example: '/api/admin/busy-seasons' },
  { method: 'DELETE', path: '/api/admin/busy-seasons/:seasonId', roles: ADMINS, example: '/api/admin/busy-seasons/{id}' },
  { method: 'GET', path: '/api/admin/staff', roles: ADMINS, example: '/api/admin/staff' },
  { method: 'POST', path: '/api/admin/staff', roles: ADMINS, example: '/api/admin/staff' },
  { method: 'PATCH', path: '/api/admin/staff/:staffId', roles: ADMINS, example: '/api/admin/staff/{staff}' },
  { method: 'POST', path: '/api/admin/staff/:staffId/password', roles: ADMINS, example: '/api/admin/staff/{staff}/password' },
  { method: 'GET', path: '/api/admin/staff/:staffId/sessions', roles: ADMINS, example: '/api/admin/staff/{staff}/sessions' },
  { method: 'POST', path: '/api/admin/staff/:staffId/sessions/revoke', roles: ADMINS, example: '/api/admin/staff/{staff}/sessions/revoke' },
  { method: 'GET', path: '/api/admin/audit', roles: ADMINS, example: '/api/admin/audit' },
  { method: 'GET', path: '/api/admin/audit.csv', roles: ADMINS, example: '/api/admin/audit.csv' },
  // Receipt printing (issue 3, server/print/): a kiosk prints its ticket on its own network printer.
  { method: 'GET', path: '/api/print/printer', roles: ['kiosk'], example: '/api/print/printer' },
  { method: 'POST', path: '/api/print/tickets/:token', roles: ['kiosk'], example: '/api/print/tickets/{token}' },
  // reports (server/reports): figures, busy-season comparison, CSV/XLSX exports; office scope checked per office
  { method: 'GET', path: '/api/reports/summary', roles: MANAGERS, example: '/api/reports/summary?offices={office}&from=2026-03-01&to=2026-03-31' },
  { method: 'GET', path: '/api/reports/busy-season', roles: MANAGERS, example: '/api/reports/busy-season?offices={office}' },
  { method: 'GET', path: '/api/reports/summary.csv', roles: MANAGERS, example: '/api/reports/summary.csv?offices={office}&from=2026-03-01&to=2026-03-31&by=service' },
  { method: 'GET', path: '/api/reports/summary.xlsx', roles: MANAGERS, example: '/api/reports/summary.xlsx?offices={office}&from=2026-03-01&to=2026-03-31' },
  { method: 'GET', path: '/api/reports/busy-season.csv', roles: MANAGERS, example: '/api/reports/busy-season.csv?offices={office}' },
  { method: 'GET', path: '/api/reports/steps.csv', roles: MANAGERS, example: '/api/reports/steps.csv?offices={office}&from=2026-03-01&to=2026-03-31' },
  { method: 'GET', path: '/api/reports/busy-season.xlsx', roles: MANAGERS, example: '/api/reports/busy-season.xlsx?offices={office}' },
  // history import (issue 14, server/history): past steps from a previous system or another office's server
  { method: 'POST', path: '/api/admin/history/preview', roles: ADMINS, example: '/api/admin/history/preview' },
  { method: 'POST', path: '/api/admin/history/import', roles: ADMINS, example: '/api/admin/history/import' },
  { method: 'GET', path: '/api/admin/history/batches', roles: ADMINS, example: '/api/admin/history/batches' },
  { method: 'DELETE', path: '/api/admin/history/batches/:batchId', roles: ADMINS, example: '/api/admin/history/batches/{id}' },
  { method: 'GET', path: '/api/admin/history/mappings', roles: ADMINS, example: '/api/admin/history/mappings' },
  { method: 'PUT', path: '/api/admin/history/mappings/:name', roles: ADMINS, example: '/api/admin/history/mappings/{name}' },
  { method: 'DELETE', path: '/api/admin/history/mappings/:name', roles: ADMINS, example: '/api/admin/history/mappings/{name}' },
  // Whole visits (issue 16, server/visits, server/notify)
  { method: 'GET', path: '/api/reports/visits', roles: MANAGERS, example: '/api/reports/visits?offices={office}&from=2026-03-01&to=2026-03-31' },
  { method: 'GET', path: '/api/public/tickets/:token/notify', roles: ANYONE, example: '/api/public/tickets/{token}/notify' },
  { method: 'PUT', path: '/api/public/tickets/:token/notify', roles: ANYONE, example: '/api/public/tickets/{token}/notify' },
  { method: 'DELETE', path: '/api/public/tickets/:token/notify', roles: ANYONE, example: '/api/public/tickets/{token}/notify' },
  { method: 'GET', path: '/api/offices/:officeId/notify', roles: STAFF, example: '/api/offices/{office}/notify' },
];

export interface SocketRoute {
  event: string;
  roles: ActorRole[];
}

export const SOCKET_ROUTES: SocketRoute[] = [
  { event: 'office:subscribe', roles: ANYONE },
  { event: 'session:whoami', roles: ANYONE },
  // Lobby display voice health (issue 11): a display reports, staff read it on the floor.
  { event: 'display:voice', roles: ['display'] },
  { event: 'display:voice-status', roles: STAFF },
  ...COMMAND_ROUTES.map((c) => ({ event: c.name, roles: c.roles })),
];

export function queryRoute(method: QueryRoute['method'], path: string): QueryRoute {
  const r = QUERY_ROUTES.find((q) => q.method === method && q.path === path);
  if (!r) throw new Error(`route ${method} ${path} is not in the access table (server/access.ts)`);
  return r;
}
