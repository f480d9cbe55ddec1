import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { StaffInfo, Whoami } from '../common/types.js';
import { api, ApiError } from './api.js';

/**
 * The signed-in staff member (cookie session), or null; `refresh` after login/logout.
 * `mustChangePassword`: a first-run password — the server allows nothing but changing it.
 */
export function useStaff(): { staff: StaffInfo | null; mustChangePassword: boolean; loading: boolean; refresh: () => void; logout: () => Promise<void> } {
  const [staff, setStaff] = useState<StaffInfo | null>(null);
  const [mustChangePassword, setMustChange] = useState(false);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(() => {
    setLoading(true);
    api<Whoami>('GET', '/api/auth/me')
      .then((w) => {
        setStaff(w.kind === 'staff' ? w.staff : null);
        setMustChange(w.kind === 'staff' && !!w.mustChangePassword);
      })
      .catch(() => setStaff(null))
      .finally(() => setLoading(false));
  }, []);
  useEffect(refresh, [refresh]);
  const logout = async () => {
    await api('POST', '/api/auth/logout', {}).catch(() => undefined);
    setStaff(null);
    setMustChange(false);
  };
  return { staff, mustChangePassword, loading, refresh, logout };
}

/** Staff sign-in form (Japanese first, English beside). */
export function SignIn({ onSignedIn, title, notice }: { onSignedIn: (s: StaffInfo) => void; title: string; notice?: string | null }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ staff: StaffInfo }>('POST', '/api/auth/login', { login, password });
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
