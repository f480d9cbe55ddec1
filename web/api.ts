import type { CommandResult, Reply } from '../common/events.js';
import type { CommandInput, CommandName } from '../common/schemas.js';
import { errorMessage, type ErrorBody } from '../common/errors.js';

/** Browser side of the contract: fetch JSON, one error shape, a command id on every command. */

export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

const DEVICE_KEY = 'madoguchi.deviceToken';

/** A kiosk or display is paired by opening `/<page>/?device=<token>` once; the token is remembered. */
export function deviceToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('device');
  if (fromUrl) {
    localStorage.setItem(DEVICE_KEY, fromUrl);
    const url = new URL(location.href);
    url.searchParams.delete('device');
    history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return localStorage.getItem(DEVICE_KEY);
}

export function newCommandId(): string {
  return crypto.randomUUID();
}

export async function api<T>(method: string, path: string, body?: unknown, opts: { device?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  if (opts.device) headers.Authorization = `Bearer ${opts.device}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError('NETWORK', 'サーバーに接続できません。', 0);
  }
  const json = (await res.json().catch(() => null)) as Reply<T> | null;
  if (!json) throw new ApiError('INTERNAL', errorMessage('INTERNAL'), res.status);
  if ('error' in json) throw new ApiError(json.error.code, json.error.message, res.status);
  return json.data;
}

/** Unwrap a socket ack. */
export function unwrap<T>(reply: Reply<T>): T {
  if ('error' in reply) throw new ApiError((reply as ErrorBody).error.code, (reply as ErrorBody).error.message, 0);
  return reply.data;
}

export type { CommandInput, CommandName, CommandResult };
