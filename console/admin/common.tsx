import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGS, type LocalizedText } from '../../common/types.js';
import { api, ApiError } from '../../web/api.js';

/** Shared pieces of the admin section: API call with a readable error, localized text fields. */

export type T = (key: string) => string;
export function useT(): T {
  const { t } = useTranslation('admin');
  return (k: string) => t(k);
}

/** The message to show for a refused change: the server's Japanese message, then field details. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const details = (err as ApiError & { details?: { path: string; message: string }[] }).details;
    const extra = Array.isArray(details) ? ' ' + details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join(' / ') : '';
    return `${err.message}${extra} [${err.code}]`;
  }
  return String(err);
}

/** Like web/api.ts `api`, but keeps the validation details of a 400 for the form. */
export async function adminApi<R>(method: string, path: string, body?: unknown): Promise<R> {
  if (method === 'GET') return api<R>(method, path);
  const res = await fetch(path, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body ?? {}), credentials: 'same-origin' }).catch(() => null);
  if (!res) throw new ApiError('NETWORK', 'サーバーに接続できません。', 0);
  const json = (await res.json().catch(() => null)) as { data: R } | { error: { code: string; message: string; details?: unknown } } | null;
  if (!json) throw new ApiError('INTERNAL', 'システムエラーが発生しました。', res.status);
  if ('error' in json) throw Object.assign(new ApiError(json.error.code, json.error.message, res.status), { details: json.error.details });
  return json.data;
}

/** Run a change; show "saved" or the refusal. */
export function useSave(onDone?: () => void): { busy: boolean; error: string | null; ok: boolean; run: (fn: () => Promise<unknown>) => Promise<boolean>; reset: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setOk(false);
    try {
      await fn();
      setOk(true);
      onDone?.();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, ok, run, reset: () => { setError(null); setOk(false); } };
}

export function Status({ error, ok }: { error: string | null; ok: boolean }) {
  const t = useT();
  if (error) return <p role="alert" className="adm-error">{error}</p>;
  if (ok) return <p role="status" className="adm-ok">{t('saved')}</p>;
  return null;
}

export function Field({ label, children, help }: { label: string; children: ReactNode; help?: string }) {
  return (
    <label className="adm-field">
      <span className="adm-label">{label}</span>
      {children}
      {help && <small className="adm-help">{help}</small>}
    </label>
  );
}

/** One input per language; Japanese first (required where the server requires it). */
export function LocalizedFields({ label, value, onChange, required = true, name }: { label: string; value: LocalizedText | undefined; onChange: (v: LocalizedText) => void; required?: boolean; name: string }) {
  const t = useT();
  const v = (value ?? { ja: '' }) as Record<string, string | undefined>;
  return (
    <fieldset className="adm-localized">
      <legend>{label}</legend>
      {LANGS.map((l) => (
        <label key={l} className="adm-lang">
          <span>{t(`lang.${l}`)}</span>
          <input
            name={`${name}.${l}`}
            value={v[l] ?? ''}
            required={required && l === 'ja'}
            lang={l === 'ja-easy' ? 'ja' : l}
            onChange={(e) => {
              const next: Record<string, string> = {};
              for (const [k, x] of Object.entries({ ...v, [l]: e.target.value })) if (x || k === 'ja') next[k] = x ?? '';
              onChange(next as LocalizedText);
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

/** "" → null, otherwise a number. */
export const numOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));
export const fmtTime = (ms: number | null) => (ms ? new Date(ms).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' }) : '—');
