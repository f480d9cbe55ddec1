import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { StaffInfo, Whoami } from '../common/types.js';
import { api, ApiError } from './api.js';

/**
 * The signed-in staff member (cookie session), or null; `refresh` after login/logout.
 * `mustChangePassword`: a first-run password — the server allows nothing but changing it. Only a
 * screen that offers the change (`passwordChange: true`, the console) sees such a session at all.
 */
export function useStaff(opts: { passwordChange?: boolean } = {}): { staff: StaffInfo | null; mustChangePassword: boolean; loading: boolean; refresh: () => void; logout: () => Promise<void> } {
  const handles = !!opts.passwordChange;
  const [staff, setStaff] = useState<StaffInfo | null>(null);
  const [mustChangePassword, setMustChange] = useState(false);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(() => {
    setLoading(true);
    api<Whoami>('GET', '/api/auth/me')
      .then((w) => {
        // A screen that cannot change a first-run password (the counter) treats such a session as signed out.
        const must = w.kind === 'staff' && !!w.mustChangePassword;
        setStaff(w.kind === 'staff' && (handles || !must) ? w.staff : null);
        setMustChange(must && handles);
      })
      .catch(() => setStaff(null))
      .finally(() => setLoading(false));
  }, [handles]);
  useEffect(refresh, [refresh]);
  const logout = async () => {
    await api('POST', '/api/auth/logout', {}).catch(() => undefined);
    setStaff(null);
    setMustChange(false);
  };
  return { staff, mustChangePassword, loading, refresh, logout };
}

/** Staff sign-in form (Japanese first, English beside). */
export function SignIn({ onSignedIn, title, notice, passwordChange = false }: { onSignedIn: (s: StaffInfo) => void; title: string; notice?: string | null; passwordChange?: boolean }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ staff: StaffInfo; mustChangePassword?: boolean }>('POST', '/api/auth/login', { login, password });
      if (r.mustChangePassword && !passwordChange) {
        await api('POST', '/api/auth/logout', {}).catch(() => undefined);
        setError('初期パスワードの変更が必要です。先に管理画面（/console/）でサインインして変更してください。 Change your first-run password in the office console (/console/) first.');
        return;
      }
      onSignedIn(r.staff);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="signin" onSubmit={submit} aria-label="サインイン Sign in">
      <h1>{title}</h1>
      {notice && <p role="status" className="signin-notice">{notice}</p>}
      <label>
        ログインID <small>Login</small>
        <input name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required autoFocus />
      </label>
      <label>
        パスワード <small>Password</small>
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy}>サインイン <small>Sign in</small></button>
      <p className="signin-help" style={{ margin: 0, fontSize: '0.8rem', color: 'var(--muted)' }}>
        サインインできないときは、管理者にお問い合わせください。
        <small> Cannot sign in? Ask an administrator.</small>
      </p>
    </form>
  );
}
